"""Checks on isolation: namespaces without a default deny, endpoints no policy selects, DNS blocked."""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np

from netviz.engine.ports import PortSet
from netviz.engine.selectors import matches
from netviz.findings import fixes
from netviz.findings.checks.base import finding
from netviz.findings.facts import (
    NS_NAME_LABEL,
    Facts,
    endpoint_subject,
    named_ports,
    namespace_subject,
    policy_subject,
    rule_portset,
)
from netviz.findings.model import Finding
from netviz.k8s.model import ContainerPort, Direction, Endpoint, Peer, Policy

DNS_NAMESPACE = "kube-system"
DNS_LABELS = {"k8s-app": "kube-dns"}  # what CoreDNS and kube-dns pods are labelled upstream
# CoreDNS's own port names, so named-port DNS rules resolve against the stand-in pod too.
DNS_STAND_IN = Endpoint(
    "Deployment",
    DNS_NAMESPACE,
    "coredns",
    labels=DNS_LABELS,
    ports=(ContainerPort(53, "UDP", "dns"), ContainerPort(53, "TCP", "dns-tcp")),
)
DNS_NEEDS = (("UDP", 53), ("TCP", 53))


def is_default_deny(policy: Policy, direction: Direction) -> bool:
    """Selects every pod of its namespace for `direction` and has no allow-everything rule there."""
    if direction not in policy.policy_types or not policy.pod_selector.is_empty:
        return False
    return not any(not r.peers and not r.ports for r in policy.rules(direction))


def _namespaces(facts: Facts) -> list[str]:
    """Namespaces declared or holding endpoints; ones only named by a selector are left out."""
    return sorted(set(facts.declared) | set(facts.by_namespace))


def check_default_deny(facts: Facts, direction: Direction) -> Iterator[Finding]:
    check = f"namespace-without-default-deny-{direction}"
    guarded = {p.namespace for p in facts.cluster.policies if is_default_deny(p, direction)}
    isolated = facts.isolated[direction]
    open_ids = {e.id for e in facts.members(~isolated)}
    for ns in _namespaces(facts):
        if ns in guarded:
            continue
        endpoints = facts.by_namespace.get(ns, [])
        data = {
            "namespace": ns,
            "direction": direction,
            "endpoints": len(endpoints),
            "unprotected": sum(e.id in open_ids for e in endpoints),
        }
        fix = (
            fixes.default_deny(ns, "ingress")
            if direction == "ingress"
            else fixes.default_deny_egress_with_dns(ns)
        )
        subject = namespace_subject(ns, facts.declared.get(ns))
        yield finding(check, "warning", ns, [subject], data, fix)


def check_unprotected(facts: Facts, direction: Direction) -> Iterator[Finding]:
    check = f"unprotected-{direction}"
    for e in facts.members(~facts.isolated[direction]):
        t = facts.traffic[e.id]
        pods, external = (
            (t.in_pods, t.in_external) if direction == "ingress" else (t.out_pods, t.out_external)
        )
        data = {
            "endpoint": e.id,
            "direction": direction,
            "host_network": e.host_network,
            "endpoints": len(pods),
            "namespaces": sorted({p.split("/", 1)[0] for p in pods}),
            "external_ranges": len(external - facts.domain_ids),
        }
        names = len(external & facts.domain_ids)
        if names:  # domainNames endpoints (tiered input only)
            data["domain_names"] = names
        fix = fixes.isolate_endpoint(e.namespace, e.name, e.labels, direction)
        yield finding(check, "warning", e.id, [endpoint_subject(e)], data, fix)


def check_unprotected_ingress(facts: Facts) -> Iterator[Finding]:
    return check_unprotected(facts, "ingress")


def check_unprotected_egress(facts: Facts) -> Iterator[Finding]:
    return check_unprotected(facts, "egress")


def check_default_deny_ingress(facts: Facts) -> Iterator[Finding]:
    return check_default_deny(facts, "ingress")


def check_default_deny_egress(facts: Facts) -> Iterator[Finding]:
    return check_default_deny(facts, "egress")


# --- DNS ------------------------------------------------------------------------------------
def _peer_matches_pod(facts: Facts, policy: Policy, peer: Peer, pod: Endpoint) -> bool:
    if peer.ip_block is not None or (peer.pod_selector is None and peer.namespace_selector is None):
        return False
    if peer.namespace_selector is None:
        if pod.namespace != policy.namespace:
            return False
    else:
        ns_labels = facts.ns_labels.get(pod.namespace, {NS_NAME_LABEL: pod.namespace})
        if not matches(peer.namespace_selector, ns_labels):
            return False
    return peer.pod_selector is None or matches(peer.pod_selector, pod.labels)


def _dns_targets(facts: Facts) -> list[Endpoint]:
    real = [
        e
        for e in facts.by_namespace.get(DNS_NAMESPACE, [])
        if all(e.labels.get(k) == v for k, v in DNS_LABELS.items())
    ]
    return real or [DNS_STAND_IN]


def _blocked(facts: Facts, policies: list[Policy], targets: list[Endpoint]) -> list[str]:
    """Which of DNS_NEEDS the egress rules of `policies` allow to none of the DNS targets."""
    reachable = PortSet.empty()
    for t in targets:
        for p in policies:
            for rule in p.egress:
                if not rule.peers or any(_peer_matches_pod(facts, p, q, t) for q in rule.peers):
                    reachable = reachable | rule_portset(rule.ports, named_ports(t))
    return [f"{proto} {port}" for proto, port in DNS_NEEDS if (proto, port) not in reachable]


def check_dns(facts: Facts) -> Iterator[Finding]:
    """Egress-isolated pods that cannot send UDP and TCP 53 to the cluster DNS, per namespace."""
    targets = _dns_targets(facts)
    target_ids = {t.id for t in targets}
    isolating = facts.compiled.isolating("egress")
    affected: dict[str, dict] = {}
    selects = np.array([cp.selects for cp in isolating], dtype=bool).reshape(
        len(isolating), facts.pods
    )
    verdicts: dict[tuple[int, ...], list[str]] = {}  # many classes share one set of policies
    for c in range(facts.pods):
        which = tuple(np.flatnonzero(selects[:, c]).tolist())
        if not which:
            continue
        policies = [isolating[i].policy for i in which]
        blocked = verdicts.get(which)
        if blocked is None:
            blocked = verdicts[which] = _blocked(facts, policies, targets)
        if not blocked:
            continue
        for e in facts.class_members[c]:
            if e.id in target_ids:
                continue
            group = affected.setdefault(
                e.namespace, {"endpoints": [], "blocked": set(), "policies": {}}
            )
            group["endpoints"].append(e)
            group["blocked"].update(blocked)
            group["policies"].update((p.id, p) for p in policies)
    for ns, group in sorted(affected.items()):
        endpoints = sorted(group["endpoints"], key=lambda e: e.id)
        blocked = [f"{proto} {port}" for proto, port in DNS_NEEDS]
        blocked = [b for b in blocked if b in group["blocked"]]
        policies = [group["policies"][k] for k in sorted(group["policies"])]
        data = {
            "namespace": ns,
            "blocked": blocked,
            "endpoints": [e.id for e in endpoints],
            "policies": [p.id for p in policies],
            "dns": sorted(target_ids),
        }
        severity = "danger" if "UDP 53" in blocked else "warning"
        subjects = [policy_subject(p) for p in policies]
        yield finding("egress-blocks-dns", severity, ns, subjects, data, fixes.allow_dns(ns))
