"""Checks for Calico policy: rules nothing can reach, order that decides but is not given, the
end-of-tier deny of a new tier, selectors that match nothing, global policies that deny DNS."""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np

from netviz.engine.calico import CalicoView, entity_selector, policy_selector
from netviz.findings.checks.base import finding, rule_key
from netviz.findings.facts import Facts
from netviz.findings.model import Finding, Subject
from netviz.k8s.calico.model import DEFAULT_TIER, CalicoPolicy, CalicoRule, EntityRule

_DNS_PROTOCOLS = (None, 17)  # a rule for every protocol, or UDP, covers UDP 53


def _policies(facts: Facts) -> list[CalicoPolicy]:
    calico = facts.cluster.calico
    return list(calico.policies) if calico is not None else []


def _subject(p: CalicoPolicy, path: str = "", line: int = 0) -> Subject:
    src = p.source
    return Subject(
        p.kind, p.namespace, p.name, src.file if src else "", line or (src.line if src else 0), path
    )


def unconditional(rule: CalicoRule) -> bool:
    """A rule that matches every packet of its direction."""
    return (
        rule.protocol is None
        and rule.not_protocol is None
        and rule.ip_version is None
        and rule.icmp is None
        and rule.not_icmp is None
        and not rule.http
        and rule.source.is_empty
        and rule.destination.is_empty
    )


def check_unreachable_rules(facts: Facts) -> Iterator[Finding]:
    for p in _policies(facts):
        for direction in ("ingress", "egress"):
            rules = p.rules(direction)  # type: ignore[arg-type]
            for i, rule in enumerate(rules[:-1]):
                if rule.action == "Log" or not unconditional(rule):
                    continue
                for later in rules[i + 1 :]:
                    path = f"spec.{direction}[{later.index}]"
                    data = {
                        "policy": p.id,
                        "kind": p.kind,
                        "direction": direction,
                        "rule": later.index,
                        "after": rule.index,
                        "action": rule.action,
                    }
                    key = rule_key(p.id, direction, later.index)
                    yield finding(
                        "calico-rule-unreachable",
                        "warning",
                        key,
                        [_subject(p, path, later.line)],
                        data,
                    )
                break


def _order_matters(policies: list[CalicoPolicy], k8s_count: int) -> bool:
    actions = {r.action for p in policies for r in (*p.ingress, *p.egress)}
    return len(policies) + k8s_count > 1 and bool(actions & {"Deny", "Pass"})


def check_missing_order(facts: Facts) -> Iterator[Finding]:
    by_tier: dict[str, list[CalicoPolicy]] = {}
    for p in _policies(facts):
        by_tier.setdefault(p.tier, []).append(p)
    for tier, policies in sorted(by_tier.items()):
        k8s = len(facts.cluster.policies) if tier == DEFAULT_TIER else 0
        if not _order_matters(policies, k8s):
            continue
        for p in policies:
            if p.order is not None:
                continue
            data = {"policy": p.id, "kind": p.kind, "tier": tier, "others": len(policies) - 1 + k8s}
            yield finding("calico-order-missing", "info", f"{p.kind}/{p.id}", [_subject(p)], data)


def check_tier_end_deny(facts: Facts) -> Iterator[Finding]:
    """A tier other than default, with the Deny default, and no catch-all last rule: whatever
    its policies do not mention is denied for every endpoint they select."""
    calico = facts.cluster.calico
    if calico is None:
        return
    view = _view(facts)
    for tier in calico.tiers:
        if tier.name == DEFAULT_TIER or tier.default_action != "Deny":
            continue
        policies = sorted(
            (p for p in calico.policies if p.tier == tier.name), key=lambda p: p.sort_key
        )
        for direction in ("ingress", "egress"):
            mine = [p for p in policies if direction in p.types]
            if not mine:
                continue
            last = mine[-1].rules(direction)  # type: ignore[arg-type]
            if last and unconditional(last[-1]) and last[-1].action in ("Allow", "Pass", "Deny"):
                continue  # the tier ends with its own explicit catch-all
            selected = np.zeros(facts.nodes.n, dtype=bool)
            for p in mine:
                selected[: facts.pods] |= view.pods(policy_selector(p))
            endpoints = facts.ev.view().members(selected)
            if not endpoints:
                continue
            data = {
                "tier": tier.name,
                "direction": direction,
                "policies": [p.id for p in mine],
                "endpoints": [e.id for e in endpoints],
            }
            subject = Subject(
                "Tier",
                None,
                tier.name,
                tier.source.file if tier.source else "",
                tier.source.line if tier.source else 0,
            )
            yield finding(
                "calico-tier-end-deny", "warning", f"{tier.name}:{direction}", [subject], data
            )


