"""Every check: a manifest that triggers it, and a near-identical one that does not."""

from __future__ import annotations

import pytest
import yaml

from netviz.findings import CHECK_IDS
from tests.tiered.finding_cases import TIERED_CASES

from .entry_cases import ENTRY_CASES
from .helpers import by_id, lint, policy

DENY_IN = policy("deny-in", "podSelector: {}\npolicyTypes: [Ingress]")
DENY_EG = policy("deny-eg", "podSelector: {}\npolicyTypes: [Egress]")
DNS_RULE = """
podSelector: {}
policyTypes: [Egress]
egress:
  - to:
      - namespaceSelector: {matchLabels: {kubernetes.io/metadata.name: kube-system}}
        podSelector: {matchLabels: {k8s-app: kube-dns}}
    ports:
      - {protocol: UDP, port: 53}
      %s
"""
ALLOW_DNS = policy("dns", DNS_RULE % "- {protocol: TCP, port: 53}")
UDP_DNS_ONLY = policy("dns", DNS_RULE % "")


TIER = "---\napiVersion: projectcalico.org/v3\nkind: Tier\nmetadata: {name: security}\nspec: {order: 100}\n"


def gnp(name: str, spec: str) -> str:
    """A Calico GlobalNetworkPolicy document with `spec` as its spec."""
    body = "\n".join("  " + line for line in spec.splitlines())
    return (
        f"---\napiVersion: projectcalico.org/v3\nkind: GlobalNetworkPolicy\n"
        f"metadata: {{name: {name}}}\nspec:\n{body}\n"
    )


def web_ingress(rules: str, name: str = "web") -> str:
    return policy(name, f"podSelector: {{matchLabels: {{app: web}}}}\ningress:\n{rules}")


def web_egress(rules: str) -> str:
    return policy(
        "web-out",
        f"podSelector: {{matchLabels: {{app: web}}}}\npolicyTypes: [Egress]\negress:\n{rules}",
    )


def api_ingress(port: str) -> str:
    return policy(
        "api",
        f"""
        podSelector: {{matchLabels: {{app: api}}}}
        ingress:
          - from: [{{podSelector: {{matchLabels: {{app: web}}}}}}]
            ports: [{{port: {port}}}]
        """,
    )


FROM_WEB = "  - from: [{podSelector: {matchLabels: {app: %s}}}]\n"
FROM_NS = "  - from: [{namespaceSelector: {matchLabels: {kubernetes.io/metadata.name: %s}}}]\n"
HOST_POD = """
---
apiVersion: v1
kind: Pod
metadata: {name: agent, namespace: shop, labels: {app: agent}}
spec:
  hostNetwork: %s
  containers: [{name: agent, image: agent}]
"""
AGENT_POLICY = policy("agent", "podSelector: {matchLabels: {app: agent}}\ningress: []")

NODE_POD = """
---
apiVersion: v1
kind: Pod
metadata: {name: probe, namespace: shop, labels: {app: probe}}
spec: {containers: [{name: c, image: i}]}
status: {podIP: 10.244.1.5, hostIP: %s}
"""

