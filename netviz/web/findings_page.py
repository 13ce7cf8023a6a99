"""The Findings tab: lint findings, the most exposed endpoints and one endpoint's blast radius."""

from __future__ import annotations

import threading
from collections import OrderedDict

from netviz.engine import UnknownEndpoint
from netviz.findings import blast_radius, count_by_severity, exposure, run_checks
from netviz.findings.render import where
from netviz.web import edges
from netviz.web.models import Revision

SHOWN_EXPOSED = 25
SHOWN_REACHED = 200

_cache: OrderedDict[tuple, tuple] = OrderedDict()
_lock = threading.Lock()


def _computed(revision: Revision) -> tuple[list, list]:
    """(findings, exposures most exposed first) of the revision, computed once per process."""
    key = edges.cache_key(revision)
    with _lock:
        if key in _cache:
            _cache.move_to_end(key)
            return _cache[key]
    ev = edges.evaluator(revision)
    found = run_checks(ev.cluster, ev)
    exposed = sorted(exposure(ev), key=lambda x: x.score, reverse=True)
    with _lock:
        _cache[key] = (found, exposed)
        while len(_cache) > edges.CACHE_SIZE:
            _cache.popitem(last=False)
    return found, exposed


def _blast(revision: Revision, origin: str, reverse: bool) -> dict | None:
    if not origin:
        return None
    ev = edges.evaluator(revision)
    try:
        radius = blast_radius(ev, ev.resolve(origin), reverse=reverse)
    except UnknownEndpoint as exc:
        return {"error": str(exc), "origin": origin}
    reached = radius.reached
    return {
        "origin": radius.origin,
        "reverse": reverse,
        "count": len(reached),
        "external": radius.external,
        "by_hop": sorted(radius.by_hop.items()),
        "reached": [r.as_dict() for r in reached[:SHOWN_REACHED]],
        "more": max(0, len(reached) - SHOWN_REACHED),
    }


def findings_context(revision: Revision, origin: str = "", reverse: bool = False) -> dict:
    """What templates/review/_findings.html shows."""
    found, exposed = _computed(revision)
    return {
        # Most severe first, as the list itself is.
        "counts": dict(reversed(count_by_severity(found).items())),
        "findings": [
            {
                "id": f.id,
                "check": f.check,
                "severity": f.severity,
                "message": f.message,
                "where": where(f),
                "fix_yaml": f.fix_yaml,
            }
            for f in found
        ],
        "exposed": [x.as_dict() for x in exposed[:SHOWN_EXPOSED]],
        "blast": _blast(revision, origin.strip(), reverse),
        "origin": origin,
        "reverse": reverse,
    }
