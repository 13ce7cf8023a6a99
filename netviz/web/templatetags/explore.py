"""`{% explore_context review revision %}`: the review page's tabs data and the filters from the URL."""

from __future__ import annotations

from django import template
from django.http import QueryDict

from netviz.k8s.model import PROTOCOLS
from netviz.web import blocks, explore_data, links
from netviz.web.models import Review, Revision

register = template.Library()

DIRECTIONS = (("both", "to and from"), ("out", "what it reaches"), ("in", "what reaches it"))
TABS = (
    ("matrix", "Matrix"),
    ("graph", "Graph"),
    ("policies", "Policies"),
    ("findings", "Findings"),
)


@register.simple_tag
def explore_context(review: Review, revision: Revision, query: QueryDict) -> dict:
    page = explore_data.page(review, revision)
    chosen = set(query.getlist("ns"))
    # A big review's page carries the view under its filters and the namespace blocks, not edges.
    view = blocks.view(revision, query).page_script() if page.lazy else ""
    return {
        "data_script": page.script,
        "view_script": view,
        "urls": page.urls,
        "namespaces": [(n, n in chosen) for n in page.namespaces],
        "q": query.get("q", ""),
        "protocol": query.get("protocol", ""),
        "protocols": PROTOCOLS,
        "port": query.get("port", ""),
        "focus": query.get("focus", ""),
        "dir": query.get("dir", "both"),
        "directions": DIRECTIONS,
        "tabs": TABS,
        "tab": query.get("tab", "matrix"),
        "endpoint_ids": page.endpoint_ids,
        "endpoint_options": explore_data.options(page.endpoint_ids),
        "policies_url": links.policies(review, revision.number),
        "findings_url": links.findings(review, revision.number),
        "filtered": any(query.get(k) for k in ("ns", "q", "protocol", "port", "focus")),
    }


@register.simple_tag
def edge_url(review: Review, revision: Revision, is_latest: bool, src: str, dst: str) -> str:
    """The explanation page of one connection (without a revision number when it is the latest)."""
    return links.edge(review, None if is_latest else revision.number, src, dst)