CASES = [
    # (finding id, trigger documents, near-miss documents)
    ("namespace-without-default-deny-ingress:shop", [], [DENY_IN]),
    ("namespace-without-default-deny-egress:shop", [], [DENY_EG, ALLOW_DNS]),
    ("unprotected-ingress:shop/api[Deployment]", [web_ingress("")], [DENY_IN]),
    ("unprotected-egress:shop/web[Deployment]", [DENY_IN], [DENY_EG]),
    ("egress-blocks-dns:shop", [DENY_EG], [DENY_EG, ALLOW_DNS]),
    ("egress-blocks-dns:shop", [DENY_EG, UDP_DNS_ONLY], [DENY_EG, ALLOW_DNS]),
    (
        "policy-selects-nothing:shop/p",
        [policy("p", "podSelector: {matchLabels: {app: wbe}}")],
        [policy("p", "podSelector: {matchLabels: {app: web}}")],
    ),
    (
        "peer-matches-nothing:shop/web:ingress[0].from[0]",
        [web_ingress(FROM_WEB % "aip")],
        [web_ingress(FROM_WEB % "api")],
    ),
    (
        "peer-matches-nothing:shop/web:ingress[0].from[0]",
        [web_ingress(FROM_NS % "kube-sytem")],
        [web_ingress(FROM_NS % "kube-system")],
    ),
    (
        "rule-never-matches:shop/p:egress[0]",
        [policy("p", "podSelector: {}\npolicyTypes: [Ingress]\negress: [{}]")],
        [policy("p", "podSelector: {}\npolicyTypes: [Ingress, Egress]\negress: [{}]")],
    ),
    (
        "rule-never-matches:shop/web:ingress[0]",
        [
            web_ingress(
                "  - from: [{podSelector: {matchLabels: {app: a}, matchExpressions: "
                "[{key: app, operator: NotIn, values: [a]}]}}]\n"
            )
        ],
        [
            web_ingress(
                "  - from: [{podSelector: {matchLabels: {app: a}, matchExpressions: "
                "[{key: app, operator: NotIn, values: [b]}]}}]\n"
            )
        ],
    ),
    (
        "rule-never-matches:shop/web:ingress",
        [web_ingress("  []\n")],
        [web_ingress("  - {}\n")],
    ),
    (
        "redundant-rule:shop/web-out:egress[0]",
        [
            web_egress(
                "  - to: [{podSelector: {matchLabels: {app: api}}}]\n    ports: [{port: api}]\n"
                "  - to: [{podSelector: {}}]\n    ports: [{port: 9000}]\n"
            )
        ],
        [
            web_egress(
                "  - to: [{podSelector: {matchLabels: {app: api}}}]\n    ports: [{port: metrics}]\n"
                "  - to: [{podSelector: {}}]\n    ports: [{port: 9000}]\n"
            )
        ],
    ),
    (
        "redundant-rule:shop/api:ingress[0]",
        [
            policy(
                "api",
                """
            podSelector: {matchLabels: {app: api}}
            ingress:
              - from: [{podSelector: {matchLabels: {app: web}}}]
                ports: [{port: 9000}]
              - from: [{podSelector: {}}]
                ports: [{port: 9000}, {port: 9090}]
            """,
            )
        ],
        [
            policy(
                "api",
                """
            podSelector: {matchLabels: {app: api}}
            ingress:
              - from: [{podSelector: {matchLabels: {app: web}}}]
                ports: [{port: 9001}]
              - from: [{podSelector: {}}]
                ports: [{port: 9000}, {port: 9090}]
            """,
            )
        ],
    ),
    (
        "redundant-policy:shop/web",
        [DENY_IN, web_ingress("  []\n")],
        [DENY_IN, web_ingress(FROM_WEB % "api")],
    ),
    (
        "ingress-from-anywhere:shop/web:ingress[0]",
        [web_ingress("  - {}\n")],
        [web_ingress("  - from: [{podSelector: {}}]\n")],
    ),
    (
        "ingress-from-internet:shop/web:ingress[0].from[0]",
        [web_ingress("  - from: [{ipBlock: {cidr: 0.0.0.0/0, except: [10.0.0.0/8]}}]\n")],
        [web_ingress("  - from: [{ipBlock: {cidr: 203.0.113.0/24}}]\n")],
    ),
    (
        "ingress-from-all-namespaces:shop/web:ingress[0].from[0]",
        [web_ingress("  - from: [{namespaceSelector: {}}]\n")],
        [web_ingress("  - from: [{namespaceSelector: {matchLabels: {team: shop}}}]\n")],
    ),
    (
        "ingress-from-all-namespaces:shop/web:ingress[0].from[0]",
        [
            web_ingress(
                "  - from: [{namespaceSelector: {matchExpressions: [{key: "
                "kubernetes.io/metadata.name, operator: NotIn, values: [kube-system]}]}}]\n"
            )
        ],
        [
            web_ingress(
                "  - from: [{namespaceSelector: {matchExpressions: [{key: "
                "kubernetes.io/metadata.name, operator: In, values: [kube-system]}]}}]\n"
            )
        ],
    ),
    (
        "egress-to-anywhere:shop/web-out:egress[0].to[0]",
        [web_egress("  - to: [{ipBlock: {cidr: '::/0'}}]\n")],
        [web_egress("  - to: [{ipBlock: {cidr: '2001:db8::/32'}}]\n")],
    ),
    (
        "egress-to-anywhere:shop/web-out:egress[0]",
        [web_egress("  - {}\n")],
        [web_egress("  - to: [{namespaceSelector: {}}]\n")],
    ),
    (
        "named-port-undefined:shop/api:ingress[0].ports[0]",
        [api_ingress("apii")],
        [api_ingress("api")],
    ),
    (
        "port-not-listening:shop/api:ingress[0].ports[0]",
        [api_ingress("9001")],
        [api_ingress("9000")],
    ),
    (
        "network-plugin-dependent:shop/agent:podSelector:host-network-pod",
        [HOST_POD % "true", AGENT_POLICY],
        [HOST_POD % "false", AGENT_POLICY],
    ),
    (
        "network-plugin-dependent:shop/web:ingress[0].from[0]:ipblock-matches-node-ip",
        [NODE_POD % "192.168.0.7", web_ingress("  - from: [{ipBlock: {cidr: 192.168.0.0/16}}]\n")],
        [NODE_POD % "172.16.0.7", web_ingress("  - from: [{ipBlock: {cidr: 192.168.0.0/16}}]\n")],
    ),  # Calico checks (more cases in tests/calico/test_findings.py).
    (
        "calico-rule-unreachable:p:ingress[1]",
        [gnp("p", "selector: all()\ningress: [{action: Allow}, {action: Deny}]")],
        [gnp("p", "selector: all()\ningress: [{action: Log}, {action: Deny}]")],
    ),
    (
        "calico-order-missing:GlobalNetworkPolicy/deny",
        [gnp("deny", "selector: all()\ningress: [{action: Deny}]"), gnp("ok", "order: 1")],
        [
            gnp("deny", "order: 2\nselector: all()\ningress: [{action: Deny}]"),
            gnp("ok", "order: 1"),
        ],
    ),
    (
        "calico-tier-end-deny:security:ingress",
        [
            TIER,
            gnp(
                "s",
                "tier: security\nselector: app == 'web'\ningress: [{action: Pass, source: {selector: app == 'api'}}]",
            ),
        ],
        [TIER, gnp("s", "tier: security\nselector: app == 'web'\ningress: [{action: Pass}]")],
    ),
    (
        "calico-selector-matches-nothing:GlobalNetworkPolicy/p:selector",
        [gnp("p", "selector: app == 'wbe'")],
        [gnp("p", "selector: app == 'web'")],
    ),
    (
        "calico-gnp-denies-dns:lockdown:egress[0]",
        [gnp("lockdown", "selector: all()\ntypes: [Egress]\negress: [{action: Deny}]")],
        [
            gnp(
                "lockdown",
                "selector: all()\ntypes: [Egress]\negress: [{action: Allow, protocol: UDP, destination: {ports: [53]}}, {action: Deny}]",
            )
        ],
    ),
]


