"""Reading Calico resources: typed objects with sources, Calico's validation, defaulting."""

from __future__ import annotations

from textwrap import dedent

import pytest

from netviz.k8s import load_texts
from netviz.k8s.calico.model import PortMatch
from netviz.k8s.calico.selector import Compare

from .docs import gnp, load, np_


def test_it_reads_a_global_network_policy_with_every_rule_field():
    cluster = load(
        gnp(
            """
            tier: default
            order: 10.5
            selector: role == 'db'
            namespaceSelector: has(team)
            serviceAccountSelector: sa == 'x'
            types: [Ingress, Egress]
            ingress:
            - action: Deny
              protocol: TCP
              ipVersion: 4
              source:
                nets: [10.0.0.0/8, 192.168.1.1]
                notNets: [10.1.0.0/16]
                selector: app == 'web'
                notSelector: app == 'bad'
                namespaceSelector: global()
                serviceAccounts: {names: [api, web], selector: "role == 'x'"}
              destination:
                ports: [80, "443", "8000:8080", metrics]
                notPorts: [8081]
            - action: Allow
              protocol: ICMP
              icmp: {type: 8, code: 0}
            - action: Log
              notProtocol: 17
            egress:
            - action: Pass
              destination: {services: {name: kube-dns, namespace: kube-system}}
            """
        )
    )
    assert cluster.errors == ()
    (policy,) = cluster.calico.policies
    assert (policy.kind, policy.id, policy.tier, policy.order) == (
        "GlobalNetworkPolicy",
        "p",
        "default",
        10.5,
    )
    assert policy.types == {"ingress", "egress"} and not policy.types_defaulted
    assert policy.selector.node == Compare("role", "==", "db")
    assert policy.namespace_selector.text == "has(team)"
    deny, icmp, log = policy.ingress
    assert deny.action == "Deny" and deny.protocol == 6 and deny.ip_version == 4
    assert deny.source.nets == ("10.0.0.0/8", "192.168.1.1/32")
    assert deny.source.not_nets == ("10.1.0.0/16",)
    assert deny.source.namespace_selector.text == "global()"
    assert deny.source.service_accounts.names == ("api", "web")
    assert [str(p) for p in deny.destination.ports] == ["80", "443", "8000:8080", "metrics"]
    assert deny.destination.not_ports == (PortMatch(8081, 8081, line=24),)
    assert (icmp.protocol, icmp.icmp.type, icmp.icmp.code) == (1, 8, 0)
    assert log.action == "Log" and log.not_protocol == 17
    assert policy.egress[0].destination.services.name == "kube-dns"
    assert deny.line == 12 and policy.source.line == 1


@pytest.mark.parametrize(
    ("ingress", "egress", "types"),
    [
        ("", "", {"ingress"}),  # no rules at all: ingress
        ("[{action: Allow}]", "", {"ingress"}),
        ("", "[{action: Allow}]", {"egress"}),  # egress rules only: egress only
        ("[{action: Allow}]", "[{action: Allow}]", {"ingress", "egress"}),
    ],
)
def test_it_defaults_types_as_the_calico_client_does(ingress, egress, types):
    spec = "selector: all()\n"
    spec += f"ingress: {ingress}\n" if ingress else ""
    spec += f"egress: {egress}\n" if egress else ""
    cluster = load(gnp(spec))
    (policy,) = cluster.calico.policies
    assert policy.types == types and policy.types_defaulted


def test_it_reads_crd_v1_without_types_as_both_directions_and_says_so():
    cluster = load(
        np_("selector: all()\ningress: [{action: Allow}]", api="crd.projectcalico.org/v1")
    )
    (policy,) = cluster.calico.policies
    assert policy.types == {"ingress", "egress"}
    (warning,) = cluster.warnings
    assert "Felix applies the policy to ingress and egress" in warning.message


def test_it_strips_the_legacy_default_tier_prefix_of_crd_names():
    cluster = load(np_("selector: all()", name="default.web", api="crd.projectcalico.org/v1"))
    (policy,) = cluster.calico.policies
    assert policy.name == "web" and policy.id == "shop/web"


def test_it_warns_about_a_tier_prefixed_name_without_spec_tier():
    cluster = load(gnp("selector: all()", name="security.block"))
    (warning,) = cluster.warnings
    assert 'looks prefixed with tier "security"' in warning.message
    assert cluster.calico.policies[0].tier == "default"


