"""Connections as JSON, text, CSV, Markdown and DOT, on a hand-built analysis."""

from __future__ import annotations

import csv
import io
import json

import pytest

from netviz.engine.ports import PortSet
from netviz.engine.result import Analysis, Connection
from netviz.formats import CONNECTION_FORMATS, analysis_to_json, dump_json, render_connections
from tests.formats.samples import API, DNS, ERROR, LOW, TEN, V6, WARNING, WEB, analysis


def test_json_has_the_documented_top_level_keys_and_counts():
    data = analysis_to_json(analysis(), [WARNING, ERROR])
    assert list(data)[:4] == ["endpoints", "connections", "errors", "warnings"]
    assert data["summary"] == {
        "endpoints": 3,
        "externals": 4,
        "policies": 1,
        "connections": 4,
        "errors": 1,
        "warnings": 1,
        "caveats": 1,
    }


def test_json_lists_workloads_by_id_then_external_ranges_by_address():
    endpoints = analysis_to_json(analysis(), [])["endpoints"]
    ids = [e["id"] for e in endpoints]
    assert ids[:3] == [DNS.id, API.id, WEB.id]
    assert ids[3:] == [LOW.id, TEN.id, "11.0.0.0-255.255.255.255", V6.id]
    assert endpoints[2] == {
        "id": "shop/web[Deployment]",
        "kind": "Deployment",
        "namespace": "shop",
        "name": "web",
        "labels": {"app": "shop", "tier": "web"},
        "replicas": 2,
    }
    assert endpoints[0]["replicas"] is None
    assert endpoints[4] == {"id": TEN.id, "kind": "External", "cidrs": ["10.0.0.0/8"]}


def test_json_connections_follow_endpoint_order_with_ports_as_ranges():
    connections = analysis_to_json(analysis(), [])["connections"]
    assert [(c["src"], c["dst"]) for c in connections] == [
        (API.id, TEN.id),
        (API.id, V6.id),
        (WEB.id, DNS.id),
        (WEB.id, API.id),
    ]
    assert connections[0]["ports"] == [
        {"protocol": p, "port": 1, "end_port": 65535} for p in ("TCP", "UDP", "SCTP")
    ]
    assert connections[3] == {
        "src": WEB.id,
        "dst": API.id,
        "ports": [{"protocol": "TCP", "port": 8080, "end_port": 8080}],
    }


def test_json_errors_and_warnings_are_the_problems_as_dicts():
    data = analysis_to_json(analysis(), [WARNING, ERROR])
    assert data["errors"] == [ERROR.as_dict()]
    assert data["warnings"] == [WARNING.as_dict()]


def test_json_lists_each_caveat_once():
    caveats = analysis_to_json(analysis(), [])["caveats"]
    assert len(caveats) == 1
    assert caveats[0]["code"] == "ipblock-matches-pod-ip"
    assert caveats[0]["rule"]["line"] == 31


def test_json_grants_name_the_rules_on_each_side_and_null_where_not_isolated():
    connections = analysis_to_json(analysis(), [], grants=True)["connections"]
    to_dns = connections[2]["grants"]
    assert to_dns[0]["ingress"] is None
    assert to_dns[0]["egress"][0]["rule_index"] == 1
    to_api = connections[3]["grants"][0]
    assert to_api["ingress"][0]["policy"] == "shop/api-ingress"
    assert to_api["ports"] == [{"protocol": "TCP", "port": 8080, "end_port": 8080}]
    assert "grants" not in analysis_to_json(analysis(), [])["connections"][0]


def test_json_rendering_is_the_dict_dumped_byte_for_byte():
    text = render_connections(analysis(), [ERROR], "json")
    assert text == dump_json(analysis_to_json(analysis(), [ERROR]))
    assert json.loads(text) == analysis_to_json(analysis(), [ERROR])


def test_json_layout_puts_each_item_of_a_top_level_list_on_its_own_line():
    data = {"endpoints": [{"id": "a", "labels": {"x": "1"}}, {"id": "b"}], "errors": [], "n": 2}
    assert dump_json(data) == (
        "{\n"
        '  "endpoints": [\n'
        '    {"id": "a", "labels": {"x": "1"}},\n'
        '    {"id": "b"}\n'
        "  ],\n"
        '  "errors": [],\n'
        '  "n": 2\n'
        "}\n"
    )
    assert dump_json({"a": {"b": [1, "é"]}}, depth=3) == (
        '{\n  "a": {\n    "b": [\n      1,\n      "é"\n    ]\n  }\n}\n'
    )


