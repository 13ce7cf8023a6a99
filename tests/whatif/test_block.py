""" "Block this": the granting rules of an allowed pair and what removing each would close."""

from __future__ import annotations

from netviz.engine import Evaluator
from netviz.engine.ports import PortSet
from netviz.whatif import block
from tests.generate.helpers import cluster, namespace, netpol, pod


def cluster_with_shared_rule():
    return cluster(
        namespace("a"),
        pod("a", "web", {"app": "web", "tier": "front"}),
        pod("a", "admin", {"app": "admin", "tier": "front"}),
        pod("a", "db", {"app": "db"}),
        netpol(
            "a",
            "db-in",
            {"matchLabels": {"app": "db"}},
            ["Ingress"],
            ingress=[
                {
                    "from": [{"podSelector": {"matchLabels": {"tier": "front"}}}],
                    "ports": [{"port": 5432}],
                },
                {
                    "from": [{"podSelector": {"matchLabels": {"app": "web"}}}],
                    "ports": [{"port": 5432}],
                },
            ],
        ),
    )


def test_it_lists_each_granting_rule_and_whether_removing_it_alone_blocks():
    plan = block(
        Evaluator(cluster_with_shared_rule()), "a/web", "a/db", PortSet.single("TCP", 5432)
    )
    assert plan.is_allowed
    egress, ingress = plan.sides
    assert (egress.direction, egress.isolated, egress.rules) == ("egress", False, [])
    assert [(r.ref.policy_id, r.ref.rule_index, r.blocks) for r in ingress.rules] == [
        ("a/db-in", 0, False),
        ("a/db-in", 1, False),
    ]
    # Either rule alone still lets web in; rule 0 also lets admin in, so removing it closes that.
    closes = [(s, d, str(p)) for s, d, p in ingress.rules[0].closes]
    assert closes == [("a/admin[Pod]", "a/db[Pod]", "TCP 5432")]
    assert ingress.rules[1].closes == []
    assert [(s, d) for s, d, _ in ingress.closes] == [("a/admin[Pod]", "a/db[Pod]")]


def test_removing_the_only_rule_blocks_the_pair():
    plan = block(
        Evaluator(cluster_with_shared_rule()), "a/admin", "a/db", PortSet.single("TCP", 5432)
    )
    ingress = plan.sides[1]
    assert [(r.ref.rule_index, r.blocks) for r in ingress.rules] == [(0, True)]
    assert ingress.rules[0].closes == []  # web keeps its own rule


def test_a_denied_pair_has_nothing_to_block():
    plan = block(Evaluator(cluster_with_shared_rule()), "a/db", "a/web", PortSet.single("TCP", 80))
    assert plan.is_allowed  # web's ingress is not isolated, db's egress neither
    plan = block(Evaluator(cluster_with_shared_rule()), "a/web", "a/db", PortSet.single("TCP", 80))
    assert not plan.is_allowed
    assert plan.sides == []
