from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "netviz.web"
    label = "netviz"
    verbose_name = "netviz"
