"""Allowed connections as text, CSV and Markdown, and the one order every output lists them in."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterable, Iterator, Sequence
from itertools import chain, repeat
from operator import attrgetter, itemgetter

import numpy as np

from netviz.engine.ports import PortSet
from netviz.engine.result import Analysis, Caveat, Connection, ExternalRange
from netviz.engine.rows import ConnectionRow
from netviz.formats.tiered import tiered_lines
from netviz.formats.words import describe_caveat, describe_problem
from netviz.k8s.model import Endpoint, Problem

BATCH = 8192  # lines per written part
_FIELDS = (attrgetter("src"), attrgetter("dst"), attrgetter("ports"))
_ROW_FIELDS = (itemgetter(0), itemgetter(1), itemgetter(2))


class Memo(dict):
    """`memo[key]` computes `fn(key)` once: port sets are shared by many connections."""

    def __init__(self, fn: Callable) -> None:
        super().__init__()
        self.fn = fn

    def __missing__(self, key: object) -> object:
        value = self[key] = self.fn(key)
        return value


def ordered_endpoints(analysis: Analysis) -> list[Endpoint | ExternalRange]:
    """Workloads by id, then external ranges by address (v4 before v6), then domain endpoints by
    name: the order of every output."""
    workloads: list[Endpoint | ExternalRange] = sorted(analysis.endpoints, key=lambda e: e.id)
    return workloads + sorted(analysis.externals, key=attrgetter("sort_key"))


def field_getters(conns: list[Connection]) -> tuple[Callable, Callable, Callable]:
    """src, dst and ports getters for these connections: item getters when all are the engine's
    tuple rows (a third of the time of their properties, at a million connections)."""
    if conns and set(map(type, conns)) == {ConnectionRow}:
        return _ROW_FIELDS
    return _FIELDS


def ordered_connections(analysis: Analysis) -> list[Connection]:
    """Connections by source then destination, in endpoint order (ids unknown to it go last)."""
    rank = {e.id: i for i, e in enumerate(ordered_endpoints(analysis))}.get
    conns = analysis.connections
    unknown = len(analysis.endpoints) + len(analysis.externals)
    n = unknown + 1  # ranks run 0..unknown, so rank(src) * n + rank(dst) is one int per pair
    # One int per connection from C-level maps, and no sort at all when the list is in order
    # already (the engine's is): a million connections take a fraction of a second.
    count = len(conns)
    src_of, dst_of, _ = field_getters(conns)
    src = np.fromiter(map(rank, map(src_of, conns), repeat(unknown)), dtype=np.int64, count=count)
    dst = np.fromiter(map(rank, map(dst_of, conns), repeat(unknown)), dtype=np.int64, count=count)
    keys = src * n + dst
    if bool((keys[1:] >= keys[:-1]).all()):
        return list(conns)
    # Ties (ids unknown to the analysis) keep the engine's order.
    return list(map(conns.__getitem__, np.argsort(keys, kind="stable").tolist()))


def _caveat_key(c: Caveat) -> tuple:
    rule = c.rule
    ref = (
        ()
        if rule is None
        else (
            rule.policy_id,
            rule.direction,
            rule.rule_index,
            -1 if rule.peer_index is None else rule.peer_index,
            -1 if rule.port_index is None else rule.port_index,
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


def _nothing(analysis: Analysis) -> str:
    if not analysis.endpoints:
        return "No workloads in the input, so no connections."
    return "No connections are allowed."


def line_parts(lines: Iterable[str]) -> Iterator[str]:
    """Each line with its line end, in parts of BATCH lines: few, big parts to write."""
    batch: list[str] = []
    for line in lines:
        batch.append(line)
        if len(batch) == BATCH:
            yield "\n".join(batch) + "\n"
            batch = []
    if batch:
        yield "\n".join(batch) + "\n"


def connection_rows(
    conns: list[Connection],
    head: Callable[[str], str],
    middle: Callable[[str], str],
    tail: Callable[[PortSet], str],
    sep: str = "\n",
    end: str | None = None,
) -> Iterator[str]:
    """Each connection as `head(src) + middle(dst) + tail(ports)`, in parts of BATCH rows whose
    concatenation is exactly `sep.join(rows) + end` (`end` defaults to `sep`: a line end after
    every row), and nothing at all for no connections.

    This is the one place where rows and their separators are joined: every non-last part ends
    with `sep`, the last with `end`, so callers write the parts as they come and never add a
    separator of their own between them.

    Each piece is computed once per distinct value and a part is joined at once by C-level
    maps, with no string per row: a million rows without running Python code per row. Port
    sets are keyed by identity (the engine shares one per cell and PortSet's hash is Python
    code); `conns` keeps every one alive meanwhile, so no id is reused.
    """
    end = sep if end is None else end
    heads, middles = Memo(head), Memo(middle)
    tails: dict[int, str] = {}
    src_of, dst_of, ports_of = field_getters(conns)
    total = len(conns)
    for start in range(0, total, BATCH):
        batch = conns[start : start + BATCH]
        ports = list(map(ports_of, batch))
        keys = list(map(id, ports))
        missing = set(keys).difference(tails)
        if missing:
            by_id = dict(zip(keys, ports, strict=True))
            tails.update((k, tail(by_id[k])) for k in missing)
        pieces = zip(
            map(heads.__getitem__, map(src_of, batch)),
            map(middles.__getitem__, map(dst_of, batch)),
            map(tails.__getitem__, keys),
            repeat(sep),
        )
        text = "".join(chain.from_iterable(pieces))
        if start + BATCH >= total and end != sep:
            text = text[: len(text) - len(sep)] + end
        yield text


def plain_connection_rows(
    conns: list[Connection],
    head: Callable[[str], str],
    middle: Callable[[str], str],
    tail: Callable[[PortSet], str],
    sep: str = "\n",
    end: str | None = None,
) -> str:
    """What `connection_rows` writes, one row at a time: the plain path its tests compare with."""
    if not conns:
        return ""
    rows = [head(c.src) + middle(c.dst) + tail(c.ports) for c in conns]
    return sep.join(rows) + (sep if end is None else end)


def text_parts(analysis: Analysis, problems: Sequence[Problem]) -> Iterator[str]:
    """`src => dst : ports` lines, then caveats, errors and warnings sections where there are any."""
    conns = ordered_connections(analysis)
    yield from connection_rows(conns, lambda src: f"{src} => ", lambda dst: f"{dst} : ", str)
    lines = [] if conns else [_nothing(analysis)]
    caveats = ordered_caveats(analysis.caveats)
    sections = [
        ("Cluster-scoped policies", tiered_lines(analysis.tiered_policies)),
        ("Caveats", [describe_caveat(c) for c in caveats]),
        ("Errors", [describe_problem(p) for p in ordered_problems(problems, "error")]),
        ("Warnings", [describe_problem(p) for p in ordered_problems(problems, "warning")]),
    ]
    for title, items in sections:
        if items:
            lines += ["", f"{title}:"] + [f"  - {item}" for item in items]
    yield from line_parts(lines)


def render_text(analysis: Analysis, problems: Sequence[Problem]) -> str:
    return "".join(text_parts(analysis, problems))


def _csv_field(text: str) -> str:
    out = io.StringIO()
    csv.writer(out, lineterminator="").writerow([text])
    return out.getvalue()


def csv_parts(analysis: Analysis) -> Iterator[str]:
    """RFC 4180 quoting, but "\n" line ends like every other output (and the golden files)."""
    yield "src,dst,connection\n"
    # Each field quoted once per distinct value: the csv module per row is slow at a million.
    yield from connection_rows(
        ordered_connections(analysis),
        lambda src: _csv_field(src) + ",",
        lambda dst: _csv_field(dst) + ",",
        lambda ports: _csv_field(str(ports)),
    )


def render_csv(analysis: Analysis) -> str:
    return "".join(csv_parts(analysis))


def _md_cell(text: str) -> str:
    # Names and messages come from uploaded YAML: keep them from breaking the table or adding HTML.
    text = text.replace("\\", "\\\\").replace("|", "\\|").replace("<", "&lt;")
    return text.replace("\r", " ").replace("\n", " ")


def markdown_parts(analysis: Analysis, problems: Sequence[Problem]) -> Iterator[str]:
    """A table of connections, then caveats, errors and warnings as lists: fit for a PR comment."""
    yield "| src | dst | connection |\n| --- | --- | --- |\n"
    yield from connection_rows(
        ordered_connections(analysis),
        lambda src: f"| {_md_cell(src)} | ",
        lambda dst: f"{_md_cell(dst)} | ",
        lambda ports: f"{_md_cell(str(ports))} |",
    )
    lines = []
    if not analysis.connections:
        lines += ["", _nothing(analysis)]
    sections = [
        ("Cluster-scoped policies", tiered_lines(analysis.tiered_policies)),
        ("Caveats", [describe_caveat(c) for c in ordered_caveats(analysis.caveats)]),
        ("Errors", [describe_problem(p) for p in ordered_problems(problems, "error")]),
        ("Warnings", [describe_problem(p) for p in ordered_problems(problems, "warning")]),
    ]
    for title, items in sections:
        if items:
            lines += ["", f"### {title}", ""] + [f"- {_md_cell(item)}" for item in items]
    yield from line_parts(lines)


def render_markdown(analysis: Analysis, problems: Sequence[Problem]) -> str:
    return "".join(markdown_parts(analysis, problems))
