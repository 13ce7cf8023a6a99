"""Calico documents for the reader tests, and the reader on inline text."""

from __future__ import annotations

from textwrap import dedent

from netviz.k8s import load_texts
from netviz.k8s.model import Cluster


def load(text: str, name: str = "c.yaml") -> Cluster:
    return load_texts([(name, dedent(text).lstrip("\n"))])


def gnp(spec: str, name: str = "p", api: str = "projectcalico.org/v3") -> str:
    """A GlobalNetworkPolicy; `spec:` is line 4, so the body given starts on line 5."""
    body = "\n".join("  " + ln for ln in dedent(spec).strip("\n").splitlines())
    return (
        f"apiVersion: {api}\nkind: GlobalNetworkPolicy\nmetadata: {{name: {name}}}\nspec:\n{body}\n"
    )


def np_(spec: str, name: str = "p", ns: str = "shop", api: str = "projectcalico.org/v3") -> str:
    body = "\n".join("  " + ln for ln in dedent(spec).strip("\n").splitlines())
    return (
        f"apiVersion: {api}\nkind: NetworkPolicy\n"
        f"metadata: {{name: {name}, namespace: {ns}}}\nspec:\n{body}\n"
    )
