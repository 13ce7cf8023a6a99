"""What every check shares: building a Finding (id, message from data) and the analysis counts."""

from __future__ import annotations

from collections.abc import Mapping

from netviz.findings.model import Finding, Severity, Subject
from netviz.findings.words import describe


def finding(
    check: str,
    severity: Severity,
    key: str,
    subjects: list[Subject] | tuple[Subject, ...],
    data: Mapping[str, object],
    fix_yaml: str | None = None,
) -> Finding:
    """A Finding whose id is `check:key`; `key` names the subject, never a position in a list."""
    return Finding(
        id=f"{check}:{key}",
        check=check,
        severity=severity,
        subjects=tuple(subjects),
        data=dict(data),
        message=describe(check, data),
        fix_yaml=fix_yaml,
    )


def rule_key(policy_id: str, direction: str, rule: int, part: str = "") -> str:
    """`ns/name:ingress[0]` or `ns/name:ingress[0].from[1]` — a stable name for a rule or part."""
    return f"{policy_id}:{direction}[{rule}]" + (f".{part}" if part else "")
