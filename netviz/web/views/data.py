"""JSON a big review page fetches as it opens things: one namespace's edges, one block's, every
edge (for the graph), the namespace aggregates; the review's filters applied server-side.

Each body depends on the revision and the query string only, so it is cached as immutable, with
an ETag. Layouts are those of netviz.web.explore_data (edges) and netviz.web.blocks (blocks).
"""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.http import require_safe

from netviz.web import blocks
from netviz.web.access import get_review, get_revision
from netviz.web.compression import cache_immutable, not_modified, revision_etag


def _answer(request: HttpRequest, token: str, number: int, build) -> HttpResponse:
    revision = get_revision(get_review(token), number)
    etag = revision_etag(revision, request.path, request.GET.urlencode())
    response = not_modified(request, etag)
    if response is None:
        view = blocks.view(revision, request.GET)
        response = JsonResponse(build(view))
    return cache_immutable(response, etag)


def _group(view: blocks.View, g: int) -> int:
    if not 0 <= g <= view.outside:
        raise Http404("No such namespace")
    return g


@require_safe
def namespace(request: HttpRequest, token: str, number: int, g: int) -> HttpResponse:
    """`{"group", "edges"}`: the shown edges from or to an endpoint of namespace `g`."""
    return _answer(
        request,
        token,
        number,
        lambda view: {"group": g, "edges": view.group_edges(_group(view, g))},
    )


@require_safe
def block(request: HttpRequest, token: str, number: int, a: int, b: int) -> HttpResponse:
    """`{"src_group", "dst_group", "edges"}`: the shown edges from namespace `a` to `b`."""
    return _answer(
        request,
        token,
        number,
        lambda view: {
            "src_group": a,
            "dst_group": b,
            "edges": view.block_edges(_group(view, a), _group(view, b)),
        },
    )


@require_safe
def all_edges(request: HttpRequest, token: str, number: int) -> HttpResponse:
    """`{"edges"}`: every shown edge (what the graph draws)."""
    return _answer(request, token, number, lambda view: {"edges": view.edges(view.shown)})


@require_safe
def aggregates(request: HttpRequest, token: str, number: int) -> HttpResponse:
    """The view the page starts from: rows, columns, focus and the namespace blocks."""
    return _answer(request, token, number, lambda view: view.page())
