"""The JSON API: POST /api/reviews and POST /api/reviews/<edit-token>/revisions, as curl sends them."""

from __future__ import annotations

import json
import shutil
import subprocess
import tempfile
from pathlib import Path
from unittest import skipUnless

from django.test import LiveServerTestCase, override_settings

from netviz.web.models import Review
from tests.web import manifests
from tests.web.base import V1_FILES, V2_FILES, BaseTestCase, multipart

SUMMARY_KEYS = {"endpoints", "policies", "connections", "errors", "warnings", "findings"}


class CreateReviewApiTestCase(BaseTestCase):
    def test_it_creates_a_review_from_multipart_files(self):
        # curl -F files=@namespace.yaml -F files=@pods.yaml -F files=@policy.yaml -F title=CI
        r = self.client.post("/api/reviews", {"files": multipart(V1_FILES), "title": "CI"})
        self.assertEqual(r.status_code, 201)
        data = r.json()
        review = Review.objects.get(title="CI")
        self.assertEqual(data["view_url"], f"http://testserver/r/{review.view_token}/")
        self.assertEqual(data["json_url"], f"http://testserver/r/{review.view_token}.json")
        self.assertTrue(data["edit_url"].startswith("http://testserver/e/"))
        self.assertEqual(data["revision"], 1)
        self.assertEqual(
            data["summary"],
            {
                "endpoints": 2,
                "policies": 1,
                "connections": 8,
                "errors": 0,
                "warnings": 0,
                # shop has no default deny either way; web takes any ingress, neither limits egress.
                "findings": {"info": 0, "warning": 5, "danger": 0},
            },
        )
        # The edit URL it returned really edits this review.
        edit_path = data["edit_url"].removeprefix("http://testserver")
        self.assertContains(self.client.get(edit_path), 'data-testid="edit-panel"')

    def test_it_creates_a_review_from_a_raw_yaml_body(self):
        # curl -H 'Content-Type: application/yaml' --data-binary @all.yaml '.../api/reviews?title=raw'
        body = "---\n".join(c for _n, c in V1_FILES)
        r = self.client.post("/api/reviews?title=raw", body, content_type="application/yaml")
        self.assertEqual(r.status_code, 201, r.content)
        review = Review.objects.get(title="raw")
        self.assertEqual([f.name for f in review.latest_revision().files.all()], ["upload.yaml"])
        self.assertEqual(bytes(review.latest_revision().files.get().content), body.encode())

    def test_it_reads_a_form_urlencoded_body_as_yaml(self):
        # What plain `curl --data-binary @all.yaml` sends without a Content-Type header.
        r = self.client.post(
            "/api/reviews?name=all.yaml",
            manifests.PODS,
            content_type="application/x-www-form-urlencoded",
        )
        self.assertEqual(r.status_code, 201)
        self.assertEqual(r.json()["summary"]["endpoints"], 2)

    def test_it_refuses_nothing_usable_with_the_problems(self):
        r = self.client.post("/api/reviews", manifests.NOT_YAML, content_type="text/yaml")
        self.assertEqual(r.status_code, 400)
        data = r.json()
        self.assertIn("Nothing usable", data["error"])
        self.assertEqual(data["problems"][0]["file"], "upload.yaml")

    def test_it_refuses_an_empty_body(self):
        r = self.client.post("/api/reviews", "", content_type="application/yaml")
        self.assertEqual(r.status_code, 400)
        self.assertIn("Nothing was uploaded", r.json()["error"])

    def test_it_refuses_multipart_without_files(self):
        r = self.client.post("/api/reviews", {"title": "no files"})
        self.assertEqual(r.status_code, 400)
        self.assertIn("`files`", r.json()["error"])

    def test_it_refuses_an_unsupported_content_type(self):
        r = self.client.post("/api/reviews", b"\x00", content_type="image/png")
        self.assertEqual(r.status_code, 415)
        self.assertIn("Content-Type", r.json()["error"])

    def test_it_refuses_a_too_long_title(self):
        r = self.client.post(
            "/api/reviews?title=" + "x" * 201, manifests.PODS, content_type="text/plain"
        )
        self.assertEqual(r.status_code, 400)

    @override_settings(NETVIZ_MAX_UPLOAD_MB=1)
    def test_it_refuses_a_too_large_body_with_json(self):
        body = manifests.PODS + "#" + "x" * (3 * 1024 * 1024)
        r = self.client.post("/api/reviews", body, content_type="application/yaml")
        self.assertEqual(r.status_code, 413)
        self.assertIn("limit of 1 MB", r.json()["error"])

    def test_get_is_not_allowed(self):
        r = self.client.get("/api/reviews")
        self.assertEqual(r.status_code, 405)
        self.assertEqual(r.json(), {"error": "Use POST."})

    def test_it_needs_no_csrf_token(self):
        client = self.client_class(enforce_csrf_checks=True)
        r = client.post("/api/reviews", manifests.PODS, content_type="application/yaml")
        self.assertEqual(r.status_code, 201)


