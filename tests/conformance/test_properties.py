"""Properties that follow from the API text, checked on random small clusters with hypothesis."""

from __future__ import annotations

import copy
import ipaddress

from hypothesis import HealthCheck, assume, given, note, settings
from hypothesis import strategies as st

from netviz.engine import Evaluator
from netviz.engine.ports import PortSet
from netviz.k8s import load_texts

from .randomized import (
    PROBES,
    Reference,
    cluster_files,
    clusters,
    pod_id,
    policies,
    rules,
    to_yaml,
)
from .randomized import _port as _port_spec_matches

SAMPLE_ADDRESSES = (
    "8.8.8.8",
    "10.0.0.1",
    "10.1.2.3",
    "192.168.1.5",
    "2001:db8::1",
    "2001:db8:1::1",
    "2001:db9::1",
)
SETTINGS = settings(
    max_examples=200,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


def _evaluate(c) -> Evaluator:
    note(to_yaml([*c["namespaces"], *c["pods"], *c["policies"]]))
    from tests.tiered.crosscheck import checked

    cluster = load_texts(cluster_files(c))
    assert not cluster.errors, [p.as_dict() for p in cluster.errors]
    return checked(cluster)


def _connections(ev: Evaluator) -> dict[tuple[str, str], PortSet]:
    """Allowed ports by (src, dst); external ranges are named by sample addresses, since the
    ranges themselves split and merge as ipBlocks come and go."""
    analysis = ev.analysis()
    addresses = [ipaddress.ip_address(a) for a in SAMPLE_ADDRESSES]
    held: dict[str, list[str]] = {}
    for r in analysis.externals:
        if r.domain:
            continue  # a domainNames endpoint keeps its name (tests/tiered/test_properties.py)
        start, end = ipaddress.ip_address(r.start), ipaddress.ip_address(r.end)
        held[r.id] = [str(a) for a in addresses if a.version == start.version and start <= a <= end]
    out: dict[tuple[str, str], PortSet] = {}
    for conn in analysis.connections:
        for src in held.get(conn.src, [conn.src]):
            for dst in held.get(conn.dst, [conn.dst]):
                out[(src, dst)] = out.get((src, dst), PortSet.empty()) | conn.ports
    return out


def _pod_pairs(c):
    """Every ordered pair; a bare Pod to itself is loopback, a workload to itself is traffic."""
    return [(s, d) for s in c["pods"] for d in c["pods"] if s is not d or s["kind"] != "Pod"]


@SETTINGS
@given(clusters())
def test_random_clusters_evaluate_and_explain_agrees_with_connections(c):
    ev = _evaluate(c)
    analysis = ev.analysis()
    ids = {pod_id(p) for p in c["pods"]}
    assert ids <= {e.id for e in analysis.endpoints}
    bare = {pod_id(p) for p in c["pods"] if p["kind"] == "Pod"}
    conns = _connections(ev)
    for (src, dst), ports in conns.items():
        assert not ports.is_empty(), (src, dst)
        assert not (src == dst and src in bare), f"bare-pod loopback listed: {src}"
    for s, d in _pod_pairs(c):
        src, dst = pod_id(s), pod_id(d)
        exp = ev.explain(src, dst, None)
        assert exp.allowed == conns.get((src, dst), PortSet.empty()), (src, dst)
        assert exp.allowed == exp.egress.allowed & exp.ingress.allowed


@SETTINGS
@given(clusters())
def test_engine_agrees_with_a_literal_reading_of_the_api(c):
    _check_against_reference(c)


@settings(SETTINGS, max_examples=100)
@given(clusters(max_policies=8, max_pods=6))
def test_engine_agrees_with_the_reference_on_larger_clusters(c):
    # More pods share labels here, which exercises the engine's equivalence classes.
    _check_against_reference(c)


def _check_against_reference(c):
    ev = _evaluate(c)
    ref = Reference(c)
    conns = _connections(ev)
    for s, d in _pod_pairs(c):
        got = conns.get((pod_id(s), pod_id(d)), PortSet.empty())
        for proto, port in PROBES:
            want = ref.allowed(s, d, proto, port)
            assert ((proto, port) in got) == want, (
                f"{pod_id(s)} -> {pod_id(d)} {proto}/{port}: reference says "
                f"{'allowed' if want else 'blocked'}, engine allows {got}"
            )
    for pod in c["pods"]:
        for ip in SAMPLE_ADDRESSES:
            for src, dst in ((pod, ip), (ip, pod)):
                key = tuple(x if isinstance(x, str) else pod_id(x) for x in (src, dst))
                got = conns.get(key, PortSet.empty())
                for proto, port in PROBES:
                    want = ref.allowed(src, dst, proto, port)
                    assert ((proto, port) in got) == want, (key, proto, port, want, got)
    for pod in c["pods"]:
        other = next((p for p in c["pods"] if p is not pod), None)
        if other is not None:
            out, into = pod_id(pod), pod_id(other)
            assert ev.explain(out, into, None).egress.isolated == ref.isolated(pod, "egress"), out
            assert ev.explain(into, out, None).ingress.isolated == ref.isolated(pod, "ingress"), out


@SETTINGS
@given(clusters(max_policies=3), st.data())
def test_adding_an_allow_rule_never_removes_a_connection(c, data):
    assume(c["policies"])
    before = _connections(_evaluate(c))
    widened = copy.deepcopy(c)
    policy = data.draw(st.sampled_from(widened["policies"]))
    spec = policy["spec"]
    direction = data.draw(st.sampled_from(("ingress", "egress")))
    # Without policyTypes, a first egress rule would add Egress isolation: not an allow rule.
    if direction == "egress" and "policyTypes" not in spec and not spec.get("egress"):
        direction = "ingress"
    spec[direction] = [*(spec.get(direction) or []), data.draw(rules(direction))]
    after = _connections(_evaluate(widened))
    for pair, ports in before.items():
        assert ports.issubset(after.get(pair, PortSet.empty())), (pair, ports, after.get(pair))


@SETTINGS
@given(clusters(max_policies=3), st.data())
def test_a_new_policy_narrows_open_pairs_and_widens_isolated_ones(c, data):
    # Isolation before the change is read from the API, not from the engine.
    ref = Reference(c)
    before = _connections(_evaluate(c))
    grown = copy.deepcopy(c)
    grown["policies"].append(data.draw(policies(("x", "y", "z"), "added")))
    after = _connections(_evaluate(grown))
    for s, d in _pod_pairs(c):
        pair = (pod_id(s), pod_id(d))
        old, new = before.get(pair, PortSet.empty()), after.get(pair, PortSet.empty())
        if not ref.isolated(s, "egress") and not ref.isolated(d, "ingress"):
            assert new.issubset(old), (pair, old, new)
        if ref.isolated(s, "egress") and ref.isolated(d, "ingress"):
            assert old.issubset(new), (pair, old, new)


@SETTINGS
@given(clusters())
def test_document_order_does_not_matter(c):
    reordered = {k: list(reversed(v)) for k, v in c.items()}
    assert _connections(_evaluate(c)) == _connections(_evaluate(reordered))


def _rule(c, ref):
    [policy] = [
        p
        for p in c["policies"]
        if (p["metadata"]["namespace"], p["metadata"]["name"])
        == (ref.policy_namespace, ref.policy_name)
    ]
    return policy, (policy["spec"].get(ref.direction) or [])[ref.rule_index]


@SETTINGS
@given(clusters())
def test_grants_and_denials_name_rules_that_really_decide(c):
    ev = _evaluate(c)
    ref = Reference(c)
    by_id = {pod_id(p): p for p in c["pods"]}
    for conn in ev.analysis().connections:
        if conn.src not in by_id or conn.dst not in by_id:
            continue
        src, dst = by_id[conn.src], by_id[conn.dst]
        covered = PortSet.empty()
        for grant in conn.grants:
            covered = covered | grant.ports
            probes = [(pr, po) for pr, po in PROBES if (pr, po) in grant.ports]
            for side, subject, other, refs in (
                ("egress", src, dst, grant.egress),
                ("ingress", dst, src, grant.ingress),
            ):
                assert (refs is None) == (not ref.isolated(subject, side)), (conn, side)
                for rr in refs or ():
                    policy, rule = _rule(c, rr)
                    assert rr.direction == side and policy in ref.selecting(subject, side)
                    peers = rule.get("from" if side == "ingress" else "to") or []
                    assert (rr.peer_index is None) == (not peers), rr
                    if peers:
                        assert ref._peer(
                            peers[rr.peer_index], policy["metadata"]["namespace"], other
                        )
                    specs = rule.get("ports") or []
                    assert (rr.port_index is None) == (not specs), rr
                    for proto, port in probes if specs else ():
                        assert _port_spec_matches(specs[rr.port_index], dst, proto, port), rr
        assert covered == conn.ports, conn
    asked = PortSet.single("TCP", 80)
    for s, d in _pod_pairs(c):
        if ref.allowed(s, d, "TCP", 80):
            continue
        exp = ev.explain(pod_id(s), pod_id(d), asked)
        denials = [*exp.egress.denied_by, *exp.ingress.denied_by]
        assert denials, (pod_id(s), pod_id(d))
        for verdict, subject, other in ((exp.egress, s, d), (exp.ingress, d, s)):
            for denial in verdict.denied_by:
                ns, name = denial.policy.split("/")
                policy = next(
                    p
                    for p in c["policies"]
                    if (p["metadata"]["namespace"], p["metadata"]["name"]) == (ns, name)
                )
                assert policy in ref.selecting(subject, verdict.direction), denial
                rules = policy["spec"].get(verdict.direction) or []
                if not rules:
                    assert [m.reason for m in denial.misses] == ["no-rules"], denial
                    continue
                assert [m.rule_index for m in denial.misses] == list(range(len(rules))), denial
                for miss in denial.misses:
                    rule = rules[miss.rule_index]
                    peers = rule.get("from" if verdict.direction == "ingress" else "to") or []
                    peer_ok = not peers or any(ref._peer(p, ns, other) for p in peers)
                    assert miss.reason == ("port" if peer_ok else "peer"), (denial, miss)
