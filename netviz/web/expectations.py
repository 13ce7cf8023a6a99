"""An expectations file uploaded with a review (named netviz-expect.yaml), checked at upload.

The file is kept with the revision's files, verbatim, but is not read as manifests; its outcome
goes into the revision's report (`report["expectations"]`) for the review page and its JSON.
"""

from __future__ import annotations

from collections.abc import Sequence

from netviz.engine import Evaluator
from netviz.expect import ExpectationsInvalid, check, parse_expectations
from netviz.expect.render import outcome_to_json, summary, verdict

FILE_NAMES = ("netviz-expect.yaml", "netviz-expect.yml")


def is_expectations(name: str) -> bool:
    return name.lower() in FILE_NAMES


def split(files: Sequence) -> tuple[list, object | None]:
    """(the manifests, the expectations upload or None); files have `name` and `content`."""
    expect = next((f for f in files if is_expectations(f.name)), None)
    return [f for f in files if f is not expect], expect


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
