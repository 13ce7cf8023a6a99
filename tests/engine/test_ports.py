"""Ports: numeric, ranges (endPort), protocols, and named ports resolved at the destination."""

from __future__ import annotations

from netviz.engine.ports import PortSet

from .build import ALL, NONE, allowed, block, evaluator, pod, policy, port, rule, sel, tcp

CLIENT = pod("x", "client", app="client")
# named_port_on_some_pods: "http" is 8080 on one server, 9090 on another, missing on a third.
S1 = pod("x", "s1", ports=[(8080, "TCP", "http"), (53, "UDP", "dns")], app="srv")
S2 = pod("x", "s2", ports=[(9090, "TCP", "http")], app="srv")
S3 = pod("x", "s3", ports=[(7070, "TCP", "web")], app="srv")
S4 = pod("x", "s4", ports=[(8080, "UDP", "http")], app="srv")


def servers_allowing(*specs):
    return evaluator(
        [CLIENT, S1, S2, S3, S4],
        [policy("x", "p", sel(app="srv"), ingress=[rule(ports=list(specs))])],
    )


def test_named_ingress_port_resolves_per_selected_pod():
    ev = servers_allowing(port("http"))
    assert allowed(ev, "x/client", "x/s1") == tcp(8080)
    assert allowed(ev, "x/client", "x/s2") == tcp(9090)
    assert allowed(ev, "x/client", "x/s3") == NONE  # no such name: matches nothing
    assert allowed(ev, "x/client", "x/s4") == NONE  # the name exists, for another protocol


def test_named_port_with_its_protocol():
    ev = servers_allowing(port("http", "UDP"), port("dns", "UDP"))
    assert allowed(ev, "x/client", "x/s1") == PortSet.single("UDP", 53)
    assert allowed(ev, "x/client", "x/s4") == PortSet.single("UDP", 8080)


def test_named_egress_port_resolves_against_the_peer():
    ev = evaluator(
        [CLIENT, S1, S2, S3],
        [
            policy(
                "x", "p", sel(app="client"), egress=[rule(ports=[port("http")])], types={"egress"}
            )
        ],
    )
    assert allowed(ev, "x/client", "x/s1") == tcp(8080)
    assert allowed(ev, "x/client", "x/s2") == tcp(9090)
    assert allowed(ev, "x/client", "x/s3") == NONE
    assert allowed(ev, "x/client", "0.0.0.0") == NONE  # named ports never match externals


def test_end_port_range_and_protocols():
    ev = servers_allowing(
        port(8000, end=8010), port(53, "UDP"), port(3868, "SCTP"), port(None, "UDP")
    )
    expected = (
        PortSet.single("TCP", 8000, 8010)
        | PortSet.single("UDP", 1, 65535)
        | PortSet.single("SCTP", 3868)
    )
    assert allowed(ev, "x/client", "x/s3") == expected


def test_protocol_without_port_is_every_port_of_it():
    ev = servers_allowing(port(None, "SCTP"))
    assert allowed(ev, "x/client", "x/s1") == PortSet.single("SCTP", 1, 65535)


def test_rule_without_ports_allows_all_three_protocols():
    ev = servers_allowing()
    assert allowed(ev, "x/client", "x/s1") == ALL


def test_ports_to_an_external_range_are_the_numeric_ones():
    ev = evaluator(
        [CLIENT],
        [
            policy(
                "x",
                "p",
                sel(),
                egress=[rule(block("10.0.0.0/8"), ports=[port(443), port("https")])],
                types={"egress"},
            )
        ],
    )
    assert allowed(ev, "x/client", "10.1.2.3") == tcp(443)
    assert allowed(ev, "x/client", "11.0.0.1") == NONE
