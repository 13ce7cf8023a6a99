"""Calico rules on ICMP, ICMPv6, UDPLite and numbered protocols: the protocol dimension.

Over the upstream x/y/z × a/b/c model: a rule of a GlobalNetworkPolicy selecting pod a.
"""

from __future__ import annotations

import json

from netviz.engine import Evaluator
from netviz.engine.ports import PortSet
from netviz.k8s import load_texts
from tests.calico.traps import T, check, gnp, k8s_allow_from, run
from tests.conformance.e2e import e2e_model, manifest

ICMP_ECHO = ("ICMP", (8, 0))


def on_a(rules: str, kind_rules: str = "ingress") -> str:
    return gnp("p", f"  selector: pod == 'a'\n  {kind_rules}:\n{rules}")


def ports_of(ev: Evaluator, src: str, dst: str) -> PortSet:
    for c in ev.analysis().connections:
        if (c.src, c.dst) == (src, dst):
            return c.ports
    return PortSet.empty()


def test_deny_icmp_before_allow_all_blocks_only_icmp():
    ev = run(on_a("  - {action: Deny, protocol: ICMP}\n  - {action: Allow}\n"))
    check(ev, T(), protocol="TCP", port=80)
    check(ev, T(), protocol="UDP", port=53)
    check(ev, T(("*", "*/a", False)), protocol="ICMP", port=(8, 0))
    check(ev, T(), protocol="ICMPv6", port=(128, 0))
    check(ev, T(), protocol=47, port=None)
    ports = ports_of(ev, "y/b[Pod]", "x/a[Pod]")
    assert str(ports) == "All Connections except ICMP"
    assert {"protocol": "ICMP", "number": 1, "end_number": 1} not in ports.as_json()
    assert {"protocol": "ICMPv6", "number": 58, "end_number": 58} in ports.as_json()
    # Elsewhere every protocol is allowed, ICMP included: one atom of its own, all of it.
    assert str(ports_of(ev, "y/b[Pod]", "x/c[Pod]")) == "All Connections"


def test_the_explanation_shows_the_icmp_part_denied_by_its_rule():
    ev = run(on_a("  - {action: Deny, protocol: ICMP}\n  - {action: Allow}\n"))
    exp = ev.explain("y/b", "x/a")
    assert exp.asked.is_all()
    denied = [d for d in exp.ingress.decisions if d.verdict == "deny"]
    assert len(denied) == 1
    assert str(denied[0].ports) == "ICMP"
    assert denied[0].steps[-1].rule_index == 0
    assert str(exp.allowed) == "All Connections except ICMP"


def test_a_port_less_kubernetes_rule_allows_every_protocol_icmp_included():
    docs = k8s_allow_from("x", "from-b", "a", "b")
    docs += on_a(
        "  - {action: Deny, protocol: ICMP, icmp: {type: 8}}\n  - {action: Allow}\n", "egress"
    )
    ev = run(docs)
    check(ev, T(("*", "x/a", False), ("x/b", "x/a", True)), protocol="ICMP", port=(3, 1))
    check(ev, T(("*", "x/a", False), ("x/b", "x/a", True)), protocol=47, port=None)
    assert str(ports_of(ev, "x/b[Pod]", "x/a[Pod]")) == "All Connections"


def test_not_protocol_tcp_allows_udp_and_icmp():
    ev = run(on_a("  - {action: Allow, notProtocol: TCP}\n  - {action: Deny}\n"))
    check(ev, T(("*", "*/a", False)), protocol="TCP", port=80)
    check(ev, T(), protocol="UDP", port=80)
    check(ev, T(), protocol="ICMP", port=(8, 0))
    check(ev, T(), protocol="UDPLite", port=None)
    assert str(ports_of(ev, "y/b[Pod]", "x/a[Pod]")) == (
        "UDP 1-65535; SCTP 1-65535; all other protocols"
    )


def test_icmp_type_and_code_match_only_that_type_and_code():
    ev = run(
        on_a("  - {action: Allow, protocol: ICMP, icmp: {type: 8, code: 0}}\n  - {action: Deny}\n")
    )
    check(ev, T(), protocol="ICMP", port=(8, 0))
    check(ev, T(("*", "*/a", False)), protocol="ICMP", port=(8, 1))
    check(ev, T(("*", "*/a", False)), protocol="ICMP", port=(0, 0))
    check(ev, T(("*", "*/a", False)), protocol="TCP", port=80)
    ports = ports_of(ev, "y/b[Pod]", "x/a[Pod]")
    assert str(ports) == "ICMP type 8 code 0"
    assert ports.as_json() == [
        {
            "protocol": "ICMP",
            "number": 1,
            "end_number": 1,
            "icmp_type": 8,
            "end_icmp_type": 8,
            "icmp_code": 0,
            "end_icmp_code": 0,
        }
    ]


def test_icmp_type_alone_matches_every_code_of_it():
    ev = run(on_a("  - {action: Allow, protocol: ICMP, icmp: {type: 3}}\n  - {action: Deny}\n"))
    check(ev, T(), protocol="ICMP", port=(3, 0))
    check(ev, T(), protocol="ICMP", port=(3, 13))
    check(ev, T(("*", "*/a", False)), protocol="ICMP", port=(4, 0))
    assert str(ports_of(ev, "y/b[Pod]", "x/a[Pod]")) == "ICMP type 3"


def test_not_icmp_takes_out_only_that_type():
    ev = run(on_a("  - {action: Allow, protocol: ICMP, notICMP: {type: 8}}\n  - {action: Deny}\n"))
    check(ev, T(("*", "*/a", False)), protocol="ICMP", port=(8, 0))
    check(ev, T(), protocol="ICMP", port=(0, 0))
    check(ev, T(), protocol="ICMP", port=(9, 1))
    assert str(ports_of(ev, "y/b[Pod]", "x/a[Pod]")) == "ICMP type 0-7; ICMP type 9-255"


