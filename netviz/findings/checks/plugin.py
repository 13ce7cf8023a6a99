"""Policies whose effect depends on the network plugin: the engine's caveats, one finding per rule."""

from __future__ import annotations

from collections.abc import Iterator

from netviz.engine.addresses import block_contains
from netviz.findings.checks.base import finding, rule_key
from netviz.findings.facts import (
    PEER_FIELD,
    Facts,
    endpoint_subject,
    peer_path,
    policy_subject,
    rule_path,
)
from netviz.findings.model import Finding

NODE_IP = "ipblock-matches-node-ip"


def check_plugin_dependent(facts: Facts) -> Iterator[Finding]:
    policies = {p.id: p for p in facts.cluster.policies}
    endpoints = {e.id: e for e in facts.endpoints}
    groups: dict[tuple, dict] = {}
    for c in facts.ev.analysis().caveats:
        if c.policy not in policies:
            continue  # e.g. "self": not about any policy
        r = c.rule
        where = (
            (r.direction, r.rule_index, -1 if r.peer_index is None else r.peer_index) if r else None
        )
        group = groups.setdefault((c.policy, where, c.code), {"endpoints": set(), "details": set()})
        group["endpoints"].add(c.endpoint)
        group["details"].add(c.detail)
    for policy_id, where, endpoint, ip in _node_ip_matches(facts):
        group = groups.setdefault(
            (policy_id, where, NODE_IP), {"endpoints": set(), "details": set()}
        )
        group["endpoints"].add(endpoint)
        group["details"].add(ip)
    for (policy_id, where, code), group in sorted(groups.items(), key=_key):
        p = policies[policy_id]
        if where is None:
            subject = policy_subject(p, "spec.podSelector")
            key = f"{policy_id}:podSelector"
        else:
            direction, ri, qi = where
            rule = p.rules(direction)[ri]
            if qi < 0:
                subject = policy_subject(p, rule_path(direction, ri), rule.line)
                key = rule_key(policy_id, direction, ri)
            else:
                path = peer_path(direction, ri, qi)
                subject = policy_subject(p, path, rule.peers[qi].line or rule.line)
                key = rule_key(policy_id, direction, ri, f"{PEER_FIELD[direction]}[{qi}]")
        ids = sorted(group["endpoints"])
        data = {
            "code": code,
            "policy": policy_id,
            "endpoints": ids,
            "details": sorted(d for d in group["details"] if d),
        }
        subjects = [subject] + [endpoint_subject(endpoints[i]) for i in ids if i in endpoints]
        yield finding("network-plugin-dependent", "warning", f"{key}:{code}", subjects, data)


def _node_ip_matches(facts: Facts) -> Iterator[tuple[str, tuple, str, str]]:
    """ipBlocks that contain the node address of an ordinary pod: traffic from the node itself
    (kubelet probes, NodePort and load-balancer hops) is matched or not depending on the plugin."""
    nodes = [(e, e.host_ip) for e in facts.endpoints if e.host_ip and not e.host_network]
    if not nodes:
        return
    for view in facts.rules():
        if not view.effective:
            continue
        for qi, peer in enumerate(view.rule.peers):
            if peer.ip_block is None:
                continue
            for e, ip in nodes:
                if block_contains(peer.ip_block, ip):
                    yield view.policy.id, (view.direction, view.index, qi), e.id, ip


def _key(item) -> tuple:
    (policy_id, where, code), _ = item
    return (policy_id, where or ("", -1, -1), code)
