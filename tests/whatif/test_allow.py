""" "Allow this": the proposal, its YAML, and its side effects checked by evaluating again."""

from __future__ import annotations

import itertools

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from netviz.engine import Evaluator
from netviz.engine.ports import PortSet
from netviz.generate.pairs import connectivity, difference
from netviz.k8s import load_texts
from netviz.whatif import allow
from netviz.whatif.effects import with_policies
from tests.conformance.randomized import cluster_files, clusters
from tests.generate.helpers import cluster, namespace, netpol, pod

TCP_5432 = PortSet.single("TCP", 5432)


def shop():
    return cluster(
        namespace("shop"),
        pod("shop", "web", {"app": "web"}),
        pod("shop", "api", {"app": "api"}),
        pod("shop", "db", {"app": "db"}, [(5432, "TCP", "pg")]),
        pod("shop", "canary", {"app": "api", "track": "canary"}),
        netpol("shop", "deny", {}, ["Ingress", "Egress"]),
        netpol(
            "shop",
            "api-db",
            {"matchLabels": {"app": "db"}},
            ["Ingress"],
            ingress=[
                {
                    "from": [{"podSelector": {"matchLabels": {"app": "api"}}}],
                    "ports": [{"port": "pg"}],
                }
            ],
        ),
    )


def test_it_proposes_an_ingress_and_an_egress_rule_where_both_sides_deny():
    ev = Evaluator(shop())
    p = allow(ev, "shop/web", "shop/db", TCP_5432)
    assert p.status == "proposed"
    assert [c.direction for c in p.changes] == ["ingress", "egress"]
    ingress = yaml.safe_load(p.changes[0].yaml)
    assert ingress["spec"]["podSelector"] == {"matchLabels": {"app": "db"}}
    assert ingress["spec"]["ingress"] == [
        {
            "from": [
                {
                    "namespaceSelector": {"matchLabels": {"kubernetes.io/metadata.name": "shop"}},
                    "podSelector": {"matchLabels": {"app": "web"}},
                }
            ],
            "ports": [{"protocol": "TCP", "port": 5432}],
        }
    ]
    assert p.allowed_after == TCP_5432
    assert p.opened == [] and p.closed == []


def test_exactly_the_previewed_pairs_change_when_the_yaml_is_applied():
    c = shop()
    ev = Evaluator(c)
    p = allow(ev, "shop/web", "shop/api", PortSet.single("TCP", 8080))
    applied = load_texts([("change.yaml", p.yaml)])
    after = connectivity(Evaluator(with_policies(c, (*c.policies, *applied.policies))).analysis())
    diff = difference(connectivity(ev.analysis()), after)
    assert not diff.missing
    # The asked pair and, because the canary's labels include the api's, nothing else.
    assert [(s, d, str(ps)) for s, d, ps in diff.extra] == [
        ("shop/web[Pod]", "shop/api[Pod]", "TCP 8080")
    ]
    assert p.opened == []


def test_it_says_when_the_pair_is_already_allowed():
    c = cluster(namespace("a"), pod("a", "x", {"app": "x"}), pod("a", "y", {"app": "y"}))
    p = allow(Evaluator(c), "a/x", "a/y", TCP_5432)
    assert p.status == "already-allowed"
    assert p.changes == []


def test_only_the_isolated_side_gets_a_rule():
    c = cluster(
        namespace("a"),
        pod("a", "x", {"app": "x"}),
        pod("a", "y", {"app": "y"}),
        netpol("a", "y-in", {"matchLabels": {"app": "y"}}, ["Ingress"]),
    )
    p = allow(Evaluator(c), "a/x", "a/y", PortSet.single("UDP", 53))
    assert [c.direction for c in p.changes] == ["ingress"]
    assert p.allowed_after == PortSet.single("UDP", 53)


def test_an_external_destination_is_named_by_its_ip_block():
    c = cluster(
        namespace("a"),
        pod("a", "x", {"app": "x"}),
        netpol("a", "out", {}, ["Egress"], egress=[{"to": [{"ipBlock": {"cidr": "10.0.0.0/8"}}]}]),
    )
    ev = Evaluator(c)
    outside = next(x.id for x in ev.externals if x.start == "11.0.0.0")
    p = allow(ev, "a/x", outside, PortSet.single("TCP", 443))
    assert p.status == "proposed"
    to = yaml.safe_load(p.yaml)["spec"]["egress"][0]["to"]
    # 11.0.0.0 and up: everything but what lies below it.
    assert to == [
        {"ipBlock": {"cidr": "0.0.0.0/0", "except": ["0.0.0.0/5", "8.0.0.0/7", "10.0.0.0/8"]}}
    ]
    assert p.opened == []
    assert p.allowed_after == PortSet.single("TCP", 443)


def test_a_host_network_source_without_an_ip_cannot_be_allowed_narrowly():
    c = cluster(
        namespace("a"),
        pod("a", "agent", {"app": "agent"}, host_network=True),
        pod("a", "y", {"app": "y"}),
        netpol("a", "y-in", {"matchLabels": {"app": "y"}}, ["Ingress"]),
    )
    p = allow(Evaluator(c), "a/agent", "a/y", PortSet.single("TCP", 80))
    assert p.status == "impossible"
    assert p.blockers == ("source-unnamed",)


def test_identical_labels_show_up_as_side_effects():
    c = cluster(
        namespace("a"),
        pod("a", "x", {"app": "x"}),
        pod("a", "one", {"app": "same"}),
        pod("a", "two", {"app": "same"}),
        netpol("a", "deny", {}, ["Ingress"]),
    )
    p = allow(Evaluator(c), "a/x", "a/one", PortSet.single("TCP", 80))
    assert [(s, d, str(ps)) for s, d, ps in p.opened] == [("a/x[Pod]", "a/two[Pod]", "TCP 80")]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(clusters(), st.data())
def test_on_random_clusters_the_pair_is_allowed_after_and_nothing_else_where_labels_differ(c, data):
    cluster_ = load_texts(cluster_files(c))
    ev = Evaluator(cluster_)
    pods = [e for e in ev.nodes.endpoints if not e.host_network]
    pairs = [(a, b) for a, b in itertools.permutations(pods, 2)]
    if not pairs:
        return
    a, b = data.draw(st.sampled_from(pairs))
    asked = PortSet.single(
        data.draw(st.sampled_from(("TCP", "UDP", "SCTP"))),
        data.draw(st.sampled_from((53, 80, 8080))),
    )
    p = allow(ev, a.id, b.id, asked)
    assert p.status in ("proposed", "already-allowed")
    assert asked.issubset(p.allowed_after)
    # Where labels tell every pod of a namespace apart, selectors are exact: nothing else changes.
    pod_labels = [(e.namespace, tuple(sorted(e.labels.items()))) for e in pods]
    if len(set(pod_labels)) == len(pod_labels):
        assert p.opened == [] and p.closed == []
