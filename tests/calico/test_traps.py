"""Calico's ordered semantics, a named case per trap, over the upstream x/y/z × a/b/c model."""

from __future__ import annotations

from netviz.engine.ports import PortSet
from tests.conformance.e2e import (
    external_ports,
    ports_from_external,
)

from .traps import T, check, gnp, k8s_allow_from, np_, run, tier


def test_order_across_policies_lower_order_decides_first():
    ev = run(
        gnp(
            "allow-b",
            "  order: 10\n  selector: pod == 'a'\n  ingress: [{action: Allow, source: {selector: pod == 'b'}}]\n",
        )
        + gnp("deny-all", "  order: 20\n  selector: pod == 'a'\n  ingress: [{action: Deny}]\n")
    )
    check(ev, T(("*", "*/a", False), ("*/b", "*/a", True)))


def test_policies_without_order_come_last_and_ties_go_by_name():
    ev = run(
        gnp(
            "a-deny",
            "  selector: pod == 'a'\n  ingress: [{action: Deny, source: {selector: pod == 'b'}}]\n",
        )
        + gnp("b-allow", "  selector: pod == 'a'\n  ingress: [{action: Allow}]\n")
        + gnp(
            "z-allow-c",
            "  order: 99999\n  selector: pod == 'a'\n  ingress: [{action: Allow, source: {selector: pod == 'c'}}]\n",
        )
    )
    # z-allow-c has an order so it runs first; a-deny (no order) before b-allow by name.
    check(ev, T(("*/b", "*/a", False)))


def test_deny_before_allow_in_one_policy():
    ev = run(
        gnp(
            "p",
            "  selector: pod == 'a'\n  ingress:\n"
            "  - {action: Deny, source: {selector: pod == 'b'}}\n"
            "  - {action: Allow, source: {selector: has(pod)}}\n",
        )
    )
    check(ev, T(("*/b", "*/a", False)))


def test_log_continues_to_the_next_rule():
    ev = run(
        gnp(
            "p",
            "  selector: pod == 'a'\n  ingress:\n  - {action: Log}\n"
            "  - {action: Deny, source: {selector: pod == 'b'}}\n  - {action: Allow}\n",
        )
    )
    check(ev, T(("*/b", "*/a", False)))


def test_pass_goes_to_the_next_tier():
    ev = run(
        tier("security", 100)
        + gnp(
            "security.pass-b",
            "  tier: security\n  selector: pod == 'a'\n  ingress:\n"
            "  - {action: Pass, source: {selector: pod == 'b'}}\n  - {action: Deny}\n",
        )
        + np_(
            "deny-b",
            "x",
            "  selector: pod == 'a'\n  ingress:\n  - {action: Deny, source: {selector: pod == 'b'}}\n  - {action: Allow}\n",
        )
    )
    # b passes the security tier everywhere; the default tier then denies x/b -> x/a only.
    check(ev, T(("*", "*/a", False), ("*/b", "*/a", True), ("x/b", "x/a", False)))


def test_pass_with_no_next_tier_is_allowed_by_the_profile():
    ev = run(
        tier("last", 2_000_000)
        + gnp("last.p", "  tier: last\n  selector: pod == 'a'\n  ingress: [{action: Pass}]\n")
    )
    check(ev, T())


def test_default_action_pass_lets_undecided_traffic_through():
    ev = run(
        tier("open", 100, "Pass")
        + gnp(
            "open.p",
            "  tier: open\n  selector: pod == 'a'\n  ingress: [{action: Deny, source: {selector: pod == 'c'}}]\n",
        )
    )
    check(ev, T(("*/c", "*/a", False)))


def test_end_of_tier_deny_cuts_traffic_no_policy_mentions():
    ev = run(
        tier("security", 100)
        + gnp(
            "security.p",
            "  tier: security\n  selector: pod == 'a'\n  ingress: [{action: Deny, source: {selector: pod == 'c'}}]\n",
        )
    )
    # Only c was to be denied, but the tier applies to a, and its end denies everything else.
    check(ev, T(("*", "*/a", False)))


def test_a_tier_applies_only_to_endpoints_its_policies_select():
    ev = run(
        tier("security", 100)
        + gnp(
            "security.p",
            "  tier: security\n  selector: pod == 'a'\n  ingress: [{action: Allow, source: {selector: pod == 'b'}}]\n",
        )
    )
    # b and c are selected by no policy of the tier: it does not apply to them at all.
    check(ev, T(("*", "*/a", False), ("*/b", "*/a", True)))


