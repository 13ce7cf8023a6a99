"""Stored reviews: a review has revisions; a revision keeps its files verbatim and its analysis."""

from __future__ import annotations

import hashlib
import json
import secrets

from django.db import models

# 24 random bytes = 192 bits, written as 32 URL-safe characters.
TOKEN_BYTES = 24


def new_token() -> str:
    return secrets.token_urlsafe(TOKEN_BYTES)


def hash_token(token: str) -> str:
    """The edit token is stored only as this hash: a leaked database grants no edit rights."""
    return hashlib.sha256(token.encode()).hexdigest()


class Review(models.Model):
    """A shareable review of some manifests, reached only through its view or edit token."""

    title = models.CharField(
        max_length=200, blank=True, help_text="Free text shown as the heading."
    )
    view_token = models.CharField(
        max_length=64,
        unique=True,
        help_text="Random token in the read-only link /r/<token>/ (192 bits from secrets).",
    )
    view_token_hash = models.CharField(
        max_length=64,
        unique=True,
        help_text="SHA-256 of the view token: reviews are found by it, so the database never "
        "compares the secret itself (no timing hint about how much of a guess was right).",
    )
    edit_token_hash = models.CharField(
        max_length=64,
        unique=True,
        help_text="SHA-256 of the edit token; the edit token itself is never stored.",
    )
    created = models.DateTimeField(auto_now_add=True, help_text="When the review was created.")

    def __str__(self) -> str:
        return self.title or "Untitled review"

    @classmethod
    def create(cls, title: str) -> tuple[Review, str]:
        """A new review and its edit token (returned once, since only its hash is kept)."""
        edit_token, view_token = new_token(), new_token()
        review = cls.objects.create(
            title=title,
            view_token=view_token,
            view_token_hash=hash_token(view_token),
            edit_token_hash=hash_token(edit_token),
        )
        return review, edit_token

    @property
    def display_title(self) -> str:
        return str(self)

    def latest_revision(self) -> Revision:
        return self.revisions.order_by("-number").first()

    def latest_number(self) -> int:
        """The latest revision's number, without loading any revision."""
        return self.revisions.aggregate(models.Max("number"))["number__max"] or 0


class Revision(models.Model):
    """One upload of a review, with the parse report and analysis computed once at upload."""

    review = models.ForeignKey(
        Review,
        on_delete=models.CASCADE,
        related_name="revisions",
        help_text="The review this revision belongs to.",
    )
    number = models.PositiveIntegerField(help_text="1 for the first upload, then 2, 3, ...")
    created = models.DateTimeField(auto_now_add=True, help_text="When this revision was uploaded.")
    report = models.JSONField(
        default=dict,
        help_text="Parse report: errors and warnings (file, doc, line, message), ignored documents.",
    )
    snapshot = models.JSONField(
        default=dict,
        help_text="netviz.diff.snapshot of the analysis without its connections: endpoints, "
        "policies, rules, caveats.",
    )
    nodes = models.JSONField(
        default=list,
        help_text="Ids of the nodes the pairs refer to by index: the snapshot's endpoints, then "
        "its external ranges, as they were at upload.",
    )
    cells = models.TextField(
        default="",
        blank=True,
        help_text="The connections' distinct cells (netviz.diff.snapshot.Compact), one JSON "
        "array `[ports, ports_text, grants]` per line; pairs refer to them by line number.",
    )
    cell_columns = models.JSONField(
        default=dict,
        help_text="Per cell its all-ports flag, port-set and policy-set index, with those sets "
        "(netviz.web.store.columns_of): what the matrix needs without decoding the cells.",
    )
    pairs = models.BinaryField(
        default=b"",
        blank=True,
        help_text="Every connection as (src node, dst node, cell) int32 rows, zlib-compressed "
        "(netviz.web.store), in output order: a few bytes per pair.",
    )
    findings = models.JSONField(
        null=True,
        blank=True,
        help_text="Lint findings and per-endpoint exposure, computed once at upload "
        "(netviz.web.findings_store.stored_findings); null for revisions from before.",
    )
    previous_diff = models.JSONField(
        null=True,
        blank=True,
        help_text="netviz.diff.compare from the previous revision, computed at upload "
        "(null for revision 1), so the usual diff page is read, not recomputed.",
    )
    summary = models.JSONField(
        default=dict,
        help_text="Counts (endpoints, policies, connections, errors, ...), so lists of "
        "revisions need not load the snapshots.",
    )
    PENDING, RUNNING, DONE, FAILED = "pending", "running", "done", "failed"
    state = models.CharField(
        max_length=8,
        choices=[(s, s) for s in (PENDING, RUNNING, DONE, FAILED)],
        default=DONE,
        help_text="Analysis state: small uploads are analysed at once (done); large ones are "
        "pending until the task worker runs them (netviz.web.tasks).",
    )
    task_id = models.CharField(
        max_length=64, blank=True, help_text="The django-tasks job analysing this revision."
    )
    started = models.DateTimeField(
        null=True, blank=True, help_text="When a worker last started analysing this revision."
    )
    failure = models.TextField(
        blank=True, help_text="Why the analysis failed, in words, when state is failed."
    )
    pods = models.BooleanField(
        default=False,
        help_text="Show pods one by one instead of folding them into the workload that owns "
        "them (the review setting; a new revision keeps the latest one's unless changed).",
    )

    class Meta:
        ordering = ["number"]
        constraints = [
            models.UniqueConstraint(fields=["review", "number"], name="netviz_revision_number")
        ]

    def __str__(self) -> str:
        return f"revision {self.number}"

    def connection_lines(self) -> list[str]:
        """Every connection as its stored line (encode_connection), in output order."""
        from netviz.web import store

        return store.load(self).lines()

    def full_snapshot(self) -> dict:
        """The snapshot with its connections, as netviz.diff.compare takes it."""
        from netviz.web import store

        return {**self.snapshot, "connections": store.load(self).connections()}

    @staticmethod
    def count(report: dict, snapshot: dict) -> dict:
        """The counts headings, revision lists and the API show, kept in `summary`."""
        return {
            "namespaces": len(snapshot.get("namespaces", ())),
            "endpoints": len(snapshot.get("endpoints", ())),
            "policies": len(snapshot.get("policies", ())),
            "connections": len(snapshot.get("connections", ())),
            "errors": len(report.get("errors", ())),
            "warnings": len(report.get("warnings", ())),
            "caveats": len(snapshot.get("caveats", ())),
            "findings": report.get("findings", {}),
        }