CASES += TIERED_CASES  # tests/tiered/finding_cases.py
CASES += ENTRY_CASES


@pytest.mark.parametrize(
    ("finding_id", "trigger", "near_miss"), CASES, ids=[f"{c[0]}-{i}" for i, c in enumerate(CASES)]
)
def test_each_check_fires_on_its_trigger_and_not_on_the_near_miss(finding_id, trigger, near_miss):
    assert finding_id in by_id(lint(*trigger))
    assert finding_id not in by_id(lint(*near_miss))


def test_every_check_has_a_case():
    covered = {case[0].split(":", 1)[0] for case in CASES}
    assert covered == set(CHECK_IDS)


@pytest.mark.parametrize(
    ("finding_id", "docs"),
    [
        ("namespace-without-default-deny-ingress:shop", []),
        ("namespace-without-default-deny-egress:shop", []),
        ("egress-blocks-dns:shop", [DENY_EG]),
    ],
)
def test_it_suggests_a_fix_that_applied_as_is_clears_the_finding(finding_id, docs):
    fix = by_id(lint(*docs))[finding_id].fix_yaml
    assert all(d["kind"] == "NetworkPolicy" for d in yaml.safe_load_all(fix))
    after = by_id(lint(*docs, "---\n" + fix))
    assert finding_id not in after
    assert not any(i.startswith("egress-blocks-dns") for i in after)


