"""The Findings tab: lint findings, every endpoint's exposure (sortable) and one blast radius."""

from __future__ import annotations

import threading
from collections import OrderedDict
from urllib.parse import urlencode

from django import forms

from netviz.engine import UnknownEndpoint
from netviz.findings import LEVELS, blast_radius, count_by_severity
from netviz.findings.accept import accepted
from netviz.web import edges, expectations, findings_store
from netviz.web.filters import endpoint_labels
from netviz.web.models import Revision

# Rows of the exposure table before a "show all" link; the JSON twin always has them all.
SHOWN_EXPOSED = 300
SHOWN_REACHED = 200

# Column → (sort key, the order a first click asks for). Ties always fall back to the endpoint
# id ascending, so every order is stable across requests.
SORTS = {
    "exposure": (lambda x: x.score, "desc"),
    "endpoint": (lambda x: x.endpoint, "asc"),
    # A namespace not yet created counts as more namespaces than any list of existing ones.
    "namespaces": (lambda x: (x.any_namespace, len(x.namespaces)), "desc"),
}
HEADERS = [("endpoint", "endpoint"), ("exposure", "exposure"), ("namespaces", "reached from")]

_cache: OrderedDict[tuple, tuple] = OrderedDict()
_lock = threading.Lock()


class FindingsQuery(forms.Form):
    """The findings page's state, all of it in the query string (`from` is read beside it)."""

    sort = forms.ChoiceField(required=False, choices=[(k, k) for k in SORTS])
    order = forms.ChoiceField(required=False, choices=[("asc", "asc"), ("desc", "desc")])
    all = forms.BooleanField(required=False)
    reverse = forms.BooleanField(required=False)


def parse_query(params) -> dict:
    """sort, order, all, origin, reverse; a bad value falls back to its default."""
    form = FindingsQuery(params)
    form.is_valid()
    data = form.cleaned_data  # fields with errors are left out of it
    sort = data.get("sort") or "exposure"
    return {
        "sort": sort,
        "order": data.get("order") or SORTS[sort][1],
        "all": bool(data.get("all")),
        "origin": params.get("from", "").strip(),
        "reverse": bool(data.get("reverse")),
    }


def query_string(state: dict, **changes) -> str:
    """`?…` for the state with `changes`, defaults left out so URLs stay short."""
    s = {**state, **changes}
    pairs = []
    if s["sort"] != "exposure" or s["order"] != "desc":
        pairs += [("sort", s["sort"]), ("order", s["order"])]
    if s["all"]:
        pairs.append(("all", "1"))
    if s["origin"]:
        pairs.append(("from", s["origin"]))
    if s["reverse"]:
        pairs.append(("reverse", "1"))
    return "?" + urlencode(pairs) if pairs else "?"


def _computed(revision: Revision) -> tuple[list, list]:
    """(findings, exposures most exposed first) of the revision: as stored at upload, or for a
    revision stored before findings were, computed once per process."""
    if revision.findings is not None:
        return findings_store.read(revision.findings)
    key = edges.cache_key(revision)
    with _lock:
        if key in _cache:
            _cache.move_to_end(key)
            return _cache[key]
    found = findings_store.read(findings_store.stored_findings(edges.evaluator(revision)))
    with _lock:
        _cache[key] = found
        while len(_cache) > edges.CACHE_SIZE:
            _cache.popitem(last=False)
    return found


def _accepted(revision: Revision, found: list) -> dict:
    """Findings a netviz.dev/accept annotation or an uploaded netviz-baseline.json accepts
    (netviz.findings.accept): shown, marked with the reason."""
    files = revision.files.filter(name__iexact=expectations.BASELINE_NAME)
    return accepted(found, edges.evaluator(revision).cluster.policies, expectations.baseline(files))


def sorted_exposure(exposed: list, sort: str, order: str) -> list:
    key, _first = SORTS[sort]
    by_id = sorted(exposed, key=lambda x: x.endpoint)
    # Python's sort is stable, also with reverse=True: ties keep the endpoint order.
    return sorted(by_id, key=key, reverse=order == "desc")


def _radius(revision: Revision, origin: str, reverse: bool):
    ev = edges.evaluator(revision)
    return blast_radius(ev, ev.resolve(origin), reverse=reverse)


