"""NetworkPolicy shapes real clusters use, as manifest dicts, for the synthetic cluster generator."""

from __future__ import annotations

import random

TEAMS = ("payments", "checkout", "search", "identity", "catalog", "shipping", "data", "growth")
# Named ports deliberately map to different numbers in different workloads.
HTTP_PORTS = (80, 8080, 3000, 8000, 5000, 9080)
GRPC_PORTS = (50051, 9000, 8443, 6565)
DBS = (("postgres", 5432), ("mysql", 3306), ("mongo", 27017))
PRIVATE_V4 = ("10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16")


def selector(match_labels=None, expressions=None) -> dict:
    """A LabelSelector dict; `expressions` are (key, operator, values or None)."""
    sel: dict = {}
    if match_labels:
        sel["matchLabels"] = dict(match_labels)
    if expressions:
        sel["matchExpressions"] = [
            {"key": k, "operator": op, **({"values": list(v)} if v else {})}
            for k, op, v in expressions
        ]
    return sel


def ns_is(name: str) -> dict:
    return {"matchLabels": {"kubernetes.io/metadata.name": name}}


def policy(ns: str, name: str, pod_selector: dict, types, ingress=None, egress=None) -> dict:
    spec: dict = {"podSelector": pod_selector, "policyTypes": list(types)}
    if ingress is not None:
        spec["ingress"] = ingress
    if egress is not None:
        spec["egress"] = egress
    return {
        "apiVersion": "networking.k8s.io/v1",
        "kind": "NetworkPolicy",
        "metadata": {"name": name, "namespace": ns},
        "spec": spec,
    }


def default_deny(ns: str, egress: bool) -> dict:
    if egress:
        return policy(ns, "default-deny", {}, ["Ingress", "Egress"])
    return policy(ns, "default-deny-ingress", {}, ["Ingress"])


def allow_dns(ns: str) -> dict:
    to = {
        "namespaceSelector": ns_is("kube-system"),
        "podSelector": selector({"k8s-app": "kube-dns"}),
    }
    ports = [{"protocol": "UDP", "port": 53}, {"protocol": "TCP", "port": 53}]
    return policy(ns, "allow-dns", {}, ["Egress"], egress=[{"to": [to], "ports": ports}])


def allow_same_namespace(ns: str, egress: bool) -> dict:
    if egress:
        return policy(
            ns,
            "allow-same-namespace",
            {},
            ["Ingress", "Egress"],
            ingress=[{"from": [{"podSelector": {}}]}],
            egress=[{"to": [{"podSelector": {}}]}],
        )
    return policy(
        ns, "allow-same-namespace", {}, ["Ingress"], ingress=[{"from": [{"podSelector": {}}]}]
    )


def allow_from_ingress_controller(ns: str) -> dict:
    peer = {
        "namespaceSelector": ns_is("ingress-nginx"),
        "podSelector": selector({"app": "ingress-nginx"}),
    }
    return policy(
        ns,
        "allow-from-ingress-nginx",
        selector({"tier": "frontend"}),
        ["Ingress"],
        ingress=[{"from": [peer], "ports": [{"port": "http"}]}],
    )


def tiered(ns: str, tier: str, clients: list[str], port_names: list[str]) -> dict:
    if len(clients) == 1:
        peer_sel = selector({"tier": clients[0]})
    else:
        peer_sel = selector(expressions=[("tier", "In", clients)])
    return policy(
        ns,
        f"allow-{tier}-from-{'-'.join(clients)}",
        selector({"tier": tier}),
        ["Ingress"],
        ingress=[{"from": [{"podSelector": peer_sel}], "ports": [{"port": p} for p in port_names]}],
    )


def allow_monitoring(ns: str) -> dict:
    peer = {
        "namespaceSelector": selector({"team": "platform"}),
        "podSelector": selector({"app": "prometheus"}),
    }
    return policy(
        ns,
        "allow-prometheus-scrape",
        selector(expressions=[("monitoring", "Exists", None)]),
        ["Ingress"],
        ingress=[{"from": [peer], "ports": [{"protocol": "TCP", "port": "metrics"}]}],
    )


def egress_internet(rng: random.Random, ns: str) -> dict:
    to = [{"ipBlock": {"cidr": "0.0.0.0/0", "except": list(PRIVATE_V4)}}]
    if rng.random() < 0.25:
        to.append({"ipBlock": {"cidr": "::/0", "except": ["fc00::/7", "fe80::/10"]}})
    return policy(
        ns,
        "allow-internet-https",
        selector(expressions=[("tier", "In", ["backend", "worker"])]),
        ["Egress"],
        egress=[{"to": to, "ports": [{"protocol": "TCP", "port": 443}]}],
    )


def egress_partner(rng: random.Random, ns: str, partner_cidrs: list[tuple[str, str]]) -> dict:
    v4 = [c for c in partner_cidrs if ":" not in c[0]]
    v6 = [c for c in partner_cidrs if ":" in c[0]]
    cidr, excluded = rng.choice(v4)
    to = [{"ipBlock": {"cidr": cidr, "except": [excluded]}}]
    if v6 and rng.random() < 0.15:
        cidr, excluded = rng.choice(v6)
        to.append({"ipBlock": {"cidr": cidr, "except": [excluded]}})
    start = rng.choice((8000, 9000, 30000))
    ports = [{"protocol": "TCP", "port": start, "endPort": start + rng.choice((10, 100, 767))}]
    return policy(
        ns,
        "allow-partner-api",
        selector({"tier": "backend"}),
        ["Egress"],
        egress=[{"to": to, "ports": ports}],
    )


