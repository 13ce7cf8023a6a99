"""Cluster-scoped policies (ClusterNetworkPolicy, AdminNetworkPolicy, BaselineAdminNetworkPolicy)
in the exports: a JSON entry and a line of text each, in evaluation order (Admin tier by
priority, then Baseline). Nothing for NetworkPolicy-only input."""

from __future__ import annotations

from collections.abc import Sequence

from netviz.formats.words import location
from netviz.k8s.tiermodel import BANP, AdminPolicy


def _priority(p: AdminPolicy) -> int | None:
    return None if p.kind == BANP else p.priority


def tiered_policy_to_json(p: AdminPolicy) -> dict:
    return {
        "id": p.id,
        "kind": p.kind,
        "api_version": p.api_version,
        "name": p.name,
        "tier": p.tier,
        "priority": _priority(p),
        "policy_types": [d for d in ("egress", "ingress") if p.rules(d)],
        "file": p.source.file if p.source else "",
        "line": p.source.line if p.source else 0,
        "rules": rule_entries(p),
    }


def rule_entries(p: AdminPolicy) -> list[dict]:
    """Its rules as the exports and the snapshot list them: ingress, then egress, in order."""
    return [
        {
            "direction": direction,
            "index": i,
            "name": rule.name,
            "action": rule.action,
            "written": rule.written,
            "line": rule.line,
        }
        for direction in ("ingress", "egress")
        for i, rule in enumerate(p.rules(direction))
    ]


def describe_tiered_policy(p: AdminPolicy) -> str:
    """`[Admin] ClusterNetworkPolicy/x (priority 10): ingress Deny, Accept; egress Pass (f:3)`."""
    priority = "" if p.kind == BANP else f" (priority {p.priority})"
    parts = []
    for direction in ("ingress", "egress"):
        rules = p.rules(direction)
        if rules:
            parts.append(f"{direction} " + ", ".join(r.written for r in rules))
    text = f"[{p.tier}] {p.id}{priority}: " + ("; ".join(parts) or "no rules")
    where = location(p.source.file, p.source.line) if p.source else ""
    return f"{text} ({where})" if where else text


def tiered_lines(policies: Sequence[AdminPolicy]) -> list[str]:
    return [describe_tiered_policy(p) for p in policies]
