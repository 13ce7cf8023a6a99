"""Explanations as data: allowed_by with peer/port indexes and lines, denied_by with reasons."""

from __future__ import annotations

import pytest

from netviz.engine.ports import PortSet

from .build import ALL, block, evaluator, peer, pod, policy, port, rule, sel, tcp

WEB = pod("x", "web", app="web")
DB = pod("x", "db", ports=[(5432, "TCP", "pg")], app="db")
OTHER = pod("y", "other", app="other")
POLICIES = [
    policy(
        "x",
        "db-in",
        sel(app="db"),
        ingress=[
            rule(
                peer(sel(app="nobody")), peer(sel(app="web")), ports=[port(80), port("pg")], line=12
            ),
            rule(peer(sel(app="web")), ports=[port(9000, end=9010)], line=20),
            rule(block("10.0.0.0/8"), line=25),
        ],
        line=3,
    ),
    policy("x", "deny-all", sel(), line=40),
]
EV = evaluator([WEB, DB, OTHER], POLICIES)


def refs(verdict):
    return [
        (r.policy_id, r.rule_index, r.peer_index, r.port_index, r.file, r.line, str(ports))
        for r, ports in verdict.allowed_by
    ]


def test_allowed_by_names_rule_peer_and_port_entries_with_lines():
    e = EV.explain("x/web", "x/db")
    assert e.allowed == tcp(80, 5432) | PortSet.single("TCP", 9000, 9010)
    assert not e.egress.isolated and e.egress.allowed == ALL
    assert e.ingress.isolated
    assert refs(e.ingress) == [
        ("x/db-in", 0, 1, 0, "db-in.yaml", 12, "TCP 80"),
        ("x/db-in", 0, 1, 1, "db-in.yaml", 12, "TCP 5432"),
        ("x/db-in", 1, 0, 0, "db-in.yaml", 20, "TCP 9000-9010"),
    ]


def test_allowed_by_keeps_only_entries_that_allow_something_asked():
    e = EV.explain("x/web", "x/db", tcp(5432))
    assert e.allowed == tcp(5432)
    assert [r.port_index for r, _ in e.ingress.allowed_by] == [1]
    assert e.ingress.denied_by[0].policy == "x/deny-all"


def test_denied_by_gives_a_reason_per_rule():
    e = EV.explain("y/other", "x/db", tcp(80))
    assert not e.is_allowed
    (db_in, deny_all) = e.ingress.denied_by
    assert (db_in.policy, db_in.file, db_in.line) == ("x/db-in", "db-in.yaml", 3)
    assert [(m.rule_index, m.reason, m.line) for m in db_in.misses] == [
        (0, "peer", 12),
        (1, "peer", 20),
        (2, "peer", 25),
    ]
    assert deny_all.policy == "x/deny-all"
    assert [(m.rule_index, m.reason) for m in deny_all.misses] == [(None, "no-rules")]


def test_a_matching_peer_with_the_wrong_ports_is_a_port_miss():
    e = EV.explain("x/web", "x/db", tcp(443))
    assert not e.is_allowed
    misses = [(m.rule_index, m.reason) for m in e.ingress.denied_by[0].misses]
    assert misses == [(0, "port"), (1, "port"), (2, "peer")]


def test_a_policy_that_allows_all_asked_is_not_a_denial():
    e = EV.explain("x/web", "x/db", tcp(80))
    assert [d.policy for d in e.ingress.denied_by] == ["x/deny-all"]


def test_explain_from_an_external_range():
    e = EV.explain("10.1.1.1", "x/db")
    assert e.src == "10.0.0.0-10.255.255.255"
    assert e.allowed == ALL
    assert [(r.rule_index, r.peer_index, r.port_index) for r, _ in e.ingress.allowed_by] == [
        (2, 0, None)
    ]
    assert not e.egress.isolated


def test_explain_agrees_with_the_connection_list_everywhere():
    analysis = EV.analysis()
    listed = {(c.src, c.dst): c.ports for c in analysis.connections}
    ids = [e.id for e in analysis.endpoints] + [x.id for x in analysis.externals]
    for src in ids:
        for dst in ids:
            if src in {x.id for x in analysis.externals} and dst in {
                x.id for x in analysis.externals
            }:
                continue
            if src == dst and EV.endpoint(src).kind == "Pod":
                continue
            assert EV.explain(src, dst).allowed == listed.get((src, dst), PortSet.empty()), (
                src,
                dst,
            )


def test_explaining_two_external_ranges_is_an_error():
    with pytest.raises(ValueError):
        EV.explain("1.1.1.1", "2.2.2.2")
