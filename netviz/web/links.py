"""Every URL of a review, built in one place (relative for pages, absolute for JSON and the API)."""

from __future__ import annotations

from django.http import HttpRequest
from django.urls import reverse
from django.utils.http import urlencode

from netviz.web.edges import slug
from netviz.web.models import Review, Revision, UploadedFile


def review(r: Review) -> str:
    return reverse("netviz-review", args=[r.view_token])


def review_json(r: Review) -> str:
    return reverse("netviz-review-json", args=[r.view_token])


def revision(r: Review, number: int) -> str:
    return reverse("netviz-revision", args=[r.view_token, number])


def revision_json(r: Review, number: int) -> str:
    return reverse("netviz-revision-json", args=[r.view_token, number])


def export(r: Review, number: int, fmt: str) -> str:
    return reverse("netviz-export", args=[r.view_token, number, fmt])


def original(r: Review, rev: Revision, f: UploadedFile) -> str:
    # The name is for the browser's "save as"; the position is what identifies the file.
    return reverse("netviz-file", args=[r.view_token, rev.number, f.position, f.name])


def diff(r: Review, a: int, b: int) -> str:
    return reverse("netviz-diff", args=[r.view_token, a, b])


def diff_json(r: Review, a: int, b: int) -> str:
    return reverse("netviz-diff-json", args=[r.view_token, a, b])


def diff_export(r: Review, a: int, b: int, fmt: str) -> str:
    return reverse("netviz-diff-export", args=[r.view_token, a, b, fmt])


def edit(edit_token: str) -> str:
    return reverse("netviz-edit", args=[edit_token])


def absolute(request: HttpRequest, url: str) -> str:
    return request.build_absolute_uri(url)


def edge(r: Review, number: int | None, src_id: str, dst_id: str) -> str:
    """One pair's explanation; `number` None for the latest revision (the link to paste)."""
    if number is None:
        return reverse("netviz-edge", args=[r.view_token, slug(src_id), slug(dst_id)])
    return reverse("netviz-revision-edge", args=[r.view_token, number, slug(src_id), slug(dst_id)])


def policies(r: Review, number: int) -> str:
    return reverse("netviz-policies", args=[r.view_token, number])


def findings(r: Review, number: int) -> str:
    return reverse("netviz-findings", args=[r.view_token, number])


def whatif(r: Review, number: int, name: str, ns: str | None = None) -> str:
    """allow.json, block.json, generate.json or generate.yaml of a revision (`ns` for generate)."""
    names = {
        "allow": "netviz-allow",
        "block": "netviz-block",
        "generate.json": "netviz-generate-json",
        "generate.yaml": "netviz-generate-yaml",
    }
    url = reverse(names[name], args=[r.view_token, number])
    return f"{url}?{urlencode({'ns': ns})}" if ns else url
