"""Downloads: the original files byte for byte, and a revision's connectivity per format."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.utils.http import content_disposition_header
from django.utils.text import slugify
from django.views.decorators.http import require_safe

from netviz.web.access import get_review
from netviz.web.models import Export, UploadedFile

# Extension and media type per export format (the same formats as the CLI).
EXPORTS = {
    "json": ("json", "application/json"),
    "csv": ("csv", "text/csv; charset=utf-8"),
    "md": ("md", "text/markdown; charset=utf-8"),
    "dot": ("dot", "text/vnd.graphviz; charset=utf-8"),
    "text": ("txt", "text/plain; charset=utf-8"),
}


def attachment(content: bytes, filename: str, content_type: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    # Quotes the name, RFC 5987-encoding anything outside ASCII.
    response.headers["Content-Disposition"] = content_disposition_header(True, filename)
    response.headers["Cache-Control"] = "private, no-store"
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
    return attachment(bytes(f.content), f.name, "application/octet-stream")


@require_safe
def export(request: HttpRequest, token: str, number: int, fmt: str) -> HttpResponse:
    review = get_review(token)
    export = Export.objects.filter(
        revision__review=review, revision__number=number, format=fmt
    ).first()
    if export is None or fmt not in EXPORTS:
        raise Http404("No such format")
    ext, content_type = EXPORTS[fmt]
    stem = slugify(review.title) or "netviz"
    return attachment(export.content.encode("utf-8"), f"{stem}-rev{number}.{ext}", content_type)
