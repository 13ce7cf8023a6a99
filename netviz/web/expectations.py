"""Files uploaded with a review that are not manifests: netviz-expect.yaml, netviz-baseline.json.

Both are kept with the revision's files, verbatim, but not read as manifests. The expectations
are checked at upload, their outcome in the revision's report (`report["expectations"]`) for the
review page and its JSON; the baseline (`lint --write-baseline`) marks findings accepted on the
Findings tab, as `lint --baseline` does.
"""

from __future__ import annotations

from collections.abc import Sequence

from netviz.engine import Evaluator
from netviz.expect import ExpectationsInvalid, check, parse_expectations
from netviz.expect.render import outcome_to_json, summary, verdict
from netviz.findings.accept import BaselineError, read_baseline

FILE_NAMES = ("netviz-expect.yaml", "netviz-expect.yml")
BASELINE_NAME = "netviz-baseline.json"


def is_expectations(name: str) -> bool:
    return name.lower() in FILE_NAMES


def is_not_manifest(name: str) -> bool:
    """Files of a review that the reader must leave alone (see the module docstring)."""
    return is_expectations(name) or name.lower() == BASELINE_NAME


def baseline(files: Sequence) -> dict[str, str] | None:
    """Finding id → reason from an uploaded netviz-baseline.json; None when absent or malformed
    (the Findings tab then marks nothing from it rather than fail)."""
    found = next((f for f in files if f.name.lower() == BASELINE_NAME), None)
    if found is None:
        return None
    try:
        return read_baseline(bytes(found.content).decode("utf-8"))
    except (BaselineError, UnicodeDecodeError):
        return None


def split(files: Sequence) -> tuple[list, object | None]:
    """(the manifests, the expectations upload or None); files have `name` and `content`."""
    expect = next((f for f in files if is_expectations(f.name)), None)
    return [f for f in files if not is_not_manifest(f.name)], expect


def report(name: str, content: bytes, evaluator: Evaluator) -> dict:
    """What the review page shows: counts and each statement's outcome, or the file's errors."""
    try:
        text = content.decode("utf-8")
    except UnicodeDecodeError:
        return {"file": name, "errors": [f"{name}: not UTF-8 text"], "items": []}
    try:
        statements = parse_expectations(text, name)
    except ExpectationsInvalid as e:
        return {"file": name, "errors": [str(err) for err in e.errors], "items": []}
    outcomes = check(evaluator, statements)
    items = [{**outcome_to_json(o), "verdict": verdict(o)} for o in outcomes]
    failed = sum(1 for o in outcomes if not o.passed)
    return {
        "file": name,
        "errors": [],
        "summary": summary(outcomes),
        "counts": {"passed": len(outcomes) - failed, "failed": failed},
        "items": items,
    }
