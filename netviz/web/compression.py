"""Compressed responses and HTTP caching of a revision's immutable data.

BREACH needs a secret and attacker-chosen text in one compressed response, and an attacker who
can make the victim's browser request it. Pages holding a POST form carry a CSRF token (and on
/e/ the edit token), so they are never compressed (netviz.web.middleware.FORM_PAGES). Every other
page's only secret is the view token of its own URL: whoever can make the browser request that URL
already knows the token, so there is nothing left to guess. Django's GZipMiddleware also pads each
gzip header with random bytes (length hiding).
"""

from __future__ import annotations

import hashlib

from django.http import HttpRequest, HttpResponse, HttpResponseNotModified
from django.middleware.gzip import GZipMiddleware
from django.utils.cache import patch_vary_headers

from netviz.web.middleware import FORM_PAGES
from netviz.web.models import Revision

# A year: a revision's data never changes once stored; its URL dies with it (404).
IMMUTABLE = "private, max-age=31536000, immutable"


class Compress(GZipMiddleware):
    """GZipMiddleware for everything but pages with a POST form (see the module docstring)."""

    def process_response(self, request: HttpRequest, response: HttpResponse) -> HttpResponse:
        match = getattr(request, "resolver_match", None)
        if match is not None and match.url_name in FORM_PAGES:
            patch_vary_headers(response, ("Accept-Encoding",))
            return response
        return super().process_response(request, response)


def revision_etag(revision: Revision, *parts: str) -> str:
    """A strong ETag for data derived from this revision only (and `parts`, e.g. a format)."""
    from netviz.web.store import cache_key

    digest = hashlib.sha256(repr((cache_key(revision), parts)).encode()).hexdigest()[:32]
    return f'"{digest}"'


def not_modified(request: HttpRequest, etag: str) -> HttpResponse | None:
    """304 when the browser already holds this ETag's body."""
    asked = request.headers.get("If-None-Match", "")
    held = {t.strip().removeprefix("W/") for t in asked.split(",")}
    if etag in held or "*" in held:
        response = HttpResponseNotModified()
        cache_immutable(response, etag)
        return response
    return None


def cache_immutable(response: HttpResponse, etag: str) -> HttpResponse:
    response.headers["ETag"] = etag
    response.headers["Cache-Control"] = IMMUTABLE
    return response
