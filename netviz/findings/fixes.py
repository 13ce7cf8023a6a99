"""Suggested fixes as ready-to-apply NetworkPolicy YAML, written as text so comments can guide."""

from __future__ import annotations

import functools
import json
from collections.abc import Mapping

import yaml

from netviz.k8s.model import Direction

_TYPES = {"ingress": "Ingress", "egress": "Egress"}


@functools.lru_cache(maxsize=8192)  # label keys and values repeat across thousands of fixes
def _quote(value: str) -> str:
    """A YAML scalar that reads back as this very string ("true", "1.0", "a: b" need quotes)."""
    try:
        plain = yaml.safe_load(value) == value and "#" not in value and "\n" not in value
    except yaml.YAMLError:
        plain = False
    return value if plain else json.dumps(value)


def _header(name: str, namespace: str) -> str:
    return (
        "apiVersion: networking.k8s.io/v1\n"
        "kind: NetworkPolicy\n"
        "metadata:\n"
        f"  name: {name}\n"
        f"  namespace: {_quote(namespace)}\n"
        "spec:\n"
    )


def _selector(labels: Mapping[str, str] | None) -> str:
    if not labels:
        return "  podSelector: {}\n"
    lines = "".join(f"      {_quote(k)}: {_quote(v)}\n" for k, v in sorted(labels.items()))
    return "  podSelector:\n    matchLabels:\n" + lines


def default_deny(namespace: str, direction: Direction) -> str:
    """Isolates every pod of the namespace, now and later, for one direction; allows nothing."""
    return (
        _header(f"default-deny-{direction}", namespace)
        + _selector(None)
        + f"  policyTypes:\n    - {_TYPES[direction]}\n"
    )


def allow_dns(namespace: str, labels: Mapping[str, str] | None = None) -> str:
    """Egress to the cluster DNS (kube-system, k8s-app=kube-dns) on UDP and TCP 53."""
    return (
        _header("allow-dns-egress", namespace)
        + _selector(labels)
        + "  policyTypes:\n    - Egress\n"
        "  egress:\n"
        "    - to:\n"
        "        - namespaceSelector:\n"
        "            matchLabels:\n"
        "              kubernetes.io/metadata.name: kube-system\n"
        "          podSelector:\n"
        "            matchLabels:\n"
        "              k8s-app: kube-dns\n"
        "      ports:\n"
        "        - protocol: UDP\n"
        "          port: 53\n"
        "        - protocol: TCP\n"
        "          port: 53\n"
    )


def default_deny_egress_with_dns(namespace: str) -> str:
    """An egress default-deny never comes alone: without DNS every pod stops resolving names."""
    return default_deny(namespace, "egress") + "---\n" + allow_dns(namespace)


def isolate_endpoint(
    namespace: str, name: str, labels: Mapping[str, str], direction: Direction
) -> str | None:
    """A policy selecting one workload's pods for one direction, for the reviewer to fill in."""
    if not labels:
        return None  # nothing to select it by without also selecting its neighbours
    field = "from" if direction == "ingress" else "to"
    return (
        _header(f"{name}-{direction}", namespace)
        + _selector(labels)
        + f"  policyTypes:\n    - {_TYPES[direction]}\n"
        f"  {direction}:\n"
        f"    # One rule per peer that must be allowed, e.g.\n"
        f"    # - {field}:\n"
        f"    #     - podSelector:\n"
        f"    #         matchLabels:\n"
        f"    #           app: my-peer\n"
        f"    #   ports:\n"
        f"    #     - port: 8080\n"
        f"    []\n"
    )
