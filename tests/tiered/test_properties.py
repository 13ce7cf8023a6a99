"""Random tiered clusters (hypothesis): the engine agrees with the API-literal reference; adding
a Deny rule never adds a connection; adding an Admin-tier Accept never removes one."""

from __future__ import annotations

import copy

from hypothesis import HealthCheck, given, note, settings
from hypothesis import strategies as st

from netviz.engine import Evaluator
from netviz.engine.ports import PortSet
from netviz.k8s import load_texts
from tests.conformance.randomized import PROBES, pod_id, to_yaml
from tests.conformance.test_properties import SAMPLE_ADDRESSES, _connections

from .reference import (
    SAMPLE_NAMES,
    TieredReference,
    admin_rules,
    name_holder,
    pod_sets,
    tiered_clusters,
)

SETTINGS = settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


def files(c) -> list[tuple[str, str]]:
    out = [("cluster.yaml", to_yaml([*c["namespaces"], *c["pods"]]))]
    if c["policies"]:
        out.append(("policies.yaml", to_yaml(c["policies"])))
    if c["admin"]:
        out.append(("admin.yaml", to_yaml(c["admin"])))
    return out


def evaluate(c) -> Evaluator:
    note(to_yaml([*c["namespaces"], *c["pods"], *c["policies"], *c["admin"]]))
    cluster = load_texts(files(c))
    assert not cluster.errors, [p.as_dict() for p in cluster.errors]
    return Evaluator(cluster)


def patterns(c) -> list[str]:
    return [
        d
        for p in c["admin"]
        for rule in p["spec"].get("egress") or []
        for peer in rule["to"]
        for d in peer.get("domainNames", ())
    ]


def held_names(c) -> dict[str, list[str]]:
    """Domain endpoint id → the sample names in it (worked out here, not by the engine)."""
    out: dict[str, list[str]] = {}
    for name in SAMPLE_NAMES:
        holder = name_holder(name, patterns(c))
        if holder is not None:
            out.setdefault(holder, []).append(name)
    return out


def reachable(c) -> set[tuple[str, str, str, int]]:
    """(src, dst, protocol, port) the engine allows, over pods, sample addresses and names."""
    conns = _connections(evaluate(c))
    held = held_names(c)
    out = set()
    for (src, dst), ports in conns.items():
        for proto, port in PROBES:
            if (proto, port) in ports:
                for s in held.get(src, [src]):
                    for d in held.get(dst, [dst]):
                        out.add((s, d, proto, port))
    return out


def ends(c):
    pods = [(pod_id(p), p) for p in c["pods"]]
    names = [n for names in held_names(c).values() for n in names]
    return pods + [(a, a) for a in SAMPLE_ADDRESSES] + [(n, n) for n in names]


@SETTINGS
@given(tiered_clusters())
def test_it_agrees_with_the_reference_on_random_tiered_clusters(c):
    got = reachable(c)
    ref = TieredReference(c)
    for src_id, src in ends(c):
        for dst_id, dst in ends(c):
            if isinstance(src, str) and isinstance(dst, str):
                continue
            if src is dst and src["kind"] == "Pod":
                continue  # loopback
            for proto, port in PROBES:
                want = ref.allowed(src, dst, proto, port)
                assert ((src_id, dst_id, proto, port) in got) == want, (src_id, dst_id, proto, port)


@SETTINGS
@given(tiered_clusters())
def test_the_scalar_decision_path_agrees_with_the_vectorised_analysis(c):
    ev = evaluate(c)
    listed = {(x.src, x.dst): x for x in ev.analysis().connections}
    ids = [pod_id(p) for p in c["pods"]] + [x.id for x in ev.analysis().externals]
    for src in ids:
        for dst in ids:
            if src == dst or (src not in listed and "[" not in src and "[" not in dst):
                continue
            if "[" not in src and "[" not in dst:
                continue
            conn = listed.get((src, dst))
            want = conn.ports if conn else PortSet.empty()
            exp = ev.explain(src, dst)
            assert exp.allowed == want, (src, dst)
            if conn:
                covered = PortSet.empty()
                for g in conn.grants:
                    covered |= g.ports
                assert covered == conn.ports
            for side in (exp.egress, exp.ingress) if ev.mode else ():
                union = PortSet.empty()
                for d in side.decisions:
                    assert not (union & d.ports), "decisions overlap"
                    union |= d.ports
                assert union.is_all() or src == dst


@SETTINGS
@given(tiered_clusters(), st.data())
def test_adding_a_deny_rule_never_adds_a_connection(c, data):
    before = reachable(c)
    changed = copy.deepcopy(c)
    direction = data.draw(st.sampled_from(("ingress", "egress")))
    rule = data.draw(admin_rules(direction, True, False))
    rule["action"] = "Deny"
    tier = data.draw(st.sampled_from(("Admin", "Baseline")))
    spec = {
        "tier": tier,
        "priority": data.draw(st.integers(0, 4)),
        "subject": data.draw(pod_sets()),
    }
    spec[direction] = [rule]
    changed["admin"].append(
        {
            "apiVersion": "policy.networking.k8s.io/v1alpha2",
            "kind": "ClusterNetworkPolicy",
            "metadata": {"name": "added-deny"},
            "spec": spec,
        }
    )
    assert reachable(changed) <= before


@SETTINGS
@given(tiered_clusters(), st.data())
def test_adding_an_admin_accept_never_removes_a_connection(c, data):
    before = reachable(c)
    changed = copy.deepcopy(c)
    direction = data.draw(st.sampled_from(("ingress", "egress")))
    rule = data.draw(admin_rules(direction, True, False))
    rule["action"] = "Accept"
    spec = {"tier": "Admin", "priority": 0, "subject": data.draw(pod_sets()), direction: [rule]}
    changed["admin"].insert(
        0,
        {
            "apiVersion": "policy.networking.k8s.io/v1alpha2",
            "kind": "ClusterNetworkPolicy",
            "metadata": {"name": "aaa-added-accept"},  # first at priority 0 by the tie order
            "spec": spec,
        },
    )
    assert reachable(changed) >= before