def test_a_policy_selecting_for_egress_only_does_not_make_the_tier_apply_to_ingress():
    ev = run(
        tier("security", 100)
        + gnp(
            "security.p",
            "  tier: security\n  selector: pod == 'a'\n  types: [Egress]\n  egress: [{action: Allow}]\n",
        )
    )
    check(ev, T())


def test_calico_policy_below_1000_runs_before_kubernetes_policies():
    ev = run(
        np_(
            "deny-b",
            "x",
            "  order: 999\n  selector: pod == 'a'\n  ingress: [{action: Deny, source: {selector: pod == 'b'}}]\n",
        )
        + k8s_allow_from("x", "allow-b", "a", "b")
    )
    check(ev, T(("*", "x/a", False)))


def test_calico_policy_above_1000_runs_after_kubernetes_policies():
    ev = run(
        np_(
            "deny-b",
            "x",
            "  order: 1001\n  selector: pod == 'a'\n  ingress: [{action: Deny, source: {selector: pod == 'b'}}]\n",
        )
        + k8s_allow_from("x", "allow-b", "a", "b")
    )
    check(ev, T(("*", "x/a", False), ("x/b", "x/a", True)))


def test_a_calico_policy_without_order_runs_after_kubernetes_policies():
    ev = run(
        np_(
            "deny-b",
            "x",
            "  selector: pod == 'a'\n  ingress: [{action: Deny, source: {selector: pod == 'b'}}]\n",
        )
        + k8s_allow_from("x", "allow-b", "a", "b")
    )
    check(ev, T(("*", "x/a", False), ("x/b", "x/a", True)))


def test_global_policy_with_namespace_selector_selects_only_those_namespaces():
    ev = run(
        gnp("p", "  namespaceSelector: ns == 'y'\n  selector: all()\n  ingress: [{action: Deny}]\n")
    )
    check(ev, T(("*", "y/*", False)))


def test_rule_namespace_selector_matches_namespaces_by_their_labels():
    ev = run(
        gnp(
            "p",
            "  selector: pod == 'a'\n  ingress:\n"
            "  - {action: Allow, source: {namespaceSelector: ns == 'z'}}\n  - {action: Deny}\n",
        )
    )
    check(ev, T(("*", "*/a", False), ("z/*", "*/a", True)))


def test_network_policy_rule_selector_is_scoped_to_the_policys_namespace():
    ev = run(
        np_(
            "p",
            "x",
            "  selector: pod == 'a'\n  ingress:\n  - {action: Deny, source: {selector: pod == 'b'}}\n  - {action: Allow}\n",
        )
    )
    check(ev, T(("x/b", "x/a", False)))


def test_global_policy_rule_selector_spans_every_namespace():
    ev = run(
        gnp(
            "p",
            "  selector: pod == 'a'\n  ingress:\n  - {action: Deny, source: {selector: pod == 'b'}}\n  - {action: Allow}\n",
        )
    )
    check(ev, T(("*/b", "*/a", False)))


def test_not_selector_alone_in_a_global_policy_matches_outside_traffic_too():
    ev = run(
        gnp(
            "p",
            "  selector: pod == 'a'\n  ingress:\n  - {action: Deny, source: {notSelector: pod == 'b'}}\n  - {action: Allow}\n",
        )
    )
    check(ev, T(("*", "*/a", False), ("*/b", "*/a", True)))
    analysis = ev.analysis()
    assert ports_from_external(analysis, "8.8.8.8", "x/a[Pod]") == PortSet.empty()


def test_not_selector_alone_in_a_network_policy_is_scoped_to_its_namespace():
    ev = run(
        np_(
            "p",
            "x",
            "  selector: pod == 'a'\n  ingress:\n  - {action: Deny, source: {notSelector: pod == 'b'}}\n  - {action: Allow}\n",
        )
    )
    # Only x's pods other than b are denied; other namespaces and outside traffic are not matched.
    check(ev, T(("x/c", "x/a", False)))
    assert ("TCP", 80) in ports_from_external(ev.analysis(), "8.8.8.8", "x/a[Pod]")


