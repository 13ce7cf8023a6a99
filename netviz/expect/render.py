"""Expectation outcomes in words: text (one line per statement), JSON and Markdown."""

from __future__ import annotations

import json
from collections.abc import Sequence

from netviz.expect.evaluate import Outcome, Reason, Violation
from netviz.formats.words import describe_rule, location

FORMATS = ("text", "json", "md")


def describe_reason(r: Reason) -> str:
    side = "egress of the source" if r.direction == "egress" else "ingress of the destination"
    if r.not_isolated:
        return f"{side}: not isolated (no policy selects it for {r.direction})"
    if r.rule is not None:
        return f"{side}: allowed by {describe_rule(r.rule)}"
    where = location(r.file, r.line)
    return f"{side}: {r.policy}{f' ({where})' if where else ''} isolates it and no rule allows it"


def verdict(o: Outcome) -> str:
    """`passed`, or what is wrong in a few words."""
    if o.empty:
        return f"failed: `{o.empty}` matches no endpoint of the input"
    if o.passed:
        return "passed"
    noun = "pair" if o.count == 1 else "pairs"
    what = "allowed" if o.statement.kind == "deny" else "not allowed"
    return f"failed: {o.count} {noun} {what}"


def pair_line(v: Violation, kind: str) -> str:
    what = "allows" if kind == "deny" else "misses"
    return f"{v.src} -> {v.dst} ({what} {v.ports})"


def summary(outcomes: Sequence[Outcome]) -> str:
    failed = sum(1 for o in outcomes if not o.passed)
    total = len(outcomes)
    return (
        f"{total} expectation{'s' if total != 1 else ''}: {total - failed} passed, {failed} failed."
    )


def render_text(outcomes: Sequence[Outcome]) -> str:
    lines = []
    for o in outcomes:
        s = o.statement
        label = f"{s.name}: " if s.name else ""
        lines.append(f"{s.file}:{s.line}: {verdict(o)}: {label}{s.text}")
        for v in o.violations:
            lines.append(f"    {pair_line(v, s.kind)}")
            lines += [f"        {describe_reason(r)}" for r in v.reasons]
        if o.count > len(o.violations):
            lines.append(f"    … and {o.count - len(o.violations)} more")
    return "\n".join([*lines, summary(outcomes)]) + "\n"


def outcome_to_json(o: Outcome) -> dict:
    s = o.statement
    return {
        "id": s.id,
        "name": s.name,
        "statement": s.text,
        "kind": s.kind,
        "from": s.src.text,
        "to": s.dst.text,
        "ports": str(s.ports) if s.ports is not None else None,
        "file": s.file,
        "line": s.line,
        "passed": o.passed,
        "empty": o.empty,
        "count": o.count,
        "pairs": [
            {**v.as_dict(), "reasons_text": [describe_reason(r) for r in v.reasons]}
            for v in o.violations
        ],
    }


def outcomes_document(outcomes: Sequence[Outcome], problems: Sequence[dict] = ()) -> dict:
    failed = sum(1 for o in outcomes if not o.passed)
    return {
        "counts": {"passed": len(outcomes) - failed, "failed": failed},
        "expectations": [outcome_to_json(o) for o in outcomes],
        "errors": [p for p in problems if p.get("severity") == "error"],
        "warnings": [p for p in problems if p.get("severity") == "warning"],
    }


def render_json(outcomes: Sequence[Outcome], problems: Sequence[dict] = ()) -> str:
    return json.dumps(outcomes_document(outcomes, problems), indent=2, ensure_ascii=False) + "\n"


def _cell(text: str) -> str:
    text = text.replace("\\", "\\\\").replace("|", "\\|").replace("<", "&lt;")
    return text.replace("\r", " ").replace("\n", " ")


def render_markdown(outcomes: Sequence[Outcome]) -> str:
    lines = [
        f"**{summary(outcomes)}**",
        "",
        "| | expectation | where | result |",
        "|---|---|---|---|",
    ]
    for o in outcomes:
        s = o.statement
        mark = "✅" if o.passed else "❌"
        cells = (s.name or s.text, f"{s.file}:{s.line}", verdict(o))
        lines.append(f"| {mark} | " + " | ".join(_cell(c) for c in cells) + " |")
    for o in outcomes:
        if o.passed or not o.violations:
            continue
        s = o.statement
        lines += [
            "",
            "<details>",
            f"<summary>{_cell(s.name or s.text)}: {_cell(verdict(o))}</summary>",
            "",
        ]
        for v in o.violations:
            lines.append(f"- `{_cell(pair_line(v, s.kind))}`")
            lines += [f"  - {_cell(describe_reason(r))}" for r in v.reasons]
        if o.count > len(o.violations):
            lines.append(f"- … and {o.count - len(o.violations)} more")
        lines += ["", "</details>"]
    return "\n".join(lines) + "\n"
