"""Typed policies → the ordered Program: Admin tier, NetworkPolicy tier, Baseline tier.

Peer matching of the policy.networking.k8s.io API (host-network pods are never subjects, and
namespaces / pods peers never match them):

| peer       | matches                                                                     |
|------------|-----------------------------------------------------------------------------|
| namespaces | every pod of the namespaces the selector matches ({} = all)                |
| pods       | pods matching podSelector in namespaces matching namespaceSelector (AND)    |
| networks   | external ranges inside a CIDR, hostNetwork pods by host IP, and pods whose  |
|            | status.podIP(s) is known and inside the CIDR (the API: networks cover pods) |
| nodes      | the InternalIP of each Node object the selector matches                    |
| domainNames| the domain endpoints its patterns cover (netviz.engine.domains): DNS is not  |
|            | resolved, so ipBlocks and networks never match these endpoints              |
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable, Sequence

import numpy as np

from netviz.engine.addresses import inside_blocks
from netviz.engine.classes import Nodes
from netviz.engine.domains import covers, normalise
from netviz.engine.peers import Compiled
from netviz.engine.program import (
    ADMIN,
    ALLOW,
    BASELINE,
    DENY_IF_SELECTED,
    NETWORK_POLICY,
    PASS_ON,
    PolicyRef,
    Program,
    Tier,
    TierPolicy,
    TierRule,
)
from netviz.engine.result import RuleRef
from netviz.engine.selectors import matches
from netviz.k8s.model import IPBlock, PortSpec
from netviz.k8s.tiermodel import AdminPeer, AdminPolicy, AdminRule, NodeObject, PodSet


def network_blocks(policies: Iterable[AdminPolicy]) -> list[IPBlock]:
    """Every `networks` CIDR of the admin policies (they cut the address space like ipBlocks)."""
    return [
        block
        for p in policies
        for rule in p.egress
        for peer in rule.peers
        if peer.kind == "networks"
        for block in peer.networks
    ]


def node_blocks(nodes: Iterable[NodeObject]) -> list[IPBlock]:
    """One single-address block per Node InternalIP: each node IP becomes a range of its own."""
    out = []
    for node in nodes:
        for ip in node.addresses:
            address = ipaddress.ip_address(ip)
            out.append(IPBlock(f"{address}/{address.max_prefixlen}"))
    return out


def admin_port_specs(policies: Iterable[AdminPolicy]) -> list[PortSpec]:
    return [spec for p in policies for rule in (*p.ingress, *p.egress) for spec in rule.ports or ()]


class _Matcher:
    """Node masks of subjects and peers, cached by value (policies repeat their selectors)."""

    def __init__(self, nodes: Nodes, node_objects: Sequence[NodeObject]) -> None:
        self.nodes = nodes
        self.node_objects = node_objects
        self._cache: dict[object, np.ndarray] = {}
        self.ext = np.zeros(nodes.externals, dtype=bool)
        # Which pod classes have a known pod IP in a CIDR (classes are split by it, see Nodes).
        self._reps = nodes.reps

    def pods(self, pod_set: PodSet) -> np.ndarray:
        """Pod classes of a subject or namespaces/pods peer (hostNetwork never)."""
        key = ("pods", pod_set)
        found = self._cache.get(key)
        if found is None:
            n = self.nodes
            found = n.namespace_selector_mask(pod_set.namespace_selector)
            if pod_set.pod_selector is not None:
                found = found & n.pod_selector_mask(None, pod_set.pod_selector)
            self._cache[key] = found
        return found

    def peer(self, peer: AdminPeer) -> np.ndarray:
        key = ("peer", peer.kind, peer.pods, peer.networks, peer.nodes, peer.domains)
        found = self._cache.get(key)
        if found is None:
            found = self._cache[key] = self._peer(peer)
        return found

    def _peer(self, peer: AdminPeer) -> np.ndarray:
        n = self.nodes
        if peer.kind in ("namespaces", "pods") and peer.pods is not None:
            return np.concatenate([self.pods(peer.pods), self.ext])
        out = np.zeros(n.n, dtype=bool)
        if peer.kind == "networks":
            for block in peer.networks:
                out |= n.block_mask(block)
                out[: n.pods] |= self._pod_ips_in(block)
        elif peer.kind == "nodes" and peer.nodes is not None:
            for node in self.node_objects:
                if matches(peer.nodes, node.labels):
                    for block in node_blocks([node]):
                        out |= n.block_mask(block)
        elif peer.kind == "domainNames":
            first = n.pods + n.ranges
            patterns = [normalise(d) for d in peer.domains]
            for j, name in enumerate(n.domains):
                out[first + j] = any(covers(p, name) for p in patterns)
        return out

    def _pod_ips_in(self, block: IPBlock) -> np.ndarray:
        return np.array(
            [
                not e.host_network and bool(e.pod_ips) and inside_blocks(e.pod_ips, (block,))[0]
                for e in self._reps
            ],
            dtype=bool,
        )


def _rule(
    matcher: _Matcher,
    compiled: Compiled,
    policy: AdminPolicy,
    direction: str,
    i: int,
    rule: AdminRule,
) -> TierRule:
    peers = tuple(matcher.peer(p) for p in rule.peers)
    match = np.logical_or.reduce(peers) if peers else np.zeros(matcher.nodes.n, dtype=bool)
    atoms = compiled.atoms
    if rule.ports is None:
        const, named = atoms.all_mask, ()
    else:
        const = 0
        for spec in rule.ports:
            if not isinstance(spec.port, str):
                const |= atoms.spec_mask(spec, None)
        named = tuple(s for s in rule.ports if isinstance(s.port, str))
    ref = RuleRef(
        policy_namespace="",
        policy_name=policy.name,
        direction=direction,  # type: ignore[arg-type]
        rule_index=i,
        file=policy.source.file if policy.source else "",
        line=rule.line,
        kind=policy.kind,
        tier=policy.tier,
        priority=None if policy.kind == "BaselineAdminNetworkPolicy" else policy.priority,
        rule_name=rule.name,
        action=rule.action,
    )
    return TierRule(rule.action, match, const, named, ref, rule.name, peers)


def _admin_tier(
    name: str, policies: list[AdminPolicy], matcher: _Matcher, compiled: Compiled
) -> Tier:
    out = []
    for p in sorted(policies, key=lambda p: p.sort_key):
        priority = None if p.kind == "BaselineAdminNetworkPolicy" else p.priority
        ref = PolicyRef(
            p.kind,
            p.name,
            p.tier,
            None,
            priority,
            p.source.file if p.source else "",
            p.source.line if p.source else 0,
        )
        selects = matcher.pods(p.subject)
        tp = TierPolicy(ref, selects, np.concatenate([selects, matcher.ext]), source=p)
        for direction in ("ingress", "egress"):
            rules = p.rules(direction)
            if rules:
                tp.rules[direction] = [
                    _rule(matcher, compiled, p, direction, i, r) for i, r in enumerate(rules)
                ]
        out.append(tp)
    return Tier(name, PASS_ON, out)


def _np_tier(compiled: Compiled) -> Tier:
    out = []
    for cp in compiled.policies:
        p = cp.policy
        ref = PolicyRef(
            "NetworkPolicy",
            p.name,
            NETWORK_POLICY,
            p.namespace,
            None,
            p.source.file if p.source else "",
            p.source.line if p.source else 0,
        )
        ext = np.zeros(compiled.nodes.externals, dtype=bool)
        tp = TierPolicy(ref, cp.selects, np.concatenate([cp.selects, ext]), source=cp)
        for direction, rules in cp.rules.items():
            tp.rules[direction] = [
                TierRule(ALLOW, r.match, r.const, r.named, r.ref, "", r.peers) for r in rules
            ]
        out.append(tp)
    return Tier(NETWORK_POLICY, DENY_IF_SELECTED, out, union=True)


def compile_program(
    nodes: Nodes,
    compiled: Compiled,
    admin: Sequence[AdminPolicy] = (),
    node_objects: Sequence[NodeObject] = (),
) -> Program:
    """Admin → NetworkPolicy → Baseline, each tier's policies in their evaluation order."""
    matcher = _Matcher(nodes, node_objects)
    return Program(
        tiers=[
            _admin_tier(ADMIN, [p for p in admin if p.tier == "Admin"], matcher, compiled),
            _np_tier(compiled),
            _admin_tier(BASELINE, [p for p in admin if p.tier == "Baseline"], matcher, compiled),
        ],
        size=nodes.n,
    )
