"""Large uploads are analysed by the django-tasks worker: pages wait and poll, the results are
written whole, and a job that died shows as failed and can be retried."""

from __future__ import annotations

import hashlib
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone
from django_tasks.base import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from netviz.web import tasks
from netviz.web.models import Export, Review, Revision
from tests.web import manifests
from tests.web.base import V1_FILES, V2_FILES, multipart

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def everything_in_background(settings):
    settings.NETVIZ_BACKGROUND_KB = 0


def work() -> None:
    """Run the real db_worker until the queue is empty."""
    call_command("db_worker", "--batch", "--no-startup-delay", "--interval", "0", verbosity=0)


def upload(client, files=V1_FILES):
    r = client.post("/", {"title": "big", "files": multipart(files)})
    assert r.status_code == 302
    return r["Location"].split("?")[0], Review.objects.get()


def test_a_large_upload_is_stored_at_once_and_analysed_by_the_worker(client):
    edit_url, review = upload(client)
    revision = review.revisions.get()
    assert revision.state == "pending"
    assert revision.summary == {}
    # The files are kept before any analysis.
    assert [(f.name, bytes(f.content)) for f in revision.files.all()] == [
        (n, c.encode()) for n, c in V1_FILES
    ]
    page = client.get(edit_url + "?created=1")
    html = page.content.decode()
    assert 'data-testid="progress"' in html and 'data-state="pending"' in html
    assert 'data-testid="created-notice"' in html
    assert "/static/js/progress.js" in html
    state_url = f"/r/{review.view_token}/rev/1/state.json"
    assert f'data-state-url="{state_url}"' in html
    assert client.get(state_url).json() == {
        "revision": 1,
        "state": "pending",
        "message": "",
        "ahead": 0,
    }
    assert 'data-testid="progress"' in client.get(f"/r/{review.view_token}/").content.decode()

    work()

    assert client.get(state_url).json()["state"] == "done"
    revision.refresh_from_db()
    assert revision.summary["endpoints"] == 2
    assert len(revision.pairs) > 0 and revision.findings is not None
    # Downloads are rendered when first asked for, then kept.
    assert not Export.objects.filter(revision=revision).exists()
    csv = client.get(f"/r/{review.view_token}/rev/1/connections.csv")
    assert csv.status_code == 200 and csv.getvalue().startswith(b"src,")
    assert Export.objects.filter(revision=revision).values_list("format", flat=True)[0] == "csv"
    page = client.get(f"/r/{review.view_token}/").content.decode()
    assert 'data-src="shop/web[Pod]" data-dst="shop/api[Pod]"' in page


def test_the_api_answers_202_with_a_state_url_and_the_worker_stores_the_diff(client):
    first = client.post("/api/reviews", manifests.PODS + "---\n" + manifests.POLICY_V1,
                        content_type="application/yaml")  # fmt: skip
    assert first.status_code == 202
    body = first.json()
    assert body["state"] == "pending"
    assert body["state_url"].endswith("/rev/1/state.json")
    work()
    edit_token = body["edit_url"].rstrip("/").rsplit("/", 1)[1]
    second = client.post(f"/api/reviews/{edit_token}/revisions",
                         manifests.PODS + "---\n" + manifests.POLICY_V2,
                         content_type="application/yaml")  # fmt: skip
    assert second.status_code == 202
    work()
    revision = Revision.objects.get(number=2)
    assert revision.state == "done"
    assert revision.previous_diff is not None
    assert revision.previous_diff["summary"] != {}


def test_nothing_usable_fails_with_its_message_and_keeps_the_files(client):
    edit_url, review = upload(client, [("bad.yaml", manifests.NOT_YAML)])
    work()
    revision = review.revisions.get()
    assert revision.state == "failed"
    assert revision.failure.startswith("Nothing usable was found")
    assert bytes(revision.files.get().content) == manifests.NOT_YAML.encode()
    html = client.get(edit_url).content.decode()
    assert 'data-testid="analysis-failed"' in html
    assert 'data-file="bad.yaml"' in html
    assert 'data-testid="retry-form"' in html


def test_a_job_killed_mid_run_shows_failed_untouched_and_can_be_retried(client, settings):
    edit_url, review = upload(client, V2_FILES)
    revision = review.revisions.get()
    # What a worker killed with SIGKILL leaves: its job claimed and running, the revision running.
    job = DBTaskResult.objects.get(id=revision.task_id)
    job.claim("killed-worker")
    Revision.objects.filter(pk=revision.pk).update(
        state="running",
        started=timezone.now() - timedelta(seconds=settings.NETVIZ_ANALYSIS_TIMEOUT + 1),
    )
    state = client.get(f"/r/{review.view_token}/rev/1/state.json").json()
    assert state["state"] == "failed"
    assert state["message"] == tasks.STOPPED
    revision.refresh_from_db()
    # Nothing half-written: no analysis, no exports.
    assert (revision.summary, bytes(revision.pairs), revision.exports.count()) == ({}, b"", 0)
    r = client.post(f"{edit_url}rev/1/retry")
    assert r.status_code == 302
    revision.refresh_from_db()
    assert revision.state == "pending"
    assert revision.task_id != str(job.id)
    work()
    revision.refresh_from_db()
    assert revision.state == "done"
    assert 'data-testid="edit-panel"' in client.get(edit_url).content.decode()


def test_a_job_that_ended_without_finishing_its_revision_is_failed(client):
    _edit_url, review = upload(client)
    revision = review.revisions.get()
    DBTaskResult.objects.filter(id=revision.task_id).update(status=TaskResultStatus.FAILED)
    assert tasks.state_of(revision) == "failed"
    assert Revision.objects.get(pk=revision.pk).failure == tasks.STOPPED


def test_a_review_deleted_before_its_job_runs_is_skipped(client):
    edit_url, review = upload(client)
    task_id = review.revisions.get().task_id
    assert client.post(edit_url + "delete", {"confirm": "on"}).status_code == 302
    work()
    job = DBTaskResult.objects.get(id=task_id)
    assert (job.status, job.return_value) == (TaskResultStatus.SUCCESSFUL, "deleted")


def test_retry_is_only_for_failed_revisions(client):
    edit_url, review = upload(client)
    work()
    revision = review.revisions.get()
    digest = hashlib.sha256(bytes(revision.pairs)).hexdigest()
    client.post(f"{edit_url}rev/1/retry")
    revision.refresh_from_db()
    assert revision.state == "done"
    assert hashlib.sha256(bytes(revision.pairs)).hexdigest() == digest


def test_the_json_twins_give_the_state_while_the_analysis_waits(client):
    _edit_url, review = upload(client)
    for url in (f"/r/{review.view_token}.json", f"/r/{review.view_token}/rev/1.json"):
        body = client.get(url).json()
        assert (body["title"], body["revision"], body["state"]) == ("big", 1, "pending")
        assert body["state_url"] == f"http://testserver/r/{review.view_token}/rev/1/state.json"
    work()
    assert client.get(f"/r/{review.view_token}.json").json()["summary"]["endpoints"] == 2
