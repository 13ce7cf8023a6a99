"""Allowed connections as JSON (a stable interface), text, CSV and Markdown."""

from __future__ import annotations

import csv
import io
import ipaddress
import json
from collections.abc import Sequence

from netviz.engine.result import Analysis, Caveat, Connection, ExternalRange
from netviz.formats.words import describe_caveat, describe_problem
from netviz.k8s.model import Endpoint, Problem


def dump_json(data: object) -> str:
    """The one JSON layout every netviz output uses: two-space indent, UTF-8, final newline."""
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


def _external_key(ext: ExternalRange) -> tuple[int, int]:
    return (ext.version, int(ipaddress.ip_address(ext.start)))


def ordered_endpoints(analysis: Analysis) -> list[Endpoint | ExternalRange]:
    """Workloads by id, then external ranges by address (v4 before v6): the order of every output."""
    workloads: list[Endpoint | ExternalRange] = sorted(analysis.endpoints, key=lambda e: e.id)
    return workloads + sorted(analysis.externals, key=_external_key)


def ordered_connections(analysis: Analysis) -> list[Connection]:
    """Connections by source then destination, in endpoint order (ids unknown to it go last)."""
    rank = {e.id: i for i, e in enumerate(ordered_endpoints(analysis))}
    last = len(rank)

    def key(c: Connection) -> tuple[int, str, int, str]:
        return (rank.get(c.src, last), c.src, rank.get(c.dst, last), c.dst)

    return sorted(analysis.connections, key=key)


def _caveat_key(c: Caveat) -> tuple:
    rule = c.rule
    ref = (
        ()
        if rule is None
        else (
            rule.policy_id,
            rule.direction,
            rule.rule_index,
            rule.peer_index or -1,
            rule.port_index or -1,
        )
    )
    return (c.endpoint, c.code, c.policy or "", ref, c.detail)


def ordered_caveats(caveats: Sequence[Caveat]) -> list[Caveat]:
    """Caveats without repeats, by endpoint, code, policy and rule."""
    return sorted(dict.fromkeys(caveats), key=_caveat_key)


def ordered_problems(problems: Sequence[Problem], severity: str) -> list[Problem]:
    return sorted(
        (p for p in problems if p.severity == severity), key=lambda p: (p.source, p.message)
    )


def endpoint_to_json(endpoint: Endpoint | ExternalRange) -> dict:
    if isinstance(endpoint, ExternalRange):
        return {"id": endpoint.id, "kind": "External", "cidrs": list(endpoint.cidrs)}
    return {
        "id": endpoint.id,
        "kind": endpoint.kind,
        "namespace": endpoint.namespace,
        "name": endpoint.name,
        "labels": dict(sorted(endpoint.labels.items())),
        "replicas": endpoint.replicas,
    }


def grants_to_json(connection: Connection) -> list[dict]:
    """Which rules allow which part of a connection; null on a side that is not isolated."""

    def refs(side: tuple | None) -> list[dict] | None:
        return None if side is None else [r.as_dict() for r in sorted(side)]

    return [
        {"ports": g.ports.as_json(), "egress": refs(g.egress), "ingress": refs(g.ingress)}
        for g in connection.grants
    ]


def analysis_to_json(
    analysis: Analysis, problems: Sequence[Problem], *, grants: bool = False
) -> dict:
    """The documented JSON shape; `grants=True` adds each connection's responsible rules."""
    connections = []
    for c in ordered_connections(analysis):
        item = {"src": c.src, "dst": c.dst, "ports": c.ports.as_json()}
        if grants:
            item["grants"] = grants_to_json(c)
        connections.append(item)
    errors = ordered_problems(problems, "error")
    warnings = ordered_problems(problems, "warning")
    caveats = ordered_caveats(analysis.caveats)
    policies = sorted(analysis.policies, key=lambda p: p.id)
    return {
        "endpoints": [endpoint_to_json(e) for e in ordered_endpoints(analysis)],
        "connections": connections,
        "errors": [p.as_dict() for p in errors],
        "warnings": [p.as_dict() for p in warnings],
        "caveats": [c.as_dict() for c in caveats],
        "policies": [
            {
                "id": p.id,
                "namespace": p.namespace,
                "name": p.name,
                "policy_types": sorted(p.policy_types),
                "file": p.source.file if p.source else "",
                "line": p.source.line if p.source else 0,
            }
            for p in policies
        ],
        "summary": {
            "endpoints": len(analysis.endpoints),
            "externals": len(analysis.externals),
            "policies": len(policies),
            "connections": len(connections),
            "errors": len(errors),
            "warnings": len(warnings),
            "caveats": len(caveats),
        },
    }


def render_text(analysis: Analysis, problems: Sequence[Problem]) -> str:
    """`src => dst : ports` lines, then caveats, errors and warnings sections where there are any."""
    lines = [f"{c.src} => {c.dst} : {c.ports}" for c in ordered_connections(analysis)]
    if not lines:
        lines.append("No connections are allowed.")
    caveats = ordered_caveats(analysis.caveats)
    sections = [
        ("Caveats", [describe_caveat(c) for c in caveats]),
        ("Errors", [describe_problem(p) for p in ordered_problems(problems, "error")]),
        ("Warnings", [describe_problem(p) for p in ordered_problems(problems, "warning")]),
    ]
    for title, items in sections:
        if items:
            lines += ["", f"{title}:"] + [f"  - {item}" for item in items]
    return "\n".join(lines) + "\n"


def render_csv(analysis: Analysis) -> str:
    out = io.StringIO()
    # "\n" rather than RFC 4180's CRLF: one line ending across all outputs and golden files.
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["src", "dst", "connection"])
    for c in ordered_connections(analysis):
        writer.writerow([c.src, c.dst, str(c.ports)])
    return out.getvalue()


def _md_cell(text: str) -> str:
    # Names and messages come from uploaded YAML: keep them from breaking the table or adding HTML.
    text = text.replace("\\", "\\\\").replace("|", "\\|").replace("<", "&lt;")
    return text.replace("\r", " ").replace("\n", " ")


def render_markdown(analysis: Analysis, problems: Sequence[Problem]) -> str:
    """A table of connections, then caveats, errors and warnings as lists: fit for a PR comment."""
    lines = ["| src | dst | connection |", "| --- | --- | --- |"]
    for c in ordered_connections(analysis):
        lines.append(f"| {_md_cell(c.src)} | {_md_cell(c.dst)} | {_md_cell(str(c.ports))} |")
    if not analysis.connections:
        lines += ["", "No connections are allowed."]
    sections = [
        ("Caveats", [describe_caveat(c) for c in ordered_caveats(analysis.caveats)]),
        ("Errors", [describe_problem(p) for p in ordered_problems(problems, "error")]),
        ("Warnings", [describe_problem(p) for p in ordered_problems(problems, "warning")]),
    ]
    for title, items in sections:
        if items:
            lines += ["", f"### {title}", ""] + [f"- {_md_cell(item)}" for item in items]
    return "\n".join(lines) + "\n"
