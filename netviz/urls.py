"""All URLs of netviz; names are prefixed `netviz-`."""

from django.urls import path

from netviz.web import views

urlpatterns = [
    path("", views.home, name="netviz-home"),
]
