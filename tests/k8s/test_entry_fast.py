"""The entry points' fast path (verdicts read from the analysis) against the plain one (one
Evaluator.explain per question), on the fixtures and on an input with many address ranges."""

from __future__ import annotations

import random
from pathlib import Path

from netviz.engine import Evaluator
from netviz.entry import entry_points
from netviz.k8s import load_paths, load_texts

GOLDEN = Path(__file__).resolve().parents[1] / "golden"


def both(cluster):
    fast = entry_points(cluster, Evaluator(cluster), fast=True)
    plain = entry_points(cluster, Evaluator(cluster), fast=False)
    return fast, plain


def test_the_fast_path_agrees_with_explain_on_the_fixtures():
    for name in ("kubectl-dump", "kubectl-typed-json", "gateway-api"):
        fast, plain = both(load_paths([str(GOLDEN / name / "input")]))
        assert fast == plain and fast


def synthetic(namespaces: int, seed: int) -> str:
    rnd = random.Random(seed)
    docs = []
    for n in range(namespaces):
        ns = f"ns{n}"
        docs.append(f"apiVersion: v1\nkind: Namespace\nmetadata: {{name: {ns}}}\n")
        for w in range(3):
            ports = ", ".join(f"{{name: p{k}, containerPort: {8000 + k}}}" for k in range(3))
            docs.append(
                f"apiVersion: apps/v1\nkind: Deployment\nmetadata: {{name: w{w}, namespace: {ns}}}\n"
                f"spec:\n  template:\n    metadata: {{labels: {{app: w{w}}}}}\n"
                f"    spec: {{containers: [{{name: c, ports: [{ports}]}}]}}\n"
            )
            kind = rnd.choice(["LoadBalancer", "NodePort", "ClusterIP"])
            target = rnd.choice(["p0", "p1", "8002", "p9"])
            docs.append(
                f"apiVersion: v1\nkind: Service\nmetadata: {{name: w{w}, namespace: {ns}}}\n"
                f"spec: {{type: {kind}, selector: {{app: w{w}}}, "
                f"ports: [{{port: 80, targetPort: {target}, nodePort: {30000 + n * 3 + w}}}]}}\n"
            )
        cidrs = [f"{rnd.randrange(1, 223)}.{rnd.randrange(256)}.0.0/16" for _ in range(4)]
        peers = ", ".join(f"{{ipBlock: {{cidr: {c}}}}}" for c in cidrs)
        port = rnd.choice(["8000", "8001", "p2"])
        docs.append(
            "apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\n"
            f"metadata: {{name: p, namespace: {ns}}}\n"
            f"spec:\n  podSelector: {{matchLabels: {{app: w{rnd.randrange(3)}}}}}\n"
            f"  ingress: [{{from: [{peers}], ports: [{{port: {port}}}]}}]\n"
        )
    return "---\n".join(docs)


def test_the_fast_path_agrees_with_explain_on_many_ranges_and_services():
    cluster = load_texts([("big.yaml", synthetic(40, 7))])
    assert cluster.errors == ()
    fast, plain = both(cluster)
    assert len(fast) > 100
    assert {p.verdict for p in fast} >= {"allowed", "partly", "no-port"}
    assert fast == plain
