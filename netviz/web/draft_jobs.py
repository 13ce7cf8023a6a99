"""Drafts of big reviews, evaluated by the task worker instead of in the request: draft.json then
answers 202 with a URL the page polls, which gives draft.json's own answer once the job is done.

A review is big when its revision has more endpoints than NETVIZ_DRAFT_BACKGROUND_ENDPOINTS. The
job runs before waiting analyses (a higher priority); its row is deleted once its answer is read,
and answers nobody came for are pruned. The worker keeps its own per-revision cache
(netviz.web.draft_cache), so its second draft of a revision is as quick as the request's.
"""

from __future__ import annotations

import logging
import uuid
from datetime import timedelta

from django.conf import settings
from django.utils import timezone
from django_tasks import task
from django_tasks.base import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from netviz.web.drafts import BadDraft, UploadRefused, evaluate_draft
from netviz.web.models import Revision

logger = logging.getLogger(__name__)

PRIORITY = 10  # before analyses (priority 0): someone is waiting at the page
# A finished or never started job older than this is pruned; its page has given up on it.
KEPT = timedelta(minutes=10)
FAILED = "The draft's evaluation failed on our side. Edit it again to retry; nothing is lost."


@task(priority=PRIORITY)
def evaluate_draft_job(revision_id: int, files: dict) -> dict:
    """draft.json's answer, as {"status": HTTP status, "body": JSON body}."""
    revision = Revision.objects.filter(pk=revision_id, state=Revision.DONE).first()
    if revision is None:
        return {"status": 404, "body": {"error": "This revision is gone."}}
    try:
        result = evaluate_draft(revision, files)
    except BadDraft as e:
        return {"status": 400, "body": {"error": str(e)}}
    except UploadRefused as e:
        return {"status": e.status, "body": {"error": e.message, "errors": e.problems}}
    return {"status": 200, "body": {"revision": revision.number, **result}}


def _path() -> str:
    return evaluate_draft_job.module_path


def in_background(revision: Revision) -> bool:
    return revision.summary.get("endpoints", 0) > settings.NETVIZ_DRAFT_BACKGROUND_ENDPOINTS


def enqueue(revision: Revision, files: object) -> str:
    """The job's id; jobs nobody came back for are pruned first."""
    old = timezone.now() - KEPT
    waiting = (TaskResultStatus.READY, TaskResultStatus.SUCCESSFUL, TaskResultStatus.FAILED)
    DBTaskResult.objects.filter(
        task_path=_path(), enqueued_at__lt=old, status__in=[s.value for s in waiting]
    ).delete()
    return str(evaluate_draft_job.enqueue(revision.pk, files).id)


def answer(revision: Revision, job_id: str) -> tuple[int, dict]:
    """(HTTP status, JSON body) for a poll of job `job_id` of `revision`: 202 while it waits or
    runs, then draft.json's answer (once: the job is forgotten after it)."""
    try:
        key = uuid.UUID(job_id)
    except ValueError:
        key = None
    row = DBTaskResult.objects.filter(id=key, task_path=_path()).first() if key else None
    args = row.args_kwargs.get("args", []) if row is not None else []
    if row is None or not args or args[0] != revision.pk:
        return 404, {"error": "This draft evaluation is not known (it may have been answered)."}
    if row.status in (TaskResultStatus.READY, TaskResultStatus.RUNNING):
        return 202, {"pending": True, "state": str(row.status).lower()}
    row.delete()
    value = row.return_value
    if row.status == TaskResultStatus.SUCCESSFUL and isinstance(value, dict):
        return int(value["status"]), value["body"]
    logger.error("draft job %s of revision %s failed: %s", job_id, revision.pk, row.traceback)
    return 503, {"error": FAILED}


__all__ = ["answer", "enqueue", "evaluate_draft_job", "in_background"]
