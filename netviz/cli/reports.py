"""SARIF 2.1.0 and JUnit XML, the formats CI tools read, for lint findings and check results.

Commands turn their results into ReportRule / ReportResult; this module knows only the formats.
SARIF levels are "error", "warning" and "note"; a result with `accepted` set carries a SARIF
suppression (code scanning lists it as dismissed) and a skipped JUnit test case.
"""

from __future__ import annotations

import json
import os
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import PurePath
from urllib.parse import quote
from xml.sax.saxutils import escape, quoteattr

import netviz

SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
INFORMATION_URI = "https://github.com/netviz/netviz"
FINGERPRINT_KEY = "netvizId/v1"


@dataclass(frozen=True)
class ReportRule:
    id: str
    short: str
    help: str
    level: str = "warning"


@dataclass(frozen=True)
class ReportResult:
    """One result: `fingerprint` is the stable id; `accepted` the reason when it is accepted.

    `accepted_in_source` says the acceptance sits next to the finding (an annotation) rather
    than in a baseline file; `details` are extra lines for JUnit.
    """

    rule: str
    level: str
    message: str
    file: str
    line: int
    fingerprint: str
    accepted: str | None = None
    accepted_in_source: bool = False
    details: tuple[str, ...] = field(default=())


def artifact_uri(file: str) -> str:
    """A relative path stays relative (to the repository root, as code scanning reads it)."""
    if os.path.isabs(file):
        return PurePath(file).as_uri()
    return quote(PurePath(file).as_posix())


def _location(r: ReportResult) -> list[dict]:
    if not r.file or r.file == "<stdin>":
        return []
    physical: dict = {"artifactLocation": {"uri": artifact_uri(r.file)}}
    if r.line > 0:
        physical["region"] = {"startLine": r.line}
    return [{"physicalLocation": physical}]


def sarif(rules: Sequence[ReportRule], results: Sequence[ReportResult]) -> str:
    """One SARIF 2.1.0 log with one run; rules are those used by a result, in order given."""
    used = {r.rule for r in results}
    rules = [r for r in rules if r.id in used]
    index = {r.id: i for i, r in enumerate(rules)}
    driver = {
        "name": "netviz",
        "version": netviz.__version__,
        "informationUri": INFORMATION_URI,
        "rules": [
            {
                "id": r.id,
                "name": r.id,
                "shortDescription": {"text": r.short},
                "fullDescription": {"text": r.short},
                "help": {"text": r.help, "markdown": r.help},
                "defaultConfiguration": {"level": r.level},
            }
            for r in rules
        ],
    }
    out = []
    for r in results:
        item: dict = {
            "ruleId": r.rule,
            "ruleIndex": index[r.rule],
            "level": r.level,
            "message": {"text": r.message},
            "locations": _location(r),
            "partialFingerprints": {FINGERPRINT_KEY: r.fingerprint},
        }
        if r.accepted is not None:
            kind = "inSource" if r.accepted_in_source else "external"
            item["suppressions"] = [{"kind": kind, "justification": r.accepted}]
        out.append(item)
    log = {
        "$schema": SARIF_SCHEMA,
        "version": "2.1.0",
        "runs": [{"tool": {"driver": driver}, "results": out}],
    }
    return json.dumps(log, indent=2, ensure_ascii=False) + "\n"


@dataclass(frozen=True)
class TestCase:
    """One JUnit test case: failed when `failure` is set, skipped when `skipped` is."""

    classname: str
    name: str
    file: str = ""
    line: int = 0
    failure: str | None = None
    skipped: str | None = None
    details: tuple[str, ...] = ()


def _clean(text: str) -> str:
    # XML 1.0 has no place for most control characters, and names come from uploaded YAML.
    return "".join(c if c in "\t\n\r" or ord(c) >= 0x20 else "?" for c in text)


def _attr(text: str) -> str:
    return quoteattr(_clean(text))


def junit(suite: str, cases: Sequence[TestCase]) -> str:
    failures = sum(1 for c in cases if c.failure is not None)
    skipped = sum(1 for c in cases if c.skipped is not None and c.failure is None)
    lines = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        f'<testsuites name={_attr(suite)} tests="{len(cases)}" failures="{failures}">',
        f'  <testsuite name={_attr(suite)} tests="{len(cases)}" failures="{failures}" '
        f'errors="0" skipped="{skipped}">',
    ]
    for c in cases:
        attrs = f"classname={_attr(c.classname)} name={_attr(c.name)}"
        if c.file:
            attrs += f" file={_attr(c.file)}"
            if c.line:
                attrs += f' line="{c.line}"'
        body = escape(_clean("\n".join(c.details)))
        if c.failure is not None:
            lines += [
                f"    <testcase {attrs}>",
                f"      <failure message={_attr(c.failure)}>{body}</failure>",
                "    </testcase>",
            ]
        elif c.skipped is not None:
            lines += [
                f"    <testcase {attrs}>",
                f"      <skipped message={_attr(c.skipped)}/>",
                "    </testcase>",
            ]
        else:
            lines.append(f"    <testcase {attrs}/>")
    lines += ["  </testsuite>", "</testsuites>"]
    return "\n".join(lines) + "\n"
