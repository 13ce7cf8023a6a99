"""Every nil/empty/set combination of a peer's selectors and of a rule's from/ports, a row each."""

from __future__ import annotations

import pytest

from .e2e import TruthTable, assert_reachability, run

# As in the cyclonus matcher's table: for a policy in namespace x,
#   podSelector   namespaceSelector   peers
#   absent        absent              (rejected by the API; see test_edge_cases)
#   {}            absent              every pod in x
#   absent        {}                  every pod in every namespace
#   {}            {}                  every pod in every namespace
#   set           absent              matching pods in x
#   absent        set                 every pod in matching namespaces
#   set           {}                  matching pods in every namespace
#   {}            set                 every pod in matching namespaces
#   set           set                 matching pods in matching namespaces

T = TruthTable.expect
POD_B = "podSelector: {matchLabels: {pod: b}}"
NS_Y = 'namespaceSelector: {matchLabels: {ns: "y"}}'

PEERS = {
    "empty-pod-only": (
        "- podSelector: {}",
        [("*", "x/a", False), ("x/*", "x/a", True)],
    ),
    "empty-namespace-only": ("- namespaceSelector: {}", []),
    "both-empty": ("- podSelector: {}\n  namespaceSelector: {}", []),
    "pod-only": (f"- {POD_B}", [("*", "x/a", False), ("x/b", "x/a", True)]),
    "namespace-only": (f"- {NS_Y}", [("*", "x/a", False), ("y/*", "x/a", True)]),
    "pod-with-empty-namespace": (
        f"- {POD_B}\n  namespaceSelector: {{}}",
        [("*", "x/a", False), ("*/b", "x/a", True)],
    ),
    "empty-pod-with-namespace": (
        f"- podSelector: {{}}\n  {NS_Y}",
        [("*", "x/a", False), ("y/*", "x/a", True)],
    ),
    "pod-and-namespace": (
        f"- {POD_B}\n  {NS_Y}",
        [("*", "x/a", False), ("y/b", "x/a", True)],
    ),
}


def _policy(rule: str) -> str:
    lines = rule.splitlines()
    body = "\n".join("  " + line for line in lines)
    return (
        "apiVersion: networking.k8s.io/v1\n"
        "kind: NetworkPolicy\n"
        "metadata: {name: table, namespace: x}\n"
        "spec:\n"
        "  podSelector: {matchLabels: {pod: a}}\n"
        "  ingress:\n" + body + "\n"
    )


@pytest.mark.parametrize("case", list(PEERS))
def test_peer_selector_combinations(case):
    peer, rules = PEERS[case]
    peer_lines = "\n".join("  " + line for line in peer.splitlines())
    ev = run(_policy("- from:\n" + peer_lines))
    assert_reachability(ev, "TCP", 80, T(*rules))


RULES = {
    # A rule is the AND of its from and its ports; an absent or empty list places no limit.
    "no-from-no-ports": ("- {}", []),
    "empty-from-empty-ports": ("- from: []\n  ports: []", []),
    "empty-from-port-81": ("- from: []\n  ports: [{port: 81}]", [("*", "x/a", False)]),
    "from-b-empty-ports": (
        f"- from: [{{{POD_B}}}]\n  ports: []",
        [("*", "x/a", False), ("x/b", "x/a", True)],
    ),
    "from-b-port-80": (
        f"- from: [{{{POD_B}}}]\n  ports: [{{port: 80}}]",
        [("*", "x/a", False), ("x/b", "x/a", True)],
    ),
    "from-b-port-81": (f"- from: [{{{POD_B}}}]\n  ports: [{{port: 81}}]", [("*", "x/a", False)]),
}


@pytest.mark.parametrize("case", list(RULES))
def test_rule_from_and_ports_combinations(case):
    rule, rules = RULES[case]
    ev = run(_policy(rule))
    assert_reachability(ev, "TCP", 80, T(*rules))
