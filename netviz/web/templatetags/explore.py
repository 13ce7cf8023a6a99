"""`{% explore_context review revision %}`: the review page's tabs data and the filters from the URL."""

from __future__ import annotations

from django import template
from django.http import QueryDict
from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe

from netviz.k8s.model import PROTOCOLS
from netviz.web import blocks, explore_data, links
from netviz.web.filters import OTHER_PROTOCOLS
from netviz.web.models import Review, Revision

register = template.Library()

DIRECTIONS = (("both", "to and from"), ("out", "what it reaches"), ("in", "what reaches it"))
TABS = (
    ("matrix", "Matrix"),
    ("graph", "Graph"),
    ("policies", "Policies"),
    ("findings", "Findings"),
)
# The page's JavaScript modules (review.js, draft.js and what they import), preloaded together.
MODULES = tuple(
    f"js/{name}.js"
    for name in (
        *("review", "matrix", "urlstate", "words", "graph", "graph_style", "graph_layout"),
        *("graph_keyboard", "graph_highlight", "graph_hit"),
        *("draft", "draft_files", "draft_marks", "yaml_editor", "draft_whatif"),
    )
)


@register.simple_tag
def explore_context(review: Review, revision: Revision, query: QueryDict) -> dict:
    page = explore_data.page(review, revision)
    chosen = set(query.getlist("ns"))
    # A big review's page carries the view under its filters and the namespace blocks, not edges.
    view = blocks.view(revision, query).page_script() if page.lazy else ""
    return {
        "modules": MODULES,
        "data_script": page.script,
        "view_script": view,
        "urls": page.urls,
        "namespaces": [(n, n in chosen) for n in page.namespaces],
        "q": query.get("q", ""),
        "protocol": query.get("protocol", ""),
        "protocols": PROTOCOLS
        + (OTHER_PROTOCOLS if explore_data.other_protocols(revision) else ()),
        "port": query.get("port", ""),
        "focus": query.get("focus", ""),
        "dir": query.get("dir", "both"),
        "directions": DIRECTIONS,
        "tabs": TABS,
        "tab": query.get("tab", "matrix"),
        "endpoint_ids": page.endpoint_ids,
        # A big review's 5,000+ options are a quarter of its page's parse time: review.js adds
        # them from the page data when the field is first focused.
        "endpoint_options": "" if page.lazy else explore_data.options(page.endpoint_ids),
        "lazy": page.lazy,
        "policies_url": links.policies(review, revision.number),
        "findings_url": links.findings(review, revision.number),
        "filtered": any(query.get(k) for k in ("ns", "q", "protocol", "port", "focus")),
    }


@register.simple_tag
def edge_url(review: Review, revision: Revision, is_latest: bool, src: str, dst: str) -> str:
    """The explanation page of one connection (without a revision number when it is the latest)."""
    return links.edge(review, None if is_latest else revision.number, src, dst)


@register.filter
def breakable(text: str) -> str:
    """An endpoint id or ranges with line-break opportunities after `ns/`, before `[Kind]` and
    after each `,`, so a long name wraps there, not mid-word."""
    out = str(conditional_escape(text))
    if "[" in out:  # a workload `ns/name[Kind]`; a CIDR keeps its `/`
        out = out.replace("/", "/<wbr>", 1).replace("[", "<wbr>[")
    return mark_safe(out.replace(", ", ",<wbr> "))


# A group of problems with the same message longer than this folds into one line.
FOLD_PROBLEMS = 3


@register.filter
def grouped(problems: list[dict]) -> list[dict]:
    """Problems with the same severity and message together, in order of first appearance;
    a group of more than FOLD_PROBLEMS is `folded` (one line, its objects in a <details>)."""
    groups: dict[tuple, dict] = {}
    for p in problems:
        key = (p.get("severity"), p.get("message"))
        if key not in groups:
            groups[key] = {"severity": key[0], "message": key[1], "items": []}
        groups[key]["items"].append(p)
    for g in groups.values():
        g["folded"] = len(g["items"]) > FOLD_PROBLEMS
    return list(groups.values())


@register.filter
def soft(text: str) -> str:
    """A rule reference or file name with break opportunities after `/` and `.` and before `(`,
    for narrow table cells."""
    out = str(conditional_escape(text))
    for a, b in (("/", "/<wbr>"), (".", ".<wbr>"), ("(", "<wbr>(")):
        out = out.replace(a, b)
    return mark_safe(out)
