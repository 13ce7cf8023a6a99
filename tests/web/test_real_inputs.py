"""Real-world inputs through the upload form: concatenated files, kubectl dumps, workloads."""

from __future__ import annotations

import re

from django.test import TestCase

from netviz.web.models import Review
from tests.k8s.test_joined import BACKEND, DENY_ALL, NAMESPACE_AND_APP
from tests.web import manifests
from tests.web.base import multipart


class JoinedDocumentsTestCase(TestCase):
    def test_it_shows_the_joined_documents_error_first_and_still_the_rest(self):
        joined = NAMESPACE_AND_APP + BACKEND + DENY_ALL
        r = self.client.post(
            "/", {"files": multipart([("all.yaml", joined), ("pods.yaml", manifests.PODS)])}
        )
        self.assertEqual(r.status_code, 302)
        page = self.client.get(r["Location"]).content.decode()
        revision = Review.objects.get().latest_revision()
        self.assertEqual(revision.summary["errors"], 2)
        self.assertGreater(revision.summary["endpoints"], 0)
        rows = re.findall(r'<tr class="(\w+)" data-testid="problem"', page)
        self.assertEqual(rows[0], "error")
        first = page.index('data-testid="problem"')
        self.assertIn("two documents joined without `---`?", page[first : first + 2000])
