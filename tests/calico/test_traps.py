"""Calico's ordered semantics, a named case per trap, over the upstream x/y/z × a/b/c model."""

from __future__ import annotations

from netviz.engine import Evaluator
from netviz.engine.ports import PortSet
from netviz.k8s import load_texts
from tests.conformance.e2e import (
    TruthTable,
    e2e_model,
    external_ports,
    manifest,
    observed_table,
    ports_from_external,
)

T = TruthTable.expect


def run(policies: str, model: str | None = None) -> Evaluator:
    cluster = load_texts(
        [("model.yaml", model or e2e_model()), ("policy.yaml", manifest(policies))]
    )
    assert not cluster.errors, [p.as_dict() for p in cluster.errors]
    return Evaluator(cluster)


def check(ev: Evaluator, expected: TruthTable, protocol: str = "TCP", port: int = 80) -> None:
    got = observed_table(ev.analysis(), protocol, port)
    wrong = expected.mismatches(got)
    assert not wrong, "\n".join(wrong) + f"\nobserved:\n{got.render()}"


def gnp(name: str, body: str) -> str:
    return f"apiVersion: projectcalico.org/v3\nkind: GlobalNetworkPolicy\nmetadata: {{name: {name}}}\nspec:\n{body}---\n"


def np_(name: str, ns: str, body: str) -> str:
    return (
        "apiVersion: projectcalico.org/v3\nkind: NetworkPolicy\n"
        f"metadata: {{name: {name}, namespace: {ns}}}\nspec:\n{body}---\n"
    )


def tier(name: str, order: int | None, action: str = "Deny") -> str:
    spec = f"order: {order}, " if order is not None else ""
    return (
        f"apiVersion: projectcalico.org/v3\nkind: Tier\nmetadata: {{name: {name}}}\n"
        f"spec: {{{spec}defaultAction: {action}}}\n---\n"
    )


def k8s_allow_from(ns: str, name: str, pod: str, source_pod: str) -> str:
    return (
        "apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\n"
        f"metadata: {{name: {name}, namespace: {ns}}}\n"
        f"spec:\n  podSelector: {{matchLabels: {{pod: {pod}}}}}\n"
        f"  ingress: [{{from: [{{podSelector: {{matchLabels: {{pod: {source_pod}}}}}}}]}}]\n---\n"
    )


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


SA_MODEL = e2e_model() + (
    "---\napiVersion: v1\nkind: ServiceAccount\nmetadata: {name: api, namespace: y, labels: {role: api}}\n"
)


def _with_account(model: str, pod: str, account: str) -> str:
    ns, name = pod.split("/")
    marker = f"  name: {name}\n  namespace: {ns}\n"
    head, _, tail = model.partition(marker)
    return head + marker + tail.replace("spec:\n", f"spec:\n  serviceAccountName: {account}\n", 1)


def test_service_account_selector_and_names():
    model = _with_account(SA_MODEL, "y/b", "api")
    ev = run(
        gnp(
            "p",
            "  selector: pod == 'a'\n  ingress:\n"
            "  - {action: Deny, source: {serviceAccounts: {selector: role == 'api'}}}\n  - {action: Allow}\n",
        ),
        model,
    )
    check(ev, T(("y/b", "*/a", False)))
    ev = run(
        gnp(
            "p",
            "  selector: pod == 'a'\n  ingress:\n  - {action: Deny, source: {serviceAccounts: {names: [api]}}}\n  - {action: Allow}\n",
        ),
        model,
    )
    check(ev, T(("y/b", "*/a", False)))


def test_policy_service_account_selector_selects_by_the_accounts_labels():
    model = _with_account(SA_MODEL, "y/b", "api")
    ev = run(
        gnp("p", "  serviceAccountSelector: role == 'api'\n  ingress: [{action: Deny}]\n"), model
    )
    check(ev, T(("*", "y/b", False)))


NETSETS = (
    "apiVersion: projectcalico.org/v3\nkind: GlobalNetworkSet\n"
    "metadata: {name: dns, labels: {role: dns}}\nspec: {nets: [8.8.8.8/32, 8.8.4.4/32]}\n---\n"
    "apiVersion: projectcalico.org/v3\nkind: NetworkSet\n"
    "metadata: {name: partners, namespace: x, labels: {role: partner}}\nspec: {nets: [203.0.113.0/24]}\n---\n"
)


def test_network_sets_are_matched_by_selectors():
    ev = run(
        NETSETS
        + gnp(
            "p",
            "  selector: pod == 'a'\n  types: [Egress]\n  egress:\n"
            "  - {action: Allow, destination: {selector: role == 'dns'}}\n  - {action: Deny}\n",
        )
    )
    analysis = ev.analysis()
    assert ("TCP", 80) in external_ports(analysis, "x/a[Pod]", "8.8.8.8")
    assert ("TCP", 80) in external_ports(analysis, "x/a[Pod]", "8.8.4.4")
    assert external_ports(analysis, "x/a[Pod]", "1.1.1.1") == PortSet.empty()


