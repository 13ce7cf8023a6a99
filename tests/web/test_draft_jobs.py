"""draft.json of a big review (more endpoints than NETVIZ_DRAFT_BACKGROUND_ENDPOINTS): evaluated
by the real task worker (db_worker), polled for until it is there, answered once, and the same
answer as the request gives for a small review."""

from __future__ import annotations

import json
from datetime import timedelta

from django.core.management import call_command
from django.test import TransactionTestCase, override_settings
from django.utils import timezone
from django_tasks.base import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from netviz.web import draft_jobs
from netviz.web.services import create_review
from netviz.web.tasks import analyse_revision
from tests.web import manifests
from tests.web.base import V1_FILES, uploads

EDIT = {"files": {"policy.yaml": manifests.POLICY_V2}}


def work() -> None:
    """Run the real db_worker until the queue is empty."""
    call_command("db_worker", "--batch", "--no-startup-delay", "--interval", "0", verbosity=0)


# The worker closes its database connection between jobs, as a real one does: no transaction
# around each test (TestCase's would be closed with it on PostgreSQL).
@override_settings(NETVIZ_DRAFT_BACKGROUND_ENDPOINTS=0)
class DraftJobTestCase(TransactionTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.review, self.revision, _edit = create_review("Shop", uploads(V1_FILES))

    def post(self, body, token: str | None = None):
        return self.client.post(
            f"/r/{token or self.review.view_token}/rev/1/draft.json",
            data=json.dumps(body) if not isinstance(body, str) else body,
            content_type="application/json",
        )

    def test_the_worker_evaluates_it_and_the_poll_gives_what_the_request_would(self):
        with override_settings(NETVIZ_DRAFT_BACKGROUND_ENDPOINTS=10**9):
            direct = self.post(EDIT)
        self.assertEqual(direct.status_code, 200)
        asked = self.post(EDIT)
        self.assertEqual(asked.status_code, 202)
        poll = asked.json()["poll"]
        self.assertTrue(poll.startswith(f"/r/{self.review.view_token}/rev/1/draft-result/"))
        waiting = self.client.get(poll)
        self.assertEqual((waiting.status_code, waiting.json()["pending"]), (202, True))
        self.assertEqual(waiting["Cache-Control"], "no-store")
        work()
        done = self.client.get(poll)
        self.assertEqual(done.status_code, 200)
        self.assertEqual(done.json(), direct.json())
        self.assertTrue(done.json()["diff"]["connections"]["changed"])
        # Answered once: the job is forgotten.
        self.assertEqual(self.client.get(poll).status_code, 404)
        self.assertFalse(DBTaskResult.objects.filter(task_path=draft_jobs._path()).exists())

    def test_errors_in_the_draft_come_back_through_the_worker_with_their_line(self):
        broken = manifests.POLICY_V1.replace("protocol: TCP,", "protocol: TCPX,")
        poll = self.post({"files": {"policy.yaml": broken}}).json()["poll"]
        work()
        data = self.client.get(poll).json()
        self.assertEqual([(e["file"], e["line"]) for e in data["errors"]], [("policy.yaml", 14)])

    def test_a_body_that_is_not_a_draft_is_refused_at_once_and_queues_nothing(self):
        for body in ("not json", {"files": ["x"]}, {"files": {"a.yaml": 3}}):
            self.assertEqual(self.post(body).status_code, 400, body)
        with override_settings(NETVIZ_MAX_UPLOAD_MB=0):
            self.assertEqual(self.post(EDIT).status_code, 413)
        self.assertFalse(DBTaskResult.objects.exists())

    def test_a_job_is_polled_for_only_through_its_own_review_and_revision(self):
        poll = self.post(EDIT).json()["poll"]
        job = poll.rsplit("/", 1)[1]
        other, _rev, _edit = create_review("Other", uploads(V1_FILES))
        for url in (
            f"/r/{other.view_token}/rev/1/draft-result/{job}",
            f"/r/{self.review.view_token}/rev/1/draft-result/not-a-uuid.json",
            "/r/{}/rev/1/draft-result/{}.json".format(
                self.review.view_token, "0" * 8 + "-0000-4000-8000-" + "0" * 12
            ),
        ):
            response = self.client.get(url)
            self.assertEqual(response.status_code, 404, url)
            self.assertIn("error", response.json())
        self.assertEqual(self.client.get(poll).status_code, 202)  # still there for its page

    def test_a_failed_job_is_a_clear_error_not_a_500(self):
        poll = self.post(EDIT).json()["poll"]
        job = poll.rsplit("/", 1)[1].removesuffix(".json")
        DBTaskResult.objects.filter(id=job).update(
            status=TaskResultStatus.FAILED, finished_at=timezone.now(), traceback="boom"
        )
        response = self.client.get(poll)
        self.assertEqual(response.status_code, 503)
        self.assertEqual(response.json()["error"], draft_jobs.FAILED)

    def test_it_runs_before_a_waiting_analysis_and_old_answers_are_pruned(self):
        analysis = analyse_revision.enqueue(self.revision.pk)
        poll = self.post(EDIT).json()["poll"]
        job = poll.rsplit("/", 1)[1].removesuffix(".json")
        first = DBTaskResult.objects.ready().first()  # the worker's order
        self.assertEqual(str(first.id), job)
        self.assertNotEqual(str(first.id), str(analysis.id))
        # Nobody came back for it: pruned when a later draft is queued.
        DBTaskResult.objects.filter(id=job).update(
            enqueued_at=timezone.now() - draft_jobs.KEPT - timedelta(seconds=1)
        )
        self.post(EDIT)
        self.assertFalse(DBTaskResult.objects.filter(id=job).exists())
        self.assertTrue(DBTaskResult.objects.filter(id=analysis.id).exists())

    def test_a_small_review_is_still_answered_in_the_request(self):
        with override_settings(NETVIZ_DRAFT_BACKGROUND_ENDPOINTS=2000):
            response = self.post(EDIT)
        self.assertEqual(response.status_code, 200)
        self.assertFalse(DBTaskResult.objects.exists())
