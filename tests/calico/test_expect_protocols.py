"""Expectations on input with the protocol dimension (docs/protocols.md): `deny` without ports
means no connection at all, ICMP and the other protocols included; `allow` without ports means
some connection; ports name TCP, UDP or SCTP only, as before."""

from __future__ import annotations

from netviz.expect import check, parse_expectations
from tests.calico.test_protocols import on_a
from tests.calico.traps import run


def outcome(ev, statement: str):
    [result] = check(ev, parse_expectations(f"expect:\n  - {statement}\n", "expect.yaml"))
    return result


# Ingress of pod a: ICMP only.
ICMP_ONLY = on_a("  - {action: Allow, protocol: ICMP}\n  - {action: Deny}\n")
# Ingress of pod a: everything but ICMP.
NO_ICMP = on_a("  - {action: Deny, protocol: ICMP}\n  - {action: Allow}\n")


def test_a_deny_without_ports_is_broken_by_a_pair_connected_only_by_icmp():
    result = outcome(run(ICMP_ONLY), "deny: {from: y/b, to: x/a}")
    assert result.count == 1
    assert str(result.violations[0].ports) == "ICMP"


def test_a_deny_of_tcp_ports_holds_where_only_icmp_is_allowed():
    assert outcome(run(ICMP_ONLY), "deny: {from: y/b, to: x/a, ports: [TCP]}").count == 0


def test_an_allow_without_ports_holds_where_only_icmp_is_denied():
    assert outcome(run(NO_ICMP), "allow: {from: y/b, to: x/a}").count == 0


def test_an_allow_of_every_tcp_udp_sctp_port_holds_where_only_icmp_is_denied():
    statement = "allow: {from: y/b, to: x/a, ports: [TCP, UDP, SCTP]}"
    assert outcome(run(NO_ICMP), statement).count == 0


def test_an_allow_of_tcp_is_broken_where_only_icmp_is_allowed():
    result = outcome(run(ICMP_ONLY), "allow: {from: y/b, to: x/a, ports: [TCP 80]}")
    assert result.count == 1
    assert str(result.violations[0].ports) == "TCP 80"
