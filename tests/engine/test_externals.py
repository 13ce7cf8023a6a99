"""External ranges: the address space cut at every ipBlock boundary, IPv4 and IPv6."""

from __future__ import annotations

from .build import ALL, NONE, allowed, block, evaluator, pod, policy, rule, sel

A = pod("x", "a", app="a")


def ranges(ev):
    return [(x.start, x.end) for x in ev.analysis().externals]


def test_without_ip_blocks_there_are_two_ranges():
    ev = evaluator([A])
    assert ranges(ev) == [
        ("0.0.0.0", "255.255.255.255"),
        ("::", "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff"),
    ]
    assert [x.cidrs for x in ev.analysis().externals] == [("0.0.0.0/0",), ("::/0",)]


def test_ranges_split_at_cidr_and_except_boundaries_and_are_always_listed():
    ev = evaluator(
        [A],
        [
            policy(
                "x", "p", sel(), egress=[rule(block("10.0.0.0/8", "10.1.0.0/16"))], types={"egress"}
            )
        ],
    )
    assert ranges(ev)[:5] == [
        ("0.0.0.0", "9.255.255.255"),
        ("10.0.0.0", "10.0.255.255"),
        ("10.1.0.0", "10.1.255.255"),
        ("10.2.0.0", "10.255.255.255"),
        ("11.0.0.0", "255.255.255.255"),
    ]
    ids = [x.id for x in ev.analysis().externals]
    reached = {c.dst for c in ev.analysis().connections if c.src == "x/a[Pod]"}
    assert reached == {ids[1], ids[3]}  # inside the cidr, outside the except
    assert allowed(ev, "x/a", "10.1.2.3") == NONE
    assert allowed(ev, "x/a", "10.200.0.1") == ALL


def test_ipv6_blocks_cut_the_ipv6_space():
    ev = evaluator(
        [A],
        [policy("x", "p", sel(), ingress=[rule(block("2001:db8::/32", "2001:db8:1::/48"))])],
    )
    v6 = [x for x in ev.analysis().externals if x.version == 6]
    assert [(x.start, x.end) for x in v6] == [
        ("::", "2001:db7:ffff:ffff:ffff:ffff:ffff:ffff"),
        ("2001:db8::", "2001:db8:0:ffff:ffff:ffff:ffff:ffff"),
        ("2001:db8:1::", "2001:db8:1:ffff:ffff:ffff:ffff:ffff"),
        ("2001:db8:2::", "2001:db8:ffff:ffff:ffff:ffff:ffff:ffff"),
        ("2001:db9::", "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff"),
    ]
    assert allowed(ev, "2001:db8::5", "x/a") == ALL
    assert allowed(ev, "2001:db8:1::5", "x/a") == NONE
    assert allowed(ev, "10.0.0.1", "x/a") == NONE


def test_external_to_pod_uses_only_the_pods_ingress():
    ev = evaluator([A], [policy("x", "p", sel(), egress=[], types={"egress"})])
    assert allowed(ev, "1.2.3.4", "x/a") == ALL  # egress isolation of the pod does not matter
    assert allowed(ev, "x/a", "1.2.3.4") == NONE


def test_a_rule_without_peers_reaches_every_external_range():
    ev = evaluator(
        [A],
        [policy("x", "p", sel(), egress=[rule()], ingress=[], types={"ingress", "egress"})],
    )
    assert allowed(ev, "x/a", "8.8.8.8") == ALL
    assert allowed(ev, "x/a", "::1") == ALL
    assert allowed(ev, "8.8.8.8", "x/a") == NONE


def test_overlapping_blocks_of_several_policies_share_boundaries():
    ev = evaluator(
        [A],
        [
            policy("x", "p1", sel(), ingress=[rule(block("10.0.0.0/8"))]),
            policy("x", "p2", sel(), ingress=[rule(block("10.128.0.0/9"))]),
        ],
    )
    assert ranges(ev)[:4] == [
        ("0.0.0.0", "9.255.255.255"),
        ("10.0.0.0", "10.127.255.255"),
        ("10.128.0.0", "10.255.255.255"),
        ("11.0.0.0", "255.255.255.255"),
    ]