def test_it_reads_tiers_with_builtins_and_unknown_tiers_in_felix_order():
    cluster_text = dedent(
        """
        apiVersion: projectcalico.org/v3
        kind: Tier
        metadata: {name: security}
        spec: {order: 100, defaultAction: Pass}
        ---
        apiVersion: projectcalico.org/v3
        kind: Tier
        metadata: {name: zz-no-order}
        """
    )
    cluster = load_texts(
        [("t.yaml", cluster_text), ("g.yaml", gnp("tier: ghost\nselector: all()", name="g"))]
    )
    tiers = [(t.name, t.order, t.default_action, t.valid) for t in cluster.calico.tiers]
    assert tiers == [
        ("security", 100.0, "Pass", True),
        ("kube-admin", 1000.0, "Pass", True),
        ("default", 1_000_000.0, "Deny", True),
        ("kube-baseline", 10_000_000.0, "Pass", True),
        ("zz-no-order", None, "Deny", True),
        ("ghost", None, "Deny", False),  # a tier no Tier object declares sorts after all
    ]
    (warning,) = cluster.warnings
    assert 'tier "ghost" is not in the input' in warning.message


def test_it_reads_network_sets_host_endpoints_and_service_accounts():
    cluster = load(
        """
        apiVersion: projectcalico.org/v3
        kind: NetworkSet
        metadata: {name: partners, namespace: shop, labels: {role: partner}}
        spec: {nets: [203.0.113.0/24, 198.51.100.7]}
        ---
        apiVersion: crd.projectcalico.org/v1
        kind: GlobalNetworkSet
        metadata: {name: dns, labels: {role: dns}}
        spec: {nets: ["8.8.8.8/32"]}
        ---
        apiVersion: projectcalico.org/v3
        kind: HostEndpoint
        metadata: {name: node1-eth0, labels: {host: node1}}
        spec:
          node: node1
          interfaceName: eth0
          expectedIPs: [192.168.0.1]
          ports: [{name: ssh, port: 22, protocol: TCP}]
        ---
        apiVersion: v1
        kind: ServiceAccount
        metadata: {name: api, namespace: shop, labels: {role: api}}
        """
    )
    assert cluster.errors == ()
    calico = cluster.calico
    sets = {(s.kind, s.id): s.nets for s in calico.network_sets}
    assert sets == {
        ("NetworkSet", "shop/partners"): ("203.0.113.0/24", "198.51.100.7/32"),
        ("GlobalNetworkSet", "dns"): ("8.8.8.8/32",),
    }
    (host,) = calico.host_endpoints
    assert (host.node, host.interface_name, host.expected_ips) == (
        "node1",
        "eth0",
        ("192.168.0.1",),
    )
    assert host.ports[0].name == "ssh" and host.source.doc == 3
    (account,) = calico.service_accounts
    assert (account.namespace, account.name, dict(account.labels)) == (
        "shop",
        "api",
        {"role": "api"},
    )


@pytest.mark.parametrize(
    ("doc", "fragment"),
    [
        (
            "kind: HostEndpoint\nmetadata: {name: h}\nspec: {node: n}",
            "give interfaceName or expectedIPs",
        ),
        ("kind: HostEndpoint\nmetadata: {name: h}\nspec: {interfaceName: eth0}", "no node"),
        (
            "kind: GlobalNetworkSet\nmetadata: {name: s}\nspec: {nets: [300.0.0.0/8]}",
            "is not a CIDR",
        ),
        (
            "kind: NetworkSet\nmetadata: {name: s, namespace: a, labels: "
            "{projectcalico.org/namespace: b}}\nspec: {nets: [10.0.0.0/8]}",
            "projectcalico.org/namespace is not a valid label name",
        ),
        ("kind: Tier\nmetadata: {name: a.b}\nspec: {order: 1}", "a tier name"),
        ("kind: Tier\nmetadata: {name: t}\nspec: {defaultAction: Allow}", "is not Deny or Pass"),
        ("kind: Tier\nmetadata: {name: default}\nspec: {order: 5}", "order must be 1e+06"),
    ],
)
def test_it_rejects_bad_sets_hosts_and_tiers(doc, fragment):
    cluster = load("apiVersion: projectcalico.org/v3\n" + doc + "\n")
    assert any(fragment in e.message for e in cluster.errors), cluster.errors


def test_it_reads_staged_policies_apart_from_enforced_ones():
    cluster = load(
        """
        apiVersion: projectcalico.org/v3
        kind: StagedNetworkPolicy
        metadata: {name: s1, namespace: shop}
        spec: {stagedAction: Set, selector: all(), ingress: [{action: Deny}]}
        ---
        apiVersion: projectcalico.org/v3
        kind: StagedGlobalNetworkPolicy
        metadata: {name: s2}
        spec: {stagedAction: Delete}
        ---
        apiVersion: projectcalico.org/v3
        kind: StagedKubernetesNetworkPolicy
        metadata: {name: s3, namespace: shop}
        spec:
          stagedAction: Set
          podSelector: {matchLabels: {app: web}}
          policyTypes: [Ingress]
        ---
        apiVersion: projectcalico.org/v3
        kind: StagedGlobalNetworkPolicy
        metadata: {name: s4}
        spec: {stagedAction: Delete, selector: all()}
        """
    )
    assert cluster.calico.policies == ()
    staged = {(p.kind, p.id): p.staged_action for p in cluster.calico.staged}
    assert staged == {
        ("StagedNetworkPolicy", "shop/s1"): "Set",
        ("StagedGlobalNetworkPolicy", "s2"): "Delete",
        ("StagedKubernetesNetworkPolicy", "shop/s3"): "Set",
    }
    k8s = next(p for p in cluster.calico.staged if p.k8s is not None).k8s
    assert k8s.pod_selector.match_labels == (("app", "web"),)
    (error,) = cluster.errors
    assert "only tier may be given with stagedAction Delete" in error.message