def test_it_rates_dns_blocked_entirely_as_danger_and_tcp_only_as_warning():
    assert by_id(lint(DENY_EG))["egress-blocks-dns:shop"].severity == "danger"
    found = by_id(lint(DENY_EG, UDP_DNS_ONLY))["egress-blocks-dns:shop"]
    assert (found.severity, found.data["blocked"]) == ("warning", ["TCP 53"])


def test_it_suggests_the_label_a_typo_was_meant_to_be():
    found = by_id(lint(web_ingress(FROM_WEB % "aip")))
    peer = found["peer-matches-nothing:shop/web:ingress[0].from[0]"]
    assert peer.data["suggestions"] == ["app=api"]
    assert peer.data["reason"] == "no-endpoint"
    assert peer.subjects[0].path == "spec.ingress[0].from[0]"
    assert peer.message.endswith("Did you mean app=api?")


def test_it_reports_only_the_later_of_two_identical_rules():
    rules = FROM_WEB % "api" + FROM_WEB % "api"
    redundant = [f.id for f in lint(web_ingress(rules)) if f.check == "redundant-rule"]
    assert redundant == ["redundant-rule:shop/web:ingress[1]"]


def test_it_does_not_call_a_namespace_default_deny_redundant_when_every_pod_has_its_own():
    # Each pod is isolated by its own policy too, but the guard still covers pods added later.
    found = lint(DENY_IN, web_ingress("  []\n"), api_ingress("9000"))
    assert "redundant-policy:shop/deny-in" not in by_id(found)


def test_it_never_calls_a_plain_default_deny_redundant():
    # Every pod is isolated by the other namespace-wide policies, yet the guard stays.
    allow_all_in = policy("same-ns", "podSelector: {}\ningress: [{from: [{podSelector: {}}]}]")
    found = by_id(lint(policy("deny", "podSelector: {}\npolicyTypes: [Ingress]"), allow_all_in))
    assert "redundant-policy:shop/deny" not in found


def test_it_names_the_destinations_missing_a_named_port():
    found = by_id(lint(web_ingress("  - ports: [{port: http}, {port: api}]\n", name="both")))
    assert "named-port-undefined:shop/both:ingress[0].ports[0]" not in found
    missing = found["named-port-undefined:shop/both:ingress[0].ports[1]"]
    assert missing.severity == "warning"
    assert missing.message == (
        "shop/both ingress rule 0 ports[1] names port TCP api, but its only destination, "
        "shop/web[Deployment], does not define it, so it allows nothing there."
    )


def test_ids_stay_the_same_when_unrelated_policies_are_added():
    before = {f.id for f in lint(web_ingress(FROM_WEB % "aip"))}
    after = {f.id for f in lint(api_ingress("9000"), web_ingress(FROM_WEB % "aip"))}
    assert "peer-matches-nothing:shop/web:ingress[0].from[0]" in before & after


def test_findings_come_most_severe_first():
    found = lint(DENY_EG, web_ingress("  - {}\n"))
    ranks = [("info", "warning", "danger").index(f.severity) for f in found]
    assert ranks == sorted(ranks, reverse=True)
    assert found[0].severity == "danger"


@pytest.mark.parametrize(
    ("rules", "finding_id", "severity"),
    [
        ("  - {}\n", "ingress-from-anywhere:shop/web:ingress[0]", "danger"),
        ("  - ports: [{port: 8080}]\n", "ingress-from-anywhere:shop/web:ingress[0]", "warning"),
        (
            "  - from: [{ipBlock: {cidr: 0.0.0.0/0}}]\n",
            "ingress-from-internet:shop/web:ingress[0].from[0]",
            "danger",
        ),
        (
            "  - from: [{ipBlock: {cidr: 0.0.0.0/0}}]\n    ports: [{port: http}]\n",
            "ingress-from-internet:shop/web:ingress[0].from[0]",
            "warning",
        ),
    ],
)
def test_an_ingress_allow_for_everyone_is_danger_only_on_every_port(rules, finding_id, severity):
    assert by_id(lint(web_ingress(rules)))[finding_id].severity == severity


def test_egress_to_anywhere_on_chosen_ports_is_only_info():
    found = by_id(lint(web_egress("  - ports: [{port: 443}]\n")))
    assert found["egress-to-anywhere:shop/web-out:egress[0]"].severity == "info"
