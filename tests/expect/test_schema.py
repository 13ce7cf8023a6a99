"""Expectations files: every endpoint and port form, and errors with file and line."""

from __future__ import annotations

import pytest

from netviz.engine.ports import PortSet
from netviz.expect import ExpectationsInvalid, parse_expectations
from netviz.expect.schema import Match


def one(text: str):
    (statement,) = parse_expectations(text, "e.yaml")
    return statement


def errors(text: str) -> list[str]:
    with pytest.raises(ExpectationsInvalid) as info:
        parse_expectations(text, "e.yaml")
    return [str(e) for e in info.value.errors]


def test_it_reads_an_allow_with_ports_name_and_line():
    s = one(
        "version: 1\nexpect:\n  - name: front calls api\n"
        "    allow: {from: shop/frontend, to: shop/api, ports: [TCP 8080, UDP 53]}\n"
    )
    assert (s.kind, s.name, s.file, s.line) == ("allow", "front calls api", "e.yaml", 3)
    assert s.src.matches == (Match(namespace="shop", name="frontend"),)
    assert s.ports == PortSet.single("TCP", 8080) | PortSet.single("UDP", 53)
    assert s.text == "allow shop/frontend -> shop/api on TCP 8080; UDP 53"
    assert s.id == "front calls api"


@pytest.mark.parametrize(
    ("written", "match"),
    [
        ("shop/*", Match(namespace="shop")),
        ("*/*", Match()),
        ("*", Match(everything=True)),
        ("external", Match(external=True)),
        ("10.0.0.0/8", Match(cidr="10.0.0.0/8", external=True)),
        ("203.0.113.7", Match(cidr="203.0.113.7/32", external=True)),
        ("shop/api[Deployment]", Match(namespace="shop", name="api", kind="Deployment")),
        ("*/api", Match(name="api")),
    ],
)
def test_every_string_form_of_an_endpoint(written, match):
    s = one(f"expect:\n  - deny: {{from: '{written}', to: db/*}}\n")
    assert s.src.matches == (match,)


def test_a_mapping_endpoint_takes_labels_and_selectors_and_not_negates():
    s = one(
        "expect:\n  - deny:\n      from: {not: {namespace: payments}}\n"
        "      to: [{labels: {tier: db}}, {namespaceSelector: {matchLabels: {team: pay}}}]\n"
    )
    assert s.src.negate and s.src.matches == (Match(namespace="payments"),)
    assert s.src.text == "not {namespace: payments}"
    assert len(s.dst.matches) == 2
    assert s.dst.matches[0].pod_selector.match_labels == (("tier", "db"),)
    assert s.dst.matches[1].namespace_selector.match_labels == (("team", "pay"),)


@pytest.mark.parametrize(
    ("ports", "expected"),
    [
        ("8080", PortSet.single("TCP", 8080)),
        ("[8080]", PortSet.single("TCP", 8080)),
        ("'TCP 8000-8080'", PortSet.single("TCP", 8000, 8080)),
        ("udp 53", PortSet.single("UDP", 53)),
        ("SCTP", PortSet.single("SCTP", 1, 65535)),
    ],
)
def test_every_port_form(ports, expected):
    assert one(f"expect:\n  - allow: {{from: a/b, to: c/d, ports: {ports}}}\n").ports == expected


def test_every_error_is_reported_with_its_line():
    found = errors(
        "expect:\n"
        "  - allow: {from: shop/x, to: [bad thing]}\n"
        "  - deny: {from: a/b}\n"
        "  - nope: 1\n"
        "  - allow: {from: a/b, to: c/d, ports: [TCP 0]}\n"
        "  - deny: {from: a/b, to: {podSelector: {matchLabels: {'bad key!': x}}}}\n"
        "  - allow: {from: a/b, to: c/d}\n"
        "    deny: {from: a/b, to: c/d}\n"
    )
    assert found[0].startswith("e.yaml:2: 'bad thing': expected ns/name")
    assert (
        found[1] == "e.yaml:3: expect[1].deny: to is missing (expected from, to and optional ports)"
    )
    assert found[2] == "e.yaml:4: expect[2]: unknown key 'nope' (expected allow, deny, name)"
    assert (
        found[3]
        == "e.yaml:5: expect[3].allow.ports: ports run from 1 to 65535, low to high: 'TCP 0'"
    )
    assert found[4].startswith("e.yaml:6: ") and "bad key!" in found[4]
    assert found[5] == "e.yaml:7: expect[5]: give exactly one of allow or deny"
    assert len(found) == 6


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("expect: [\n", "e.yaml:2: YAML syntax error"),
        ("- allow: {}\n", "e.yaml:1: expected one mapping with `expect:`"),
        ("expect: []\n", "e.yaml:1: expect: expected a list of statements"),
        ("version: 2\nexpect: [{deny: {from: a/b, to: c/d}}]\n", "e.yaml:1: version 2"),
        ("expects: []\n", "e.yaml:1: unknown key 'expects'"),
        ("expect: [{deny: {from: {not: a/b, name: x}, to: c/d}}]\n", "`not` stands alone"),
        ("expect: [{deny: {from: 'ns/', to: c/d}}]\n", "'ns/': expected ns/name"),
        ("expect: [{deny: {from: 10.0.0.0/33, to: c/d}}]\n", "not an address or CIDR"),
    ],
)
def test_a_bad_file_says_where_and_why(text, message):
    assert message in errors(text)[0]


def test_an_alias_bomb_is_refused_with_a_line_not_expanded():
    lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    lines += [f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 10) + "]" for i in range(1, 12)]
    found = errors("\n".join(lines) + "\nexpect: [{deny: {from: '*a11', to: c/d}}]\n")
    assert found and "alias" in found[0].lower()
