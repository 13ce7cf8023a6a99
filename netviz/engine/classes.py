"""Nodes the engine computes on: endpoint classes that behave alike, then external address ranges.

Node indices 0..pods-1 are endpoint classes, then the external ranges in address order, then the
domainNames endpoints (netviz.engine.domains) by name.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import numpy as np

from netviz.engine.addresses import AddressSpace, inside_blocks
from netviz.engine.selectors import LabelIndex
from netviz.k8s.model import NS_NAME_LABEL, Cluster, Endpoint, IPBlock


def namespace_labels(cluster: Cluster) -> dict[str, dict[str, str]]:
    """Labels of every namespace declared or referenced, always with the metadata.name label."""
    out: dict[str, dict[str, str]] = {}
    for ns in cluster.namespaces:
        out.setdefault(ns.name, {**ns.labels, NS_NAME_LABEL: ns.name})
    for name in [e.namespace for e in cluster.endpoints] + [p.namespace for p in cluster.policies]:
        out.setdefault(name, {NS_NAME_LABEL: name})
    return out


def refine(features: Iterable[np.ndarray], size: int) -> np.ndarray:
    """Group ids 0..g-1 (in order of first appearance) of elements equal on every feature.

    Boolean features add one bit, integer features (0..65535) sixteen; ids are compacted before
    they could overflow, so this stays exact however many features there are.
    """
    gid = np.zeros(size, dtype=np.int64)
    bits = 0
    for feature in features:
        width = 1 if feature.dtype == bool else 16
        if bits + width > 62:
            gid = np.unique(gid, return_inverse=True)[1].astype(np.int64)
            bits = max(1, int(gid.max(initial=0)).bit_length())
        gid = (gid << width) | feature.astype(np.int64)
        bits += width
    _, first, inverse = np.unique(gid, return_index=True, return_inverse=True)
    order = np.argsort(first, kind="stable")
    rank = np.empty_like(order)
    rank[order] = np.arange(len(order))
    return rank[inverse].astype(np.int64)


class Nodes:
    """Endpoints grouped by (namespace, labels, ports, hostNetwork, hostIP), plus external ranges."""

    def __init__(
        self,
        cluster: Cluster,
        blocks: Sequence[IPBlock],
        pod_ip_blocks: Sequence[IPBlock] = (),
        accounts: bool = False,
        domains: Sequence[str] = (),
    ) -> None:
        """`pod_ip_blocks`: CIDRs that match pods by their known IPs (admin `networks` peers);
        endpoints are then also told apart by which of them hold one of their pod IPs.
        `accounts`: also tell endpoints apart by service account (Calico selectors see it).
        `domains`: domainNames patterns, each an external node of its own after the ranges."""
        by_id: dict[str, Endpoint] = {}
        for e in cluster.endpoints:
            by_id.setdefault(e.id, e)  # a duplicate id is the reader's problem; keep the first
        self.endpoints: list[Endpoint] = [by_id[k] for k in sorted(by_id)]
        self.ns_labels = namespace_labels(cluster)
        self.ns_names = sorted(self.ns_labels)
        ns_pos = self.ns_pos = {n: i for i, n in enumerate(self.ns_names)}
        self.ns_index = LabelIndex([self.ns_labels[n] for n in self.ns_names])

        host_ips = [e.host_ip for e in self.endpoints if e.host_network and e.host_ip]
        self.space = AddressSpace(blocks, host_ips)

        keys: dict[tuple, int] = {}
        label_keys: dict[tuple, int] = {}
        self.members: list[list[int]] = []  # endpoint indices per class (pods), then per range
        reps: list[Endpoint] = []
        groups: list[int] = []
        endpoint_class = []
        for i, e in enumerate(self.endpoints):
            labels = tuple(sorted(e.labels.items()))
            host = e.host_ip if e.host_network else None
            ports = tuple(sorted(set(e.ports), key=_port_key))
            key = (e.namespace, labels, ports, e.host_network, host)
            if pod_ip_blocks and e.pod_ips and not e.host_network:
                key += (inside_blocks(e.pod_ips, pod_ip_blocks),)
            if accounts:
                key += (e.service_account,)
            c = keys.get(key)
            if c is None:
                c = keys[key] = len(reps)
                reps.append(e)
                self.members.append([])
                groups.append(label_keys.setdefault((e.namespace, labels), len(label_keys)))
            self.members[c].append(i)
            endpoint_class.append(c)
        self.endpoint_class = np.array(endpoint_class, dtype=np.int64)
        self.reps = reps
        self.pods = len(reps)
        ext = self.space.external_index
        self.domains = list(domains)
        self.ranges = len(ext)
        self.externals = self.ranges + len(self.domains)
        self.n = self.pods + self.externals
        self.members.extend([] for _ in range(self.externals))

        label_sets = [dict(labels) for (_, labels) in label_keys]
        self.label_index = LabelIndex(label_sets)
        self.label_group = np.array(groups, dtype=np.int64)
        self.namespace = np.array([ns_pos[e.namespace] for e in reps], dtype=np.int64)
        self.host_network = np.array([e.host_network for e in reps], dtype=bool)
        self.host_interval = np.array(
            [self.space.locate(e.host_ip) if e.host_network and e.host_ip else -1 for e in reps],
            dtype=np.int64,
        )
        self.named: list[dict[tuple[str, str], int] | None] = [_named_ports(e) for e in reps] + [
            None
        ] * self.externals

    def pod_selector_mask(self, namespace: str | None, selector, host: bool = False) -> np.ndarray:
        """Pod classes a pod selector matches, within `namespace` if given.

        hostNetwork classes are left out unless `host` (the other plugin reading, for caveats).
        """
        out = self.label_index.match(selector)[self.label_group]
        if not host:
            out = out & ~self.host_network
        if namespace is not None:
            out &= self.namespace == self.ns_pos.get(namespace, -1)
        return out

    def namespace_selector_mask(self, selector, host: bool = False) -> np.ndarray:
        out = self.ns_index.match(selector)[self.namespace]
        return out if host else out & ~self.host_network

    def block_mask(self, block: IPBlock) -> np.ndarray:
        """Nodes an ipBlock matches: external ranges inside it, hostNetwork classes by host IP
        (never a domain endpoint: DNS is not resolved)."""
        intervals = self.space.block_mask(block)
        pods = np.zeros(self.pods, dtype=bool)
        seen = self.host_interval >= 0
        pods[seen] = intervals[self.host_interval[seen]]
        domains = np.zeros(len(self.domains), dtype=bool)
        return np.concatenate([pods, intervals[self.space.external_index], domains])


def _port_key(p) -> tuple:
    return (p.port, p.protocol, p.name or "")


def _named_ports(e: Endpoint) -> dict[tuple[str, str], int]:
    out: dict[tuple[str, str], int] = {}
    for p in e.ports:
        if p.name and 1 <= p.port <= 65535:
            out.setdefault((p.protocol, p.name), p.port)
    return out
