"""Exposure per endpoint: who may reach it (namespaces, namespaces yet to come, outside addresses)."""

from __future__ import annotations

import numpy as np

from netviz.engine import Evaluator
from netviz.engine.ports import PortSet
from netviz.findings.facts import (
    Facts,
    is_open_namespace_selector,
    named_ports,
    rule_portset,
)
from netviz.findings.model import Exposure, ExposureLevel
from netviz.k8s.model import Endpoint


class _Future:
    """What a pod in a namespace created later (only its name label) may reach on an endpoint.

    Its own egress is not isolated (no policy exists there yet), so only the endpoint's ingress
    counts: rules without `from`, and peers whose namespaceSelector would match the new namespace.
    """

    def __init__(self, facts: Facts) -> None:
        self.facts = facts
        taken = set(facts.ns_labels)
        policies = facts.compiled.isolating("ingress")
        self.selects = np.array([cp.selects for cp in policies], dtype=bool).reshape(
            len(policies), facts.pods
        )
        self.open_rules = [
            [
                rule
                for rule in cp.policy.ingress
                if not rule.peers
                or any(
                    q.namespace_selector is not None
                    and is_open_namespace_selector(q.namespace_selector, taken)
                    for q in rule.peers
                )
            ]
            for cp in policies
        ]

    def ports(self, e: Endpoint, cls: int) -> PortSet:
        if e.host_network or not self.facts.isolated["ingress"][cls]:
            return PortSet.all()
        named = named_ports(e)
        out = PortSet.empty()
        for i in np.flatnonzero(self.selects[:, cls]).tolist():
            for rule in self.open_rules[i]:
                out = out | rule_portset(rule.ports, named)
        return out


def _level(e: Endpoint, namespaces: list[str], sources: int, future: PortSet, ext) -> ExposureLevel:
    if ext:
        return "external"
    if not future.is_empty():
        return "any-namespace"
    if any(n != e.namespace for n in namespaces):
        return "cluster"
    return "namespace" if sources else "none"


def exposure(evaluator: Evaluator) -> list[Exposure]:
    """One Exposure per endpoint, most exposed first (then by endpoint id)."""
    facts = Facts.of(evaluator.cluster, evaluator)
    order = {x.id: i for i, x in enumerate(evaluator.externals)}
    future_of = _Future(facts)
    cls_of = {e.id: c for c, members in enumerate(facts.class_members) for e in members}
    out = []
    for e in facts.endpoints:
        cls = cls_of[e.id]
        t = facts.traffic[e.id]
        namespaces = sorted({p.split("/", 1)[0] for p in t.in_pods})
        future = future_of.ports(e, cls)
        ext_in = tuple(sorted(t.in_external, key=order.__getitem__))
        out.append(
            Exposure(
                endpoint=e.id,
                level=_level(e, namespaces, len(t.in_pods), future, ext_in),
                namespaces=tuple(namespaces),
                sources=len(t.in_pods),
                any_namespace_ports=future,
                external_in=ext_in,
                external_in_ports=t.in_external_ports,
                external_out=tuple(sorted(t.out_external, key=order.__getitem__)),
                external_out_ports=t.out_external_ports,
                ingress_isolated=bool(facts.isolated["ingress"][cls]) and not e.host_network,
                egress_isolated=bool(facts.isolated["egress"][cls]) and not e.host_network,
            )
        )
    out.sort(key=lambda x: x.endpoint)
    out.sort(key=lambda x: x.score, reverse=True)
    return out
