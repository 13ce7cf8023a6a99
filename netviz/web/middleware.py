"""Refuse oversized request bodies from their Content-Length, before anything reads them."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from netviz.web.services import max_upload_bytes
from netviz.web.views.errors import too_large

# Room for multipart boundaries, headers and the small form fields around the files.
_OVERHEAD = 1024 * 1024


class UploadSizeLimit:
    """Answers 413 with a clear message instead of reading (and then rejecting) a huge body."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        if length > max_upload_bytes() + _OVERHEAD:
            return too_large(request)
        return self.get_response(request)
