"""A review uploaded with netviz-expect.yaml shows each expectation's status; the Findings tab
marks findings a netviz.dev/accept annotation accepts."""

from __future__ import annotations

import re

from netviz.web.services import create_review
from tests.web.base import V1_FILES, BaseTestCase, multipart, uploads

EXPECT = """\
expect:
  - name: web calls the api
    allow: {from: shop/web, to: shop/api, ports: [TCP 8080]}
  - name: nobody reaches web
    deny: {from: '*', to: shop/web}
"""
ACCEPTED_POLICY = """\
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: api-from-all
  namespace: shop
  annotations:
    netviz.dev/accept: ingress-from-all-namespaces
    netviz.dev/accept-reason: reviewed with the API team
spec:
  podSelector: {matchLabels: {app: api}}
  ingress:
    - from: [{namespaceSelector: {}}]
      ports: [{port: 8080}]
"""


class ExpectationsOnTheReviewPage(BaseTestCase):
    def review_with(self, expect: str):
        review, _rev, _token = create_review(
            "Shop", uploads([*V1_FILES, ("netviz-expect.yaml", expect)])
        )
        return review

    def test_it_shows_which_expectations_hold_and_the_pairs_that_break_one(self):
        review = self.review_with(EXPECT)
        page = self.client.get(f"/r/{review.view_token}/").content.decode()
        self.assertIn('data-testid="expectations-section" data-failed="1"', page)
        self.assertIn("2 expectations: 1 passed, 1 failed.", page)
        found = re.findall(r'data-testid="expectation" data-passed="(\w+)" data-line="(\d+)"', page)
        self.assertEqual(found, [("true", "2"), ("false", "4")])
        self.assertIn("<code>shop/api[Pod]</code> → <code>shop/web[Pod]</code>", page)
        self.assertIn("ingress of the destination: not isolated", page)

    def test_the_json_twin_has_the_outcomes_and_the_file_is_not_read_as_manifests(self):
        review = self.review_with(EXPECT)
        data = self.client.get(f"/r/{review.view_token}.json").json()
        self.assertEqual(data["expectations"]["counts"], {"passed": 1, "failed": 1})
        self.assertEqual(data["expectations"]["items"][1]["name"], "nobody reaches web")
        self.assertEqual(data["errors"], [])  # netviz-expect.yaml is no Kubernetes document
        self.assertIn("netviz-expect.yaml", [f["name"] for f in data["files"]])  # kept verbatim

    def test_a_bad_expectations_file_is_shown_with_its_line_and_the_review_still_works(self):
        review = self.review_with("expect:\n  - deny: {from: a/b}\n")
        r = self.client.get(f"/r/{review.view_token}/")
        self.assertEqual(r.status_code, 200)
        page = r.content.decode()
        self.assertIn('data-testid="expectations-invalid"', page)
        self.assertIn("netviz-expect.yaml:2: expect[0].deny: to is missing", page)

    def test_a_review_without_one_has_no_section_and_no_json_key(self):
        page = self.client.get(self.view_url()).content.decode()
        self.assertNotIn("expectations-section", page)
        self.assertNotIn("expectations", self.client.get(f"/r/{self.view_token}.json").json())

    def test_the_api_answers_with_its_status_for_a_pipeline(self):
        files = multipart([*V1_FILES, ("netviz-expect.yaml", EXPECT)])
        r = self.client.post("/api/reviews", {"files": files, "title": "CI"})
        self.assertEqual(r.status_code, 201)
        self.assertEqual(
            r.json()["expectations"],
            {"file": "netviz-expect.yaml", "counts": {"passed": 1, "failed": 1}, "errors": []},
        )

    def test_the_upload_form_takes_it_among_the_files(self):
        files = multipart([*V1_FILES, ("netviz-expect.yaml", EXPECT)])
        r = self.client.post("/", {"title": "With expectations", "files": files}, follow=True)
        self.assertContains(r, "2 expectations: 1 passed, 1 failed.")


class AcceptedFindingsOnTheFindingsTab(BaseTestCase):
    def test_an_accepted_finding_is_listed_marked_with_its_reason(self):
        files = [(n, ACCEPTED_POLICY if n == "policy.yaml" else c) for n, c in V1_FILES]
        review, _rev, _token = create_review("Shop", uploads(files))
        page = self.client.get(f"/r/{review.view_token}/rev/1/findings/").content.decode()
        self.assertIn('data-accepted="true"', page)
        self.assertIn(
            "Accepted (annotation on shop/api-from-all): reviewed with the API team", page
        )
        self.assertIn('data-testid="accepted-count"', page)
        data = self.client.get(f"/r/{review.view_token}/rev/1/findings.json").json()
        marked = [f for f in data["findings"] if "accepted" in f]
        self.assertEqual([f["check"] for f in marked], ["ingress-from-all-namespaces"])

    def test_an_uploaded_baseline_marks_what_it_lists_and_is_not_read_as_a_manifest(self):
        baseline = (
            '{"version": 1, "accepted": [{"id": "unprotected-egress:shop/web[Pod]", '
            '"reason": "egress is filtered by the proxy"}]}'
        )
        review, rev, _token = create_review(
            "Shop", uploads([*V1_FILES, ("netviz-baseline.json", baseline)])
        )
        self.assertEqual(rev.report["errors"], [])
        data = self.client.get(f"/r/{review.view_token}/rev/1/findings.json").json()
        marked = {f["id"]: f["accepted"] for f in data["findings"] if "accepted" in f}
        self.assertEqual(
            marked,
            {
                "unprotected-egress:shop/web[Pod]": {
                    "reason": "egress is filtered by the proxy",
                    "by": "baseline",
                }
            },
        )

    def test_without_annotations_nothing_is_marked(self):
        page = self.client.get(self.view_url("/rev/1/findings/")).content.decode()
        self.assertNotIn('data-accepted="true"', page)
