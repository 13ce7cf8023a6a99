"""The engine against the Calico reference evaluator on random clusters (hypothesis)."""

from __future__ import annotations

import copy
import ipaddress

from hypothesis import HealthCheck, given, note, settings
from hypothesis import strategies as st

from netviz.engine import Evaluator
from netviz.engine.ports import PortRange, PortSet
from netviz.engine.protocols import IP, block, icmp_range
from netviz.k8s import load_texts

from .calico_random import ADDRESSES, OTHER_PROBES, PROBES, calico_clusters
from .calico_reference import NUMBER, PROTOCOL, CalicoReference
from .randomized import to_yaml

SETTINGS = settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


def probe_set(proto, port) -> PortSet:
    """A probe as the one-value PortSet the engine's results are compared with."""
    number = NUMBER.get(proto, proto)
    if number in (6, 17, 132):
        return PortSet.single(PROTOCOL[number], port)
    if number in (1, 58):
        start, _ = icmp_range(number, *port)
        return PortSet([PortRange(IP, start, start)])
    return PortSet([PortRange(IP, *block(number))])


def _load(c):
    docs = [*c["namespaces"], *c["pods"], *c["other"], *c["policies"]]
    note(to_yaml(docs))
    cluster = load_texts([("cluster.yaml", to_yaml(docs))])
    assert not cluster.errors, [p.as_dict() for p in cluster.errors]
    return cluster


def _connections(ev: Evaluator) -> dict[tuple[str, str], PortSet]:
    analysis = ev.analysis()
    addresses = [ipaddress.ip_address(a) for a in ADDRESSES]
    held: dict[str, list[str]] = {}
    for r in analysis.externals:
        start, end = ipaddress.ip_address(r.start), ipaddress.ip_address(r.end)
        held[r.id] = [str(a) for a in addresses if a.version == start.version and start <= a <= end]
    out: dict[tuple[str, str], PortSet] = {}
    for conn in analysis.connections:
        for src in held.get(conn.src, [conn.src]):
            for dst in held.get(conn.dst, [conn.dst]):
                out[(src, dst)] = out.get((src, dst), PortSet.empty()) | conn.ports
    return out


def _check(c) -> None:
    cluster = _load(c)
    if cluster.calico is None:
        return
    ev = Evaluator(cluster)
    ref = CalicoReference(cluster)
    conns = _connections(ev)
    probes = PROBES + (OTHER_PROBES if ev.compiled.atoms.ip else ())
    endpoints = list(cluster.endpoints)
    pairs = [(s, d) for s in endpoints for d in endpoints if s is not d or s.kind != "Pod"]
    pairs += [(e, a) for e in endpoints for a in ADDRESSES]
    pairs += [(a, e) for e in endpoints for a in ADDRESSES]
    for s, d in pairs:
        key = tuple(x if isinstance(x, str) else x.id for x in (s, d))
        got = conns.get(key, PortSet.empty())  # type: ignore[arg-type]
        for proto, port in probes:
            want = ref.allowed(s, d, proto, port)
            assert bool(probe_set(proto, port) & got) == want, (
                f"{key[0]} -> {key[1]} {proto}/{port}: reference says "
                f"{'allowed' if want else 'blocked'}, engine allows {got}"
            )
    for s, d in pairs:
        if isinstance(s, str) or isinstance(d, str):
            continue
        # The scalar decision path (explain) agrees with the vectorised connections.
        exp = ev.explain(s.id, d.id, None)
        assert exp.allowed == conns.get((s.id, d.id), PortSet.empty()), (s.id, d.id)


@SETTINGS
@given(calico_clusters())
def test_engine_agrees_with_the_calico_reference(c):
    _check(c)


@settings(SETTINGS, max_examples=80)
@given(calico_clusters())
def test_the_default_tiers_union_fast_path_equals_the_rule_by_rule_path(c):
    cluster = _load(c)
    if cluster.calico is None:
        return
    fast = _connections(Evaluator(cluster))
    plain = _connections(Evaluator(cluster, mode="general"))
    assert fast == plain


@settings(SETTINGS, max_examples=60)
@given(calico_clusters(max_policies=8))
def test_engine_agrees_with_the_calico_reference_on_more_policies(c):
    _check(c)


ICMP_ONLY_RULES = (
    {"action": "Deny", "protocol": "ICMP"},
    {"action": "Allow", "protocol": "ICMP", "icmp": {"type": 8}},
    {"action": "Pass", "protocol": "ICMPv6"},
    {"action": "Deny", "protocol": "ICMP", "notICMP": {"type": 0, "code": 0}},
    {"action": "Allow", "protocol": 1, "icmp": {"type": 3, "code": 4}},
)


def _port_parts(conns: dict) -> dict:
    out = {}
    for key, ports in conns.items():
        part = ports & PortSet.all()
        if part:
            out[key] = part
    return out


@settings(SETTINGS, max_examples=60)
@given(calico_clusters(), st.data())
def test_rules_that_only_mention_icmp_leave_tcp_udp_sctp_results_alone(c, data):
    cluster = _load(c)
    if cluster.calico is None or not c["policies"]:
        return
    before = _port_parts(_connections(Evaluator(cluster)))
    changed = copy.deepcopy(c)
    for doc in changed["policies"]:
        spec = doc.get("spec")
        if doc.get("apiVersion") != "projectcalico.org/v3" or not isinstance(spec, dict):
            continue
        for direction in ("ingress", "egress"):
            rules = spec.get(direction)
            if not rules:
                continue  # a first rule could change the defaulted types
            at = data.draw(st.integers(0, len(rules)))
            rules.insert(at, data.draw(st.sampled_from(ICMP_ONLY_RULES)))
    after = _port_parts(_connections(Evaluator(_load(changed))))
    assert after == before
