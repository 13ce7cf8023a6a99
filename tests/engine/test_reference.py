"""The vectorised analysis equals a naive per-pair reading on random small clusters."""

from __future__ import annotations

import ipaddress

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from netviz.engine import Evaluator, matrix
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
)

from . import reference

NAMESPACES = ("a", "b", "c")
KEYS = ("app", "tier")
VALUES = ("x", "y")
CIDRS = {
    "10.0.0.0/8": ("10.1.0.0/16", "10.2.3.0/24"),
    "10.1.0.0/16": ("10.1.2.0/24",),
    "0.0.0.0/0": ("10.0.0.0/8",),
    "192.168.0.0/16": ("192.168.1.0/24",),
    "2001:db8::/32": ("2001:db8:1::/48",),
}
HOST_IPS = ("192.168.1.1", "192.168.7.7", "10.1.2.3")
CONTAINER_PORTS = (
    ContainerPort(80, "TCP", "http"),
    ContainerPort(8080, "TCP", "alt"),
    ContainerPort(53, "UDP", "dns"),
    ContainerPort(53, "TCP", "dns"),
    ContainerPort(81, "TCP", None),
)

labels = st.dictionaries(st.sampled_from(KEYS), st.sampled_from(VALUES), max_size=2)
requirement = st.builds(
    Requirement,
    st.sampled_from(KEYS),
    st.sampled_from(("In", "NotIn", "Exists", "DoesNotExist")),
    st.frozensets(st.sampled_from(VALUES), min_size=1, max_size=2),
).map(lambda r: r if r.operator in ("In", "NotIn") else Requirement(r.key, r.operator))
selector = st.builds(
    LabelSelector,
    labels.map(lambda d: tuple(sorted(d.items()))),
    st.lists(requirement, max_size=2).map(tuple),
)
ip_block = st.sampled_from(sorted(CIDRS)).flatmap(
    lambda c: st.lists(st.sampled_from(CIDRS[c]), max_size=2, unique=True).map(
        lambda ex: IPBlock(c, tuple(ex))
    )
)
peer = st.one_of(
    st.builds(Peer, pod_selector=selector),
    st.builds(Peer, namespace_selector=selector),
    st.builds(Peer, pod_selector=selector, namespace_selector=selector),
    st.builds(Peer, ip_block=ip_block),
)
port_spec = st.one_of(
    st.builds(
        PortSpec, st.sampled_from(("TCP", "UDP", "SCTP")), st.sampled_from((None, 53, 80, 81))
    ),
    st.builds(PortSpec, st.just("TCP"), st.just(80), st.sampled_from((81, 8080))),
    st.builds(
        PortSpec, st.sampled_from(("TCP", "UDP")), st.sampled_from(("http", "dns", "alt", "none"))
    ),
)
rules = st.lists(
    st.builds(
        Rule, st.lists(peer, max_size=2).map(tuple), st.lists(port_spec, max_size=2).map(tuple)
    ),
    max_size=2,
).map(tuple)
policy = st.builds(
    Policy,
    st.sampled_from(NAMESPACES),
    st.sampled_from(("p1", "p2", "p3", "p4")),
    selector,
    st.sampled_from(({"ingress"}, {"egress"}, {"ingress", "egress"})).map(frozenset),
    rules,
    rules,
)


@st.composite
def endpoint(draw, index: int):
    host = draw(st.booleans()) and draw(st.booleans())
    return Endpoint(
        draw(st.sampled_from(("Pod", "Deployment"))),
        draw(st.sampled_from(NAMESPACES)),
        f"e{index}",
        draw(labels),
        tuple(draw(st.lists(st.sampled_from(CONTAINER_PORTS), max_size=3, unique=True))),
        host_network=host,
        host_ip=draw(st.sampled_from((None, *HOST_IPS))) if host else None,
    )


@st.composite
def clusters(draw):
    count = draw(st.integers(1, 5))
    endpoints = tuple(draw(endpoint(i)) for i in range(count))
    policies = draw(st.lists(policy, max_size=4, unique_by=lambda p: (p.namespace, p.name)))
    namespaces = tuple(Namespace(n, draw(labels)) for n in NAMESPACES[:2])
    return Cluster(namespaces, endpoints, tuple(policies))


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(clusters())
def test_analysis_equals_the_naive_reference(cluster):
    from tests.tiered.crosscheck import checked

    ev = checked(cluster)
    analysis = ev.analysis()
    listed = {(c.src, c.dst): c for c in analysis.connections}
    # The order every output uses: workloads by id, then external ranges by address, v4 first.
    order = sorted(e.id for e in analysis.endpoints) + [
        x.id
        for x in sorted(
            analysis.externals, key=lambda x: (x.version, ipaddress.ip_address(x.start))
        )
    ]
    rank = {node_id: i for i, node_id in enumerate(order)}
    assert list(listed) == sorted(listed, key=lambda pair: (rank[pair[0]], rank[pair[1]]))
    probes: list[tuple[str, object]] = [(e.id, e) for e in analysis.endpoints]
    for x in analysis.externals:
        probes.append((x.id, ipaddress.ip_address(x.start)))
        probes.append((x.id, ipaddress.ip_address(x.end)))
    for src_id, src in probes:
        for dst_id, dst in probes:
            if not isinstance(src, Endpoint) and not isinstance(dst, Endpoint):
                continue
            if src_id == dst_id and isinstance(src, Endpoint) and src.kind == "Pod":
                assert (src_id, dst_id) not in listed
                continue
            want = reference.allowed(cluster, src, dst)
            conn = listed.get((src_id, dst_id))
            got = conn.ports if conn else PortSet.empty()
            assert got == want, (src_id, dst_id)
            if conn:
                union = PortSet.empty()
                for g in conn.grants:
                    assert not (union & g.ports), "grants overlap"
                    union |= g.ports
                assert union == conn.ports
                assert ev.explain(src_id, dst_id).allowed == conn.ports


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(clusters())
def test_ingress_rows_computed_one_per_block_give_the_same_analysis(cluster):
    whole = Evaluator(cluster).analysis().connections
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(matrix, "BLOCK_BYTES", 1)  # one ingress row per block
        one_by_one = Evaluator(cluster).analysis().connections
        general = Evaluator(cluster, mode="general").analysis().connections
    assert one_by_one == whole
    assert [(c.src, c.dst, c.ports) for c in general] == [(c.src, c.dst, c.ports) for c in whole]