def test_selector_all_never_matches_outside_traffic():
    ev = run(
        gnp(
            "p",
            "  selector: pod == 'a'\n  ingress:\n  - {action: Deny, source: {selector: all()}}\n  - {action: Allow}\n",
        )
    )
    check(ev, T(("*", "*/a", False)))
    assert ("TCP", 80) in ports_from_external(ev.analysis(), "8.8.8.8", "x/a[Pod]")


def test_a_rule_without_selectors_matches_outside_traffic():
    ev = run(gnp("p", "  selector: pod == 'a'\n  ingress: [{action: Deny}]\n"))
    assert ports_from_external(ev.analysis(), "8.8.8.8", "x/a[Pod]") == PortSet.empty()


def test_nets_and_not_nets():
    ev = run(
        gnp(
            "p",
            "  selector: pod == 'a'\n  types: [Egress]\n  egress:\n"
            "  - {action: Allow, destination: {nets: [10.0.0.0/8], notNets: [10.1.0.0/16]}}\n"
            "  - {action: Deny}\n",
        )
    )
    analysis = ev.analysis()
    assert ("TCP", 80) in external_ports(analysis, "x/a[Pod]", "10.0.0.1")
    assert external_ports(analysis, "x/a[Pod]", "10.1.2.3") == PortSet.empty()
    assert external_ports(analysis, "x/a[Pod]", "8.8.8.8") == PortSet.empty()
    check(ev, T(("*/a", "*", False)))  # nets never match pods (their IPs are not known)


def test_not_ports_and_ranges():
    ev = run(
        gnp(
            "p",
            "  selector: pod == 'a'\n  ingress:\n"
            "  - {action: Allow, protocol: TCP, destination: {ports: ['70:90'], notPorts: [81]}}\n"
            "  - {action: Deny}\n",
        )
    )
    check(ev, T(("*", "*/a", True)), port=80)
    check(ev, T(("*", "*/a", False)), port=81)
    check(ev, T(("*", "*/a", False)), protocol="UDP", port=80)


def test_named_ports_resolve_at_each_destination():
    ev = run(
        gnp(
            "p",
            "  selector: pod == 'a'\n  ingress:\n"
            "  - {action: Allow, protocol: TCP, destination: {ports: [serve-81-tcp]}}\n"
            "  - {action: Deny}\n",
        )
    )
    check(ev, T(("*", "*/a", False)), port=80)
    check(ev, T(), port=81)


def test_named_not_ports_subtract_at_each_destination():
    ev = run(
        gnp(
            "p",
            "  selector: pod == 'a'\n  ingress:\n"
            "  - {action: Deny, protocol: TCP, destination: {notPorts: [serve-81-tcp]}}\n  - {action: Allow}\n",
        )
    )
    check(ev, T(("*", "*/a", False)), port=80)
    check(ev, T(), port=81)


def test_types_default_to_ingress_when_there_are_no_egress_rules():
    ev = run(gnp("p", "  selector: pod == 'a'\n"))
    check(ev, T(("*", "*/a", False)))


def test_types_default_to_egress_only_when_only_egress_rules_are_given():
    ev = run(
        gnp(
            "p",
            "  selector: pod == 'a'\n  egress:\n  - {action: Deny, destination: {selector: pod == 'b'}}\n  - {action: Allow}\n",
        )
    )
    check(ev, T(("*/a", "*/b", False)))


def test_a_rule_matching_only_icmp_never_matches_tcp_or_udp():
    ev = run(
        gnp(
            "p",
            "  selector: pod == 'a'\n  ingress:\n  - {action: Deny, protocol: ICMP}\n  - {action: Allow}\n",
        )
    )
    check(ev, T())
    check(ev, T(), protocol="UDP")


def test_not_protocol_excludes_that_protocol():
    ev = run(
        gnp(
            "p",
            "  selector: pod == 'a'\n  ingress:\n  - {action: Deny, notProtocol: UDP}\n  - {action: Allow}\n",
        )
    )
    check(ev, T(("*", "*/a", False)), protocol="TCP")
    check(ev, T(), protocol="UDP")


def test_a_rule_destination_selector_narrows_the_ingress_subjects():
    ev = run(
        gnp(
            "p",
            "  selector: has(pod)\n  ingress:\n"
            "  - {action: Deny, destination: {selector: pod == 'c'}}\n  - {action: Allow}\n",
        )
    )
    check(ev, T(("*", "*/c", False)))
