"""Policies compiled against the nodes: who each policy isolates, whom each rule's peers match.

| pod_selector | namespace_selector | ip_block | matches                                          |
|--------------|--------------------|----------|--------------------------------------------------|
| set          | -                  | -        | pods of the policy's namespace matching it       |
| -            | set                | -        | every pod of namespaces matching it ({} = all)   |
| set          | set                | -        | pods matching both (AND, not OR)                 |
| -            | -                  | set      | external ranges inside it, hostNetwork by hostIP |
| (no peers at all in the rule)              | every pod and every external range   |
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace

import numpy as np

from netviz.engine.atoms import PortAtoms, spec_range
from netviz.engine.classes import Nodes
from netviz.engine.result import RuleRef
from netviz.k8s.model import Direction, IPBlock, Peer, Policy, PortSpec, Rule


@dataclass
class CompiledRule:
    policy: int  # index into Compiled.policies
    direction: Direction
    index: int
    rule: Rule
    ref: RuleRef  # peer_index / port_index left None; see `refs`
    peers: tuple[np.ndarray, ...] | None  # per peer, which nodes it matches; None = every peer
    match: np.ndarray  # nodes matched by some peer
    const: int = 0  # atoms of the numeric and whole-protocol port entries
    named: tuple[PortSpec, ...] = ()
    _refs: dict = field(default_factory=dict, repr=False)
    _port_masks: list | None = field(default=None, repr=False)

    def ref_at(self, peer_index: int | None, port_index: int | None) -> RuleRef:
        """The RuleRef naming one (peer, port) entry of this rule; shared, built once."""
        key = (peer_index, port_index)
        found = self._refs.get(key)
        if found is None:
            found = self._refs[key] = replace(
                self.ref, peer_index=peer_index, port_index=port_index
            )
        return found

    def first_peer(self, node: int) -> int | None | bool:
        """Index of the first peer matching a node, None for a rule without peers, False if none."""
        if self.peers is None:
            return None
        for i, mask in enumerate(self.peers):
            if mask[node]:
                return i
        return False

    def port_masks(
        self, atoms: PortAtoms, named: dict[tuple[str, str], int] | None
    ) -> list[tuple[int | None, int]]:
        """(port_index, atoms) of each port entry at a destination; (None, all) without ports."""
        if not self.rule.ports:
            return [(None, atoms.all_mask)]
        if not self.named and self._port_masks is not None:
            return self._port_masks
        out = [(i, atoms.spec_mask(s, named)) for i, s in enumerate(self.rule.ports)]
        if not self.named:
            self._port_masks = out
        return out

    def mask_at(self, atoms: PortAtoms, named: dict[tuple[str, str], int] | None) -> int:
        out = self.const
        for spec in self.named:
            out |= atoms.spec_mask(spec, named)
        return out


@dataclass
class CompiledPolicy:
    policy: Policy
    selects: np.ndarray  # pod classes selected (never hostNetwork ones)
    rules: dict[Direction, list[CompiledRule]] = field(default_factory=dict)


def all_blocks(policies: list[Policy]) -> list[IPBlock]:
    return [
        peer.ip_block
        for p in policies
        for rule in (*p.ingress, *p.egress)
        for peer in rule.peers
        if peer.ip_block is not None
    ]


def peer_mask(nodes: Nodes, policy: Policy, peer: Peer, host: bool = False) -> np.ndarray:
    """Nodes one peer matches; with `host`, selectors also match hostNetwork classes."""
    if peer.ip_block is not None:
        return nodes.block_mask(peer.ip_block)
    if peer.pod_selector is None and peer.namespace_selector is None:
        pods = np.zeros(nodes.pods, dtype=bool)  # an empty peer is invalid: it matches nothing
    elif peer.namespace_selector is None:
        pods = nodes.pod_selector_mask(policy.namespace, peer.pod_selector, host)
    elif peer.pod_selector is None:
        pods = nodes.namespace_selector_mask(peer.namespace_selector, host)
    else:
        pods = nodes.pod_selector_mask(
            None, peer.pod_selector, host
        ) & nodes.namespace_selector_mask(peer.namespace_selector, host)
    return np.concatenate([pods, np.zeros(nodes.externals, dtype=bool)])


def rule_ref(policy: Policy, direction: Direction, index: int, rule: Rule) -> RuleRef:
    return RuleRef(
        policy_namespace=policy.namespace,
        policy_name=policy.name,
        direction=direction,
        rule_index=index,
        file=policy.source.file if policy.source else "",
        line=rule.line,
    )


class Compiled:
    """Every policy compiled once; rules of directions not in policy_types are left out."""

    def __init__(
        self, nodes: Nodes, policies: list[Policy], extra_ports: Sequence[PortSpec] = ()
    ) -> None:
        """`extra_ports`: port entries of other policy APIs, so the atoms cut at them too."""
        self.nodes = nodes
        self.extra_ports = tuple(extra_ports)
        self.policies: list[CompiledPolicy] = []
        self.rules: list[CompiledRule] = []
        everyone = np.ones(nodes.n, dtype=bool)
        peer_cache: dict[tuple[str, Peer], np.ndarray] = {}
        for pi, policy in enumerate(policies):
            cp = CompiledPolicy(
                policy, nodes.pod_selector_mask(policy.namespace, policy.pod_selector)
            )
            for direction in ("ingress", "egress"):
                if direction not in policy.policy_types:
                    continue
                cp.rules[direction] = []
                for ri, rule in enumerate(policy.rules(direction)):
                    peers = None
                    if rule.peers:
                        peers = []
                        for peer in rule.peers:
                            key = (policy.namespace, _strip_line(peer))
                            if key not in peer_cache:
                                peer_cache[key] = peer_mask(nodes, policy, peer)
                            peers.append(peer_cache[key])
                        peers = tuple(peers)
                    match = everyone if peers is None else np.logical_or.reduce(peers)
                    ref = rule_ref(policy, direction, ri, rule)
                    cr = CompiledRule(pi, direction, ri, rule, ref, peers, match)
                    cr.named = tuple(s for s in rule.ports if isinstance(s.port, str))
                    cp.rules[direction].append(cr)
                    self.rules.append(cr)
            self.policies.append(cp)
        self.named_keys = sorted(
            {(s.protocol, s.port) for r in self.rules for s in r.named}
            | {(s.protocol, s.port) for s in self.extra_ports if isinstance(s.port, str)}
        )
        self.atoms = PortAtoms(self._port_ranges())
        for r in self.rules:
            if not r.rule.ports:
                r.const = self.atoms.all_mask
            else:
                for spec in r.rule.ports:
                    if not isinstance(spec.port, str):
                        r.const |= self.atoms.spec_mask(spec, None)

    def _port_ranges(self):
        for r in self.rules:
            for spec in r.rule.ports:
                span = spec_range(spec, None)
                if span:
                    yield (spec.protocol, *span)
        for spec in self.extra_ports:
            span = spec_range(spec, None)
            if span:
                yield (spec.protocol, *span)
        wanted = set(self.named_keys)
        for named in self.nodes.named:
            for (protocol, name), port in (named or {}).items():
                if (protocol, name) in wanted:
                    yield protocol, port, port

    def isolating(self, direction: Direction) -> list[CompiledPolicy]:
        return [p for p in self.policies if direction in p.rules]


def _strip_line(peer: Peer) -> Peer:
    return Peer(peer.pod_selector, peer.namespace_selector, peer.ip_block)
