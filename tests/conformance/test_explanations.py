"""Explanations name the allowing rule (policy, direction, 0-based rule/peer/port index, file,
line) and the denying policy with reason "peer", "port" or "no-rules"."""

from __future__ import annotations

import pytest

from netviz.engine import UnknownEndpoint
from netviz.engine.ports import PortSet
from netviz.engine.result import RuleMiss, RuleRef

from .e2e import manifest, run

POLICIES = manifest(
    """
    apiVersion: v1
    kind: ConfigMap
    metadata: {name: unrelated, namespace: x}
    data: {a: b}
    ---
    apiVersion: networking.k8s.io/v1
    kind: NetworkPolicy
    metadata: {name: web-ingress, namespace: x}
    spec:
      podSelector: {matchLabels: {pod: a}}
      ingress:
      - from:
        - podSelector: {matchLabels: {pod: c}}
        ports:
        - port: 443
      - from:
        - namespaceSelector: {matchLabels: {ns: z}}
        - podSelector: {matchLabels: {pod: b}}
        ports:
        - {protocol: UDP, port: 53}
        - port: 80
    ---
    apiVersion: networking.k8s.io/v1
    kind: NetworkPolicy
    metadata: {name: y-egress, namespace: y}
    spec:
      podSelector: {matchLabels: {pod: a}}
      policyTypes: [Egress]
      egress:
      - {}
    ---
    apiVersion: networking.k8s.io/v1
    kind: NetworkPolicy
    metadata: {name: lock-c, namespace: x}
    spec:
      podSelector: {matchLabels: {pod: c}}
      policyTypes: [Ingress]
    """
)


def line_of(needle: str, occurrence: int = 1) -> int:
    """1-based line of the n-th line of POLICIES that starts (after indent) with `needle`."""
    hits = [i for i, line in enumerate(POLICIES.splitlines(), 1) if line.strip() == needle]
    return hits[occurrence - 1]


TCP80 = PortSet.single("TCP", 80)


def test_it_names_the_allowing_ingress_rule_peer_and_port():
    ev = run(POLICIES)
    exp = ev.explain("x/b[Pod]", "x/a[Pod]", TCP80)
    assert exp.allowed == TCP80
    assert not exp.egress.isolated and exp.egress.allowed.is_all()
    assert exp.ingress.isolated
    refs = [ref for ref, ports in exp.ingress.allowed_by if ("TCP", 80) in ports]
    assert refs == [
        RuleRef("x", "web-ingress", "ingress", 1, 1, 1, "policy.yaml", line_of("- from:", 2))
    ]
    assert line_of("- from:", 2) == 16
    assert exp.ingress.denied_by == ()


def test_it_names_an_allowing_rule_without_peers_or_ports():
    ev = run(POLICIES)
    exp = ev.explain("y/a[Pod]", "z/c[Pod]", TCP80)
    assert exp.allowed == TCP80
    assert exp.egress.isolated
    [(ref, ports)] = exp.egress.allowed_by
    assert ("TCP", 80) in ports
    assert ref == RuleRef("y", "y-egress", "egress", 0, None, None, "policy.yaml", 30)
    assert POLICIES.splitlines()[29].strip() == "- {}"


def test_connection_grants_carry_the_same_rule_refs():
    ev = run(POLICIES)
    [conn] = [c for c in ev.analysis().connections if (c.src, c.dst) == ("z/b[Pod]", "x/a[Pod]")]
    assert conn.ports == PortSet.single("TCP", 80) | PortSet.single("UDP", 53)
    by_port = {}
    for grant in conn.grants:
        assert grant.egress is None  # z/b is not egress-isolated
        for r in grant.ports.ranges():
            by_port[str(r)] = {
                (ref.rule_index, ref.peer_index, ref.port_index) for ref in grant.ingress
            }
    assert by_port == {"TCP 80": {(1, 0, 1)}, "UDP 53": {(1, 0, 0)}}


def test_a_denial_names_the_isolating_policy_and_peer_misses():
    ev = run(POLICIES)
    exp = ev.explain("y/b[Pod]", "x/a[Pod]", TCP80)
    assert exp.allowed.is_empty() and not exp.is_allowed
    [denial] = exp.ingress.denied_by
    assert (denial.policy, denial.file, denial.line) == ("x/web-ingress", "policy.yaml", 6)
    assert [(m.rule_index, m.reason) for m in denial.misses] == [(0, "peer"), (1, "peer")]
    assert [m.line for m in denial.misses] == [line_of("- from:", 1), line_of("- from:", 2)]