def _view(facts: Facts) -> CalicoView:
    found = getattr(facts, "_calico_view", None)
    if found is None:
        found = CalicoView(facts.nodes, facts.cluster)
        facts._calico_view = found  # type: ignore[attr-defined]
    return found


def check_selectors_match_nothing(facts: Facts) -> Iterator[Finding]:
    if not facts.endpoints:
        return
    view = _view(facts)
    for p in _policies(facts):
        selector = policy_selector(p)
        selected = view.pods(selector)
        hosts = view.host_subjects(selector) if p.is_global and view.hosts else None
        if not selected.any() and (hosts is None or not hosts.any()):
            text = p.selector.text if p.selector else "all()"
            data = {"policy": p.id, "kind": p.kind, "field": "spec.selector", "selector": text}
            line = p.selector.line if p.selector else 0
            yield finding(
                "calico-selector-matches-nothing",
                "warning",
                f"{p.kind}/{p.id}:selector",
                [_subject(p, "spec.selector", line)],
                data,
            )
        for direction in ("ingress", "egress"):
            for rule in p.rules(direction):  # type: ignore[arg-type]
                for side in ("source", "destination"):
                    entity: EntityRule = getattr(rule, side)
                    yield from _entity_nothing(view, p, direction, rule, side, entity)


def _entity_nothing(view, p, direction, rule, side, entity) -> Iterator[Finding]:
    for field_name in ("selector", "notSelector", "namespaceSelector"):
        sel = {
            "selector": entity.selector,
            "notSelector": entity.not_selector,
            "namespaceSelector": entity.namespace_selector,
        }[field_name]
        if sel is None:
            continue
        if field_name == "namespaceSelector":
            node = entity_selector(EntityRule(namespace_selector=sel), None)
        else:
            node = sel.node
        if node is None or view.select(node).any():
            continue
        path = f"spec.{direction}[{rule.index}].{side}.{field_name}"
        data = {"policy": p.id, "kind": p.kind, "field": path, "selector": sel.text}
        key = rule_key(p.id, direction, rule.index, f"{side}.{field_name}")
        yield finding(
            "calico-selector-matches-nothing", "warning", key, [_subject(p, path, sel.line)], data
        )


def _covers_dns(rule: CalicoRule) -> bool:
    if rule.protocol not in _DNS_PROTOCOLS or rule.not_protocol == 17:
        return False
    d = rule.destination
    if d.ports and not any(m.name is None and m.first <= 53 <= m.last for m in d.ports):
        return False
    return not any(m.name is None and m.first <= 53 <= m.last for m in d.not_ports)


def check_gnp_denies_dns(facts: Facts) -> Iterator[Finding]:
    """A GlobalNetworkPolicy whose first egress rule that covers UDP 53 to anywhere denies it."""
    for p in _policies(facts):
        if not p.is_global or "egress" not in p.types:
            continue
        for rule in p.egress:
            if rule.action == "Log" or not _covers_dns(rule):
                continue
            d = rule.destination
            everywhere = (
                d.selector is None
                and d.namespace_selector is None
                and not d.nets
                and d.services is None
            )
            if not everywhere:
                continue
            if rule.action == "Deny":
                path = f"spec.egress[{rule.index}]"
                data = {"policy": p.id, "kind": p.kind, "rule": rule.index}
                yield finding(
                    "calico-gnp-denies-dns",
                    "danger",
                    f"{p.id}:egress[{rule.index}]",
                    [_subject(p, path, rule.line)],
                    data,
                )
            break
