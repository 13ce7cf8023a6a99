"""Downloads: the original files byte for byte, and a revision's connectivity per format."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.utils.cache import patch_vary_headers
from django.utils.http import content_disposition_header
from django.utils.text import slugify
from django.views.decorators.http import require_safe

from netviz.web import exports
from netviz.web.access import get_review, get_revision
from netviz.web.compression import cache_immutable, not_modified, revision_etag
from netviz.web.models import UploadedFile

# Extension and media type per export format (the same formats as the CLI).
EXPORTS = {
    "json": ("json", "application/json"),
    "csv": ("csv", "text/csv; charset=utf-8"),
    "md": ("md", "text/markdown; charset=utf-8"),
    "dot": ("dot", "text/vnd.graphviz; charset=utf-8"),
    "text": ("txt", "text/plain; charset=utf-8"),
}


def attachment(content, filename: str, content_type: str) -> HttpResponse:
    """A download of `content` (bytes, or an iterator of bytes, streamed)."""
    if isinstance(content, bytes):
        response = HttpResponse(content, content_type=content_type)
    else:
        response = StreamingHttpResponse(content, content_type=content_type)
    # Quotes the name, RFC 5987-encoding anything outside ASCII.
    response.headers["Content-Disposition"] = content_disposition_header(True, filename)
    return response


@require_safe
def original(request: HttpRequest, token: str, number: int, position: int, name: str):
    # Straight to the file: the revision's stored analysis is not needed here.
    review = get_review(token)
    f = UploadedFile.objects.filter(
        revision__review=review, revision__number=number, position=position
    ).first()
    if f is None:
        raise Http404("No such file")
    etag = f'"{f.sha256}"'
    response = not_modified(request, etag) or attachment(
        bytes(f.content), f.name, "application/octet-stream"
    )
    return cache_immutable(response, etag)


def accepts_gzip(request: HttpRequest) -> bool:
    return "gzip" in request.headers.get("Accept-Encoding", "").lower()


@require_safe
def export(request: HttpRequest, token: str, number: int, fmt: str) -> HttpResponse:
    """The connectivity as the CLI prints it: rendered while streamed the first time, then served
    from the stored gzip (as is to clients that accept gzip, inflated on the fly to others)."""
    review = get_review(token)
    if fmt not in EXPORTS:
        raise Http404("No such format")
    revision = get_revision(review, number)
    ext, content_type = EXPORTS[fmt]
    compressed = accepts_gzip(request)
    etag = revision_etag(revision, fmt, "gzip" if compressed else "")
    unchanged = not_modified(request, etag)
    if unchanged is not None:
        patch_vary_headers(unchanged, ["Accept-Encoding"])
        return unchanged
    found = exports.stored(revision, fmt)
    if found is None:
        body = exports.render(revision, fmt, compressed)
    elif compressed:
        body = bytes(found.gzip)
    else:
        body = exports.decompressed(bytes(found.gzip))
    stem = slugify(review.title) or "netviz"
    response = attachment(body, f"{stem}-rev{number}.{ext}", content_type)
    if compressed:
        response.headers["Content-Encoding"] = "gzip"
    elif found is not None:
        response.headers["Content-Length"] = str(found.size)
    patch_vary_headers(response, ["Accept-Encoding"])
    return cache_immutable(response, etag)
