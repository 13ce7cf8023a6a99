"""Checks for policy text that matches nothing: often a typo in a label, a name or policyTypes."""

from __future__ import annotations

import difflib
from collections.abc import Iterator

import yaml

from netviz.findings.checks.base import finding, rule_key
from netviz.findings.facts import (
    PEER_FIELD,
    Facts,
    block_is_empty,
    peer_path,
    policy_subject,
    rule_path,
    selector_unsatisfiable,
)
from netviz.findings.model import Finding
from netviz.k8s.model import LabelSelector, Peer, Policy


def _suggest(selector: LabelSelector | None, known: set[str]) -> list[str]:
    """`key=value` pairs of the input close to the selector's matchLabels that match nothing."""
    if selector is None:
        return []
    out: list[str] = []
    for k, v in selector.match_labels:
        pair = f"{k}={v}"
        if pair not in known:
            out += [c for c in difflib.get_close_matches(pair, sorted(known), n=3) if c not in out]
    return out


def check_policy_selects_nothing(facts: Facts) -> Iterator[Finding]:
    if not facts.endpoints:
        return  # policies alone: nothing to compare them with
    for cp in facts.compiled_policies:
        p = cp.policy
        if cp.selects.any():
            continue
        in_namespace = facts.by_namespace.get(p.namespace, [])
        if p.pod_selector.is_empty and not in_namespace:
            continue  # a namespace-wide guard waiting for its first pods is fine
        if not in_namespace:
            reason = "namespace-empty"
        elif any(e.host_network for e in in_namespace) and _host_selected(facts, p):
            reason = "host-network-only"
        else:
            reason = "no-match"
        data = {
            "policy": p.id,
            "reason": reason,
            "suggestions": _suggest(p.pod_selector, facts.label_pairs.get(p.namespace, set())),
        }
        yield finding("policy-selects-nothing", "warning", p.id, [policy_subject(p)], data)


def _host_selected(facts: Facts, policy) -> bool:
    probe = Peer(pod_selector=policy.pod_selector)
    return bool(facts.host_peer_mask(policy, probe).any())


def _static_reason(peer: Peer) -> str | None:
    """Why a peer can match nothing in any cluster, or None."""
    if peer.ip_block is not None:
        return "empty-ip-block" if block_is_empty(peer.ip_block) else None
    for sel in (peer.pod_selector, peer.namespace_selector):
        if sel is not None and selector_unsatisfiable(sel):
            return "impossible-selector"
    return None


def _written_empty(policy: Policy) -> list[str]:
    """Directions whose rule list is written out as `[]` (the model reads it like a missing one)."""
    if "[]" not in policy.text:
        return []  # the common case, without parsing the document again
    try:
        doc = yaml.safe_load(policy.text)
    except yaml.YAMLError:
        return []
    spec = doc.get("spec") if isinstance(doc, dict) else None
    if not isinstance(spec, dict):
        return []
    return [d for d in ("ingress", "egress") if d in policy.policy_types and spec.get(d) == []]


def check_rule_never_matches(facts: Facts) -> Iterator[Finding]:
    """Rules that cannot allow anything whatever the cluster holds."""
    for p in facts.cluster.policies:
        # `ingress: []` allows nothing; often `[{}]` (allow all) was meant.
        for direction in _written_empty(p):
            data = {
                "policy": p.id,
                "direction": direction,
                "rule": None,
                "reason": "empty-rule-list",
                "policy_types": sorted(p.policy_types),
            }
            subject = policy_subject(p, f"spec.{direction}")
            yield finding("rule-never-matches", "info", f"{p.id}:{direction}", [subject], data)
    for view in facts.rules():
        p, rule = view.policy, view.rule
        reason = None
        if not view.effective:
            reason = "direction-not-in-policy-types"
        elif rule.peers and all(_static_reason(q) for q in rule.peers):
            reason = "no-peer-can-match"
        if reason is None:
            continue
        path = rule_path(view.direction, view.index)
        data = {
            "policy": p.id,
            "direction": view.direction,
            "rule": view.index,
            "reason": reason,
            "policy_types": sorted(p.policy_types),
        }
        subject = policy_subject(p, path, rule.line)
        key = rule_key(p.id, view.direction, view.index)
        yield finding("rule-never-matches", "warning", key, [subject], data)


def check_peer_matches_nothing(facts: Facts) -> Iterator[Finding]:
    """Selector peers that match no endpoint (or no namespace) of this input."""
    has_endpoints = bool(facts.endpoints)
    for view in facts.rules():
        if not view.effective:
            continue
        p, rule = view.policy, view.rule
        whole_rule_static = rule.peers and all(_static_reason(q) for q in rule.peers)
        for qi, peer in enumerate(rule.peers):
            static = _static_reason(peer)
            if static and whole_rule_static:
                continue  # reported once for the whole rule
            if static:
                reason, namespaces = static, []
            elif peer.ip_block is not None or not has_endpoints:
                continue  # ipBlocks always match some address; without endpoints, nothing to say
            elif view.compiled.peers[qi][: facts.pods].any():
                continue
            else:
                reason, namespaces = _why_nothing(facts, p, peer)
            part = f"{PEER_FIELD[view.direction]}[{qi}]"
            known = facts.label_pairs.get(p.namespace, set())
            if peer.namespace_selector is not None:
                known = set().union(*facts.label_pairs.values()) if facts.label_pairs else set()
            suggestions = _suggest(peer.pod_selector, known)
            if reason == "no-namespace":
                suggestions = _suggest(peer.namespace_selector, facts.namespace_pairs)
            data = {
                "policy": p.id,
                "direction": view.direction,
                "rule": view.index,
                "peer": qi,
                "reason": reason,
                "namespaces": namespaces,
                "suggestions": suggestions,
            }
            path = peer_path(view.direction, view.index, qi)
            subject = policy_subject(p, path, peer.line or rule.line)
            key = rule_key(p.id, view.direction, view.index, part)
            yield finding("peer-matches-nothing", "warning", key, [subject], data)


def _why_nothing(facts: Facts, policy, peer: Peer) -> tuple[str, list[str]]:
    """The reason code and the namespaces the peer looks in."""
    if peer.namespace_selector is None:
        namespaces = [policy.namespace]
    else:
        namespaces = facts.namespaces_matching(peer.namespace_selector)
        if not namespaces:
            return "no-namespace", []
    if facts.host_peer_mask(policy, peer).any():
        return "host-network-only", namespaces
    return "no-endpoint", namespaces