def test_a_denial_names_a_port_miss_when_the_peer_matches():
    ev = run(POLICIES)
    exp = ev.explain("z/a[Pod]", "x/a[Pod]", PortSet.single("TCP", 443))
    assert exp.allowed.is_empty()
    [denial] = exp.ingress.denied_by
    assert denial.policy == "x/web-ingress"
    assert [(m.rule_index, m.reason) for m in denial.misses] == [(0, "peer"), (1, "port")]
    # x/c matches rule 0's peer; 443 is what it allows, so only rule 1 misses (on peer).
    exp = ev.explain("x/c[Pod]", "x/a[Pod]", PortSet.single("TCP", 443))
    assert exp.allowed == PortSet.single("TCP", 443)
    exp = ev.explain("x/c[Pod]", "x/a[Pod]", TCP80)
    [denial] = exp.ingress.denied_by
    assert [(m.rule_index, m.reason) for m in denial.misses] == [(0, "port"), (1, "peer")]


def test_a_policy_without_rules_denies_with_no_rules():
    ev = run(POLICIES)
    exp = ev.explain("x/a[Pod]", "x/c[Pod]", TCP80)
    assert exp.allowed.is_empty()
    [denial] = exp.ingress.denied_by
    assert denial.policy == "x/lock-c"
    assert denial.line == 32
    assert [m.reason for m in denial.misses] == ["no-rules"]
    assert denial.misses[0].rule_index is None
    assert isinstance(denial.misses[0], RuleMiss)


def test_asked_ports_restrict_the_answer():
    ev = run(POLICIES)
    exp = ev.explain("x/b[Pod]", "x/a[Pod]", None)
    assert exp.allowed == PortSet.single("TCP", 80) | PortSet.single("UDP", 53)
    assert exp.asked.is_all()


BOTH_SIDES = """
    apiVersion: networking.k8s.io/v1
    kind: NetworkPolicy
    metadata: {name: out, namespace: y}
    spec:
      podSelector: {matchLabels: {pod: a}}
      policyTypes: [Egress]
      egress:
      - ports:
        - {port: 80, endPort: 90}
    ---
    apiVersion: networking.k8s.io/v1
    kind: NetworkPolicy
    metadata: {name: in, namespace: z}
    spec:
      podSelector: {matchLabels: {pod: c}}
      ingress:
      - from:
        - namespaceSelector: {matchLabels: {ns: "y"}}
        ports:
        - port: 85
        - {port: 88, endPort: 100}
    """


def test_a_grant_names_both_sides_when_both_are_isolated():
    ev = run(BOTH_SIDES)
    [conn] = [c for c in ev.analysis().connections if (c.src, c.dst) == ("y/a[Pod]", "z/c[Pod]")]
    assert conn.ports == PortSet.single("TCP", 85) | PortSet.single("TCP", 88, 90)
    covered = PortSet.empty()
    for grant in conn.grants:
        covered = covered | grant.ports
        assert [(r.policy_id, r.rule_index, r.port_index) for r in grant.egress] == [
            ("y/out", 0, 0)
        ]
        ingress = {(r.policy_id, r.rule_index, r.peer_index, r.port_index) for r in grant.ingress}
        if ("TCP", 85) in grant.ports:
            assert ingress == {("z/in", 0, 0, 0)}
        else:
            assert ingress == {("z/in", 0, 0, 1)}
    assert covered == conn.ports
    exp = ev.explain("y/a[Pod]", "z/c[Pod]", None)
    assert exp.egress.isolated and exp.ingress.isolated
    assert exp.egress.allowed == PortSet.single("TCP", 80, 90)
    assert exp.ingress.allowed == PortSet.single("TCP", 85) | PortSet.single("TCP", 88, 100)
    assert exp.allowed == conn.ports


def test_explaining_an_unknown_endpoint_raises():
    ev = run("")
    with pytest.raises(UnknownEndpoint):
        ev.explain("x/nobody[Pod]", "x/a[Pod]", None)
