"""Formatters: an Analysis or Explanation in words or machine formats. Pure Python, no Django."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import TextIO

from netviz.engine.nogc import gc_paused
from netviz.engine.result import Analysis, Explanation
from netviz.formats.connections import csv_parts, markdown_parts, text_parts
from netviz.formats.dot import dot_parts
from netviz.formats.explain import explanation_to_json, render_explanation_text
from netviz.formats.jsonout import analysis_to_json, dump_json, render_json, write_analysis_json
from netviz.formats.words import describe_caveat, describe_problem, describe_rule
from netviz.k8s.model import Problem

CONNECTION_FORMATS = ("text", "json", "csv", "md", "dot")
EXPLANATION_FORMATS = ("text", "json")


def _parts(analysis: Analysis, problems: Sequence[Problem], fmt: str) -> Iterator[str]:
    if fmt == "text":
        return text_parts(analysis, problems)
    if fmt == "csv":
        return csv_parts(analysis)
    if fmt == "md":
        return markdown_parts(analysis, problems)
    if fmt == "dot":
        return dot_parts(analysis)
    raise ValueError(f"unknown format {fmt!r}; expected one of {', '.join(CONNECTION_FORMATS)}")


def render_connections(analysis: Analysis, problems: Sequence[Problem], fmt: str) -> str:
    """The analysis in one of CONNECTION_FORMATS; csv and dot leave problems out (no room)."""
    with gc_paused():
        if fmt == "json":
            return render_json(analysis, problems)
        return "".join(_parts(analysis, problems, fmt))


def write_connections(
    analysis: Analysis, problems: Sequence[Problem], fmt: str, fp: TextIO
) -> None:
    """render_connections(...) written to `fp` in parts, so a big output is never one string."""
    parts = None if fmt == "json" else _parts(analysis, problems, fmt)
    with gc_paused():
        if parts is None:
            write_analysis_json(analysis, problems, fp)
            return
        for part in parts:
            fp.write(part)


def render_explanation(explanation: Explanation, fmt: str) -> str:
    if fmt == "text":
        return render_explanation_text(explanation)
    if fmt == "json":
        return dump_json(explanation_to_json(explanation), depth=3)
    raise ValueError(f"unknown format {fmt!r}; expected one of {', '.join(EXPLANATION_FORMATS)}")


__all__ = [
    "CONNECTION_FORMATS",
    "EXPLANATION_FORMATS",
    "analysis_to_json",
    "describe_caveat",
    "describe_problem",
    "describe_rule",
    "dump_json",
    "explanation_to_json",
    "render_connections",
    "render_explanation",
    "write_connections",
]
