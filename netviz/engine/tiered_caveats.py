"""Caveats of the ordered tiers: `networks` peers cover pod IPs too (the API says so), but where
an endpoint's pod IP is not in the input netviz cannot tell whether a CIDR covering cluster
ranges (private ranges, 0.0.0.0/0, or one holding a known pod IP) matches it."""

from __future__ import annotations

import ipaddress
from collections.abc import Sequence

from netviz.engine.result import Caveat
from netviz.k8s.model import Endpoint
from netviz.k8s.tiermodel import AdminPolicy

NETWORKS = "networks-may-cover-pods"
_CLUSTER_RANGES = tuple(
    ipaddress.ip_network(c) for c in ("10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "fc00::/7")
)


def covers_cluster(cidr: str, known_ips: Sequence[str]) -> bool:
    net = ipaddress.ip_network(cidr)
    if any(net.version == r.version and (net.overlaps(r)) for r in _CLUSTER_RANGES):
        return True
    return any(
        ipaddress.ip_address(ip).version == net.version and ipaddress.ip_address(ip) in net
        for ip in known_ips
    )


def network_rules(policies: Sequence[AdminPolicy], known_ips: Sequence[str]):
    """(policy, direction, rule index, CIDR) of every networks entry that may cover pods."""
    for p in policies:
        for i, rule in enumerate(p.egress):
            for peer in rule.peers:
                for block in peer.networks:
                    if covers_cluster(block.cidr, known_ips):
                        yield p, "egress", i, block.cidr


def analysis_caveats(
    policies: Sequence[AdminPolicy], endpoints: Sequence[Endpoint]
) -> list[Caveat]:
    """One caveat per (rule, CIDR) when some endpoint's pod IP is unknown."""
    unknown = [e for e in endpoints if not e.host_network and not e.pod_ips]
    if not unknown:
        return []
    known = [ip for e in endpoints for ip in e.pod_ips]
    out = []
    for p, direction, i, cidr in network_rules(policies, known):
        detail = (
            f"{cidr} ({p.id} {direction}[{i}]): {len(unknown)} endpoints without a known pod IP"
        )
        out.append(Caveat(NETWORKS, unknown[0].id, p.id, None, detail))
    return out


def pair_caveats(
    policies: Sequence[AdminPolicy], subject_policies: Sequence[AdminPolicy], other
) -> list[Caveat]:
    """For one egress verdict: the networks rules of policies selecting the subject that might
    match `other`, a pod whose IP is unknown."""
    if not isinstance(other, Endpoint) or other.host_network or other.pod_ips:
        return []
    return [
        Caveat(NETWORKS, other.id, p.id, None, cidr)
        for p, _, _, cidr in network_rules(subject_policies, ())
    ]
