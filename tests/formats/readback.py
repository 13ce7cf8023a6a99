"""Every connection output parsed back with its format's own parser, and compared with an analysis.

Used by the boundary tests of the formatters, the CLI and the web downloads: an output that is not
valid in its format, or that lists one connection more or less than the engine computed, fails.
"""

from __future__ import annotations

import csv
import io
import json
import re

from netviz.engine.result import Analysis
from netviz.formats.connections import ordered_connections

Row = tuple[str, str, str]  # src, dst, ports as the text formats write them


def expected_rows(analysis: Analysis) -> list[Row]:
    return [(c.src, c.dst, str(c.ports)) for c in ordered_connections(analysis)]


def expected_json(analysis: Analysis) -> list[dict]:
    return [
        {"src": c.src, "dst": c.dst, "ports": c.ports.as_json()}
        for c in ordered_connections(analysis)
    ]


def json_connections(text: str) -> list[dict]:
    """The connections of an `analyze --format json` document; json.loads must accept it whole."""
    doc = json.loads(text)
    assert doc["summary"]["connections"] == len(doc["connections"])
    return doc["connections"]


def csv_rows(text: str) -> list[Row]:
    rows = list(csv.reader(io.StringIO(text, newline="")))
    assert rows[0] == ["src", "dst", "connection"], rows[:1]
    assert all(len(r) == 3 for r in rows[1:]), [r for r in rows[1:] if len(r) != 3][:3]
    return [tuple(r) for r in rows[1:]]  # type: ignore[misc]


_MD_CELL = re.compile(r"((?:[^|\\]|\\.)*)\|")


def _md_unescape(cell: str) -> str:
    return re.sub(r"\\(.)", r"\1", cell.strip()).replace("&lt;", "<")


def markdown_rows(text: str) -> list[Row]:
    """The rows of the connection table: every line between the header rule and the first line
    that is not a table row; each must have exactly three cells."""
    lines = text.split("\n")
    assert lines[0] == "| src | dst | connection |" and lines[1] == "| --- | --- | --- |", lines[:2]
    rows: list[Row] = []
    for line in lines[2:]:
        if not line.startswith("| "):
            break
        cells = _MD_CELL.findall(line[1:])
        assert len(cells) == 3 and line.endswith(" |"), line
        rows.append(tuple(_md_unescape(c) for c in cells))  # type: ignore[arg-type]
    return rows


_DOT_EDGE = re.compile(
    r'^  "((?:[^"\\]|\\.)*)" -> "((?:[^"\\]|\\.)*)" \[label="((?:[^"\\]|\\.)*)"\];$'
)


def _dot_unquote(text: str) -> str:
    return re.sub(r"\\(.)", r"\1", text)


def dot_rows(text: str) -> list[Row]:
    """One `digraph { ... }` whose braces match outside quoted strings, and its edge statements."""
    assert text.startswith("digraph netviz {\n") and text.endswith("}\n"), text[-40:]
    unquoted = re.sub(r'"(?:[^"\\]|\\.)*"', '""', text)
    depth, closed_at = 0, []
    for i, ch in enumerate(unquoted):
        if ch in "{}":
            depth += 1 if ch == "{" else -1
            assert depth >= 0, f"a closing brace without its opening one at {i}"
            if depth == 0:
                closed_at.append(i)
    # The graph's brace closes once, at the end: every subgraph is closed inside it.
    assert closed_at == [len(unquoted) - 2], ("braces do not match", closed_at[:3])
    rows: list[Row] = []
    for line in text.split("\n"):
        if " -> " in line:
            m = _DOT_EDGE.match(line)
            assert m, line
            rows.append(tuple(_dot_unquote(g) for g in m.groups()))  # type: ignore[arg-type]
    return rows


_TEXT_ROW = re.compile(r"^(.+) => (.+) : (.+)$")


def text_rows(text: str) -> list[Row]:
    """`src => dst : ports` lines up to the first blank line (the caveat and problem sections)."""
    rows: list[Row] = []
    for line in text.split("\n"):
        if not line:
            break
        m = _TEXT_ROW.match(line)
        if m is None:
            assert not rows and line.startswith("No "), line
            break
        rows.append(m.groups())  # type: ignore[arg-type]
    return rows


ROW_READERS = {"csv": csv_rows, "md": markdown_rows, "dot": dot_rows, "text": text_rows}


def assert_output_matches(fmt: str, text: str, analysis: Analysis) -> None:
    """`text`, an output in `fmt`, parses and lists exactly the analysis's connections, in order."""
    if fmt == "json":
        got = json_connections(text)
        want = expected_json(analysis)
        assert len(got) == len(want), (len(got), len(want))
        assert got == want
        return
    got_rows = ROW_READERS[fmt](text)
    want_rows = expected_rows(analysis)
    assert len(got_rows) == len(want_rows), (fmt, len(got_rows), len(want_rows))
    for i, (g, w) in enumerate(zip(got_rows, want_rows, strict=True)):
        assert g == w, (fmt, i, g, w)
