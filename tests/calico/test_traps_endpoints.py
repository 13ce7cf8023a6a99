"""Calico traps about what selectors and policies match: service accounts, network sets, host
endpoints."""

from __future__ import annotations

from netviz.engine.ports import PortSet
from tests.conformance.e2e import (
    e2e_model,
    external_ports,
    observed_table,
)

from .traps import T, check, gnp, k8s_allow_from, np_, run, tier

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
