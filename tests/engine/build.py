"""Small builders for Cluster objects in engine tests (no YAML: the reader is tested elsewhere)."""

from __future__ import annotations

from netviz.engine import Evaluator
from netviz.engine.ports import PortSet
from netviz.k8s.model import (
    Cluster,
    ContainerPort,
    Endpoint,
    IPBlock,
    LabelSelector,
    Namespace,
    Peer,
    Policy,
    PortSpec,
    Requirement,
    Rule,
    Source,
)


def sel(*exprs: Requirement, **labels: str) -> LabelSelector:
    return LabelSelector(tuple(sorted(labels.items())), tuple(exprs))


def req(key: str, operator: str, *values: str) -> Requirement:
    return Requirement(key, operator, frozenset(values))


def pod(ns: str, name: str, kind: str = "Pod", ports=(), **labels: str) -> Endpoint:
    """An endpoint; `ports` are ContainerPort or (port, protocol, name) tuples."""
    cps = tuple(p if isinstance(p, ContainerPort) else ContainerPort(*p) for p in ports)
    return Endpoint(kind, ns, name, labels, cps, source=Source("pods.yaml", 1, 1))


def peer(
    pods: LabelSelector | None = None, nss: LabelSelector | None = None, line: int = 0
) -> Peer:
    return Peer(pod_selector=pods, namespace_selector=nss, line=line)


def block(cidr: str, *excepts: str) -> Peer:
    return Peer(ip_block=IPBlock(cidr, tuple(excepts)))


def port(p: int | str | None = None, protocol: str = "TCP", end: int | None = None) -> PortSpec:
    return PortSpec(protocol, p, end)


def rule(*peers: Peer, ports=(), line: int = 0) -> Rule:
    return Rule(tuple(peers), tuple(ports), line)


def policy(
    ns: str,
    name: str,
    selector: LabelSelector | None = None,
    ingress=None,
    egress=None,
    types=None,
    line: int = 1,
) -> Policy:
    """A policy with policy_types defaulted like the reader does (Ingress, plus Egress if any)."""
    if types is None:
        types = {"ingress"} | ({"egress"} if egress is not None else set())
    return Policy(
        ns,
        name,
        selector or LabelSelector(),
        frozenset(types),
        tuple(ingress or ()),
        tuple(egress or ()),
        Source(f"{name}.yaml", 1, line),
    )


def cluster(endpoints=(), policies=(), namespaces=()) -> Cluster:
    nss = tuple(n if isinstance(n, Namespace) else Namespace(n[0], n[1]) for n in namespaces)
    return Cluster(nss, tuple(endpoints), tuple(policies))


def evaluator(endpoints=(), policies=(), namespaces=()) -> Evaluator:
    from tests.tiered.crosscheck import checked

    return checked(cluster(endpoints, policies, namespaces))


def allowed(ev: Evaluator, src: str, dst: str) -> PortSet:
    """Ports the connection list allows src → dst (empty when not listed)."""
    src, dst = ev.resolve(src), ev.resolve(dst)
    for c in ev.analysis().connections:
        if c.src == src and c.dst == dst:
            return c.ports
    return PortSet.empty()


def tcp(*ports: int) -> PortSet:
    out = PortSet.empty()
    for p in ports:
        out |= PortSet.single("TCP", p)
    return out


ALL = PortSet.all()
NONE = PortSet.empty()
