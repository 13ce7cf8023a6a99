"""Request guards and response headers: oversized bodies refused early, security headers on every
response (CSP without inline script, Referrer-Policy)."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from netviz.web.services import max_upload_bytes
from netviz.web.views.errors import too_large

# Room for multipart boundaries, headers and the small form fields around the files.
_OVERHEAD = 1024 * 1024

CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)

# Pages that hold a POST form. With `no-referrer` browsers send `Origin: null` on the form's POST
# and Django's CSRF check refuses it, so these pages (and the form posts that re-render them) get
# `same-origin`: the URL, token included, still goes to this site only, never to another.
FORM_PAGES = frozenset(
    {
        "netviz-home",
        "netviz-edit",
        "netviz-rename",
        "netviz-add-revision",
        "netviz-delete",
        "netviz-retry",
    }
)
REFERRER_POLICY = "no-referrer"
FORM_REFERRER_POLICY = "same-origin"


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


class SecurityHeaders:
    """Content-Security-Policy on every response; Referrer-Policy `no-referrer` except on pages
    with a POST form. Placed after Django's SecurityMiddleware, which then leaves both alone."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        match = getattr(request, "resolver_match", None)
        form_page = match is not None and match.url_name in FORM_PAGES
        response.headers["Referrer-Policy"] = FORM_REFERRER_POLICY if form_page else REFERRER_POLICY
        return response