def team_access(ns: str, team: str) -> dict:
    # Both selectors in one peer: frontends of the team's other namespaces (an AND, not an OR).
    peer = {
        "namespaceSelector": selector({"team": team}),
        "podSelector": selector({"tier": "frontend"}),
    }
    return policy(
        ns,
        "allow-team-frontends",
        selector({"tier": "backend"}),
        ["Ingress"],
        ingress=[{"from": [peer], "ports": [{"port": "grpc"}, {"port": "http"}]}],
    )


def non_prod_debug(rng: random.Random, ns: str, team: str) -> dict:
    start = rng.choice((8080, 9000))
    ns_sel = selector(
        {"team": team}, [("env", "NotIn", ["prod"]), ("compliance", "DoesNotExist", None)]
    )
    peer = {"namespaceSelector": ns_sel}
    pods = selector({"tier": "backend"}, [("canary", "DoesNotExist", None)])
    return policy(
        ns,
        "allow-debug-from-non-prod",
        pods,
        ["Ingress"],
        ingress=[
            {
                "from": [peer],
                "ports": [{"protocol": "TCP", "port": start, "endPort": start + 90}],
            }
        ],
    )


def egress_shared_db(ns: str, team: str, env: str) -> dict:
    peer = {
        "namespaceSelector": selector({"team": team}, [("env", "In", [env, "dev"])]),
        "podSelector": selector({"tier": "db"}),
    }
    ports = [{"protocol": "TCP", "port": p} for _, p in DBS]
    return policy(
        ns,
        "allow-team-databases",
        selector(expressions=[("tier", "In", ["backend", "worker"])]),
        ["Egress"],
        egress=[{"to": [peer], "ports": ports}],
    )


def cache_clients(ns: str) -> dict:
    peer_sel = selector(expressions=[("tier", "NotIn", ["frontend", "db"])])
    return policy(
        ns,
        "allow-cache-clients",
        selector({"tier": "cache"}),
        ["Ingress"],
        ingress=[{"from": [{"podSelector": peer_sel}], "ports": [{"port": "cache"}]}],
    )


def per_app(rng: random.Random, ns: str, app_names: list[str], n: int) -> dict:
    app = app_names[n % len(app_names)]
    name = f"allow-{app}" if n < len(app_names) else f"allow-{app}-r{n}"
    client = rng.choice(app_names)
    peers = [{"podSelector": selector({"app": client})}]
    if rng.random() < 0.5:
        peers.append(
            {
                "namespaceSelector": selector({"team": rng.choice(TEAMS)}),
                "podSelector": selector({"tier": rng.choice(("frontend", "backend"))}),
            }
        )
    roll = rng.random()
    if roll < 0.4:
        ports = [{"port": "http"}]
    elif roll < 0.7:
        ports = [{"protocol": "TCP", "port": rng.choice(HTTP_PORTS + GRPC_PORTS)}]
    elif roll < 0.85:
        ports = [{"protocol": "TCP", "port": 8000, "endPort": 8999}, {"port": "metrics"}]
    else:
        ports = []
    rule: dict = {"from": peers}
    if ports:
        rule["ports"] = ports
    return policy(ns, name, selector({"app": app}), ["Ingress"], ingress=[rule])


def namespace_policies(
    rng: random.Random,
    ns: str,
    labels: dict,
    app_names: list[str],
    count: int,
    idx: int,
    partner_cidrs: list[tuple[str, str]],
) -> list[dict]:
    """`count` policies for application namespace number `idx`: default deny first, then the rest."""
    team, env = labels["team"], labels["env"]
    # Most namespaces that adopt policies deny egress too; those that do not reach far.
    deny_egress = rng.random() < 0.85
    core = [default_deny(ns, deny_egress)]
    if deny_egress:
        core.append(allow_dns(ns))
    core.append(allow_same_namespace(ns, deny_egress))
    features = [
        lambda: allow_from_ingress_controller(ns),
        lambda: tiered(ns, "backend", ["frontend"], ["http", "grpc"]),
        lambda: tiered(ns, "db", ["backend", "worker"], ["db"]),
        lambda: allow_monitoring(ns),
        lambda: egress_internet(rng, ns),
        lambda: egress_partner(rng, ns, partner_cidrs),
        lambda: team_access(ns, team),
        lambda: non_prod_debug(rng, ns, team),
        lambda: egress_shared_db(ns, team, env),
        lambda: cache_clients(ns),
    ]
    # Rotate per namespace so that every pattern shows up even when namespaces get few policies.
    shift = (idx * 3) % len(features)
    features = features[shift:] + features[:shift]
    out = core[:count]
    out += [make() for make in features[: max(0, count - len(out))]]
    n = 0
    while len(out) < count:
        out.append(per_app(rng, ns, app_names, n))
        n += 1
    return out