def _reached_row(r, labels: dict[str, str]) -> dict:
    """One reached endpoint, with ranges outside the cluster named by their CIDRs for the page."""
    row = r.as_dict()
    return {
        **row,
        "label": labels.get(row["node"], row["node"]),
        "path_labels": [labels.get(p, p) for p in row["path"]],
    }


def _blast(
    revision: Revision, origin: str, reverse: bool, labels: dict[str, str] | None = None
) -> dict | None:
    if not origin:
        return None
    try:
        radius = _radius(revision, origin, reverse)
    except UnknownEndpoint as exc:
        return {"error": str(exc), "origin": origin}
    reached = radius.reached
    return {
        "origin": radius.origin,
        "reverse": reverse,
        "count": len(reached),
        "external": radius.external,
        "by_hop": sorted(radius.by_hop.items()),
        "reached": [_reached_row(r, labels or {}) for r in reached[:SHOWN_REACHED]],
        "more": max(0, len(reached) - SHOWN_REACHED),
    }


def _row(x, state: dict, labels: dict[str, str]) -> dict:
    return {
        **x.as_dict(),
        # Address ranges by their CIDRs, as the matrix and graph name them.
        "external_in_names": [labels.get(i, i) for i in x.external_in],
        "external_out_names": [labels.get(i, i) for i in x.external_out],
        "blast_query": query_string(state, origin=x.endpoint, reverse=False),
    }


def _headers(state: dict) -> list[dict]:
    out = []
    for key, text in HEADERS:
        on = state["sort"] == key
        # A click on the column sorted by flips it; another column starts in its usual order.
        flipped = "asc" if state["order"] == "desc" else "desc"
        order = flipped if on else SORTS[key][1]
        out.append(
            {
                "key": key,
                "text": text,
                "query": query_string(state, sort=key, order=order, all=state["all"]),
                "aria": ("ascending" if state["order"] == "asc" else "descending") if on else "",
                "arrow": ("▲" if state["order"] == "asc" else "▼") if on else "",
            }
        )
    return out


def findings_context(revision: Revision, state: dict | None = None) -> dict:
    """What templates/review/_findings.html shows, for the state parse_query gives."""
    state = state or parse_query({})
    found, exposed = _computed(revision)
    rows = sorted_exposure(exposed, state["sort"], state["order"])
    shown = rows if state["all"] else rows[:SHOWN_EXPOSED]
    labels = endpoint_labels(revision.snapshot)
    accepted = _accepted(revision, found)
    return {
        # Most severe first, as the list itself is.
        "counts": dict(reversed(count_by_severity(found).items())),
        "findings": [
            {
                "id": f.id,
                "check": f.check,
                "severity": f.severity,
                "message": f.message,
                "where": f.where,
                "fix_yaml": f.fix_yaml,
                "accepted": accepted[f.id].as_dict() if f.id in accepted else None,
            }
            for f in found
        ],
        "accepted_count": len(accepted),
        "exposed": [_row(x, state, labels) for x in shown],
        "exposed_total": len(rows),
        "exposed_more": len(rows) - len(shown),
        "show_all_query": query_string(state, all=True),
        "headers": _headers(state),
        "levels": list(reversed(LEVELS)),
        "state": state,
        "blast": _blast(revision, state["origin"], state["reverse"], labels),
        "origin": state["origin"],
        "reverse": state["reverse"],
    }


def findings_json(revision: Revision, state: dict) -> dict:
    """The page's JSON twin: every finding, every endpoint's exposure in the asked order, and the
    whole blast radius (no caps) when `from` names an endpoint."""
    found, exposed = _computed(revision)
    acc = _accepted(revision, found)
    blast = None
    if state["origin"]:
        try:
            blast = _radius(revision, state["origin"], state["reverse"]).as_dict()
        except UnknownEndpoint as exc:
            blast = {"error": str(exc), "origin": state["origin"]}
    return {
        "revision": revision.number,
        "counts": count_by_severity(found),
        "findings": [_with_acceptance(f, acc) for f in found],
        "sort": state["sort"],
        "order": state["order"],
        "exposure": [x.as_dict() for x in sorted_exposure(exposed, state["sort"], state["order"])],
        "blast": blast,
    }


def _with_acceptance(f, acc: dict) -> dict:
    """A finding's JSON as `lint --format json` gives it: `accepted` only when it is."""
    out = f.as_dict()
    if f.id in acc:
        out["accepted"] = acc[f.id].as_dict()
    return out
