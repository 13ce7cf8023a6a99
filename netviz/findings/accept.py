"""Accepted findings: a policy annotation or a baseline file says a finding is known and why.

Annotation, on a NetworkPolicy's metadata (both keys are needed; a reason is the point):
    netviz.dev/accept: ingress-from-internet, redundant-rule     finding checks, Check names or ids
    netviz.dev/accept-reason: the shop front is public by design
It accepts the findings of those checks that name the policy among their subjects.

Baseline (written by `lint --write-baseline FILE`): JSON `{"version": 1, "accepted": [{"id": ...,
"check": ..., "reason": ...}, ...]}`; it accepts the findings with those stable ids.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from netviz.findings.checks import CHECKS
from netviz.findings.model import Finding
from netviz.k8s.model import Policy

ACCEPT = "netviz.dev/accept"
ACCEPT_REASON = "netviz.dev/accept-reason"
BASELINE_VERSION = 1
BASELINE_REASON = "in the baseline"


@dataclass(frozen=True)
class Acceptance:
    """Why one finding is accepted: `reason` as written, `by` where (annotation or baseline)."""

    reason: str
    by: str

    def as_dict(self) -> dict:
        return {"reason": self.reason, "by": self.by}


class BaselineError(ValueError):
    """A baseline file that is not what --write-baseline writes; the message says what is wrong."""


def _names(value: str) -> set[str]:
    return {part.strip() for part in value.split(",") if part.strip()}


def _checks_of(names: set[str]) -> set[str]:
    """Finding checks (and ids) the annotation names; a Check name stands for its checks."""
    out = set(names)
    for check in CHECKS:
        if check.name in names:
            out.update(check.checks)
    return out


def annotation_notes(policies: Iterable[Policy]) -> list[str]:
    """One line per policy whose accept annotation is ignored, and why."""
    notes = []
    for p in policies:
        names = _names(p.annotations.get(ACCEPT, ""))
        if names and not p.annotations.get(ACCEPT_REASON, "").strip():
            where = f"{p.source.file}:{p.source.line}: " if p.source else ""
            notes.append(
                f"{where}warning: policy {p.id} has {ACCEPT} but no {ACCEPT_REASON}: "
                "nothing accepted"
            )
    return notes


def accepted(
    findings: Sequence[Finding],
    policies: Iterable[Policy],
    baseline: Mapping[str, str] | None = None,
) -> dict[str, Acceptance]:
    """Finding id → Acceptance for every finding an annotation or the baseline accepts.

    An annotation wins over the baseline: its reason sits next to the policy it is about.
    """
    by_policy: dict[tuple[str, str], tuple[set[str], Acceptance]] = {}
    for p in policies:
        names = _names(p.annotations.get(ACCEPT, ""))
        reason = p.annotations.get(ACCEPT_REASON, "").strip()
        if names and reason:
            by = f"annotation on {p.id}"
            by_policy[(p.namespace, p.name)] = (_checks_of(names), Acceptance(reason, by))
    out: dict[str, Acceptance] = {}
    for f in findings:
        for s in f.subjects:
            entry = (
                by_policy.get((s.namespace or "", s.name)) if s.kind == "NetworkPolicy" else None
            )
            if entry and (f.check in entry[0] or f.id in entry[0]):
                out[f.id] = entry[1]
                break
        else:
            if baseline is not None and f.id in baseline:
                out[f.id] = Acceptance(baseline[f.id] or BASELINE_REASON, "baseline")
    return out


def read_baseline(text: str) -> dict[str, str]:
    """Finding id → reason from a baseline file's text; BaselineError when it is malformed."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError as e:
        raise BaselineError(f"line {e.lineno}: not JSON: {e.msg}") from None
    if not isinstance(data, dict) or not isinstance(data.get("accepted"), list):
        raise BaselineError('expected {"version": 1, "accepted": [...]}')
    if data.get("version") != BASELINE_VERSION:
        raise BaselineError(f"version {data.get('version')!r}: this netviz reads version 1")
    out: dict[str, str] = {}
    for i, item in enumerate(data["accepted"]):
        if not isinstance(item, dict) or not isinstance(item.get("id"), str):
            raise BaselineError(f"accepted[{i}]: expected an object with a string id")
        reason = item.get("reason", "")
        out[item["id"]] = reason if isinstance(reason, str) else ""
    return out


def write_baseline(findings: Sequence[Finding], old: Mapping[str, str] | None = None) -> str:
    """A baseline accepting every finding, keeping the reasons an older baseline gave."""
    old = old or {}
    items = [
        {"id": f.id, "check": f.check, "severity": f.severity, "reason": old.get(f.id, "")}
        for f in sorted(findings, key=lambda f: f.id)
    ]
    return json.dumps({"version": BASELINE_VERSION, "accepted": items}, indent=2) + "\n"
