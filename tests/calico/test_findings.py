"""Calico-specific findings, a named case each, through the real checks."""

from __future__ import annotations

from textwrap import dedent

from netviz.engine import Evaluator
from netviz.findings.checks import run_checks
from netviz.k8s import load_texts

PODS = """
apiVersion: v1
kind: Namespace
metadata: {name: x}
---
apiVersion: v1
kind: Pod
metadata: {name: a, namespace: x, labels: {app: a}}
spec: {containers: [{name: c, image: i, ports: [{containerPort: 80}]}]}
---
apiVersion: v1
kind: Pod
metadata: {name: b, namespace: x, labels: {app: b}}
spec: {containers: [{name: c, image: i, ports: [{containerPort: 80}]}]}
---
"""


def findings(text: str, check: str) -> list:
    cluster = load_texts([("c.yaml", dedent(PODS) + dedent(text))])
    assert not cluster.errors, cluster.errors
    return [f for f in run_checks(cluster, Evaluator(cluster), only=[check]) if f.check == check]


def test_rules_after_an_unconditional_allow_are_unreachable():
    (f,) = findings(
        """
        apiVersion: projectcalico.org/v3
        kind: GlobalNetworkPolicy
        metadata: {name: p}
        spec:
          selector: all()
          ingress:
          - action: Allow
          - action: Deny
            source: {selector: app == 'b'}
        """,
        "calico-rule-unreachable",
    )
    assert f.data["rule"] == 1 and f.data["after"] == 0
    assert f.subjects[0].path == "spec.ingress[1]" and f.subjects[0].line == 24
    assert "can never match" in f.message


def test_a_log_rule_does_not_make_the_rest_unreachable():
    assert not findings(
        """
        apiVersion: projectcalico.org/v3
        kind: GlobalNetworkPolicy
        metadata: {name: p}
        spec: {selector: all(), ingress: [{action: Log}, {action: Allow}]}
        """,
        "calico-rule-unreachable",
    )


def test_policies_without_order_where_order_decides():
    found = findings(
        """
        apiVersion: projectcalico.org/v3
        kind: GlobalNetworkPolicy
        metadata: {name: deny-b}
        spec: {selector: app == 'a', ingress: [{action: Deny, source: {selector: app == 'b'}}, {action: Allow}]}
        ---
        apiVersion: projectcalico.org/v3
        kind: GlobalNetworkPolicy
        metadata: {name: allow-all}
        spec: {order: 5, selector: all(), ingress: [{action: Allow}]}
        """,
        "calico-order-missing",
    )
    assert [f.data["policy"] for f in found] == ["deny-b"]


def test_a_new_tier_whose_end_denies_what_it_does_not_mention():
    (f,) = findings(
        """
        apiVersion: projectcalico.org/v3
        kind: Tier
        metadata: {name: security}
        spec: {order: 100}
        ---
        apiVersion: projectcalico.org/v3
        kind: GlobalNetworkPolicy
        metadata: {name: block-b}
        spec:
          tier: security
          selector: app == 'a'
          ingress: [{action: Deny, source: {selector: app == 'b'}}]
        """,
        "calico-tier-end-deny",
    )
    assert f.data["tier"] == "security" and f.data["endpoints"] == ["x/a[Pod]"]
    assert "ends with Deny" in f.message


def test_a_tier_that_ends_with_its_own_pass_is_not_flagged():
    assert not findings(
        """
        apiVersion: projectcalico.org/v3
        kind: Tier
        metadata: {name: security}
        spec: {order: 100}
        ---
        apiVersion: projectcalico.org/v3
        kind: GlobalNetworkPolicy
        metadata: {name: block-b}
        spec:
          tier: security
          selector: app == 'a'
          ingress: [{action: Deny, source: {selector: app == 'b'}}, {action: Pass}]
        """,
        "calico-tier-end-deny",
    )


def test_selectors_that_parse_but_match_nothing():
    found = findings(
        """
        apiVersion: projectcalico.org/v3
        kind: NetworkPolicy
        metadata: {name: p, namespace: x}
        spec:
          selector: app == 'web' && app == 'db'
          ingress: [{action: Allow, source: {selector: app == 'typo'}}]
        """,
        "calico-selector-matches-nothing",
    )
    assert sorted(f.data["field"] for f in found) == [
        "spec.ingress[0].source.selector",
        "spec.selector",
    ]


def test_a_global_policy_that_denies_dns():
    (f,) = findings(
        """
        apiVersion: projectcalico.org/v3
        kind: GlobalNetworkPolicy
        metadata: {name: lockdown}
        spec:
          selector: all()
          types: [Egress]
          egress:
          - action: Allow
            protocol: TCP
            destination: {ports: [443]}
          - action: Deny
        """,
        "calico-gnp-denies-dns",
    )
    assert f.severity == "danger" and f.data["rule"] == 1


def test_a_global_policy_that_allows_dns_first_is_fine():
    assert not findings(
        """
        apiVersion: projectcalico.org/v3
        kind: GlobalNetworkPolicy
        metadata: {name: lockdown}
        spec:
          selector: all()
          types: [Egress]
          egress:
          - {action: Allow, protocol: UDP, destination: {ports: [53]}}
          - action: Deny
        """,
        "calico-gnp-denies-dns",
    )


def test_every_check_runs_on_calico_beside_cluster_network_policies():
    text = """
        apiVersion: policy.networking.k8s.io/v1alpha2
        kind: ClusterNetworkPolicy
        metadata: {name: guard}
        spec:
          tier: Admin
          priority: 10
          subject: {namespaces: {}}
          ingress:
          - {name: pass-all, action: Pass, from: [{namespaces: {}}]}
        ---
        apiVersion: projectcalico.org/v3
        kind: NetworkPolicy
        metadata: {name: p, namespace: x}
        spec:
          selector: app == 'a'
          ingress: [{action: Allow, source: {selector: app == 'b'}}]
        """
    cluster = load_texts([("c.yaml", dedent(PODS) + dedent(text))])
    assert not cluster.errors, cluster.errors
    found = {f.id for f in run_checks(cluster, Evaluator(cluster))}
    # A pod a Calico policy selects for ingress is not reported as unprotected.
    assert "unprotected-ingress:x/a[Pod]" not in found
    assert "unprotected-ingress:x/b[Pod]" in found
