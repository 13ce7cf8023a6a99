"""A revision's findings and exposure as stored at upload, read back like the engine's objects.

The Findings tab used to run every check again from the files; it now reads these, so the checks
run once per revision (at upload) and the tab needs no evaluator unless a blast radius is asked.
"""

from __future__ import annotations

from netviz.engine import Evaluator
from netviz.findings import exposure, run_checks
from netviz.findings.model import Subject
from netviz.findings.render import where


def stored_findings(ev: Evaluator) -> dict:
    """`{"findings": [...], "exposure": [...]}`: Finding.as_dict() with its `where`, and
    Exposure.as_dict() with its `score`, most exposed first."""
    found = run_checks(ev.cluster, ev)
    exposed = sorted(exposure(ev), key=lambda x: x.score, reverse=True)
    return {
        "findings": [{**f.as_dict(), "where": where(f)} for f in found],
        "exposure": [{**x.as_dict(), "score": list(x.score)} for x in exposed],
    }


class StoredFinding:
    """A stored finding with the attributes the tab reads from a netviz.findings.Finding."""

    def __init__(self, data: dict) -> None:
        self.data = data
        self.id, self.check, self.severity = data["id"], data["check"], data["severity"]
        self.message, self.fix_yaml, self.where = data["message"], data["fix_yaml"], data["where"]
        # What netviz.findings.accept reads to match a finding with an accepting annotation.
        self.subjects = tuple(Subject(**s) for s in data.get("subjects", ()))

    def as_dict(self) -> dict:
        return {k: v for k, v in self.data.items() if k != "where"}


class StoredExposure:
    """A stored exposure with the attributes the tab sorts and shows by."""

    def __init__(self, data: dict) -> None:
        self.data = data
        self.endpoint, self.level = data["endpoint"], data["level"]
        self.namespaces = data["namespaces"]
        self.any_namespace = data["any_namespace"]
        self.external_in, self.external_out = data["external_in"], data["external_out"]
        self.score = tuple(data["score"])

    def as_dict(self) -> dict:
        return {k: v for k, v in self.data.items() if k != "score"}


def read(stored: dict) -> tuple[list[StoredFinding], list[StoredExposure]]:
    return (
        [StoredFinding(f) for f in stored["findings"]],
        [StoredExposure(x) for x in stored["exposure"]],
    )
