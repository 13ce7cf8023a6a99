"""A naive per-pair reading of the NetworkPolicy API, written apart from the engine to check it.

Slow on purpose: every pair, every policy, every rule, straight from the model objects.
"""

from __future__ import annotations

import ipaddress

from netviz.engine.ports import PortSet
from netviz.k8s.model import Cluster, Endpoint, LabelSelector, Peer, Policy, Rule

# An external endpoint is probed by one of its addresses.
Node = Endpoint | ipaddress.IPv4Address | ipaddress.IPv6Address


def selector_ok(s: LabelSelector, labels) -> bool:
    for key, value in s.match_labels:
        if key not in labels or labels[key] != value:
            return False
    for r in s.match_expressions:
        has = key_in = r.key in labels
        if r.operator == "In" and not (has and labels[r.key] in r.values):
            return False
        if r.operator == "NotIn" and key_in and labels[r.key] in r.values:
            return False
        if r.operator == "Exists" and not has:
            return False
        if r.operator == "DoesNotExist" and has:
            return False
    return True


def ns_labels(cluster: Cluster, name: str) -> dict:
    for ns in cluster.namespaces:
        if ns.name == name:
            return {**ns.labels, "kubernetes.io/metadata.name": name}
    return {"kubernetes.io/metadata.name": name}


def in_block(peer: Peer, address) -> bool:
    net = ipaddress.ip_network(peer.ip_block.cidr)
    if address.version != net.version or address not in net:
        return False
    return not any(
        address in ipaddress.ip_network(e)
        for e in peer.ip_block.excepts
        if ipaddress.ip_network(e).version == address.version
    )


def peer_ok(cluster: Cluster, policy: Policy, peer: Peer, other: Node) -> bool:
    if peer.ip_block is not None:
        if isinstance(other, Endpoint):
            if not (other.host_network and other.host_ip):
                return False
            other = ipaddress.ip_address(other.host_ip)
        return in_block(peer, other)
    if not isinstance(other, Endpoint) or other.host_network:
        return False
    if peer.namespace_selector is None:
        ns_ok = other.namespace == policy.namespace
    else:
        ns_ok = selector_ok(peer.namespace_selector, ns_labels(cluster, other.namespace))
    pod_ok = peer.pod_selector is None or selector_ok(peer.pod_selector, other.labels)
    return ns_ok and pod_ok


def rule_ports(rule: Rule, dst: Node) -> PortSet:
    if not rule.ports:
        return PortSet.all()
    out = PortSet.empty()
    for spec in rule.ports:
        if spec.port is None:
            out |= PortSet.single(spec.protocol, 1, 65535)
        elif isinstance(spec.port, int):
            out |= PortSet.single(spec.protocol, spec.port, spec.end_port or spec.port)
        elif isinstance(dst, Endpoint):
            for cp in dst.ports:
                if cp.name == spec.port and cp.protocol == spec.protocol:
                    out |= PortSet.single(spec.protocol, cp.port)
                    break
    return out


def side(cluster: Cluster, direction: str, subject: Node, other: Node, dst: Node) -> PortSet:
    if not isinstance(subject, Endpoint) or subject.host_network:
        return PortSet.all()
    isolating = [
        p
        for p in cluster.policies
        if p.namespace == subject.namespace
        and direction in p.policy_types
        and selector_ok(p.pod_selector, subject.labels)
    ]
    if not isolating:
        return PortSet.all()
    out = PortSet.empty()
    for p in isolating:
        for rule in p.rules(direction):
            if not rule.peers or any(peer_ok(cluster, p, q, other) for q in rule.peers):
                out |= rule_ports(rule, dst)
    return out


def allowed(cluster: Cluster, src: Node, dst: Node) -> PortSet:
    return side(cluster, "egress", src, dst, dst) & side(cluster, "ingress", dst, src, dst)
