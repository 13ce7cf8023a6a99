"""Formatters: an Analysis or Explanation in words or machine formats. Pure Python, no Django."""

from __future__ import annotations

from collections.abc import Sequence

from netviz.engine.result import Analysis, Explanation
from netviz.formats.connections import render_csv, render_markdown, render_text
from netviz.formats.dot import render_dot
from netviz.formats.explain import explanation_to_json, render_explanation_text
from netviz.formats.jsonout import analysis_to_json, dump_json, render_json
from netviz.formats.words import describe_caveat, describe_problem, describe_rule
from netviz.k8s.model import Problem

CONNECTION_FORMATS = ("text", "json", "csv", "md", "dot")
EXPLANATION_FORMATS = ("text", "json")


def render_connections(analysis: Analysis, problems: Sequence[Problem], fmt: str) -> str:
    """The analysis in one of CONNECTION_FORMATS; csv and dot leave problems out (no room)."""
    if fmt == "text":
        return render_text(analysis, problems)
    if fmt == "json":
        return render_json(analysis, problems)
    if fmt == "csv":
        return render_csv(analysis)
    if fmt == "md":
        return render_markdown(analysis, problems)
    if fmt == "dot":
        return render_dot(analysis)
    raise ValueError(f"unknown format {fmt!r}; expected one of {', '.join(CONNECTION_FORMATS)}")


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
]
