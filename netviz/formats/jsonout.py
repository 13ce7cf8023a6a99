"""The analysis as JSON: the documented shape CI pipelines read, and its text layout."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import TextIO

from netviz.engine.nogc import gc_paused
from netviz.engine.ports import PortSet
from netviz.engine.result import Analysis, Connection, ExternalRange
from netviz.formats.connections import (
    Memo,
    connection_rows,
    ordered_caveats,
    ordered_connections,
    ordered_endpoints,
    ordered_problems,
)
from netviz.formats.tiered import tiered_policy_to_json
from netviz.k8s.model import Endpoint, Problem

_encode = json.JSONEncoder(ensure_ascii=False).encode


class EncodedItems(list):
    """A list whose items are JSON texts already encoded: dump_json puts one per line as is.

    The fast path for a million connections (plain str items: a str subclass per item would be
    tracked by the garbage collector and slow everything down).
    """


class EncodedBatches:
    """Like EncodedItems, but encoded batch by batch while the document is written, so the
    whole list never has to exist at once. `texts(sep)` yields parts whose concatenation is
    the items joined by `sep` (as `connection_rows(..., sep=sep, end="")` makes them): the
    parts are written as they come, with no separator added between them. `count` is the
    number of items they hold."""

    def __init__(self, count: int, texts: Callable[[str], Iterable[str]]) -> None:
        self.count = count
        self.texts = texts

    def __len__(self) -> int:
        return self.count


def _parts(value: object, depth: int, indent: str) -> Iterator[str]:
    # Parts of the text in order: joined once (dump_json) or written one by one (write_json);
    # concatenating a 150 MB document level by level would copy it at every level.
    if isinstance(value, EncodedItems | EncodedBatches) and value:
        inner = indent + "  "
        sep = ",\n" + inner
        yield "[\n" + inner
        if isinstance(value, EncodedItems):
            yield sep.join(value)
        else:
            yield from value.texts(sep)
        yield "\n" + indent + "]"
        return
    if depth <= 0 or not value or not isinstance(value, dict | list | EncodedBatches):
        yield _encode([] if isinstance(value, EncodedBatches) else value)
        return
    inner = indent + "  "
    yield "{\n" if isinstance(value, dict) else "[\n"
    items = value.items() if isinstance(value, dict) else enumerate(value)
    for i, (key, item) in enumerate(items):
        yield ",\n" + inner if i else inner
        if isinstance(value, dict):
            yield _encode(key) + ": "
        yield from _parts(item, depth - 1, inner)
    yield "\n" + indent + ("}" if isinstance(value, dict) else "]")


def dump_json(data: object, depth: int = 2) -> str:
    """The layout of every netviz JSON output: containers nested less than `depth` deep get one
    entry per line, deeper ones stay on that line. So each endpoint and each connection is one
    line: readable, diffable and grep-able, and encoded by the C encoder (json's indent is not)."""
    return "".join(_parts(data, depth, "")) + "\n"


def write_json(data: object, fp: TextIO, depth: int = 2) -> None:
    """dump_json(data, depth) written to `fp` part by part."""
    for part in _parts(data, depth, ""):
        fp.write(part)
    fp.write("\n")


def endpoint_to_json(endpoint: Endpoint | ExternalRange) -> dict:
    if isinstance(endpoint, ExternalRange):
        out = {"id": endpoint.id, "kind": "External", "cidrs": list(endpoint.cidrs)}
        if endpoint.sets:
            out["sets"] = list(endpoint.sets)  # Calico network sets holding the range
        if endpoint.domain:
            out["domain"] = endpoint.domain  # a domainNames pattern: no addresses
        return out
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


def _document(analysis: Analysis, problems: Sequence[Problem], connections: list) -> dict:
    errors = ordered_problems(problems, "error")
    warnings = ordered_problems(problems, "warning")
    caveats = ordered_caveats(analysis.caveats)
    policies = sorted(analysis.policies, key=lambda p: p.id)
    out = {
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
    if analysis.tiered_policies:  # only then, so NetworkPolicy-only output is unchanged
        tiered = [tiered_policy_to_json(p) for p in analysis.tiered_policies]
        out = {**out, "tiered_policies": tiered}
        out["summary"]["tiered_policies"] = len(tiered)
    return out


def analysis_to_json(
    analysis: Analysis, problems: Sequence[Problem], *, grants: bool = False
) -> dict:
    """The documented JSON shape; `grants=True` adds each connection's responsible rules.

    Connections with equal port sets share one `ports` list: treat the result as read-only.
    """
    with gc_paused():
        return _analysis_to_json(analysis, problems, grants)


def _analysis_to_json(analysis: Analysis, problems: Sequence[Problem], grants: bool) -> dict:
    ports = Memo(PortSet.as_json)
    connections = []
    for c in ordered_connections(analysis):
        item = {"src": c.src, "dst": c.dst, "ports": ports[c.ports]}
        if grants:
            item["grants"] = grants_to_json(c)
        connections.append(item)
    return _document(analysis, problems, connections)


def _connection_texts(analysis: Analysis, sep: str) -> Iterator[str]:
    return connection_rows(
        ordered_connections(analysis),
        lambda src: f'{{"src": {_encode(src)}, "dst": ',
        lambda dst: f'{_encode(dst)}, "ports": ',
        lambda ports: _encode(ports.as_json()) + "}",
        sep=sep,
        end="",
    )


def _json_document(analysis: Analysis, problems: Sequence[Problem]) -> dict:
    """analysis_to_json(...) with its connections still to be encoded, a batch at a time."""
    count = len(analysis.connections)
    connections = EncodedBatches(count, lambda sep: _connection_texts(analysis, sep))
    return _document(analysis, problems, connections)


def render_json(analysis: Analysis, problems: Sequence[Problem]) -> str:
    """dump_json(analysis_to_json(...)), byte for byte, without building a dict per connection."""
    return dump_json(_json_document(analysis, problems))


def write_analysis_json(analysis: Analysis, problems: Sequence[Problem], fp: TextIO) -> None:
    """render_json(...) written to `fp` in parts: the whole text never exists at once."""
    write_json(_json_document(analysis, problems), fp)
