"""A draft: a revision's files with some replaced, added or deleted, evaluated without storing
anything, and compared with the saved revision (netviz.diff.compare)."""

from __future__ import annotations

from netviz.diff.pairs import compare_pairs
from netviz.diff.snapshot import base_snapshot, fingerprints_kept
from netviz.diff.tiered import tiered_snapshot
from netviz.engine import Evaluator
from netviz.engine.pair_arrays import listed
from netviz.k8s import load_texts
from netviz.k8s.built import builds_kept
from netviz.k8s.yamlsrc import parses_kept
from netviz.web.draft_cache import evaluator_pairs, kept
from netviz.web.models import Revision
from netviz.web.services import Upload, UploadRefused, check_size, reader_limits


class BadDraft(ValueError):
    """The request does not describe a draft: the message says what is expected."""


def draft_files(revision: Revision, changes: object) -> tuple[list[Upload], list[str]]:
    """The revision's files with `changes` ({name: text, or None to delete}) applied, in order
    (new files last), and the names changed."""
    if not isinstance(changes, dict) or not all(
        isinstance(k, str) and (v is None or isinstance(v, str)) for k, v in changes.items()
    ):
        raise BadDraft('expected {"files": {"name.yaml": "text" or null to delete, ...}}')
    files = [Upload(f.name, bytes(f.content)) for f in revision.files.all()]
    names = {f.name for f in files}
    out = []
    for f in files:
        if f.name not in changes:
            out.append(f)
        elif changes[f.name] is not None:
            out.append(Upload(f.name, changes[f.name].encode("utf-8")))
    out += [Upload(n, t.encode("utf-8")) for n, t in changes.items() if n not in names and t]
    changed = sorted(n for n in changes if n in names or changes[n])
    return out, changed


def evaluate_draft(revision: Revision, changes: object) -> dict:
    """The draft's problems (each with file and line; `in_draft` when in a changed file) and
    its difference from the saved revision. Raises BadDraft, UploadRefused."""
    files, changed = draft_files(revision, changes)
    check_size(files)
    base = kept(revision)
    # The files not edited are parsed, and their objects built, once per revision, not on every
    # keystroke.
    with parses_kept(base.parses), builds_kept(base.builds):
        cluster = load_texts([(f.name, f.content) for f in files], limits=reader_limits())
    evaluator = Evaluator(cluster)
    # As snapshot() gives it (tiered policies too, as the saved revision's snapshot has them);
    # the pairs compared as arrays with the stored ones (netviz.diff.pairs): no grants, no
    # Python work per unchanged pair.
    base.trim()
    with fingerprints_kept(base.fingerprints):  # the objects not edited are hashed once
        snap = base_snapshot(listed(evaluator), cluster, tiered_snapshot(evaluator))
    diff = compare_pairs(base.snapshot, base.pairs, snap, evaluator_pairs(evaluator))

    def problems(items) -> list[dict]:
        return [{**p.as_dict(), "in_draft": p.source.file in changed} for p in items]

    return {
        "files": [f.name for f in files],
        "changed": changed,
        "errors": problems(cluster.errors),
        "warnings": problems(cluster.warnings),
        "diff": diff,
        "summary": diff["summary"],
    }


__all__ = ["BadDraft", "UploadRefused", "draft_files", "evaluate_draft"]
