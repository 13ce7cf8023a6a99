"""Small helpers shared by the k8s reader's tests."""

from __future__ import annotations

from textwrap import dedent

from netviz.k8s import load_texts
from netviz.k8s.model import Cluster, Problem


def load(text: str, name: str = "m.yaml") -> Cluster:
    return load_texts([(name, dedent(text).lstrip("\n"))])


def errors(cluster: Cluster) -> list[Problem]:
    return list(cluster.errors)


def warnings(cluster: Cluster) -> list[Problem]:
    return list(cluster.warnings)


def policy_doc(spec: str, name: str = "p", namespace: str = "default") -> str:
    """A NetworkPolicy document; `spec:` is line 6, so the body given starts on line 7."""
    body = dedent(spec).strip("\n")
    indented = "\n".join("  " + ln if ln else ln for ln in body.splitlines())
    return (
        "apiVersion: networking.k8s.io/v1\n"
        "kind: NetworkPolicy\n"
        f"metadata:\n  name: {name}\n"
        f"  namespace: {namespace}\n"
        "spec:\n"
        f"{indented}\n"
    )
