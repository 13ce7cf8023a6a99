"""Findings as text (one line each, like a compiler), JSON, or Markdown for a pull-request comment.

Parse problems come in already described (`problem_lines`) or as dicts, so this stays free of
netviz.formats.
"""

from __future__ import annotations

import json
from collections.abc import Sequence

from netviz.findings.model import SEVERITIES, Finding, count_by_severity
from netviz.k8s.model import Problem

FORMATS = ("text", "json", "md")


def where(f: Finding) -> str:
    """`file:line` of the first subject written somewhere, else the first subject's name."""
    for s in f.subjects:
        if s.file:
            return f"{s.file}:{s.line}" if s.line else s.file
    return f.subjects[0].ref if f.subjects else ""


def summary(findings: Sequence[Finding]) -> str:
    counts = count_by_severity(findings)
    total = sum(counts.values())
    if not total:
        return "No findings."
    parts = ", ".join(f"{counts[s]} {s}" for s in reversed(SEVERITIES) if counts[s])
    return f"{total} finding{'s' if total != 1 else ''}: {parts}."


def render_text(findings: Sequence[Finding], fixes: bool = False) -> str:
    """One line per finding; with `fixes`, each suggested fix follows, indented."""
    lines = []
    for f in findings:
        lines.append(f"{where(f)}: {f.severity}: {f.message} [{f.id}]")
        if fixes and f.fix_yaml:
            lines += ["    " + ln if ln else ln for ln in f.fix_yaml.rstrip("\n").split("\n")]
    return "\n".join([*lines, summary(findings)]) + "\n"


def findings_document(findings: Sequence[Finding], problems: Sequence[Problem]) -> dict:
    """The JSON shape of `lint --format json`: counts, findings, then the input's problems."""
    ordered = sorted(problems, key=lambda p: (p.source, p.message))
    return {
        "counts": count_by_severity(findings),
        "findings": [f.as_dict() for f in findings],
        "errors": [p.as_dict() for p in ordered if p.severity == "error"],
        "warnings": [p.as_dict() for p in ordered if p.severity == "warning"],
    }


def render_json(findings: Sequence[Finding], problems: Sequence[Problem]) -> str:
    return json.dumps(findings_document(findings, problems), indent=2, ensure_ascii=False) + "\n"


def _cell(text: str) -> str:
    # Names come from uploaded YAML: keep them from breaking the table or adding HTML.
    text = text.replace("\\", "\\\\").replace("|", "\\|").replace("<", "&lt;")
    return text.replace("\r", " ").replace("\n", " ")


def render_markdown(findings: Sequence[Finding], problem_lines: Sequence[str] = ()) -> str:
    """A summary, a table of findings, the suggested fixes, then the input's problems."""
    lines = [f"**{summary(findings)}**"]
    if findings:
        lines += ["", "| severity | where | finding | id |", "| --- | --- | --- | --- |"]
        for f in findings:
            cells = (f.severity, where(f), f.message, f"`{f.id}`")
            lines.append("| " + " | ".join(_cell(c) for c in cells) + " |")
    fixes = [f for f in findings if f.fix_yaml]
    if fixes:
        lines += ["", "### Suggested fixes"]
        for f in fixes:
            lines += ["", f"`{f.id}`", "", "```yaml", f.fix_yaml.rstrip("\n"), "```"]
    if problem_lines:
        lines += ["", "### Problems in the input", ""]
        lines += [f"- {_cell(p)}" for p in problem_lines]
    return "\n".join(lines) + "\n"
