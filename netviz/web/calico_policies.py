"""The Policies tab's Calico part: Calico's tiers in Felix's order, their policies in policy
order, each rule with its action and how many pairs it decides."""

from __future__ import annotations

from netviz.k8s.calico.model import (
    DEFAULT_TIER,
    K8S_POLICY_ORDER,
    PROTOCOL_NAMES,
    CalicoPolicy,
    CalicoRule,
    EntityRule,
    ICMPMatch,
)
from netviz.web import edges
from netviz.web.models import Revision

SHOWN_SELECTED = 50
_ACTION = {"Allow": "allow", "Deny": "deny", "Pass": "pass", "Log": "log"}
# Tiers that hold the engine's own policies, and where the tab lists those.
_ENGINE_TIERS = {
    DEFAULT_TIER: "Kubernetes NetworkPolicies (order 1000, listed below)",
    "kube-admin": "ClusterNetworkPolicies of the Admin tier (listed with it)",
    "kube-baseline": "ClusterNetworkPolicies of the Baseline tier (listed with it)",
}


def order_text(order: float | None) -> str:
    """`50`, `2.5`, or `none (last)`."""
    if order is None:
        return "none (last)"
    return str(int(order)) if order == int(order) else str(order)


def _protocol(number: int) -> str:
    return PROTOCOL_NAMES.get(number, f"proto {number}")


def _icmp(match: ICMPMatch) -> str:
    if match.type is None:
        return "any type"
    return f"type {match.type}" + (f" code {match.code}" if match.code is not None else "")


def _entity_words(e: EntityRule) -> list[str]:
    out = []
    if e.selector is not None:
        out.append(f"selector {e.selector.text}")
    if e.not_selector is not None:
        out.append(f"not selector {e.not_selector.text}")
    if e.namespace_selector is not None:
        out.append(f"namespaces {e.namespace_selector.text}")
    if e.service_accounts is not None:
        sa = e.service_accounts
        names = ", ".join(sa.names)
        text = f"service accounts {names}" if names else "service accounts"
        out.append(text + (f" with {sa.selector.text}" if sa.selector else ""))
    if e.nets:
        out.append("nets " + ", ".join(e.nets))
    if e.not_nets:
        out.append("not nets " + ", ".join(e.not_nets))
    if e.ports:
        out.append("ports " + ", ".join(str(p) for p in e.ports))
    if e.not_ports:
        out.append("not ports " + ", ".join(str(p) for p in e.not_ports))
    if e.services is not None:
        out.append(f"service {e.services.namespace or ''}/{e.services.name} (not read)")
    return out


def calico_rule_words(rule: CalicoRule) -> str:
    """e.g. `ICMP type 8; from selector app == 'web'; to ports 80, 443`; `everything` when the
    rule matches every connection."""
    parts = []
    if rule.protocol is not None:
        parts.append(_protocol(rule.protocol))
    if rule.not_protocol is not None:
        parts.append(f"not {_protocol(rule.not_protocol)}")
    if rule.icmp is not None:
        parts.append(_icmp(rule.icmp))
    if rule.not_icmp is not None:
        parts.append(f"not {_icmp(rule.not_icmp)}")
    if rule.ip_version is not None:
        parts.append(f"IPv{rule.ip_version}")
    head = " ".join(parts)
    out = [head] if head else []
    for word, entity in (("from", rule.source), ("to", rule.destination)):
        said = _entity_words(entity)
        if said:
            out.append(f"{word} " + ", ".join(said))
    if rule.http:
        out.append("http match (not modelled)")
    return "; ".join(out) or "everything"


def _pairs(evaluator) -> dict[tuple, int]:
    """(kind, namespace, name, direction, rule index) → pairs the rule decides some port of."""
    out: dict[tuple, int] = {}
    for ref, n in evaluator.rule_pairs().items():
        key = (ref.kind, ref.policy_namespace, ref.policy_name, ref.direction, ref.rule_index)
        out[key] = out.get(key, 0) + n
    return out


def _policy(p: CalicoPolicy, selects: list[str], pairs: dict) -> dict:
    kind = "CalicoNetworkPolicy" if p.kind == "NetworkPolicy" else p.kind
    rules = []
    for direction in ("ingress", "egress"):
        effective = direction in p.types
        for rule in p.rules(direction):  # type: ignore[arg-type]
            key = (kind, p.namespace or "", p.name, direction, rule.index)
            rules.append(
                {
                    "direction": direction,
                    "index": rule.index,
                    "name": rule.name or "",
                    "line": rule.line,
                    "action": _ACTION[rule.action],
                    "action_word": rule.action,
                    "words": calico_rule_words(rule),
                    "pairs": pairs.get(key, 0) if effective else 0,
                    "effective": effective,
                }
            )
    return {
        "id": f"{p.kind}/{p.id}",
        "kind": p.kind,
        "name": p.id,
        "order": p.order,
        "order_text": order_text(p.order),
        "selector": p.selector.text if p.selector else "all()",
        "types": sorted(p.types),
        "file": p.source.file if p.source else "",
        "line": p.source.line if p.source else 0,
        "selects": selects[:SHOWN_SELECTED],
        "selects_more": max(0, len(selects) - SHOWN_SELECTED),
        "selects_count": len(selects),
        "rules": rules,
        "caveats": list(p.caveats),
    }


def calico_context(revision: Revision) -> dict:
    """Calico's tiers for templates/review/_calico_tiers.html; empty without Calico policies."""
    evaluator = edges.evaluator(revision)
    calico = evaluator.cluster.calico
    if calico is None or not calico.policies:
        return {}
    view = evaluator.view()
    selects: dict[int, list[str]] = {}
    for tp in view.calico_policies():
        # A policy's first tier policy marks where it applies (the others hold its rules).
        selects.setdefault(id(tp.source), [e.id for e in view.members(tp.on_nodes)])
    pairs = _pairs(evaluator)
    has_k8s = bool(evaluator.cluster.policies)
    tiers = []
    for tier in calico.tiers:
        mine = sorted((p for p in calico.policies if p.tier == tier.name), key=lambda p: p.sort_key)
        entries = [
            {"policy": _policy(p, selects.get(id(p), []), pairs), "key": p.sort_key} for p in mine
        ]
        engine = _ENGINE_TIERS.get(tier.name)
        if tier.name == DEFAULT_TIER and has_k8s:
            at = (K8S_POLICY_ORDER, "")
            entries.append({"engine": engine, "key": at})
            entries.sort(key=lambda e: e["key"])
        elif engine and tier.name != DEFAULT_TIER and not mine:
            continue  # an empty kube-admin / kube-baseline: the Admin / Baseline lists say it
        if not entries:
            continue
        tiers.append(
            {
                "name": tier.name,
                "order": tier.order,
                "order_text": order_text(tier.order),
                "default_action": tier.default_action,
                "declared": tier.declared,
                "entries": entries,
            }
        )
    return {"calico_tiers": tiers} if tiers else {}
