"""Real-world inputs through the upload form: concatenated files, kubectl dumps, workloads."""

from __future__ import annotations

import re
from pathlib import Path

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


POD_TEMPLATE = """\
apiVersion: v1
kind: Pod
metadata:
  name: web-7d77fb55cc-{i}
  namespace: shop
  labels: {{app: web, pod-template-hash: 7d77fb55cc}}
  ownerReferences: [{{kind: ReplicaSet, name: web-7d77fb55cc, controller: true}}]
spec:
  containers: [{{name: main}}]
"""
PODS_OF_ONE_DEPLOYMENT = "---\n".join(POD_TEMPLATE.format(i=i) for i in range(3))


class PodsSettingTestCase(TestCase):
    def endpoints(self, revision) -> list[str]:
        return [e["id"] for e in revision.snapshot["endpoints"]]

    def test_it_folds_pods_into_their_workload_by_default(self):
        self.client.post("/", {"files": multipart([("pods.yaml", PODS_OF_ONE_DEPLOYMENT)])})
        revision = Review.objects.get().latest_revision()
        self.assertFalse(revision.pods)
        self.assertEqual(self.endpoints(revision), ["shop/web[Deployment]"])

    def test_the_review_setting_shows_pods_one_by_one_and_a_new_revision_keeps_it(self):
        r = self.client.post(
            "/", {"files": multipart([("pods.yaml", PODS_OF_ONE_DEPLOYMENT)]), "pods": "on"}
        )
        review = Review.objects.get()
        revision = review.latest_revision()
        self.assertTrue(revision.pods)
        self.assertEqual(len(self.endpoints(revision)), 3)
        edit = self.client.get(r["Location"])
        self.assertContains(edit, 'name="pods" id="id_pods" checked')
        # The edit form posts the setting it showed; unticked it goes back to workloads.
        edit_url = r["Location"].split("?")[0]
        files = multipart([("pods.yaml", PODS_OF_ONE_DEPLOYMENT)])
        self.client.post(edit_url + "revisions", {"files": files, "mode": "replace"})
        latest = review.latest_revision()
        self.assertEqual((latest.number, latest.pods), (2, False))
        self.assertEqual(self.endpoints(latest), ["shop/web[Deployment]"])


GOLDEN = Path(__file__).resolve().parents[1] / "golden"


class KubectlDumpTestCase(TestCase):
    def upload(self, *paths: Path):
        files = [(p.name, p.read_bytes()) for p in paths]
        r = self.client.post("/", {"files": multipart(files)})
        self.assertEqual(r.status_code, 302)
        review = Review.objects.get()
        return review, self.client.get(f"/r/{review.view_token}/")

    def test_a_kubectl_dump_shows_one_endpoint_per_workload_and_its_entry_points(self):
        review, page = self.upload(GOLDEN / "kubectl-dump" / "input" / "all.yaml")
        revision = review.latest_revision()
        self.assertEqual(revision.summary["endpoints"], 4)
        self.assertEqual(revision.summary["errors"], 0)
        self.assertContains(page, 'data-testid="entry-points-section"')
        self.assertContains(
            page,
            'data-testid="entry-point" data-endpoint="shop/api[Deployment]" data-via="Ingress" '
            'data-verdict="blocked"',
        )
        self.assertContains(
            page,
            'data-testid="entry-point" data-endpoint="shop/frontend[Deployment]" '
            'data-via="Ingress" data-verdict="allowed"',
        )
        self.assertContains(page, 'data-testid="entry-caveat" data-code="client-address-kept"')
        self.assertEqual(revision.report["entry_points"]["total"], 4)

    def test_typed_json_lists_upload_to_the_same_review(self):
        folder = GOLDEN / "kubectl-typed-json" / "input"
        review, page = self.upload(*sorted(folder.glob("*.json")))
        revision = review.latest_revision()
        self.assertEqual(revision.summary["endpoints"], 4)
        self.assertEqual(revision.summary["errors"], 0)
        self.assertContains(page, 'data-via="Ingress" data-verdict="blocked"')

    def test_a_review_without_services_has_no_entry_point_section(self):
        r = self.client.post("/", {"files": multipart([("pods.yaml", manifests.PODS)])})
        page = self.client.get(r["Location"])
        self.assertNotContains(page, 'data-testid="entry-points-section"')
