"""Generating where Calico rules model ICMP and other protocols: a NetworkPolicy rule can allow
them only by allowing every port of every protocol, so they are left out and said, never written
as `ports: []` (which Kubernetes reads as every port)."""

from __future__ import annotations

from netviz.engine import Evaluator
from netviz.generate import generate
from netviz.generate.words import summary
from netviz.whatif.jsonout import generated_json
from tests.generate.helpers import netpol
from tests.generate.test_tiered import DB, PODS, WEB, load

# web may reach db on everything (a port-less NetworkPolicy rule); a Calico tier before the
# NetworkPolicies decides some of it first.
OPEN = netpol(
    "shop", "db-from-web", {"matchLabels": {"app": "db"}}, ["Ingress"],
    ingress=[{"from": [{"podSelector": {"matchLabels": {"app": "web"}}}]}],
)  # fmt: skip
TIER = """
apiVersion: projectcalico.org/v3
kind: Tier
metadata: {name: security}
spec: {order: 100}
---
apiVersion: projectcalico.org/v3
kind: GlobalNetworkPolicy
metadata: {name: security.db}
spec:
  tier: security
  order: 5
  selector: app == 'db'
  types: [Ingress]
  ingress:
%s  - action: Pass
"""


def generated(*denied: str):
    rules = "".join(
        f"  - {{action: Deny, {d}, source: {{selector: app == 'web'}}}}\n" for d in denied
    )
    cluster = load(TIER % rules, docs=[*PODS, OPEN])
    return cluster, generate(cluster, namespace="shop")


def rules_from_web(result) -> list[dict]:
    web = {"podSelector": {"matchLabels": {"app": "web"}}}
    return [
        rule
        for p in result.plan.policies
        for rule in p.manifest["spec"].get("ingress", [])
        if web in rule["from"]
    ]


def allowed_now(cluster, src, dst) -> str:
    (c,) = [c for c in Evaluator(cluster).analysis().connections if (c.src, c.dst) == (src, dst)]
    return str(c.ports)


def test_an_icmp_only_connection_writes_no_rule_and_is_said():
    cluster, result = generated("notProtocol: ICMP")
    assert allowed_now(cluster, WEB, DB) == "ICMP"
    assert rules_from_web(result) == []  # not `ports: []`, which would allow every port
    for p in result.plan.policies:
        for rule in p.manifest["spec"].get("ingress", []) + p.manifest["spec"].get("egress", []):
            assert rule.get("ports", None) != []
    assert "other-protocols" in [n.code for n in result.notes]
    check = result.check
    assert check.exact, summary(result, {})
    assert [(d.src, d.dst, d.reason) for d in check.cannot_allow] == [(WEB, DB, "other-protocols")]
    text = "\n".join(summary(result, {}))
    assert "a NetworkPolicy rule allows them only by allowing every port" in text
    entry = generated_json(result)["check"]["cannot_allow"][0]
    assert entry["text"] == (
        "cannot be allowed by NetworkPolicy: ICMP only, which no NetworkPolicy rule can allow "
        "on its own"
    )


def test_the_tcp_udp_sctp_part_is_written_and_the_rest_left_out():
    # (a rule naming ICMP makes the input model the other protocols)
    cluster, result = generated("protocol: TCP", "protocol: ICMP, icmp: {type: 8}")
    assert allowed_now(cluster, WEB, DB) == (
        "UDP 1-65535; SCTP 1-65535; all other protocols except ICMP type 8"
    )
    (rule,) = rules_from_web(result)
    assert sorted(p["protocol"] for p in rule["ports"]) == ["SCTP", "UDP"]
    check = result.check
    assert check.exact, summary(result, {})
    assert [(d.src, d.dst, d.reason) for d in check.cannot_allow] == [(WEB, DB, "other-protocols")]
