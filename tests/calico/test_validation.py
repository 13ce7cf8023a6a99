"""Calico's API validation, a table row per rule: the error, its line, the rest kept."""

from __future__ import annotations

import pytest

from .docs import gnp, load, np_


@pytest.mark.parametrize(
    ("spec", "line", "fragment"),
    [
        ("ingress: [{action: allow}]", 5, '"allow" is not one of Allow, Deny, Pass, Log'),
        ("ingress: [{protocol: TCP}]", 5, "action is missing"),
        ("ingress: [{action: Allow, protocol: tcp}]", 5, 'names are case-sensitive: "TCP"'),
        (
            "ingress: [{action: Allow, protocol: 0}]",
            5,
            "protocol number 0 is not between 1 and 255",
        ),
        ("ingress: [{action: Allow, protocol: 256}]", 5, "not between 1 and 255"),
        ("ingress: [{action: Allow, ipVersion: 5}]", 5, "is not 4 or 6"),
        (
            "ingress: [{action: Allow, destination: {ports: [80]}}]",
            5,
            "rules that give ports must set protocol to TCP, UDP or SCTP",
        ),
        (
            "ingress: [{action: Allow, protocol: UDPLite, destination: {ports: [80]}}]",
            5,
            "rules that give ports must set protocol",
        ),
        (
            "ingress: [{action: Allow, protocol: ICMP, destination: {ports: [80]}}]",
            5,
            "rules that give ports",
        ),
        ("ingress: [{action: Allow, icmp: {type: 8}}]", 5, "must set protocol to ICMP or ICMPv6"),
        (
            "ingress: [{action: Allow, protocol: ICMP, icmp: {code: 1}}]",
            5,
            "an ICMP code needs an ICMP type",
        ),
        (
            "ingress: [{action: Allow, protocol: ICMP, icmp: {type: 255}}]",
            5,
            "is not an integer 0-254",
        ),
        (
            "ingress: [{action: Allow, protocol: ICMP, ipVersion: 6}]",
            5,
            "must be 4 with protocol ICMP",
        ),
        (
            "ingress: [{action: Allow, protocol: ICMPv6, ipVersion: 4}]",
            5,
            "must be 6 with protocol ICMPv6",
        ),
        (
            "ingress: [{action: Allow, source: {nets: [10.0.0.1/8]}}]",
            5,
            'has host bits set: Calico wants the network address, "10.0.0.0/8"',
        ),
        (
            "ingress: [{action: Allow, source: {nets: [nope]}}]",
            5,
            '"nope" is not a CIDR or IP address',
        ),
        (
            "ingress: [{action: Allow, source: {nets: [10.0.0.0/8, 'fd00::/8']}}]",
            5,
            "mixes IPv4 and IPv6",
        ),
        (
            "ingress: [{action: Allow, ipVersion: 6, source: {nets: [10.0.0.0/8]}}]",
            5,
            "does not match the version of its CIDRs",
        ),
        (
            'ingress: [{action: Allow, source: {selector: "a == \'x"}}]',
            5,
            "unterminated string",
        ),
        (
            "ingress: [{action: Allow, source: {selector: 'global()'}}]",
            5,
            "global() can only be used in an entity rule's namespaceSelector",
        ),
        (
            "ingress: [{action: Allow, source: {namespaceSelector: 'global() || has(a)'}}]",
            5,
            "global() cannot be combined with other selectors",
        ),
        ("selector: 'global()'", 5, "global() can only be used"),
        ("selector: 'a = b'", 5, "expected == (a single = is not an operator) at column 3"),
        (
            "ingress: [{action: Allow, protocol: TCP, destination: {ports: ['90:80']}}]",
            5,
            "the first port is above the last",
        ),
        (
            "ingress: [{action: Allow, protocol: TCP, destination: {ports: [70000]}}]",
            5,
            "port 70000 is not between 1 and 65535",
        ),
        (
            "ingress: [{action: Allow, protocol: TCP, destination: {ports: [Web_Port]}}]",
            5,
            'named port "Web_Port"',
        ),
        (
            "ingress: [{action: Allow, protocol: TCP, destination: {ports: ['1:2:3']}}]",
            5,
            "is not a port range",
        ),
        ("types: [Ingress, Ingress]", 5, "'Ingress' type specified more than once"),
        ("types: [ingress]", 5, '"ingress" is not "Ingress" or "Egress"'),
        ("order: high", 5, "spec.order: expected a number"),
        (
            "ingress: [{action: Deny, http: {methods: [GET]}}]",
            5,
            "http: only valid for Allow rules",
        ),
        ("egress: [{action: Allow, http: {methods: [GET]}}]", 5, "not allowed in egress rules"),
        (
            "ingress: [{action: Allow, destination: {services: {name: s, namespace: n}}}]",
            5,
            "not allowed in ingress rule destination",
        ),
        (
            "egress: [{action: Allow, destination: {services: {name: s}}}]",
            5,
            "a GlobalNetworkPolicy must name the namespace",
        ),
        (
            "egress: [{action: Allow, destination: {services: {name: s, namespace: n}, selector: all()}}]",
            5,
            "cannot be given with selector",
        ),
        (
            "egress: [{action: Allow, protocol: TCP, destination: {services: {name: s, namespace: n}, ports: [80]}}]",
            5,
            "ports and notPorts cannot be given with services",
        ),
        ("preDNAT: true\ndoNotTrack: true\napplyOnForward: true", 5, "cannot both be true"),
        ("preDNAT: true", 5, "applyOnForward: must be true"),
        (
            "preDNAT: true\napplyOnForward: true\negress: [{action: Allow}]",
            5,
            "a preDNAT policy cannot have egress rules",
        ),
    ],
)
def test_it_rejects_what_calicos_validator_rejects(spec, line, fragment):
    cluster = load(gnp(spec))
    assert cluster.calico is None or cluster.calico.policies == ()
    messages = [(e.source.line, e.message) for e in cluster.errors]
    assert any(fragment in m and ln == line for ln, m in messages), messages
    assert all(e.source.file == "c.yaml" and e.source.doc == 1 for e in cluster.errors)
    assert all(e.kind == "GlobalNetworkPolicy" for e in cluster.errors)


def test_it_keeps_the_rest_of_the_input_when_one_policy_is_bad():
    cluster = load(
        gnp("ingress: [{action: Nope}]", name="bad") + "---\n" + gnp("selector: all()", name="ok")
    )
    assert [p.name for p in cluster.calico.policies] == ["ok"]
    (error,) = cluster.errors
    assert error.source.doc == 1 and error.name == "bad"


@pytest.mark.parametrize(
    ("kind", "name", "ok"),
    [
        ("GlobalNetworkPolicy", "a.b", True),
        ("GlobalNetworkPolicy", "a.b.c", False),
        ("GlobalNetworkPolicy", "Upper", False),
        ("NetworkPolicy", "knp.default.x.y", True),
        ("NetworkPolicy", "a.b.c", False),
    ],
)
def test_it_checks_policy_names_as_calico_does(kind, name, ok):
    doc = (
        gnp("selector: all()", name=name) if kind == "GlobalNetworkPolicy" else np_("{}", name=name)
    )
    cluster = load(doc)
    assert (cluster.errors == ()) is ok, cluster.errors
