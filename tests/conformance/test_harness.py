"""The conformance harness itself: the generated e2e model and the truth-table type."""

from __future__ import annotations

import pytest
import yaml

from .e2e import ALL_PODS, TruthTable, assert_reachability, e2e_model, manifest, pod_yaml, run
from .randomized import Reference, matches


def test_it_generates_three_namespaces_and_nine_pods_serving_six_named_ports():
    docs = list(yaml.safe_load_all(e2e_model()))
    namespaces = [d for d in docs if d["kind"] == "Namespace"]
    pods = [d for d in docs if d["kind"] == "Pod"]
    assert [n["metadata"]["labels"] for n in namespaces] == [{"ns": "x"}, {"ns": "y"}, {"ns": "z"}]
    assert [f"{p['metadata']['namespace']}/{p['metadata']['name']}" for p in pods] == list(ALL_PODS)
    ports = [c["ports"][0] for c in pods[0]["spec"]["containers"]]
    assert {(p["containerPort"], p["protocol"], p["name"]) for p in ports} == {
        (80, "TCP", "serve-80-tcp"),
        (81, "TCP", "serve-81-tcp"),
        (80, "UDP", "serve-80-udp"),
        (81, "UDP", "serve-81-udp"),
        (80, "SCTP", "serve-80-sctp"),
        (81, "SCTP", "serve-81-sctp"),
    }
    assert pods[4]["metadata"]["labels"] == {"pod": "b"}


def test_it_adds_extra_labels_and_host_network():
    doc = yaml.safe_load(pod_yaml("x", "a", {"pod2": "updated"}, host_network=True))
    assert doc["metadata"]["labels"] == {"pod": "a", "pod2": "updated"}
    assert doc["spec"]["hostNetwork"] is True


def test_it_parses_the_upstream_ascii_layout():
    table = TruthTable.parse(
        """
        -   x/a x/b
        x/a .   X
        x/b .   .
        """
    )
    assert table.pods == ("x/a", "x/b")
    assert table.allowed == {("x/a", "x/a"), ("x/b", "x/a"), ("x/b", "x/b")}


def test_it_rejects_a_ragged_or_unknown_cell():
    with pytest.raises(ValueError):
        TruthTable.parse("- x/a x/b\nx/a .\n")
    with pytest.raises(ValueError):
        TruthTable.parse("- x/a\nx/a ?\n")


def test_expect_applies_patterns_in_order_and_keeps_loopback():
    table = TruthTable.expect(("*", "x/a", False), ("x/b", "x/a", True))
    assert ("x/a", "x/a") in table.allowed
    assert ("x/b", "x/a") in table.allowed
    assert ("x/c", "x/a") not in table.allowed
    assert ("y/a", "x/a") not in table.allowed
    assert ("y/a", "y/b") in table.allowed
    namespace_rule = TruthTable.expect(("x/*", "*/b", False))
    assert ("x/c", "z/b") not in namespace_rule.allowed
    assert ("y/c", "z/b") in namespace_rule.allowed


def test_render_round_trips_through_parse():
    table = TruthTable.expect(("*", "x/*", False), ("y/*", "z/c", False))
    assert TruthTable.parse(table.render()) == table


def test_mismatches_name_each_wrong_cell():
    want = TruthTable.expect()
    got = TruthTable.expect(("y/a", "x/b", False))
    assert want.mismatches(got) == ["y/a -> x/b: expected allowed"]


def _reference_table(policy_yaml: str, model: str | None = None, port: int = 80) -> TruthTable:
    docs = [d for d in yaml.safe_load_all((model or e2e_model()) + "---\n" + policy_yaml) if d]
    by_kind = {
        k: [d for d in docs if d["kind"] == k] for k in ("Namespace", "Pod", "NetworkPolicy")
    }
    ref = Reference(
        {
            "namespaces": by_kind["Namespace"],
            "pods": by_kind["Pod"],
            "policies": by_kind["NetworkPolicy"],
        }
    )
    pods = {f"{p['metadata']['namespace']}/{p['metadata']['name']}": p for p in by_kind["Pod"]}
    allowed = {
        (s, d)
        for s in ALL_PODS
        for d in ALL_PODS
        if s == d or ref.allowed(pods[s], pods[d], "TCP", port)
    }
    return TruthTable(ALL_PODS, frozenset(allowed))


def test_the_reference_evaluator_reads_and_vs_or_peers():
    got = _reference_table(
        manifest(
            """
            apiVersion: networking.k8s.io/v1
            kind: NetworkPolicy
            metadata: {name: p, namespace: x}
            spec:
              podSelector: {matchLabels: {pod: a}}
              ingress:
              - from:
                - namespaceSelector: {matchLabels: {ns: "y"}}
                  podSelector: {matchLabels: {pod: b}}
                - podSelector: {matchLabels: {pod: c}}
            """
        )
    )
    want = TruthTable.expect(("*", "x/a", False), ("y/b", "x/a", True), ("x/c", "x/a", True))
    assert want.mismatches(got) == []


def test_the_reference_evaluator_defaults_policy_types_and_resolves_named_ports():
    policy = manifest(
        """
        apiVersion: networking.k8s.io/v1
        kind: NetworkPolicy
        metadata: {name: p, namespace: x}
        spec:
          podSelector: {matchLabels: {pod: a}}
          egress:
          - ports:
            - port: serve-81-tcp
        """
    )
    want_81 = TruthTable.expect(("*", "x/a", False))
    assert want_81.mismatches(_reference_table(policy, port=81)) == []
    want_80 = TruthTable.expect(("*", "x/a", False), ("x/a", "*", False))
    assert want_80.mismatches(_reference_table(policy, port=80)) == []


def test_the_reference_evaluator_reads_notin_on_an_absent_key_as_a_match():
    assert matches({"matchExpressions": [{"key": "t", "operator": "NotIn", "values": ["v"]}]}, {})
    assert not matches({"matchExpressions": [{"key": "t", "operator": "In", "values": ["v"]}]}, {})
    assert matches({"matchExpressions": [{"key": "t", "operator": "DoesNotExist"}]}, {})
    assert not matches({"matchExpressions": [{"key": "t", "operator": "Exists"}]}, {})
    assert matches({}, {"anything": "at all"})


def test_assert_reachability_rejects_a_wrong_cell_from_either_source():
    ev = run(
        """
        apiVersion: networking.k8s.io/v1
        kind: NetworkPolicy
        metadata: {name: deny-ingress, namespace: x}
        spec:
          podSelector: {matchLabels: {pod: a}}
        """
    )
    assert_reachability(ev, "TCP", 80, TruthTable.expect(("*", "x/a", False)))
    with pytest.raises(AssertionError, match="y/b -> x/a: expected allowed"):
        assert_reachability(ev, "TCP", 80, TruthTable.expect(("*", "x/b", False)))