def test_it_reads_calicoctl_list_output_with_item_lines():
    cluster = load(
        """
        apiVersion: projectcalico.org/v3
        kind: GlobalNetworkPolicyList
        items:
        - apiVersion: projectcalico.org/v3
          kind: GlobalNetworkPolicy
          metadata: {name: a}
          spec: {order: 1, selector: all()}
        - apiVersion: projectcalico.org/v3
          kind: GlobalNetworkPolicy
          metadata: {name: b}
          spec: {order: 2, ingress: [{action: Nope}]}
        metadata: {resourceVersion: "1"}
        """
    )
    assert [p.name for p in cluster.calico.policies] == ["a"]
    assert cluster.calico.policies[0].source.line == 4
    (error,) = cluster.errors
    assert error.source.line == 11 and error.name == "b"
    assert "spec:" in cluster.calico.policies[0].text


def test_it_records_what_is_not_modelled_as_caveats():
    cluster = load(
        gnp(
            "doNotTrack: true\napplyOnForward: true\n"
            "ingress: [{action: Allow, protocol: TCP, http: {methods: [GET]}}]"
        )
    )
    (policy,) = cluster.calico.policies
    joined = " ".join(policy.caveats)
    assert "doNotTrack" in joined and "applyOnForward" in joined and "http match" in joined


def test_it_reads_a_pods_service_account():
    cluster = load(
        """
        apiVersion: v1
        kind: Pod
        metadata: {name: a, namespace: shop}
        spec: {serviceAccountName: api, containers: [{name: c, image: x}]}
        ---
        apiVersion: v1
        kind: Pod
        metadata: {name: b, namespace: shop}
        spec: {containers: [{name: c, image: x}]}
        """
    )
    accounts = {e.name: e.service_account for e in cluster.endpoints}
    assert accounts == {"a": "api", "b": "default"}


@pytest.mark.parametrize(
    ("rule", "fragment"),
    [
        (
            "{action: Allow, protocol: TCP, source: {ports: [1024]}}",
            "source ports are not modelled",
        ),
        (
            "{action: Allow, source: {services: {name: s, namespace: n}}}",
            "Service endpoints are not read",
        ),
        ("{action: Allow, protocol: TCP, http: {methods: [GET]}}", "not modelled: http match"),
    ],
)
def test_it_warns_where_a_rule_uses_what_is_not_modelled(rule, fragment):
    cluster = load(gnp(f"ingress: [{rule}]"))
    assert cluster.errors == ()
    assert any(fragment in w.message for w in cluster.warnings), cluster.warnings


SA = "apiVersion: v1\nkind: ServiceAccount\nmetadata: {{name: {name}, namespace: shop{labels}}}\n"
CALICO_GNP = (
    "apiVersion: projectcalico.org/v3\nkind: GlobalNetworkPolicy\nmetadata: {name: p}\n"
    "spec: {selector: all(), types: [Ingress]}\n"
)


def test_a_labelled_service_account_is_read_for_calico_not_counted_as_without_effect():
    text = "---\n".join(
        [SA.format(name="api", labels=", labels: {role: api}"), SA.format(name="b", labels="")]
    )
    cluster = load_texts([("m.yaml", text + "---\n" + CALICO_GNP)])
    assert [a.name for a in cluster.calico.service_accounts] == ["api", "b"]
    assert [(k, n) for k, n, _ in cluster.ignored] == [("ServiceAccount", "shop/b")]
    assert [w.message for w in cluster.warnings] == [
        "not modelled (they do not change connectivity): 1 ServiceAccount"
    ]


def test_service_accounts_without_calico_resources_are_counted_as_without_effect():
    text = SA.format(name="api", labels=", labels: {role: api}")
    cluster = load_texts([("m.yaml", text)])
    assert cluster.calico is None
    assert [(k, n) for k, n, _ in cluster.ignored] == [("ServiceAccount", "shop/api")]
    assert [w.message for w in cluster.warnings] == [
        "not modelled (they do not change connectivity): 1 ServiceAccount"
    ]
