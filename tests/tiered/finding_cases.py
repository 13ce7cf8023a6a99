"""Trigger / near-miss cases of the tiered findings, run by tests/findings/test_checks.py with
every other check's cases (same helpers: the shop cluster with kube-system/coredns)."""

from __future__ import annotations

SHOP = "{namespaces: {matchLabels: {team: shop}}}"
ALL = "[{namespaces: {}}]"


def cnp(
    name: str, tier: str, priority: int, subject: str, ingress: str = "", egress: str = ""
) -> str:
    out = (
        "---\napiVersion: policy.networking.k8s.io/v1alpha2\nkind: ClusterNetworkPolicy\n"
        f"metadata: {{name: {name}}}\nspec:\n  tier: {tier}\n  priority: {priority}\n"
        f"  subject: {subject}\n"
    )
    if ingress:
        out += "  ingress:\n" + ingress
    if egress:
        out += "  egress:\n" + egress
    return out


DENY_ALL_IN = f"  - {{action: Deny, from: {ALL}}}\n"
ACCEPT_ALL_IN = f"  - {{action: Accept, from: {ALL}}}\n"
NP_DENY_ALL = "---\napiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: deny, namespace: shop}\nspec: {podSelector: {}, policyTypes: [Ingress]}\n"

TIERED_CASES = [
    (
        "admin-matches-nothing:ClusterNetworkPolicy/ghost",
        [cnp("ghost", "Admin", 1, "{namespaces: {matchLabels: {team: ghost}}}", DENY_ALL_IN)],
        [cnp("ghost", "Admin", 1, SHOP, DENY_ALL_IN)],
    ),
    (
        "admin-rule-never-decides:ClusterNetworkPolicy/two:ingress[1]",
        [cnp("two", "Admin", 1, SHOP, DENY_ALL_IN + ACCEPT_ALL_IN)],
        [
            cnp(
                "two",
                "Admin",
                1,
                SHOP,
                f"  - {{action: Deny, from: {ALL}, protocols: [{{tcp: {{destinationPort: {{number: 80}}}}}}]}}\n"
                + ACCEPT_ALL_IN,
            )
        ],
    ),
    (
        "equal-priority-overlap:ClusterNetworkPolicy/a~ClusterNetworkPolicy/b",
        [cnp("a", "Admin", 5, SHOP, DENY_ALL_IN), cnp("b", "Admin", 5, SHOP, ACCEPT_ALL_IN)],
        [cnp("a", "Admin", 5, SHOP, DENY_ALL_IN), cnp("b", "Admin", 6, SHOP, ACCEPT_ALL_IN)],
    ),
    (
        "pass-changes-nothing:ClusterNetworkPolicy/p:ingress[0]",
        [cnp("p", "Admin", 1, SHOP, f"  - {{action: Pass, from: {ALL}}}\n")],
        [cnp("p", "Admin", 1, SHOP, f"  - {{action: Pass, from: {ALL}}}\n" + DENY_ALL_IN)],
    ),
    (
        "admin-deny-blocks-dns:ClusterNetworkPolicy/nodns",
        [cnp("nodns", "Admin", 1, SHOP, egress=f"  - {{action: Deny, to: {ALL}}}\n")],
        [cnp("nodns", "Admin", 1, SHOP, egress=f"  - {{action: Deny, to: [{SHOP}]}}\n")],
    ),
    (
        "baseline-unreached:ClusterNetworkPolicy/base:ingress",
        [NP_DENY_ALL, cnp("base", "Baseline", 1, SHOP, DENY_ALL_IN)],
        [cnp("base", "Baseline", 1, SHOP, DENY_ALL_IN)],
    ),
]
