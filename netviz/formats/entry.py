"""Entry points (netviz.entry) in words and as JSON: how the outside reaches each workload."""

from __future__ import annotations

from collections.abc import Sequence

from netviz.entry import EntryPoint
from netviz.formats.jsonout import dump_json

CAVEATS = {
    "source-nat": "externalTrafficPolicy Cluster: the pod may see a node's address instead of "
    "the client's (source NAT), so policies on client ranges may not apply as written",
    "client-address-kept": "externalTrafficPolicy Local: the client's address reaches the pod "
    "(unless the load balancer itself proxies)",
    "source-ranges": "loadBalancerSourceRanges narrow who may connect before any policy",
    "controller-not-in-input": "the controller's pods are not in the input: its hop to the pods "
    "is not checked",
    "cross-namespace-backend": "the backend is in another namespace: it needs a ReferenceGrant, "
    "which is not checked",
}
VERDICTS = {
    "allowed": "allowed",
    "blocked": "BLOCKED by policy",
    "partly": "allowed from some sources only",
    "unknown": "not checked",
    "no-port": "no container declares the target port",
}


def describe_entry(p: EntryPoint) -> str:
    port = f"{p.protocol} {p.port}" if p.port is not None else f"{p.protocol} (unresolved)"
    via = p.via if p.through == p.service else f"{p.via} {p.through}"
    cls = f" class {p.class_name}" if p.class_name else ""
    line = f"{p.endpoint} <= {via}{cls} {p.address} -> {p.service} {port}: {VERDICTS[p.verdict]}"
    if p.verdict == "partly":
        line += f" ({', '.join(p.allowed_from)})"
    elif p.verdict in ("allowed", "blocked") and p.via not in ("LoadBalancer", "NodePort"):
        line += f" (from {', '.join(p.sources)})"
    return line


def render_entry_points(points: Sequence[EntryPoint], fmt: str = "text") -> str:
    if fmt == "json":
        return dump_json(
            {"entry_points": [p.as_dict() for p in points], "caveats": _caveats(points)}, depth=2
        )
    lines = [describe_entry(p) for p in points]
    for code in _caveats(points):
        lines.append(f"caveat: {code}: {CAVEATS.get(code, code)}")
    if not points:
        lines.append("no entry points from outside the cluster")
    return "\n".join(lines) + "\n"


def _caveats(points: Sequence[EntryPoint]) -> list[str]:
    return sorted({c for p in points for c in p.caveats})


MAX_REPORTED = 500  # entry points kept with a stored review; the CLI lists them all


def entry_points_report(points: Sequence[EntryPoint]) -> dict:
    """Entry points as the review page shows them: data plus the words for verdict and caveats."""
    rows = [
        {**p.as_dict(), "verdict_text": VERDICTS[p.verdict], "text": describe_entry(p)}
        for p in points[:MAX_REPORTED]
    ]
    return {
        "rows": rows,
        "total": len(points),
        "caveats": [{"code": c, "text": CAVEATS.get(c, c)} for c in _caveats(points)],
    }
