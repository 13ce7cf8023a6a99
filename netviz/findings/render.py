"""Findings as text (one line each, like a compiler), JSON, or Markdown for a pull-request comment.

Parse problems come in already described (`problem_lines`) or as dicts, so this stays free of
netviz.formats.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence

from netviz.findings.accept import Acceptance
from netviz.findings.model import SEVERITIES, Finding, count_by_severity
from netviz.k8s.model import Problem

FORMATS = ("text", "json", "md")


def where(f: Finding) -> str:
    """`file:line` of the first subject written somewhere, else the first subject's name."""
    for s in f.subjects:
        if s.file:
            return f"{s.file}:{s.line}" if s.line else s.file
    return f.subjects[0].ref if f.subjects else ""


Accepted = Mapping[str, Acceptance]  # finding id → why it is accepted (netviz.findings.accept)


def summary(findings: Sequence[Finding], accepted: Accepted | None = None) -> str:
    counts = count_by_severity(findings)
    total = sum(counts.values())
    if not total:
        return "No findings."
    parts = ", ".join(f"{counts[s]} {s}" for s in reversed(SEVERITIES) if counts[s])
    text = f"{total} finding{'s' if total != 1 else ''}: {parts}."
    if accepted:
        text += f" {sum(1 for f in findings if f.id in accepted)} accepted."
    return text


def accepted_note(acceptance: Acceptance) -> str:
    return f"accepted ({acceptance.by}): {acceptance.reason}"


def render_text(
    findings: Sequence[Finding], fixes: bool = False, accepted: Accepted | None = None
) -> str:
    """One line per finding; with `fixes`, each suggested fix follows, indented."""
    accepted = accepted or {}
    lines = []
    for f in findings:
        line = f"{where(f)}: {f.severity}: {f.message} [{f.id}]"
        if f.id in accepted:
            line += f" [{accepted_note(accepted[f.id])}]"
        lines.append(line)
        if fixes and f.fix_yaml:
            lines += ["    " + ln if ln else ln for ln in f.fix_yaml.rstrip("\n").split("\n")]
    return "\n".join([*lines, summary(findings, accepted)]) + "\n"


def _finding_dict(f: Finding, accepted: Accepted) -> dict:
    out = f.as_dict()
    if f.id in accepted:
        out["accepted"] = accepted[f.id].as_dict()
    return out


def findings_document(
    findings: Sequence[Finding], problems: Sequence[Problem], accepted: Accepted | None = None
) -> dict:
    """The JSON shape of `lint --format json`: counts, findings, then the input's problems.

    With accepted findings, each of them has an `accepted` object and `accepted_count` says how
    many; without, the document is as it always was.
    """
    accepted = accepted or {}
    ordered = sorted(problems, key=lambda p: (p.source, p.message))
    doc = {
        "counts": count_by_severity(findings),
        "findings": [_finding_dict(f, accepted) for f in findings],
        "errors": [p.as_dict() for p in ordered if p.severity == "error"],
        "warnings": [p.as_dict() for p in ordered if p.severity == "warning"],
    }
    if accepted:
        doc["accepted_count"] = sum(1 for f in findings if f.id in accepted)
    return doc


def render_json(
    findings: Sequence[Finding], problems: Sequence[Problem], accepted: Accepted | None = None
) -> str:
    doc = findings_document(findings, problems, accepted)
    return json.dumps(doc, indent=2, ensure_ascii=False) + "\n"


def _cell(text: str) -> str:
    # Names come from uploaded YAML: keep them from breaking the table or adding HTML.
    text = text.replace("\\", "\\\\").replace("|", "\\|").replace("<", "&lt;")
    return text.replace("\r", " ").replace("\n", " ")


def render_markdown(
    findings: Sequence[Finding], problem_lines: Sequence[str] = (), accepted: Accepted | None = None
) -> str:
    """A summary, a table of findings, the suggested fixes, then the input's problems."""
    accepted = accepted or {}
    lines = [f"**{summary(findings, accepted)}**"]
    if findings:
        lines += ["", "| severity | where | finding | id |", "| --- | --- | --- | --- |"]
        for f in findings:
            message = f.message
            if f.id in accepted:
                message += f" _({accepted_note(accepted[f.id])})_"
            cells = (f.severity, where(f), message, f"`{f.id}`")
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
