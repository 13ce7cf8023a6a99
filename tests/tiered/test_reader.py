"""The ClusterNetworkPolicy / AdminNetworkPolicy / BaselineAdminNetworkPolicy reader: CRD rules
one by one with file/document/line, hostile values never crash it, and the bench preset's
policies are valid."""

from __future__ import annotations

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bench.admin import admin_policies
from netviz.k8s import load_texts


def errors(text: str) -> list[str]:
    return [p.message for p in load_texts([("p.yaml", text)]).errors]


CNP = """apiVersion: policy.networking.k8s.io/v1alpha2
kind: ClusterNetworkPolicy
metadata: {name: c}
spec:
  tier: Admin
  priority: 1
  subject: {namespaces: {}}
"""


@pytest.mark.parametrize(
    ("spec", "message"),
    [
        (
            "  egress:\n  - {action: Accept, to: [{networks: [10.0.0.0/8]}], protocols: [{destinationNamedPort: web}]}\n",
            "spec.egress[0]: named ports cannot be used with networks, nodes or domainNames peers (they have no named ports)",
        ),
        (
            "  egress:\n  - {action: Deny, to: [{domainNames: [example.com]}]}\n",
            "spec.egress[0]: domainNames peers are only allowed in Accept rules",
        ),
        (
            "  egress:\n  - {action: Accept, to: [{domainNames: ['ex*.com']}]}\n",
            "spec.egress[0].to[0].domainNames: \"ex*.com\" is not a domain name pattern (e.g. example.com or *.example.com; '*' only as a whole first label)",
        ),
        (
            "  ingress:\n  - {action: Accept, from: [{namespaces: {}, pods: {podSelector: {}}}]}\n",
            "spec.ingress[0].from[0]: set exactly one of namespaces, pods (got namespaces, pods)",
        ),
        (
            "  ingress:\n  - {action: Accept, from: []}\n",
            "spec.ingress[0].from: must list at least one peer",
        ),
        (
            "  ingress:\n  - {action: Accept, from: [{networks: [10.0.0.0/8]}]}\n",
            "spec.ingress[0].from[0]: set exactly one of namespaces, pods (got networks)",
        ),
        (
            "  ingress:\n  - {action: Accept, from: [{namespaces: {}}], protocols: [{tcp: {destinationPort: {range: {start: 9, end: 9}}}}]}\n",
            "spec.ingress[0].protocols[0].tcp.destinationPort.range: start (9) must be less than end (9)",
        ),
        (
            "  ingress:\n" + "  - {action: Deny, from: [{namespaces: {}}]}\n" * 26,
            "spec.ingress: 26 rules; at most 25 are allowed",
        ),
    ],
)
def test_it_applies_the_crd_rules(spec, message):
    assert message in errors(CNP + spec)


def test_it_rejects_a_priority_out_of_range_and_a_missing_tier():
    got = errors(CNP.replace("priority: 1", "priority: -1").replace("  tier: Admin\n", ""))
    assert "spec.priority: -1 is not between 0 and 1000" in got
    assert 'spec.tier: missing; use "Admin" or "Baseline"' in got


VALUES = st.recursive(
    st.none() | st.booleans() | st.integers(-5, 70000) | st.text(max_size=8),
    lambda inner: (
        st.lists(inner, max_size=3)
        | st.dictionaries(
            st.sampled_from(
                [
                    "namespaces",
                    "pods",
                    "podSelector",
                    "namespaceSelector",
                    "networks",
                    "nodes",
                    "domainNames",
                    "tcp",
                    "udp",
                    "destinationPort",
                    "number",
                    "range",
                    "start",
                    "end",
                    "action",
                    "from",
                    "to",
                    "protocols",
                    "ports",
                    "portNumber",
                    "namedPort",
                    "portRange",
                    "protocol",
                    "port",
                    "name",
                ]
            ),
            inner,
            max_size=3,
        )
    ),
    max_leaves=12,
)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.sampled_from(["ClusterNetworkPolicy", "AdminNetworkPolicy", "BaselineAdminNetworkPolicy"]),
    st.dictionaries(
        st.sampled_from(["tier", "priority", "subject", "ingress", "egress"]), VALUES, max_size=5
    ),
)
def test_hostile_values_are_errors_never_crashes(kind, spec):
    version = "v1alpha2" if kind == "ClusterNetworkPolicy" else "v1alpha1"
    doc = {
        "apiVersion": f"policy.networking.k8s.io/{version}",
        "kind": kind,
        "metadata": {"name": "default"},
        "spec": spec,
    }
    cluster = load_texts([("h.yaml", yaml.safe_dump(doc))])
    assert not [p for p in cluster.problems if "could not be read" in p.message]


def test_the_bench_preset_policies_are_all_valid():
    docs = admin_policies(300, 1, ["203.0.113.0/24", "0.0.0.0/0"])
    cluster = load_texts([("admin.yaml", yaml.safe_dump_all(docs))])
    assert not cluster.errors, cluster.errors[:3]
    assert len(cluster.admin_policies) == 300
    assert {p.kind for p in cluster.admin_policies} == {
        "ClusterNetworkPolicy",
        "AdminNetworkPolicy",
        "BaselineAdminNetworkPolicy",
    }