def test_not_icmp_code_keeps_the_other_codes_of_the_type():
    ev = run(
        on_a(
            "  - {action: Allow, protocol: ICMP, notICMP: {type: 3, code: 4}}\n  - {action: Deny}\n"
        )
    )
    check(ev, T(("*", "*/a", False)), protocol="ICMP", port=(3, 4))
    check(ev, T(), protocol="ICMP", port=(3, 3))
    check(ev, T(), protocol="ICMP", port=(3, 5))
    text = str(ports_of(ev, "y/b[Pod]", "x/a[Pod]"))
    assert text == "ICMP type 0-2; ICMP type 3 code 0-3; ICMP type 3 code 5-255; ICMP type 4-255"


def test_ip_version_6_with_icmpv6_allows_only_ipv6_peers():
    rule = (
        "  - {action: Allow, protocol: ICMPv6, ipVersion: 6, "
        "source: {nets: ['2001:db8::/32']}}\n  - {action: Deny}\n"
    )
    ev = run(on_a(rule))
    inside = next(x for x in ev.analysis().externals if x.start.startswith("2001:db8:"))
    v4 = next(x for x in ev.analysis().externals if x.version == 4)
    assert ("ICMPv6", (128, 0)) in ports_of(ev, inside.id, "x/a[Pod]")
    assert ("ICMP", (8, 0)) not in ports_of(ev, inside.id, "x/a[Pod]")
    assert ports_of(ev, v4.id, "x/a[Pod]").is_empty()
    check(ev, T(("*", "*/a", False)), protocol="ICMPv6", port=(128, 0))


def test_protocol_numbers_6_17_132_are_tcp_udp_sctp():
    by_number = run(
        on_a(
            "  - {action: Deny, protocol: 132}\n"
            "  - {action: Allow, protocol: 6, destination: {ports: [80]}}\n"
            "  - {action: Allow, protocol: 17}\n"
        )
    )
    by_name = run(
        on_a(
            "  - {action: Deny, protocol: SCTP}\n"
            "  - {action: Allow, protocol: TCP, destination: {ports: [80]}}\n"
            "  - {action: Allow, protocol: UDP}\n"
        )
    )
    assert not by_number.compiled.atoms.ip  # no other protocol named: no dimension for them
    assert str(ports_of(by_number, "y/b[Pod]", "x/a[Pod]")) == "TCP 80; UDP 1-65535"
    for ev in (by_number, by_name):
        check(ev, T(("*", "*/a", False)), protocol="SCTP", port=80)
        check(ev, T(), protocol="TCP", port=80)
        check(ev, T(("*", "*/a", False)), protocol="TCP", port=81)
    pairs = [(c.src, c.dst, c.ports) for c in by_number.analysis().connections]
    assert pairs == [(c.src, c.dst, c.ports) for c in by_name.analysis().connections]


def test_a_numbered_protocol_is_its_own_atom():
    ev = run(on_a("  - {action: Deny, protocol: 47}\n  - {action: Allow}\n"))
    check(ev, T(("*", "*/a", False)), protocol=47, port=None)
    check(ev, T(), protocol=50, port=None)
    check(ev, T(), protocol="ICMP", port=(8, 0))
    ports = ports_of(ev, "y/b[Pod]", "x/a[Pod]")
    assert str(ports) == "All Connections except proto 47"
    assert {"protocol": "IP", "number": 48, "end_number": 57} in ports.as_json()


def test_udplite_is_a_protocol_of_its_own():
    ev = run(on_a("  - {action: Allow, protocol: UDPLite}\n  - {action: Deny}\n"))
    check(ev, T(), protocol="UDPLite", port=None)
    check(ev, T(("*", "*/a", False)), protocol="UDP", port=53)
    assert str(ports_of(ev, "y/b[Pod]", "x/a[Pod]")) == "UDPLite"


def test_port_sets_of_other_protocols_round_trip_through_json():
    ev = run(
        on_a(
            "  - {action: Deny, protocol: ICMP, icmp: {type: 3, code: 4}}\n"
            "  - {action: Deny, protocol: 47}\n  - {action: Allow}\n"
        )
    )
    for c in ev.analysis().connections:
        again = PortSet.from_json(json.loads(json.dumps(c.ports.as_json())))
        assert again == c.ports
        assert str(again) == str(c.ports)


def test_tcp_only_input_keeps_its_atoms_and_texts():
    ev = run(
        on_a("  - {action: Deny, protocol: TCP, destination: {ports: [80]}}\n  - {action: Allow}\n")
    )
    assert not ev.compiled.atoms.ip
    ports = ports_of(ev, "y/b[Pod]", "x/a[Pod]")
    assert str(ports) == "TCP 1-79,81-65535; UDP 1-65535; SCTP 1-65535"
    assert [i["protocol"] for i in ports.as_json()] == ["TCP", "TCP", "UDP", "SCTP"]


def test_staged_icmp_rules_cut_the_atoms_too():
    staged = (
        "apiVersion: projectcalico.org/v3\nkind: StagedGlobalNetworkPolicy\n"
        "metadata: {name: s}\nspec:\n  selector: pod == 'a'\n"
        "  ingress:\n  - {action: Deny, protocol: ICMP}\n  - {action: Allow}\n---\n"
    )
    cluster = load_texts([("m.yaml", e2e_model()), ("p.yaml", manifest(staged))])
    assert not cluster.errors
    assert Evaluator(cluster).compiled.atoms.ip
