"""What a change does to connectivity: revision a against revision b of one review."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_safe

from netviz.diff import compare, render_diff
from netviz.diff.render import side_label
from netviz.web import links
from netviz.web.access import get_review, get_revision
from netviz.web.models import Review
from netviz.web.pages import revisions
from netviz.web.views.downloads import attachment

DIFF_EXPORTS = {"md": ("md", "text/markdown; charset=utf-8"), "text": ("txt", "text/plain")}


def _diff(review: Review, a: int, b: int) -> dict:
    old, new = get_revision(review, a), get_revision(review, b)
    if b == a + 1 and new.previous_diff is not None:
        return new.previous_diff
    return compare(old.full_snapshot(), new.full_snapshot())


@require_safe
def choose(request: HttpRequest, token: str) -> HttpResponse:
    """`?a=1&b=2` from the picker form, redirected to the canonical diff URL."""
    review = get_review(token)
    try:
        a, b = int(request.GET["a"]), int(request.GET["b"])
    except (KeyError, ValueError):
        raise Http404("Choose two revisions") from None
    return redirect(links.diff(review, a, b))


@require_safe
def diff_page(request: HttpRequest, token: str, a: int, b: int) -> HttpResponse:
    review = get_review(token)
    diff = _diff(review, a, b)
    for entries in diff["connections"].values():
        for e in entries:
            e["src_label"], e["dst_label"] = side_label(e, "src"), side_label(e, "dst")
    context = {
        "review": review,
        "a": a,
        "b": b,
        "diff": diff,
        "revisions": revisions(review),
        "json_url": links.diff_json(review, a, b),
        "md_url": links.diff_export(review, a, b, "md"),
        "text_url": links.diff_export(review, a, b, "text"),
    }
    return render(request, "diff.html", context)


@require_safe
def diff_json(request: HttpRequest, token: str, a: int, b: int) -> JsonResponse:
    review = get_review(token)
    payload = {
        "title": review.title,
        "from": a,
        "to": b,
        "view_url": links.absolute(request, links.diff(review, a, b)),
        **_diff(review, a, b),
    }
    return JsonResponse(payload)


@require_safe
def diff_export(request: HttpRequest, token: str, a: int, b: int, fmt: str) -> HttpResponse:
    review = get_review(token)
    if fmt not in DIFF_EXPORTS:
        raise Http404("No such format")
    ext, content_type = DIFF_EXPORTS[fmt]
    text = render_diff(_diff(review, a, b), fmt)
    return attachment(text.encode("utf-8"), f"netviz-diff-{a}-{b}.{ext}", content_type)
