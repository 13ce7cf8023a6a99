"""Background analysis on django-tasks: the job, a revision's state as pages show it, and retry.

A job writes its results in one transaction (services.complete), so a worker killed mid-job
leaves the revision pending or running, never half-written; `state_of` then reports it failed
once its job has ended without finishing it, or has run longer than NETVIZ_ANALYSIS_TIMEOUT.
"""

from __future__ import annotations

import logging
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django_tasks import task
from django_tasks.base import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from netviz.web import services
from netviz.web.models import Revision

logger = logging.getLogger(__name__)

STOPPED = (
    "The analysis stopped before it finished (its worker was stopped or restarted). "
    "Retry it from the edit page."
)
CRASHED = "The analysis failed on our side. Retry it from the edit page; the files are kept."


@task()
def analyse_revision(revision_id: int) -> str:
    """The job: analyse one pending revision from its stored files."""
    return run(revision_id)


def run(revision_id: int) -> str:
    with transaction.atomic():
        revision = Revision.objects.select_for_update().filter(pk=revision_id).first()
        if revision is None:
            return "deleted"  # the review was deleted while the job waited
        if revision.state == Revision.DONE:
            return "done"
        revision.state, revision.started, revision.failure = Revision.RUNNING, timezone.now(), ""
        revision.save(update_fields=["state", "started", "failure"])
    try:
        services.complete(revision)
    except services.UploadRefused as refused:
        fail(revision, refused.message, refused.problems)
        return "refused"
    except Exception:
        logger.exception("analysis of revision %s failed", revision_id)
        fail(revision, CRASHED)
        raise  # django-tasks records the failure with its traceback too
    return "done"


def enqueue(revision: Revision) -> None:
    result = analyse_revision.enqueue(revision.pk)
    Revision.objects.filter(pk=revision.pk).update(task_id=str(result.id))
    revision.task_id = str(result.id)


def fail(revision: Revision, message: str, problems: list[dict] | None = None) -> None:
    """Mark the revision failed, unless it finished meanwhile."""
    fields = {"state": Revision.FAILED, "failure": message}
    if problems:
        fields["report"] = {"errors": problems, "warnings": [], "ignored": []}
    Revision.objects.filter(pk=revision.pk).exclude(state=Revision.DONE).update(**fields)
    revision.state, revision.failure = Revision.FAILED, message


def state_of(revision: Revision) -> str:
    """pending, running, done or failed; a job that died is recorded as failed here."""
    if revision.state in (Revision.DONE, Revision.FAILED):
        return revision.state
    job = DBTaskResult.objects.filter(id=revision.task_id).first() if revision.task_id else None
    ended = job is not None and job.status in (
        TaskResultStatus.FAILED,
        TaskResultStatus.SUCCESSFUL,
    )
    timeout = timedelta(seconds=settings.NETVIZ_ANALYSIS_TIMEOUT)
    overdue = (
        revision.state == Revision.RUNNING
        and revision.started is not None
        and timezone.now() - revision.started > timeout
    )
    if ended or overdue or (revision.task_id and job is None):
        revision.refresh_from_db(fields=["state", "failure"])
        if revision.state in (Revision.DONE, Revision.FAILED):
            return revision.state
        fail(revision, STOPPED)
    return revision.state


def queue_position(revision: Revision) -> int:
    """How many analyses wait before this one."""
    return Revision.objects.filter(state=Revision.PENDING, pk__lt=revision.pk).count()


def retry(revision: Revision) -> None:
    """Analyse a failed revision again, as a new job."""
    if state_of(revision) != Revision.FAILED:
        return
    with transaction.atomic():
        updated = Revision.objects.filter(pk=revision.pk, state=Revision.FAILED).update(
            state=Revision.PENDING, failure="", started=None
        )
        if updated:
            revision.state = Revision.PENDING
            transaction.on_commit(lambda: enqueue(revision))
