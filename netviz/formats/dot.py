"""Allowed connections as a Graphviz digraph: one cluster per namespace, externals outside."""

from __future__ import annotations

from collections.abc import Iterator
from itertools import groupby

from netviz.engine.result import Analysis, ExternalRange
from netviz.formats.connections import (
    connection_rows,
    line_parts,
    ordered_connections,
    ordered_endpoints,
)
from netviz.k8s.model import Endpoint


def quote(text: str) -> str:
    """A DOT double-quoted string; backslashes doubled so Graphviz prints them, not escapes them."""
    text = text.replace("\\", "\\\\").replace('"', '\\"')
    return '"' + text.replace("\r", "").replace("\n", "\\n") + '"'


def _label(endpoint: Endpoint | ExternalRange) -> str:
    if isinstance(endpoint, ExternalRange):
        return endpoint.domain or "\n".join((*endpoint.sets, *endpoint.cidrs))
    replicas = "" if endpoint.replicas is None else f" x{endpoint.replicas}"
    return f"{endpoint.name}\n{endpoint.kind}{replicas}"


def dot_parts(analysis: Analysis) -> Iterator[str]:
    lines = [
        "digraph netviz {",
        "  rankdir=LR;",
        '  node [shape=box, style=rounded, fontname="Helvetica"];',
        '  edge [fontname="Helvetica", fontsize=10];',
    ]
    endpoints = ordered_endpoints(analysis)
    workloads = sorted(
        (e for e in endpoints if isinstance(e, Endpoint)), key=lambda e: (e.namespace, e.id)
    )
    for namespace, members in groupby(workloads, key=lambda e: e.namespace):
        lines.append(f"  subgraph {quote('cluster_' + namespace)} {{")
        lines.append(f"    label={quote(namespace)};")
        for e in members:
            lines.append(f"    {quote(e.id)} [label={quote(_label(e))}];")
        lines.append("  }")
    for e in endpoints:
        if isinstance(e, ExternalRange):
            lines.append(f"  {quote(e.id)} [label={quote(_label(e))}, shape=ellipse];")
    yield from line_parts(lines)
    yield from connection_rows(
        ordered_connections(analysis),
        lambda src: f"  {quote(src)} -> ",
        lambda dst: f"{quote(dst)} [label=",
        lambda ports: f"{quote(str(ports))}];",
    )
    yield "}\n"


def render_dot(analysis: Analysis) -> str:
    return "".join(dot_parts(analysis))
