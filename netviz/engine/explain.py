"""One pair at a time: the verdict of each side with the rules that allow and the policies that deny.

Deliberately scalar (no masks, no atoms) so it also cross-checks the vectorised analysis.
"""

from __future__ import annotations

from collections.abc import Mapping

from netviz.engine.addresses import block_contains
from netviz.engine.atoms import spec_range
from netviz.engine.caveats import HOST, POD_IP
from netviz.engine.ports import PortSet
from netviz.engine.result import (
    Caveat,
    DirectionVerdict,
    Explanation,
    ExternalRange,
    PolicyDenial,
    RuleMiss,
    RuleRef,
)
from netviz.engine.selectors import matches
from netviz.k8s.model import Direction, Endpoint, Peer, Policy, Rule

Node = Endpoint | ExternalRange
SELF_DETAIL = "a pod may always reach itself; policies do not apply"


def named_ports(node: Node) -> dict[tuple[str, str], int] | None:
    if isinstance(node, ExternalRange):
        return None
    # The first declaration of a name wins, as in the pod's own port list.
    return {
        (p.protocol, p.name): p.port
        for p in reversed(node.ports)
        if p.name and 1 <= p.port <= 65535
    }


class Explainer:
    def __init__(
        self,
        policies: list[Policy],
        ns_labels: Mapping[str, Mapping[str, str]],
        universe: PortSet | None = None,
    ) -> None:
        """`universe`: every connection of the input (PortAtoms.universe()): what a rule
        without ports allows; PortSet.all() unless the input names other protocols."""
        self.ns_labels = ns_labels
        self.universe = PortSet.all() if universe is None else universe
        self.by_namespace: dict[str, list[Policy]] = {}
        for p in policies:
            self.by_namespace.setdefault(p.namespace, []).append(p)

    # --- matching -------------------------------------------------------------------------
    def peer_matches(self, policy: Policy, peer: Peer, other: Node, host: bool = False) -> bool:
        """Whether a peer matches; with `host`, a hostNetwork pod is treated as a normal pod."""
        if peer.ip_block is not None:
            if isinstance(other, ExternalRange):  # a domain endpoint has no address
                return not other.domain and block_contains(peer.ip_block, other.start)
            return bool(
                other.host_network
                and not host
                and other.host_ip
                and block_contains(peer.ip_block, other.host_ip)
            )
        if isinstance(other, ExternalRange) or (other.host_network and not host):
            return False
        if peer.pod_selector is None and peer.namespace_selector is None:
            return False
        if peer.namespace_selector is None:
            if other.namespace != policy.namespace:
                return False
        elif not matches(peer.namespace_selector, self.ns_labels.get(other.namespace, {})):
            return False
        return peer.pod_selector is None or matches(peer.pod_selector, other.labels)

    def first_peer(self, policy: Policy, rule: Rule, other: Node) -> int | None | bool:
        if not rule.peers:
            return None
        for i, peer in enumerate(rule.peers):
            if self.peer_matches(policy, peer, other):
                return i
        return False

    def isolating(self, node: Node, direction: Direction, host: bool = False) -> list[Policy]:
        if isinstance(node, ExternalRange) or (node.host_network and not host):
            return []
        return [
            p
            for p in self.by_namespace.get(node.namespace, [])
            if direction in p.policy_types and matches(p.pod_selector, node.labels)
        ]

    def rule_ports(self, rule: Rule, dst: Node) -> list[tuple[int | None, PortSet]]:
        if not rule.ports:
            return [(None, self.universe)]
        named = named_ports(dst)
        out = []
        for i, spec in enumerate(rule.ports):
            span = spec_range(spec, named)
            out.append((i, PortSet.single(spec.protocol, *span) if span else PortSet.empty()))
        return out

    # --- verdicts -------------------------------------------------------------------------
    def verdict(
        self, direction: Direction, subject: Node, other: Node, dst: Node, asked: PortSet
    ) -> DirectionVerdict:
        policies = self.isolating(subject, direction)
        if not policies:
            return DirectionVerdict(direction, False, self.universe)
        allowed = PortSet.empty()
        allowed_by: list[tuple[RuleRef, PortSet]] = []
        denied: list[PolicyDenial] = []
        for p in policies:
            file = p.source.file if p.source else ""
            by_policy = PortSet.empty()
            misses: list[RuleMiss] = []
            for ri, rule in enumerate(p.rules(direction)):
                peer = self.first_peer(p, rule, other)
                if peer is False:
                    misses.append(RuleMiss(ri, "peer", rule.line))
                    continue
                by_rule = PortSet.empty()
                for port_index, ports in self.rule_ports(rule, dst):
                    by_rule |= ports
                    if ports & asked:
                        ref = RuleRef(p.namespace, p.name, direction, ri, peer, port_index)
                        allowed_by.append((_located(ref, file, rule.line), ports))
                by_policy |= by_rule
                if not asked.issubset(by_rule):
                    misses.append(RuleMiss(ri, "port", rule.line))
            allowed |= by_policy
            if not asked.issubset(by_policy):
                misses = misses or [RuleMiss(None, "no-rules", 0)]
                line = p.source.line if p.source else 0
                denied.append(PolicyDenial(p.id, file, line, tuple(misses)))
        return DirectionVerdict(direction, True, allowed, tuple(allowed_by), tuple(denied))

    def explain(self, src: Node, dst: Node, asked: PortSet | None) -> Explanation:
        asked = self.universe if asked is None else asked
        if isinstance(src, ExternalRange) and isinstance(dst, ExternalRange):
            raise ValueError("traffic between two external ranges is outside any policy")
        eg = self.verdict("egress", src, dst, dst, asked)
        ing = self.verdict("ingress", dst, src, dst, asked)
        if src is dst and isinstance(src, Endpoint) and src.kind == "Pod":
            loop = (Caveat("self", src.id, None, None, SELF_DETAIL),)
            eg = DirectionVerdict("egress", eg.isolated, self.universe, caveats=loop)
            ing = DirectionVerdict("ingress", ing.isolated, self.universe, caveats=loop)
        else:
            eg = _with_caveats(eg, self.caveats("egress", src, dst, dst, eg, ing))
            ing = _with_caveats(ing, self.caveats("ingress", dst, src, dst, ing, eg))
        return Explanation(_id(src), _id(dst), asked, eg.allowed & ing.allowed & asked, eg, ing)

    # --- caveats --------------------------------------------------------------------------
    def caveats(
        self,
        direction: Direction,
        subject: Node,
        other: Node,
        dst: Node,
        side: DirectionVerdict,
        opposite: DirectionVerdict,
    ) -> list[Caveat]:
        out: list[Caveat] = []
        if isinstance(subject, Endpoint) and subject.host_network:
            for p in self.isolating(subject, direction, host=True):
                types = " and ".join(sorted(p.policy_types))
                out.append(Caveat(HOST, subject.id, p.id, None, "selected, would isolate " + types))
        if not isinstance(other, Endpoint):
            return out
        for p in self.isolating(subject, direction):
            file = p.source.file if p.source else ""
            for ri, rule in enumerate(p.rules(direction)):
                for qi, peer in enumerate(rule.peers):
                    ref = _located(RuleRef(p.namespace, p.name, direction, ri, qi), file, rule.line)
                    if other.host_network:
                        if self.peer_matches(p, peer, other):
                            out.append(
                                Caveat(HOST, other.id, p.id, ref, "ipBlock matches its host IP")
                            )
                        elif peer.ip_block is None and self.peer_matches(p, peer, other, host=True):
                            out.append(
                                Caveat(HOST, other.id, p.id, ref, "peer selector would match it")
                            )
                    elif peer.ip_block is not None:
                        extra = PortSet.empty()
                        for _, ports in self.rule_ports(rule, dst):
                            extra |= ports
                        if not ((extra - side.allowed) & opposite.allowed):
                            continue
                        for ip in other.pod_ips:
                            if block_contains(peer.ip_block, ip):
                                out.append(Caveat(POD_IP, other.id, p.id, ref, ip))
        return out


def _located(ref: RuleRef, file: str, line: int) -> RuleRef:
    return RuleRef(
        ref.policy_namespace,
        ref.policy_name,
        ref.direction,
        ref.rule_index,
        ref.peer_index,
        ref.port_index,
        file,
        line,
    )


def _with_caveats(v: DirectionVerdict, caveats: list[Caveat]) -> DirectionVerdict:
    if not caveats:
        return v
    return DirectionVerdict(
        v.direction, v.isolated, v.allowed, v.allowed_by, v.denied_by, tuple(caveats)
    )


def _id(node: Node) -> str:
    return node.id
