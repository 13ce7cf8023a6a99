"""The home page: upload files or paste YAML; a new review, and the browser lands on it."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from netviz.web import links, services
from netviz.web.forms import UploadForm
from netviz.web.views.uploads import bind


def _page(request: HttpRequest, form: UploadForm, status: int = 200, refused=None) -> HttpResponse:
    context = {
        "form": form,
        "refused": refused,
        "limit_mb": settings.NETVIZ_MAX_UPLOAD_MB,
        "deleted": request.GET.get("deleted") == "1",
    }
    return render(request, "home.html", context, status=status)


@require_http_methods(["GET", "HEAD", "POST"])
def home(request: HttpRequest) -> HttpResponse:
    if request.method != "POST":
        return _page(request, UploadForm())
    try:
        form = bind(request, UploadForm)
        if not form.is_valid():
            return _page(request, form, 400)
        _review, _revision, edit_token = services.create_review(
            form.cleaned_data["title"], form.uploads(), pods=form.cleaned_data["pods"]
        )
    except services.UploadRefused as refused:
        # Keep what was pasted so the user can fix it rather than start again.
        text = request.POST.get("text", "") if refused.status != 413 else ""
        title = request.POST.get("title", "") if refused.status != 413 else ""
        form = UploadForm(initial={"text": text, "title": title})
        return _page(request, form, refused.status, refused)
    return redirect(links.edit(edit_token) + "?created=1")
