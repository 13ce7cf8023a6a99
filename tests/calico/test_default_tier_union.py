"""The default tier's Kubernetes NetworkPolicies (a union, on its fast path) between Calico
policies: what the union does not allow goes on to the Calico policies after it."""

from __future__ import annotations

from netviz.engine import Evaluator
from tests.calico.traps import T, check, gnp, run
from tests.conformance.e2e import observed_table

DENY_ALL_X_A = (
    "apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\n"
    "metadata: {name: isolate-a, namespace: x}\n"
    "spec: {podSelector: {matchLabels: {pod: a}}, policyTypes: [Ingress]}\n---\n"
)
AFTER = gnp(
    "after",
    "  order: 2000\n  selector: pod == 'a'\n  ingress:\n  - {action: Allow, protocol: UDP}\n",
)


def test_a_kubernetes_policy_allowing_nothing_leaves_the_rest_to_calico_policies_after_it():
    ev = run(DENY_ALL_X_A + AFTER)
    check(ev, T(("*", "*/a", False)), protocol="TCP", port=80)
    check(ev, T(), protocol="UDP", port=80)
    for protocol, port in (("TCP", 80), ("UDP", 80), ("SCTP", 80)):
        general = Evaluator(ev.cluster, mode="general")
        assert observed_table(ev.analysis(), protocol, port) == observed_table(
            general.analysis(), protocol, port
        )


def test_the_explanation_agrees_with_the_matrix_there():
    ev = run(DENY_ALL_X_A + AFTER)
    ports = next(c.ports for c in ev.analysis().connections if c.dst == "x/a[Pod]")
    assert ev.explain("y/b", "x/a").allowed == ports
    assert str(ports) == "UDP 1-65535"
