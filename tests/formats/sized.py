"""Manifests with exactly N allowed connections, to cross the output batch boundaries from YAML.

One namespace, everything isolated both ways. Clients may send to every pod; servers admit
clients, so C clients and S servers give C*S connections; one more server admits only the first
r clients (label `extra`), for N = C*S + r. Every other server admits TCP 8080 only, so the
port sets differ.
"""

from __future__ import annotations

import yaml

_DUMP = getattr(yaml, "CSafeDumper", yaml.SafeDumper)


def _deployment(name: str, labels: dict) -> dict:
    return {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": {"name": name, "namespace": "n"},
        "spec": {
            "selector": {"matchLabels": {"app": name}},
            "template": {
                "metadata": {"labels": {"app": name, **labels}},
                "spec": {
                    "containers": [
                        {
                            "name": "c",
                            "image": "x",
                            "ports": [{"name": "http", "containerPort": 8080}],
                        }
                    ]
                },
            },
        },
    }


def _policy(name: str, selector: dict, types: list[str], **rules) -> dict:
    spec = {"podSelector": selector, "policyTypes": types, **rules}
    return {
        "apiVersion": "networking.k8s.io/v1",
        "kind": "NetworkPolicy",
        "metadata": {"name": name, "namespace": "n"},
        "spec": spec,
    }


def shape(count: int) -> tuple[int, int, int]:
    """(clients, servers, extra) with clients * servers + extra == count."""
    clients = 1 if count < 100 else 100 if count < 20_000 else 200
    return clients, count // clients, count % clients


def sized_manifests(count: int) -> str:
    clients, servers, extra = shape(count)
    docs: list[dict] = [{"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "n"}}]
    for i in range(clients):
        labels = {"role": "client", **({"extra": "y"} if i < extra else {})}
        docs.append(_deployment(f"c{i:04d}", labels))
    for j in range(servers):
        docs.append(_deployment(f"s{j:04d}", {"role": "server", "half": str(j % 2)}))
    if extra:
        docs.append(_deployment("sx", {"role": "extra"}))
    docs += [
        _policy("deny-all", {}, ["Ingress", "Egress"]),
        _policy(
            "clients-send",
            {"matchLabels": {"role": "client"}},
            ["Egress"],
            egress=[{"to": [{"podSelector": {}}]}],
        ),
        _policy(
            "servers-admit-clients",
            {"matchLabels": {"role": "server", "half": "0"}},
            ["Ingress"],
            ingress=[{"from": [{"podSelector": {"matchLabels": {"role": "client"}}}]}],
        ),
        _policy(
            "servers-admit-clients-on-8080",
            {"matchLabels": {"role": "server", "half": "1"}},
            ["Ingress"],
            ingress=[
                {
                    "from": [{"podSelector": {"matchLabels": {"role": "client"}}}],
                    "ports": [{"port": "http"}],
                }
            ],
        ),
        _policy(
            "extra-admits-some",
            {"matchLabels": {"role": "extra"}},
            ["Ingress"],
            ingress=[{"from": [{"podSelector": {"matchLabels": {"extra": "y"}}}]}],
        ),
    ]
    return yaml.dump_all(docs, Dumper=_DUMP, sort_keys=False)
