"""Profiles' labelsToApply, and host endpoints given only by interfaceName."""

from __future__ import annotations

from netviz.formats.words import describe_caveat
from netviz.k8s import load_texts
from tests.calico.traps import T, check, gnp, run, tier
from tests.conformance.calico_reference import CalicoReference
from tests.conformance.e2e import e2e_model, manifest

PROFILE_X = (
    "apiVersion: projectcalico.org/v3\nkind: Profile\nmetadata: {name: kns.x}\n"
    "spec:\n  labelsToApply: {pcns.zone: blue, pcns.projectcalico.org/name: x}\n"
    "  ingress: [{action: Allow}]\n  egress: [{action: Allow}]\n---\n"
)
PROFILE_SA = (
    "apiVersion: projectcalico.org/v3\nkind: Profile\nmetadata: {name: ksa.y.default}\n"
    "spec: {labelsToApply: {pcsa.team: red}}\n---\n"
)


def test_a_namespace_profiles_labels_to_apply_are_matched_by_namespace_selectors():
    ev = run(
        PROFILE_X
        + gnp(
            "p",
            "  selector: pod == 'a'\n  ingress:\n"
            "  - {action: Allow, source: {namespaceSelector: zone == 'blue'}}\n"
            "  - {action: Deny}\n",
        )
    )
    check(ev, T(("y/*", "*/a", False), ("z/*", "*/a", False), ("x/a", "*/a", True)))


def test_a_service_account_profiles_labels_are_matched_by_service_account_selectors():
    ev = run(
        PROFILE_SA
        + gnp(
            "p",
            "  selector: pod == 'a'\n  ingress:\n"
            "  - {action: Deny, source: {serviceAccounts: {selector: team == 'red'}}}\n"
            "  - {action: Allow}\n",
        )
    )
    check(ev, T(("y/*", "*/a", False), ("y/a", "y/a", True)))


def test_a_pods_own_labels_win_over_its_profiles():
    profile = (
        "apiVersion: projectcalico.org/v3\nkind: Profile\nmetadata: {name: kns.x}\n"
        "spec: {labelsToApply: {pod: z}}\n---\n"
    )
    ev = run(profile + gnp("p", "  selector: pod == 'z'\n  ingress: [{action: Deny}]\n"))
    check(ev, T())  # no pod is labelled pod=z by itself: the profile does not relabel them


def test_a_host_endpoint_takes_the_labels_of_its_profiles():
    docs = (
        "apiVersion: projectcalico.org/v3\nkind: Profile\nmetadata: {name: edge}\n"
        "spec: {labelsToApply: {role: edge}}\n---\n"
        "apiVersion: projectcalico.org/v3\nkind: HostEndpoint\nmetadata: {name: h1}\n"
        "spec: {node: n1, interfaceName: eth0, expectedIPs: [192.168.0.1],"
        " profiles: [edge, projectcalico-default-allow]}\n---\n"
        + gnp(
            "p",
            "  selector: role == 'edge'\n  ingress: [{action: Deny, protocol: TCP}, {action: Allow}]\n",
        )
    )
    ev = run(docs)
    host = next(x for x in ev.analysis().externals if x.sets)
    ports = next(c.ports for c in ev.analysis().connections if c.dst == host.id)
    assert ("TCP", 80) not in ports  # denied by the policy that selects it through its profile
    assert ("TCP", 22) in ports  # failsafe
    assert ("UDP", 80) in ports


def test_a_profile_with_rules_of_its_own_is_read_with_a_warning():
    profile = (
        "apiVersion: projectcalico.org/v3\nkind: Profile\nmetadata: {name: p}\n"
        "spec: {ingress: [{action: Deny}], labelsToApply: {a: b}}\n---\n"
    )
    cluster = load_texts([("m.yaml", e2e_model()), ("p.yaml", manifest(profile + tier("t", 1)))])
    assert not cluster.errors
    assert cluster.calico.profiles[0].labels_to_apply == {"a": "b"}
    assert any("profile's own rules are not modelled" in w.message for w in cluster.warnings)


def test_the_reference_evaluator_reads_profiles_alike():
    cluster = load_texts(
        [
            ("m.yaml", e2e_model()),
            (
                "p.yaml",
                manifest(
                    PROFILE_X
                    + gnp(
                        "p",
                        "  selector: pod == 'a'\n  ingress:\n"
                        "  - {action: Allow, source: {namespaceSelector: zone == 'blue'}}\n"
                        "  - {action: Deny}\n",
                    )
                ),
            ),
        ]
    )
    ref = CalicoReference(cluster)
    by_id = {e.id: e for e in cluster.endpoints}
    assert ref.allowed(by_id["x/b[Pod]"], by_id["y/a[Pod]"], "TCP", 80)
    assert not ref.allowed(by_id["z/b[Pod]"], by_id["y/a[Pod]"], "TCP", 80)


INTERFACE_ONLY = (
    "apiVersion: projectcalico.org/v3\nkind: HostEndpoint\n"
    "metadata: {name: n1-eth1, labels: {host: n1}}\n"
    "spec: {node: n1, interfaceName: eth1}\n---\n"
)


def test_a_host_endpoint_by_interface_only_is_selected_but_has_no_address():
    ev = run(
        INTERFACE_ONLY
        + gnp("host", "  selector: host == 'n1'\n  ingress: [{action: Deny}]\n")
        + gnp(
            "peer",
            "  selector: pod == 'a'\n  ingress:\n"
            "  - {action: Deny, source: {selector: host == 'n1'}}\n  - {action: Allow}\n",
        )
    )
    analysis = ev.analysis()
    assert not any(x.sets for x in analysis.externals)  # no range is the host endpoint's
    check(ev, T())  # a rule selecting it matches no pod and no address
    caveats = [c for c in analysis.caveats if c.code == "host-endpoint-without-ips"]
    assert [(c.endpoint, c.policy) for c in caveats] == [
        ("HostEndpoint n1-eth1", "GlobalNetworkPolicy/host")
    ]
    text = describe_caveat(caveats[0])
    assert "interface eth1 on node n1; selected by GlobalNetworkPolicy/host" in text
    assert "no connection to or from it is shown" in text


def test_a_host_endpoint_by_interface_only_that_no_policy_selects_is_said_so():
    ev = run(INTERFACE_ONLY + tier("t", 1))
    (caveat,) = [c for c in ev.analysis().caveats if c.code == "host-endpoint-without-ips"]
    assert caveat.policy is None
    assert "no GlobalNetworkPolicy selects it" in caveat.detail


def test_the_reader_says_what_is_modelled_of_an_interface_only_host_endpoint():
    cluster = load_texts([("m.yaml", e2e_model()), ("h.yaml", manifest(INTERFACE_ONLY))])
    assert not cluster.errors
    (warning,) = [w for w in cluster.warnings if "expectedIPs" in w.message]
    assert "GlobalNetworkPolicies still select interface eth1" in warning.message