def encode_connection(c: dict) -> str:
    """One snapshot connection as one line: `[src, dst, port rows, ports text, grants]`."""
    row = [c["src"], c["dst"], c["ports"], c["ports_text"], c["grants"]]
    return json.dumps(row, ensure_ascii=False, separators=(",", ":"))


def _as_dict(row: list) -> dict:
    src, dst, ports, ports_text, grants = row
    return {"src": src, "dst": dst, "ports": ports, "ports_text": ports_text, "grants": grants}


def decode_connection(line: str) -> dict:
    return _as_dict(json.loads(line))


def decode_connections(lines: list[str]) -> list[dict]:
    """Many lines at once: one JSON parse of them all is several times faster than one each."""
    return [_as_dict(row) for row in json.loads("[" + ",".join(lines) + "]")]


class UploadedFile(models.Model):
    """One uploaded file, kept byte for byte so it can be downloaded back exactly."""

    revision = models.ForeignKey(
        Revision,
        on_delete=models.CASCADE,
        related_name="files",
        help_text="The revision this file was uploaded in.",
    )
    position = models.PositiveIntegerField(help_text="Order of the file within its upload.")
    name = models.CharField(max_length=255, help_text="File name as uploaded (or 'pasted.yaml').")
    content = models.BinaryField(help_text="The file's bytes, verbatim.")
    sha256 = models.CharField(max_length=64, help_text="SHA-256 of the content, hex.")
    size = models.PositiveIntegerField(help_text="Length of the content in bytes.")

    class Meta:
        ordering = ["position"]
        constraints = [
            models.UniqueConstraint(fields=["revision", "position"], name="netviz_file_position")
        ]

    def __str__(self) -> str:
        return self.name


class Export(models.Model):
    """A revision's connectivity in one download format, rendered the first time it is asked
    for and kept gzip-compressed (netviz.web.exports), then served as stored."""

    revision = models.ForeignKey(
        Revision,
        on_delete=models.CASCADE,
        related_name="exports",
        help_text="The revision whose connectivity this is.",
    )
    format = models.CharField(max_length=8, help_text="json, csv, md, dot or text (the CLI's).")
    gzip = models.BinaryField(
        help_text="The rendered text, exactly as the CLI prints it, UTF-8 and gzip-compressed."
    )
    size = models.BigIntegerField(default=0, help_text="Length of the uncompressed text in bytes.")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["revision", "format"], name="netviz_export_format")
        ]

    def __str__(self) -> str:
        return f"{self.revision} as {self.format}"


class SharedDraft(models.Model):
    """A what-if draft shared read-only: a revision's files with some edited, added or deleted,
    reached by its own random token next to the review's view link. Deleted with its review."""

    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="shared_drafts")
    number = models.PositiveIntegerField(help_text="The revision the draft was made from.")
    token_hash = models.CharField(
        max_length=64, unique=True, help_text="SHA-256 of the draft's token (in ?draft=)."
    )
    files = models.JSONField(help_text='The changes, {"name.yaml": "text" or null if deleted}.')
    created = models.DateTimeField(auto_now_add=True, help_text="When it was shared.")
