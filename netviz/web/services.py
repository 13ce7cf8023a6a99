"""Uploads in, stored reviews out: parse, analyse and store once, so pages never recompute.

Views and the API call only `create_review` and `add_revision`. Uploads over
NETVIZ_BACKGROUND_KB are stored at once as a pending revision and analysed by the task worker
(netviz.web.tasks calls `complete`), so a large upload never holds up a web worker.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction

from netviz.diff import compare
from netviz.diff.snapshot import Compact, compact_snapshot
from netviz.diff.staged import staged_diffs, staged_summary
from netviz.diff.tiered import tiered_snapshot
from netviz.engine import Evaluator
from netviz.entry import entry_points
from netviz.findings import count_by_severity
from netviz.formats.entry import entry_points_report
from netviz.k8s import Limits, load_texts
from netviz.web import expectations, findings_store, store
from netviz.web.findings_store import stored_findings
from netviz.web.models import Export, Review, Revision, UploadedFile

PASTED_NAME = "pasted.yaml"


@dataclass(frozen=True)
class Upload:
    """One incoming file: its name as given and its bytes."""

    name: str
    content: bytes


class UploadRefused(Exception):
    """Nothing can be stored: too large, empty, or nothing usable. `status` is the HTTP status."""

    def __init__(self, message: str, problems: list[dict] | None = None, status: int = 400):
        super().__init__(message)
        self.message = message
        self.problems = problems or []
        self.status = status


def max_upload_bytes() -> int:
    return settings.NETVIZ_MAX_UPLOAD_MB * 1024 * 1024


def reader_limits() -> Limits:
    return Limits(
        max_total_bytes=max_upload_bytes(),
        max_documents=settings.NETVIZ_MAX_DOCUMENTS,
        max_aliases=settings.NETVIZ_MAX_ALIASES,
        max_depth=settings.NETVIZ_MAX_DEPTH,
    )


def clean_name(name: str, fallback: str) -> str:
    """A file name without directories or control characters, at most 255 characters."""
    base = name.replace("\\", "/").rsplit("/", 1)[-1]
    base = "".join(ch for ch in base if ch.isprintable()).strip()
    # "." and ".." would be resolved away by the browser in the download link.
    return (base if base.strip(".") else fallback)[:255]


def check_size(files: list[Upload]) -> None:
    total = sum(len(f.content) for f in files)
    if not files or total == 0:
        raise UploadRefused("Nothing was uploaded: choose or drop files, or paste YAML.")
    if total > max_upload_bytes():
        raise UploadRefused(
            f"The upload is {total / 1048576:.1f} MB; the limit is "
            f"{settings.NETVIZ_MAX_UPLOAD_MB} MB in total.",
            status=413,
        )


@dataclass(frozen=True)
class _Computed:
    report: dict
    snapshot: dict  # without its connections, which are in `compact`
    compact: Compact
    findings: dict

    def full_snapshot(self) -> dict:
        """The snapshot with its connections, as netviz.diff.compare takes it."""
        return {**self.snapshot, "connections": self.compact.connections()}


def analyse(files: list[Upload], pods: bool = False) -> _Computed:
    """Parse and evaluate; refuse only when no endpoint and no policy could be read at all.

    `pods`: pods one by one rather than folded into their workloads (the revision's setting).
    Only what pages need is computed: the snapshot by class, and the findings. Downloads are
    rendered when first asked for (netviz.web.exports).
    """
    check_size(files)
    manifests, expect = expectations.split(files)
    cluster = load_texts(
        [(f.name, f.content) for f in manifests], limits=reader_limits(), pods=pods
    )
    report = {
        "errors": [p.as_dict() for p in cluster.errors],
        "warnings": [p.as_dict() for p in cluster.warnings],
        "ignored": [
            {"kind": kind, "name": name, "file": src.file, "doc": src.doc, "line": src.line}
            for kind, name, src in cluster.ignored
        ],
    }
    if not cluster.endpoints and not cluster.policies:
        raise UploadRefused(
            "Nothing usable was found: no pods, workloads or NetworkPolicies could be read.",
            problems=report["errors"] + report["warnings"],
        )
    evaluator = Evaluator(cluster)
    snap, compact = compact_snapshot(evaluator.analysis(), cluster, tiered_snapshot(evaluator))
    if cluster.calico is not None and cluster.calico.staged:
        enforced = {**snap, "connections": compact.connections()}
        report["staged"] = staged_summary(staged_diffs(cluster, enforced))
    findings = stored_findings(evaluator)
    report["findings"] = count_by_severity(findings_store.read(findings)[0])
    if expect is not None:
        report["expectations"] = expectations.report(expect.name, expect.content, evaluator)
    report["entry_points"] = entry_points_report(entry_points(cluster, evaluator))
    return _Computed(report=report, snapshot=snap, compact=compact, findings=findings)


def _analysed_fields(computed: _Computed, previous_diff: dict | None) -> dict:
    connections = {**computed.snapshot, "connections": computed.compact.cell}
    return {
        "report": computed.report,
        "snapshot": computed.snapshot,
        "nodes": computed.compact.ids,
        "cells": "\n".join(map(store.cell_line, computed.compact.cells)),
        "cell_columns": store.columns_of(
            computed.snapshot, computed.compact.cells, computed.compact.cell
        ),
        "pairs": store.pack(computed.compact),
        "findings": computed.findings,
        "summary": Revision.count(computed.report, connections),
        "previous_diff": previous_diff,
    }


def _store(
    review: Review,
    number: int,
    files: list[Upload],
    computed: _Computed | None,
    previous_diff: dict | None = None,
    pods: bool = False,
) -> Revision:
    """The revision with its files; analysed when `computed` is given, else pending."""
    if computed is None:
        revision = Revision.objects.create(
            review=review, number=number, state=Revision.PENDING, pods=pods
        )
    else:
        revision = Revision.objects.create(
            review=review, number=number, pods=pods, **_analysed_fields(computed, previous_diff)
        )
    UploadedFile.objects.bulk_create(
        UploadedFile(
            revision=revision,
            position=i,
            name=f.name,
            content=f.content,
            sha256=hashlib.sha256(f.content).hexdigest(),
            size=len(f.content),
        )
        for i, f in enumerate(files)
    )
    if computed is None:
        from netviz.web.tasks import enqueue

        transaction.on_commit(lambda: enqueue(revision))
    return revision


def in_background(files: list[Upload]) -> bool:
    """Whether this upload is large enough to be analysed by the task worker."""
    return sum(len(f.content) for f in files) > settings.NETVIZ_BACKGROUND_KB * 1024


def complete(revision: Revision) -> None:
    """Analyse a pending revision from its stored files; everything is written in one transaction,
    so a worker killed half-way leaves the revision as it was. Raises UploadRefused."""
    computed = analyse(previous_files(revision), pods=revision.pods)
    previous = (
        Revision.objects.filter(
            review_id=revision.review_id, number=revision.number - 1, state=Revision.DONE
        )
        .defer("previous_diff")
        .first()
    )
    diff = compare(previous.full_snapshot(), computed.full_snapshot()) if previous else None
    with transaction.atomic():
        fields = _analysed_fields(computed, diff)
        Revision.objects.filter(pk=revision.pk).update(**fields, state=Revision.DONE, failure="")
        Export.objects.filter(revision=revision).delete()


def create_review(
    title: str, files: list[Upload], pods: bool = False
) -> tuple[Review, Revision, str]:
    """A new review with its first revision; returns the edit token, which is not stored."""
    check_size(files)
    computed = None if in_background(files) else analyse(files, pods)
    with transaction.atomic():
        review, edit_token = Review.create(title.strip())
        revision = _store(review, 1, files, computed, pods=pods)
    return review, revision, edit_token


def previous_files(revision: Revision) -> list[Upload]:
    return [Upload(f.name, bytes(f.content)) for f in revision.files.all()]


def merge_files(old: list[Upload], new: list[Upload]) -> list[Upload]:
    """`add` mode: the old files, each replaced by a new one of the same name, then the rest."""
    by_name = {f.name: f for f in new}
    merged = [by_name.pop(f.name, f) for f in old]
    return merged + [f for f in new if f.name in by_name]


def add_revision(
    review: Review, files: list[Upload], mode: str = "replace", pods: bool | None = None
) -> tuple[Revision, dict | None]:
    """Store a new revision (`replace`: these files only; `add`: merged into the latest files).

    `pods` None keeps the latest revision's setting. Returns the revision and the diff from the
    previous one.
    """
    with transaction.atomic():
        # Lock the review so two uploads at once cannot both take the same number.
        locked = Review.objects.select_for_update().get(pk=review.pk)
        latest = locked.revisions.defer("pairs", "findings").order_by("-number").first()
        if mode == "add" and latest is not None:
            files = merge_files(previous_files(latest), files)
        number = (latest.number if latest else 0) + 1
        if pods is None:
            pods = latest.pods if latest is not None else False
        check_size(files)
        if in_background(files):
            return _store(locked, number, files, None, pods=pods), None
        computed = analyse(files, pods)
        done = latest is not None and latest.state == Revision.DONE
        diff = compare(latest.full_snapshot(), computed.full_snapshot()) if done else None
        revision = _store(locked, number, files, computed, previous_diff=diff, pods=pods)
    return revision, diff
