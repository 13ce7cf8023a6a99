"""Explanations in Calico's terms: tier → policy (order) → rule index and action, with lines."""

from __future__ import annotations

from textwrap import dedent

from netviz.engine import Evaluator
from netviz.engine.ports import PortSet
from netviz.formats.explain import render_explanation_text
from netviz.k8s import load_texts

INPUT = dedent(
    """
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
    apiVersion: projectcalico.org/v3
    kind: Tier
    metadata: {name: security}
    spec: {order: 100}
    ---
    apiVersion: projectcalico.org/v3
    kind: GlobalNetworkPolicy
    metadata: {name: security.pass-b}
    spec:
      tier: security
      order: 5
      selector: app == 'a'
      ingress:
      - action: Log
      - action: Pass
        source: {selector: app == 'b'}
    ---
    apiVersion: projectcalico.org/v3
    kind: NetworkPolicy
    metadata: {name: deny-b, namespace: x}
    spec:
      order: 10
      selector: app == 'a'
      ingress:
      - action: Deny
        protocol: TCP
        source: {selector: app == 'b'}
        destination: {ports: [80]}
      - action: Allow
    """
).lstrip()


def _evaluator() -> Evaluator:
    cluster = load_texts([("c.yaml", INPUT)])
    assert not cluster.errors, cluster.errors
    return Evaluator(cluster)


def test_the_decision_path_names_tier_policy_order_rule_and_action():
    exp = _evaluator().explain("x/b", "x/a", PortSet.single("TCP", 80))
    assert not exp.is_allowed
    (decision,) = exp.ingress.decisions
    steps = [(s.tier, s.policy, s.priority, s.rule_index, s.action, s.line) for s in decision.steps]
    assert steps == [
        ("security", "GlobalNetworkPolicy/security.pass-b", 5.0, 1, "pass", 25),
        ("default", "x/deny-b", 10.0, 0, "deny", 35),
    ]
    assert decision.verdict == "deny"
    assert exp.ingress.isolated and exp.ingress.allowed_by == ()


def test_the_text_says_the_path():
    ev = _evaluator()
    text = render_explanation_text(ev.explain("x/b", "x/a", None))
    assert (
        "[security] security.pass-b (5.0) ingress [1] Pass → [default] deny-b (10.0) ingress [0] Deny"
        in text
    )
    assert "ingress [1] Allow → allowed" in text


def test_an_end_of_tier_deny_is_a_step_of_its_own():
    ev = _evaluator()
    # a -> a is loopback; from outside nothing is passed, so the security tier's end denies.
    exp = ev.explain("0.0.0.0/0", "x/a", PortSet.single("TCP", 80))
    (decision,) = exp.ingress.decisions
    (step,) = decision.steps
    assert (step.tier, step.rule_index, step.action) == ("security", None, "isolation")
