"""Manifests for the findings tests: a small shop, and builders for the policies each case adds."""

from __future__ import annotations

from textwrap import dedent, indent

from netviz.engine import Evaluator
from netviz.findings import Finding, run_checks
from netviz.k8s import load_texts
from netviz.k8s.model import Cluster

SHOP = """\
apiVersion: v1
kind: Namespace
metadata:
  name: shop
  labels:
    team: shop
---
apiVersion: v1
kind: Namespace
metadata:
  name: kube-system
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  namespace: shop
spec:
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers:
        - name: web
          image: web
          ports:
            - {name: http, containerPort: 8080}
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: api
  namespace: shop
spec:
  selector: {matchLabels: {app: api}}
  template:
    metadata: {labels: {app: api}}
    spec:
      containers:
        - name: api
          image: api
          ports:
            - {name: api, containerPort: 9000}
            - {name: metrics, containerPort: 9090}
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: coredns
  namespace: kube-system
spec:
  selector: {matchLabels: {k8s-app: kube-dns}}
  template:
    metadata: {labels: {k8s-app: kube-dns}}
    spec:
      containers:
        - name: coredns
          image: coredns
          ports:
            - {name: dns, containerPort: 53, protocol: UDP}
            - {name: dns-tcp, containerPort: 53, protocol: TCP}
"""


def policy(name: str, spec: str, namespace: str = "shop") -> str:
    """A NetworkPolicy document with `spec` (YAML, any indentation) as its spec."""
    return (
        "---\napiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\n"
        f"metadata:\n  name: {name}\n  namespace: {namespace}\nspec:\n"
        + indent(dedent(spec).strip("\n"), "  ")
        + "\n"
    )


def load(*docs: str) -> Cluster:
    cluster = load_texts([("shop.yaml", SHOP + "".join(docs))])
    assert not cluster.errors, cluster.errors
    return cluster


def lint(*docs: str) -> list[Finding]:
    cluster = load(*docs)
    return run_checks(cluster, Evaluator(cluster))


def by_id(findings: list[Finding]) -> dict[str, Finding]:
    return {f.id: f for f in findings}
