"""Calico resources for the benchmark: tiers, GlobalNetworkPolicies and NetworkPolicies of mixed
actions and orders, global network sets, over the generated cluster's labels."""

from __future__ import annotations

import random

from bench.patterns import DBS, HTTP_PORTS, TEAMS

KINDS = ("frontend", "backend", "db", "cache", "worker")
SELECTORS = (
    "tier == '{tier}'",
    "tier in {{'{tier}', 'backend'}}",
    "has(tier) && tier != '{tier}'",
    "all()",
)


def _selector(rng: random.Random) -> str:
    return rng.choice(SELECTORS).format(tier=rng.choice(KINDS))


def _entity(rng: random.Random, cidrs: list[str]) -> dict:
    pick = rng.random()
    if pick < 0.35:
        return {"selector": _selector(rng)}
    if pick < 0.5:
        return {"namespaceSelector": f"team == '{rng.choice(TEAMS)}'"}
    if pick < 0.6:
        return {"notSelector": _selector(rng)}
    if pick < 0.7:
        return {"nets": [rng.choice(cidrs)]}
    if pick < 0.75:
        return {"selector": "role == 'partner'"}
    return {}


def _rule(rng: random.Random, direction: str, cidrs: list[str], tier: str) -> dict:
    # Guardrail tiers pass what they do not decide; the default tier allows and denies.
    if tier == "default":
        action = rng.choices(("Allow", "Deny", "Log"), (5, 3, 1))[0]
    else:
        action = rng.choices(("Allow", "Deny", "Pass", "Log"), (3, 3, 3, 1))[0]
    rule: dict = {"action": action}
    if action == "Allow" or rng.random() < 0.7:  # allows are narrow: a port and a peer
        rule["protocol"] = "TCP"
        pick = rng.random() * (0.85 if action == "Allow" else 1.0)
        if pick < 0.6:
            rule["destination"] = {"ports": [rng.choice([p for _, p in DBS] + list(HTTP_PORTS))]}
        elif pick < 0.75:
            rule["destination"] = {"ports": ["8000:9000"], "notPorts": [8080]}
        elif pick < 0.85:
            rule["destination"] = {"ports": ["metrics"]}
    peer = _entity(rng, cidrs)
    while action == "Allow" and (not peer or "notSelector" in peer):
        peer = _entity(rng, cidrs)
    side = "source" if direction == "ingress" else "destination"
    if peer:
        rule[side] = {**rule.get(side, {}), **peer}
    return rule


def calico_resources(count: int, seed: int, namespaces: list[str], cidrs: list[str]) -> list[dict]:
    """`count` policies over two tiers and `default`, plus a few network sets."""
    rng = random.Random(seed ^ 0xCA1)
    v3 = "projectcalico.org/v3"
    docs: list[dict] = [
        {
            "apiVersion": v3,
            "kind": "Tier",
            "metadata": {"name": "security"},
            "spec": {"order": 100},
        },
        {
            "apiVersion": v3,
            "kind": "Tier",
            "metadata": {"name": "platform"},
            "spec": {"order": 200, "defaultAction": "Pass"},
        },
    ]
    for i, cidr in enumerate(cidrs[:5]):
        docs.append(
            {
                "apiVersion": v3,
                "kind": "GlobalNetworkSet",
                "metadata": {"name": f"partners-{i}", "labels": {"role": "partner"}},
                "spec": {"nets": [cidr]},
            }
        )
    for i in range(count):
        tier = rng.choices(("security", "platform", "default"), (1, 2, 4))[0]
        spec: dict = {"selector": _selector(rng)}
        if tier == "default":  # application policies select one kind of workload
            spec["selector"] = (
                f"tier == '{rng.choice(KINDS)}' && pcns.team == '{rng.choice(TEAMS)}'"
            )
        if tier != "default":
            spec["tier"] = tier
        if rng.random() < 0.8:
            spec["order"] = rng.randrange(1, 2000)
        for direction in ("ingress", "egress"):
            if rng.random() < 0.7:
                rules = [_rule(rng, direction, cidrs, tier) for _ in range(rng.randint(1, 3))]
                if tier == "security":
                    rules.append({"action": "Pass"})  # guardrails pass the rest on
                spec[direction] = rules
        meta: dict = {"name": f"cp-{i:04d}"}
        kind = "GlobalNetworkPolicy"
        if rng.random() < 0.5:
            kind = "NetworkPolicy"
            meta["namespace"] = rng.choice(namespaces)
        docs.append({"apiVersion": v3, "kind": kind, "metadata": meta, "spec": spec})
    return docs