class AddRevisionApiTestCase(BaseTestCase):
    def url(self, token: str | None = None, query: str = "") -> str:
        return f"/api/reviews/{token or self.edit_token}/revisions{query}"

    def test_it_adds_a_revision_and_returns_the_diff_summary(self):
        r = self.client.post(self.url(), {"files": multipart(V2_FILES)})
        self.assertEqual(r.status_code, 201, r.content)
        data = r.json()
        self.assertEqual(data["revision"], 2)
        self.assertEqual(data["diff_url"], f"http://testserver/r/{self.view_token}/diff/1..2/")
        self.assertEqual(
            data["diff_json_url"], f"http://testserver/r/{self.view_token}/diff/1..2.json"
        )
        self.assertEqual(data["diff"]["connections_changed"], 1)
        self.assertEqual(data["diff"]["connections_removed"], 3)
        self.assertEqual(data["diff"]["policies_added"], 1)
        self.assertEqual(set(data["summary"]), SUMMARY_KEYS)

    def test_mode_add_merges_with_the_latest_files(self):
        r = self.client.post(
            self.url(query="?mode=add&name=policy.yaml"),
            manifests.POLICY_V2,
            content_type="application/yaml",
        )
        self.assertEqual(r.status_code, 201)
        names = [f.name for f in self.review.latest_revision().files.all()]
        self.assertEqual(names, ["namespace.yaml", "pods.yaml", "policy.yaml"])

    def test_an_unknown_mode_is_a_400(self):
        r = self.client.post(
            self.url(query="?mode=merge"), manifests.PODS, content_type="text/yaml"
        )
        self.assertEqual(r.status_code, 400)

    def test_the_view_token_cannot_add_a_revision(self):
        r = self.client.post(self.url(self.view_token), manifests.PODS, content_type="text/yaml")
        self.assertEqual(r.status_code, 404)
        self.assertEqual(r.json(), {"error": "No review has this edit token."})
        self.assertEqual(self.review.revisions.count(), 1)

    def test_a_stranger_gets_404(self):
        r = self.client.post(
            self.url(self.stranger_token), manifests.PODS, content_type="text/yaml"
        )
        self.assertEqual(r.status_code, 404)


@skipUnless(shutil.which("curl"), "needs curl")
class CurlTestCase(LiveServerTestCase):
    """The README's curl one-liners against a real server."""

    def curl(self, *args: str) -> dict:
        out = subprocess.run(
            ["curl", "-sS", "--fail-with-body", *args], check=True, capture_output=True, text=True
        )
        return json.loads(out.stdout)

    def test_the_readme_one_liners_work(self):
        with tempfile.TemporaryDirectory() as tmp:
            for name, content in V1_FILES:
                Path(tmp, name).write_text(content)
            Path(tmp, "v2.yaml").write_text(manifests.POLICY_V2)
            created = self.curl(
                *[f"-Ffiles=@{Path(tmp, n)}" for n, _c in V1_FILES],
                "-Ftitle=CI run",
                f"{self.live_server_url}/api/reviews",
            )
            self.assertEqual(created["summary"]["policies"], 1)
            edit_token = created["edit_url"].rstrip("/").rsplit("/", 1)[-1]
            added = self.curl(
                "-H",
                "Content-Type: application/yaml",
                "--data-binary",
                f"@{Path(tmp, 'v2.yaml')}",
                f"{self.live_server_url}/api/reviews/{edit_token}/revisions?mode=add&name=policy.yaml",
            )
        self.assertEqual(added["revision"], 2)
        self.assertEqual(added["diff"]["policies_added"], 1)
        review = self.curl(added["json_url"])
        self.assertEqual(review["title"], "CI run")
