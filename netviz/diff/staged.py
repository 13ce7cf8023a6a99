"""Calico's staged policies as what-ifs: the connectivity enforcing each one would give, as a
diff against what is enforced now.

A staged policy is never enforced. Enforcing it means (as Calico's "promote" does):
StagedNetworkPolicy / StagedGlobalNetworkPolicy with stagedAction Set add the policy, replacing an
enforced one of the same kind, namespace and name; Delete removes that enforced policy;
StagedKubernetesNetworkPolicy does the same with networking.k8s.io/v1 NetworkPolicies. Learn
and Ignore (Calico Enterprise) change nothing here.
"""

from __future__ import annotations

from dataclasses import replace

from netviz.diff.compare import compare
from netviz.diff.snapshot import snapshot
from netviz.diff.tiered import tiered_snapshot
from netviz.engine import Evaluator
from netviz.k8s.calico.model import CalicoPolicy
from netviz.k8s.model import Cluster

_ENFORCED_KIND = {
    "StagedNetworkPolicy": "NetworkPolicy",
    "StagedGlobalNetworkPolicy": "GlobalNetworkPolicy",
}


def enforced_with(cluster: Cluster, staged: CalicoPolicy) -> Cluster | None:
    """The cluster as it would be with `staged` enforced; None when the action changes nothing."""
    calico = cluster.calico
    assert calico is not None
    if staged.staged_action not in ("Set", "Delete"):
        return None
    if staged.kind == "StagedKubernetesNetworkPolicy":
        kept = tuple(
            p for p in cluster.policies if (p.namespace, p.name) != (staged.namespace, staged.name)
        )
        if staged.staged_action == "Set" and staged.k8s is not None:
            kept += (staged.k8s,)
        return replace(cluster, policies=kept)
    kind = _ENFORCED_KIND[staged.kind]
    policies = tuple(
        p
        for p in calico.policies
        if (p.kind, p.namespace, p.name) != (kind, staged.namespace, staged.name)
    )
    if staged.staged_action == "Set":
        policies += (replace(staged, kind=kind, staged_action=None),)
    return replace(cluster, calico=replace(calico, policies=policies))


def staged_diffs(cluster: Cluster, enforced: dict | None = None) -> list[dict]:
    """One entry per staged policy: what it is, where it was written, and the diff from the
    enforced connectivity (`enforced`: its snapshot, when already made) to enforcing it."""
    calico = cluster.calico
    if calico is None or not calico.staged:
        return []
    if enforced is None:
        enforced = _snapshot(cluster)
    out = []
    for staged in sorted(calico.staged, key=lambda p: (p.kind, p.namespace or "", p.name)):
        entry = {
            "kind": staged.kind,
            "namespace": staged.namespace,
            "name": staged.name,
            "staged_action": staged.staged_action,
            "tier": staged.tier,
            "order": staged.order,
            "file": staged.source.file if staged.source else "",
            "line": staged.source.line if staged.source else 0,
            "diff": None,
        }
        variant = enforced_with(cluster, staged)
        if variant is not None:
            entry["diff"] = compare(enforced, _snapshot(variant))
        out.append(entry)
    return out


def _snapshot(cluster: Cluster) -> dict:
    """As the page and `netviz diff` make it: with the tiered part, so both sides of a what-if
    list the same cluster-scoped policies."""
    evaluator = Evaluator(cluster)
    return snapshot(evaluator.analysis(), cluster, tiered_snapshot(evaluator))


def render_staged(entries: list[dict], fmt: str = "text") -> str:
    """Text, JSON or Markdown of staged_diffs()."""
    import json

    from netviz.diff.render import render_diff

    if fmt == "json":
        return json.dumps({"staged": entries}, indent=2, sort_keys=True) + "\n"
    if not entries:
        return "No staged policies.\n" if fmt == "text" else "_No staged policies._\n"
    parts = []
    for e in entries:
        name = f"{e['namespace']}/{e['name']}" if e["namespace"] else e["name"]
        head = f"{e['kind']} {name} (stagedAction {e['staged_action']}, {e['file']}:{e['line']})"
        if fmt == "md":
            head = f"### {head}"
        if e["diff"] is None:
            body = "Changes nothing when enforced (Learn and Ignore are not enforced actions).\n"
        else:
            body = render_diff(e["diff"], fmt)
        parts.append(f"{head}\n{body}")
    return "\n".join(parts)


def staged_summary(entries: list[dict], limit: int = 20) -> list[dict]:
    """A bounded form of staged_diffs() for pages: counts, and the first `limit` changes."""
    out = []
    for e in entries:
        item = {k: v for k, v in e.items() if k != "diff"}
        diff = e["diff"]
        item["changes"] = diff is not None
        item["summary"] = diff["summary"] if diff else None
        lines: list[dict] = []
        if diff:
            for kind in ("added", "removed", "changed"):
                for c in diff["connections"][kind]:
                    text = c.get("ports_text") or f"{c['before_text']} => {c['after_text']}"
                    lines.append({"kind": kind, "src": c["src"], "dst": c["dst"], "ports": text})
        item["connections"] = lines[:limit]
        item["more"] = max(0, len(lines) - limit)
        out.append(item)
    return out
