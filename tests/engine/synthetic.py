"""A seeded synthetic cluster for scale checks: namespaces of tiered apps, typical policy patterns."""

from __future__ import annotations

import random

from netviz.k8s.model import Cluster, ContainerPort, Endpoint, Namespace

from .build import block, peer, policy, port, rule, sel

TIERS = ("web", "api", "db")
PORTS = {"web": 8080, "api": 9090, "db": 5432}


def synthetic_cluster(namespaces: int, apps: int, seed: int = 7) -> Cluster:
    """`apps` workloads per namespace (3 replicas each) and about 2 + apps/3 policies per namespace."""
    rnd = random.Random(seed)
    nss, endpoints, policies = [], [], []
    for n in range(namespaces):
        ns = f"ns{n:03d}"
        nss.append(Namespace(ns, {"team": f"t{n % 5}", "env": rnd.choice(("prod", "dev"))}))
        for a in range(apps):
            tier = TIERS[a % 3]
            endpoints.append(
                Endpoint(
                    "Deployment",
                    ns,
                    f"{tier}-{a}",
                    {"app": f"{tier}-{a}", "tier": tier},
                    (ContainerPort(PORTS[tier], "TCP", "serve"),),
                    replicas=3,
                )
            )
        policies.append(policy(ns, "default-deny", sel(), egress=[], types={"ingress", "egress"}))
        policies.append(
            policy(
                ns,
                "allow-dns-and-web",
                sel(),
                egress=[
                    rule(peer(nss=sel(team="t0")), ports=[port(53, "UDP"), port(53)]),
                    rule(block(f"10.{n % 250}.0.0/16"), ports=[port(443)]),
                    rule(peer(sel(tier="api")), peer(sel(tier="db")), ports=[port("serve")]),
                ],
                types={"egress"},
            )
        )
        for a in range(0, apps, 3):
            policies.append(
                policy(
                    ns,
                    f"web-{a}-in",
                    sel(app=f"web-{a}"),
                    ingress=[
                        rule(peer(nss=sel(env="prod"), pods=sel(tier="web")), ports=[port("serve")])
                    ],
                )
            )
        policies.append(
            policy(
                ns,
                "backends-in",
                sel(tier="api"),
                ingress=[rule(peer(sel(tier="web")), ports=[port(9090)])],
            )
        )
        policies.append(
            policy(
                ns,
                "db-in",
                sel(tier="db"),
                ingress=[rule(peer(sel(tier="api")), ports=[port("serve")])],
            )
        )
    return Cluster(tuple(nss), tuple(endpoints), tuple(policies))
