"""The networkx graph: node attributes and edges with ports and rule references."""

from __future__ import annotations

from .build import ALL, block, evaluator, peer, pod, policy, port, rule, sel, tcp

WEB = pod("x", "web", kind="Deployment", app="web")
DB = pod("x", "db", app="db")


def test_graph_nodes_and_edges_carry_the_analysis():
    ev = evaluator(
        [WEB, DB],
        [
            policy(
                "x",
                "db-in",
                sel(app="db"),
                ingress=[rule(peer(sel(app="web")), ports=[port(5432)], line=7)],
            ),
            policy(
                "x", "web-out", sel(app="web"), egress=[rule(block("10.0.0.0/8"))], types={"egress"}
            ),
        ],
    )
    g = ev.graph()
    assert g.nodes["x/web[Deployment]"] == {
        "kind": "Deployment",
        "namespace": "x",
        "name": "web",
        "labels": {"app": "web"},
        "replicas": 1,
        "host_network": False,
    }
    assert g.nodes["10.0.0.0-10.255.255.255"]["cidrs"] == ("10.0.0.0/8",)
    assert g.nodes["10.0.0.0-10.255.255.255"]["kind"] == "External"
    assert len(g) == 2 + len(ev.analysis().externals)
    assert g.number_of_edges() == len(ev.analysis().connections)
    edge = g.edges["x/web[Deployment]", "10.0.0.0-10.255.255.255"]
    assert edge["ports"] == ALL
    assert [(r.policy_id, r.direction) for r in edge["rules"]] == [("x/web-out", "egress")]
    assert not g.has_edge("x/web[Deployment]", "x/db[Pod]")  # web's egress only reaches 10/8
    assert g.edges["x/db[Pod]", "x/web[Deployment]"]["rules"] == ()  # neither side isolated


def test_grants_split_ports_by_responsible_rules():
    ev = evaluator(
        [WEB, DB],
        [
            policy("x", "a", sel(app="db"), ingress=[rule(ports=[port(80), port(443)])]),
            policy(
                "x", "b", sel(app="db"), ingress=[rule(peer(sel(app="web")), ports=[port(443)])]
            ),
        ],
    )
    (conn,) = [
        c
        for c in ev.analysis().connections
        if c.dst == "x/db[Pod]" and c.src == "x/web[Deployment]"
    ]
    assert conn.ports == tcp(80, 443)
    parts = [
        (str(g.ports), g.egress, [(r.policy_name, r.port_index) for r in g.ingress])
        for g in conn.grants
    ]
    assert parts == [
        ("TCP 80", None, [("a", 0)]),
        ("TCP 443", None, [("a", 1), ("b", 0)]),
    ]
    g = ev.graph()
    assert [r.policy_name for r in g.edges["x/web[Deployment]", "x/db[Pod]"]["rules"]] == [
        "a",
        "a",
        "b",
    ]


def test_class_graph_groups_equivalent_endpoints_and_agrees_with_the_graph():
    replicas = [pod("x", f"web-{i}", kind="Deployment", app="web") for i in range(3)]
    ev = evaluator(
        [*replicas, DB],
        [
            policy(
                "x",
                "db-in",
                sel(app="db"),
                ingress=[rule(peer(sel(app="web")), ports=[port(5432)])],
            )
        ],
    )
    cg = ev.class_graph()
    web = next(n for n, a in cg.nodes(data=True) if "x/web-0[Deployment]" in a["members"])
    db = next(n for n, a in cg.nodes(data=True) if a["members"] == ("x/db[Pod]",))
    assert cg.nodes[web]["members"] == tuple(sorted(e.id for e in replicas))
    assert cg.edges[web, db]["ports"] == tcp(5432)
    assert not cg.has_edge(db, db)  # a lone bare pod and itself is loopback
    assert cg.has_edge(web, web)
    g = ev.graph()
    for a, b, data in cg.edges(data=True):
        for src in cg.nodes[a]["members"]:
            for dst in cg.nodes[b]["members"]:
                if src != dst or ev.endpoint(src).kind != "Pod":
                    assert g.edges[src, dst]["ports"] == data["ports"]