def test_a_namespaced_network_set_is_seen_only_from_its_namespace_by_a_network_policy():
    ev = run(
        NETSETS
        + np_(
            "p",
            "y",
            "  selector: pod == 'a'\n  types: [Egress]\n  egress:\n"
            "  - {action: Deny, destination: {selector: role == 'partner'}}\n  - {action: Allow}\n",
        )
        + np_(
            "q",
            "x",
            "  selector: pod == 'a'\n  types: [Egress]\n  egress:\n"
            "  - {action: Deny, destination: {selector: role == 'partner'}}\n  - {action: Allow}\n",
        )
    )
    analysis = ev.analysis()
    assert ("TCP", 80) in external_ports(analysis, "y/a[Pod]", "203.0.113.9")  # other namespace
    assert external_ports(analysis, "x/a[Pod]", "203.0.113.9") == PortSet.empty()


def test_global_namespace_selector_matches_global_network_sets_only():
    ev = run(
        NETSETS
        + gnp(
            "p",
            "  selector: pod == 'a'\n  types: [Egress]\n  egress:\n"
            "  - {action: Deny, destination: {namespaceSelector: global()}}\n  - {action: Allow}\n",
        )
    )
    analysis = ev.analysis()
    assert external_ports(analysis, "x/a[Pod]", "8.8.8.8") == PortSet.empty()
    assert ("TCP", 80) in external_ports(analysis, "x/a[Pod]", "203.0.113.9")
    assert ("TCP", 80) in external_ports(analysis, "x/a[Pod]", "1.1.1.1")
    check(ev, T())  # global() never matches a pod


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


def test_kubernetes_policies_alone_give_the_same_answer_with_calico_resources_present():
    plain = run(k8s_allow_from("x", "allow-b", "a", "b"))
    with_calico = run(NETSETS + tier("unused", 5) + k8s_allow_from("x", "allow-b", "a", "b"))
    for protocol, port in (("TCP", 80), ("UDP", 81), ("SCTP", 80)):
        a = observed_table(plain.analysis(), protocol, port)
        b = observed_table(with_calico.analysis(), protocol, port)
        assert a == b, (protocol, port)


def test_network_sets_name_the_external_ranges_they_hold():
    ev = run(NETSETS + gnp("p", "  selector: pod == 'a'\n  ingress: [{action: Allow}]\n"))
    named = {x.cidrs: x.sets for x in ev.analysis().externals if x.sets}
    assert named == {
        ("8.8.4.4/32",): ("GlobalNetworkSet dns",),
        ("8.8.8.8/32",): ("GlobalNetworkSet dns",),
        ("203.0.113.0/24",): ("NetworkSet x/partners",),
    }


HOST = (
    "apiVersion: projectcalico.org/v3\nkind: HostEndpoint\n"
    "metadata: {name: node1-eth0, labels: {host: node1}}\n"
    "spec: {node: node1, interfaceName: eth0, expectedIPs: [192.168.0.1]}\n---\n"
)


def test_host_endpoints_are_selected_by_global_policies_only():
    ev = run(
        HOST
        + gnp(
            "host",
            "  selector: host == 'node1'\n  ingress:\n"
            "  - {action: Allow, protocol: TCP, source: {selector: pod == 'a'}, destination: {ports: [80]}}\n",
        )
        + np_("ns-all", "x", "  selector: all()\n  ingress: [{action: Allow}]\n")
    )
    analysis = ev.analysis()
    assert external_ports(analysis, "y/a[Pod]", "192.168.0.1") == PortSet.single("TCP", 80) | (
        PortSet.single("TCP", 22)
        | PortSet.single("UDP", 68)
        | PortSet.single("TCP", 179)
        | PortSet.single("TCP", 2379, 2380)
        | PortSet.single("TCP", 5473)
        | PortSet.single("TCP", 6443)
        | PortSet.single("TCP", 6666, 6667)
    )
    assert ("TCP", 80) not in external_ports(analysis, "y/b[Pod]", "192.168.0.1")
    assert ("TCP", 22) in external_ports(analysis, "y/b[Pod]", "192.168.0.1")  # failsafe
    (host,) = [x for x in analysis.externals if x.sets]
    assert host.sets == ("HostEndpoint node1-eth0",)
    exp = ev.explain("y/b", host.id, PortSet.single("TCP", 80))
    assert not exp.is_allowed
    steps = [s.tier for s in exp.ingress.decisions[0].steps]
    assert steps == ["default"]  # denied at the end of the default tier the GNP is in


def test_a_host_endpoint_no_policy_selects_denies_all_but_failsafe_ports():
    ev = run(HOST + tier("unused", 5))
    analysis = ev.analysis()
    ports = external_ports(analysis, "x/a[Pod]", "192.168.0.1")
    assert ("TCP", 80) not in ports and ("TCP", 22) in ports
    exp = ev.explain(
        "x/a", [x.id for x in analysis.externals if x.sets][0], PortSet.single("TCP", 80)
    )
    (decision,) = exp.ingress.decisions
    assert [(s.tier, s.action) for s in decision.steps] == [("host-endpoint-default", "isolation")]


def test_a_host_endpoint_with_the_default_allow_profile_allows_what_no_tier_decided():
    ev = run(
        HOST.replace(
            "expectedIPs: [192.168.0.1]}",
            "expectedIPs: [192.168.0.1], profiles: [projectcalico-default-allow]}",
        )
    )
    assert ("TCP", 80) in external_ports(ev.analysis(), "x/a[Pod]", "192.168.0.1")
