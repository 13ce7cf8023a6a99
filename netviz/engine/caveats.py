"""Caveats for the whole analysis: where network plugins read the API differently from us."""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from netviz.engine.matrix import Matrix
from netviz.engine.peers import Compiled, peer_mask
from netviz.engine.result import Caveat

HOST = "host-network-pod"
POD_IP = "ipblock-matches-pod-ip"


def caveat_key(c: Caveat) -> tuple:
    rule = c.rule
    ref = (
        (
            rule.policy_id,
            rule.direction,
            rule.rule_index,
            rule.peer_index or -1,
            rule.port_index or -1,
        )
        if rule
        else ()
    )
    return (c.code, c.endpoint, c.policy or "", ref, c.detail)


def host_network_caveats(compiled: Compiled) -> list[Caveat]:
    """Wherever a selector would select or match a hostNetwork pod treated as a normal pod, and
    wherever an ipBlock matches one by its host IP (a normal pod is never matched by ipBlock)."""
    nodes = compiled.nodes
    hosts = np.flatnonzero(nodes.host_network)
    if not len(hosts):
        return []
    out: list[Caveat] = []

    def add(mask, policy, ref, detail):
        for node in hosts[mask[hosts]].tolist():
            for e in nodes.members[node]:
                out.append(Caveat(HOST, nodes.endpoints[e].id, policy.id, ref, detail))

    for cp in compiled.policies:
        policy = cp.policy
        if not cp.rules:
            continue
        would = nodes.pod_selector_mask(policy.namespace, policy.pod_selector, host=True)
        add(would, policy, None, "selected, would isolate " + " and ".join(sorted(cp.rules)))
        for rules in cp.rules.values():
            for r in rules:
                for qi, peer in enumerate(r.rule.peers):
                    ref = replace(r.ref, peer_index=qi)
                    if peer.ip_block is not None:
                        add(r.peers[qi][: nodes.pods], policy, ref, "ipBlock matches its host IP")
                    else:
                        mask = peer_mask(nodes, policy, peer, host=True)[: nodes.pods]
                        add(mask, policy, ref, "peer selector would match it")
    return out


def pod_ip_caveats(compiled: Compiled, matrix: Matrix) -> list[Caveat]:
    """Where an ipBlock covers a pod's own IP and matching it would change some verdict."""
    nodes = compiled.nodes
    blocks = [
        (r, qi)
        for r in compiled.rules
        for qi, peer in enumerate(r.rule.peers)
        if peer.ip_block is not None
    ]
    if not blocks:
        return []
    stack = np.array([nodes.space.block_mask(r.rule.peers[qi].ip_block) for r, qi in blocks])
    memo: dict[tuple[int, int], bool] = {}
    out: list[Caveat] = []
    for ei, e in enumerate(nodes.endpoints):
        if e.host_network or not e.pod_ips:
            continue
        node = int(nodes.endpoint_class[ei])
        for ip in e.pod_ips:
            k = nodes.space.locate(ip)
            if k is None:
                continue
            for j in np.flatnonzero(stack[:, k]).tolist():
                r, qi = blocks[j]
                key = (id(r), node)
                if key not in memo:
                    memo[key] = _would_change(compiled, matrix, r, node)
                if memo[key]:
                    policy = compiled.policies[r.policy].policy
                    out.append(Caveat(POD_IP, e.id, policy.id, replace(r.ref, peer_index=qi), ip))
    return out


def _would_change(compiled: Compiled, m: Matrix, rule, node: int) -> bool:
    selected = np.flatnonzero(compiled.policies[rule.policy].selects)
    if not len(selected):
        return False
    if rule.direction == "egress":  # the pod is the destination of the selected pods' egress
        extra = m.words(rule.mask_at(m.atoms, compiled.nodes.named[node]))[None, :]
        side = m.egress[m.es[selected], m.ed[node]]
        groups, inverse = np.unique(m.is_[selected], return_inverse=True)
        cells = np.array([m.ingress_cell(int(g), int(m.id[node])) for g in groups])
        other = cells[inverse.reshape(-1)]
    else:  # the pod is the source of traffic into the selected pods
        extra = m._rule_words(rule, selected)
        groups, inverse = np.unique(m.id[selected], return_inverse=True)
        cells = np.array([m.ingress_cell(int(m.is_[node]), int(g)) for g in groups])
        side = cells[inverse.reshape(-1)]
        other = m.egress[m.es[node], m.ed[selected]]
    return bool(((extra & ~side) & other).any())