def test_text_lists_one_line_per_connection_then_caveats_errors_and_warnings():
    text = render_connections(analysis(), [WARNING, ERROR], "text")
    lines = text.splitlines()
    assert lines[:5] == [
        "shop/api[Deployment] => 10.0.0.0-10.255.255.255 : All Connections",
        "shop/api[Deployment] => ::-ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff : All Connections",
        "shop/web[Deployment] => kube-system/coredns[DaemonSet] : UDP 53",
        "shop/web[Deployment] => shop/api[Deployment] : TCP 8080",
        "",
    ]
    assert lines[5:] == [
        "Caveats:",
        "  - shop/api[Deployment] has pod IP 10.1.2.3 inside an ipBlock of shop/web-egress; netviz "
        "applies ipBlock only to addresses outside the cluster, but some network plugins apply it "
        "to pod IPs too [shop/web-egress egress rule 0, to[0], ports[1] (input/shop.yaml:31)]",
        "",
        "Errors:",
        "  - in/b.yaml:9 (document 2): error: spec.ingress[0].ports[0].port: 70000 is not in 1-65535",
        "",
        "Warnings:",
        "  - in/a.yaml:7 (document 1): warning: NetworkPolicy shop/typo: unknown field `podSelectr`",
    ]


def test_text_says_so_when_nothing_is_allowed():
    assert render_connections(Analysis(endpoints=[WEB]), [], "text") == (
        "No connections are allowed.\n"
    )
    assert render_connections(Analysis(), [], "text") == (
        "No workloads in the input, so no connections.\n"
    )


def test_csv_has_a_header_and_quotes_port_lists_with_commas():
    a = analysis()
    a.connections[1] = Connection(
        WEB.id, API.id, PortSet.single("TCP", 443) | PortSet.single("TCP", 8080)
    )
    text = render_connections(a, [ERROR], "csv")
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0] == ["src", "dst", "connection"]
    assert rows[4] == [WEB.id, API.id, "TCP 443,8080"]
    assert '"TCP 443,8080"' in text
    assert "\r" not in text


def test_markdown_is_a_table_with_pipes_escaped_and_problem_sections():
    text = render_connections(analysis(), [ERROR], "md")
    lines = text.splitlines()
    assert lines[:3] == [
        "| src | dst | connection |",
        "| --- | --- | --- |",
        "| shop/api[Deployment] | 10.0.0.0-10.255.255.255 | All Connections |",
    ]
    assert "### Errors" in lines
    assert "### Caveats" in lines


def test_markdown_cells_cannot_break_the_table():
    a = analysis()
    a.connections = [Connection("a|b/<x>[Pod]", WEB.id, a.connections[0].ports)]
    row = render_connections(a, [], "md").splitlines()[2]
    assert row == "| a\\|b/&lt;x>[Pod] | shop/web[Deployment] | UDP 53 |"


def test_dot_draws_one_cluster_per_namespace_and_externals_outside():
    text = render_connections(analysis(), [], "dot")
    assert text.startswith("digraph netviz {\n")
    assert text.endswith("}\n")
    body = text.split("\n")
    kube = body.index('  subgraph "cluster_kube-system" {')
    shop = body.index('  subgraph "cluster_shop" {')
    assert body[kube + 2] == '    "kube-system/coredns[DaemonSet]" [label="coredns\\nDaemonSet"];'
    assert body[shop + 2 : shop + 4] == [
        '    "shop/api[Deployment]" [label="api\\nDeployment x3"];',
        '    "shop/web[Deployment]" [label="web\\nDeployment x2"];',
    ]
    assert body[shop + 4] == "  }"
    assert '  "0.0.0.0-9.255.255.255" [label="0.0.0.0/5\\n8.0.0.0/7", shape=ellipse];' in body
    assert '  "shop/web[Deployment]" -> "shop/api[Deployment]" [label="TCP 8080"];' in body


def test_dot_escapes_quotes_and_backslashes_in_names():
    a = analysis()
    a.connections = [Connection('x/say "hi"\\[Pod]', WEB.id, a.connections[0].ports)]
    text = render_connections(a, [], "dot")
    assert '  "x/say \\"hi\\"\\\\[Pod]" -> "shop/web[Deployment]" [label="UDP 53"];' in text


def test_every_listed_format_renders_and_others_are_refused():
    for fmt in CONNECTION_FORMATS:
        assert render_connections(analysis(), [ERROR], fmt).endswith("\n")
    with pytest.raises(ValueError, match="unknown format 'yaml'"):
        render_connections(analysis(), [], "yaml")
