"""Cluster-scoped admin policies for the benchmark: ClusterNetworkPolicies (v1alpha2) and
AdminNetworkPolicies / one BaselineAdminNetworkPolicy (v1alpha1) of mixed actions and priorities."""

from __future__ import annotations

import random

from bench.patterns import DBS, HTTP_PORTS, TEAMS

ENVS = ("prod", "staging", "dev")
TIERS = ("frontend", "backend", "db", "cache", "worker")


def _ns_selector(rng: random.Random) -> dict:
    pick = rng.random()
    if pick < 0.4:
        return {"matchLabels": {"team": rng.choice(TEAMS)}}
    if pick < 0.7:
        return {"matchLabels": {"env": rng.choice(ENVS)}}
    if pick < 0.85:
        return {"matchLabels": {"compliance": "pci"}}
    return {}


def _pod_set(rng: random.Random, v2: bool) -> dict:
    if rng.random() < 0.5:
        return {"namespaces": _ns_selector(rng)}
    pods = {
        "namespaceSelector": _ns_selector(rng),
        "podSelector": {"matchLabels": {"tier": rng.choice(TIERS)}},
    }
    return {"pods": pods}


def _ports(rng: random.Random, v2: bool) -> dict:
    if rng.random() < 0.3:
        return {}
    port = rng.choice([p for _, p in DBS] + list(HTTP_PORTS) + [53])
    if v2:
        if rng.random() < 0.2:
            return {"protocols": [{"destinationNamedPort": "metrics"}]}
        if rng.random() < 0.2:
            return {
                "protocols": [
                    {"tcp": {"destinationPort": {"range": {"start": port, "end": port + 100}}}}
                ]
            }
        return {"protocols": [{"tcp": {"destinationPort": {"number": port}}}]}
    if rng.random() < 0.2:
        return {"ports": [{"namedPort": "metrics"}]}
    return {"ports": [{"portNumber": {"protocol": "TCP", "port": port}}]}


def _rule(
    rng: random.Random, direction: str, v2: bool, actions: tuple[str, ...], i: int, cidrs
) -> dict:
    key = "from" if direction == "ingress" else "to"
    peers = [_pod_set(rng, v2)]
    ports = _ports(rng, v2)
    if direction == "egress" and rng.random() < 0.2 and "amedPort" not in str(ports):
        peers = [{"networks": [rng.choice(cidrs)]}]
    # Mostly guardrails (Deny, Pass); Accept only for narrow pod-to-pod ports.
    action = rng.choices(actions, (1, 3, 2))[0]
    if action == actions[0] and (not ports or "networks" in peers[0]):
        action = actions[1]
    return {"name": f"{direction}-{i}", "action": action, key: peers, **ports}


def admin_policies(count: int, seed: int, cidrs: list[str]) -> list[dict]:
    """`count` policies: about half ClusterNetworkPolicies (Admin and Baseline tier), half
    AdminNetworkPolicies, and the BaselineAdminNetworkPolicy `default`."""
    rng = random.Random(seed ^ 0xA0A)
    docs = []
    for i in range(count - 1):
        v2 = i % 2 == 0
        spec: dict = {"priority": rng.randrange(0, 1001) if v2 else rng.randrange(0, 100)}
        actions = ("Accept", "Deny", "Pass") if v2 else ("Allow", "Deny", "Pass")
        if v2:
            spec["tier"] = "Admin" if rng.random() < 0.7 else "Baseline"
        spec["subject"] = _pod_set(rng, v2)
        for direction in ("ingress", "egress"):
            if rng.random() < 0.7:
                n = rng.randint(1, 3)
                spec[direction] = [_rule(rng, direction, v2, actions, j, cidrs) for j in range(n)]
        docs.append(
            {
                "apiVersion": f"policy.networking.k8s.io/{'v1alpha2' if v2 else 'v1alpha1'}",
                "kind": "ClusterNetworkPolicy" if v2 else "AdminNetworkPolicy",
                "metadata": {"name": f"{'cnp' if v2 else 'anp'}-{i:03d}"},
                "spec": spec,
            }
        )
    docs.append(
        {
            "apiVersion": "policy.networking.k8s.io/v1alpha1",
            "kind": "BaselineAdminNetworkPolicy",
            "metadata": {"name": "default"},
            "spec": {
                "subject": {"namespaces": {}},
                "ingress": [
                    {
                        "name": "deny-other-teams",
                        "action": "Deny",
                        "from": [{"namespaces": {"matchLabels": {"env": "dev"}}}],
                    }
                ],
            },
        }
    )
    return docs
