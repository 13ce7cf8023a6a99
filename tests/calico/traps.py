"""Helpers of the Calico trap tests: the upstream x/y/z × a/b/c model with Calico documents."""

from __future__ import annotations

from netviz.engine import Evaluator
from netviz.k8s import load_texts
from tests.conformance.e2e import (
    TruthTable,
    e2e_model,
    manifest,
    observed_table,
)

T = TruthTable.expect


def run(policies: str, model: str | None = None) -> Evaluator:
    cluster = load_texts(
        [("model.yaml", model or e2e_model()), ("policy.yaml", manifest(policies))]
    )
    assert not cluster.errors, [p.as_dict() for p in cluster.errors]
    return Evaluator(cluster)


def check(ev: Evaluator, expected: TruthTable, protocol: str = "TCP", port: int = 80) -> None:
    got = observed_table(ev.analysis(), protocol, port)
    wrong = expected.mismatches(got)
    assert not wrong, "\n".join(wrong) + f"\nobserved:\n{got.render()}"


def gnp(name: str, body: str) -> str:
    return f"apiVersion: projectcalico.org/v3\nkind: GlobalNetworkPolicy\nmetadata: {{name: {name}}}\nspec:\n{body}---\n"


def np_(name: str, ns: str, body: str) -> str:
    return (
        "apiVersion: projectcalico.org/v3\nkind: NetworkPolicy\n"
        f"metadata: {{name: {name}, namespace: {ns}}}\nspec:\n{body}---\n"
    )


def tier(name: str, order: int | None, action: str = "Deny") -> str:
    spec = f"order: {order}, " if order is not None else ""
    return (
        f"apiVersion: projectcalico.org/v3\nkind: Tier\nmetadata: {{name: {name}}}\n"
        f"spec: {{{spec}defaultAction: {action}}}\n---\n"
    )


def k8s_allow_from(ns: str, name: str, pod: str, source_pod: str) -> str:
    return (
        "apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\n"
        f"metadata: {{name: {name}, namespace: {ns}}}\n"
        f"spec:\n  podSelector: {{matchLabels: {{pod: {pod}}}}}\n"
        f"  ingress: [{{from: [{{podSelector: {{matchLabels: {{pod: {source_pod}}}}}}}]}}]\n---\n"
    )
