"""The conformance harness itself: the generated e2e model and the truth-table type."""

from __future__ import annotations

import pytest
import yaml

from .e2e import ALL_PODS, TruthTable, e2e_model, pod_yaml


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
