"""The home page: upload through the real multipart form, and every kind of bad input."""

from __future__ import annotations

from django.test import TestCase, override_settings

from netviz.web.models import Review, UploadedFile
from tests.web import manifests
from tests.web.base import V1_FILES, multipart


class HomeTestCase(TestCase):
    def post(self, **data):
        return self.client.post("/", data)

    def test_it_shows_the_upload_form(self):
        r = self.client.get("/")
        self.assertContains(r, 'data-testid="upload-form"')
        self.assertContains(r, 'enctype="multipart/form-data"')
        self.assertContains(r, 'accept=".yaml,.yml,.json"')
        self.assertContains(r, "/static/js/upload.js")

    def test_it_creates_a_review_from_several_files_and_lands_on_it(self):
        r = self.post(title="Shop review", files=multipart(V1_FILES))
        review = Review.objects.get()
        self.assertEqual(review.title, "Shop review")
        self.assertEqual(r.status_code, 302)
        self.assertTrue(r["Location"].startswith("/e/"))
        self.assertTrue(r["Location"].endswith("/?created=1"))
        page = self.client.get(r["Location"])
        self.assertContains(page, 'data-testid="created-notice"')
        self.assertContains(page, f"/r/{review.view_token}/")
        names = list(UploadedFile.objects.values_list("name", flat=True))
        self.assertEqual(names, ["namespace.yaml", "pods.yaml", "policy.yaml"])

    def test_it_creates_a_review_from_pasted_yaml(self):
        r = self.post(text=manifests.PODS + "---\n" + manifests.POLICY_V1)
        self.assertEqual(r.status_code, 302)
        revision = Review.objects.get().latest_revision()
        self.assertEqual(revision.summary["endpoints"], 2)
        self.assertEqual(revision.summary["policies"], 1)
        self.assertEqual([f.name for f in revision.files.all()], ["pasted.yaml"])

    def test_it_keeps_valid_documents_and_reports_invalid_ones_with_file_doc_and_line(self):
        r = self.post(
            files=multipart([("pods.yaml", manifests.PODS), ("bad.yaml", manifests.BROKEN)])
        )
        self.assertEqual(r.status_code, 302)
        page = self.client.get(r["Location"])
        revision = Review.objects.get().latest_revision()
        errors = revision.report["errors"]
        self.assertTrue(errors)
        first = errors[0]
        self.assertEqual((first["file"], first["doc"]), ("bad.yaml", 1))
        self.assertGreater(first["line"], 0)
        self.assertContains(
            page,
            f'data-testid="problem" data-file="bad.yaml" data-doc="1" data-line="{first["line"]}"',
        )
        # The pods of both files still made it into the analysis.
        self.assertEqual(revision.summary["endpoints"], 3)
        self.assertContains(page, 'data-src="shop/web[Pod]" data-dst="shop/api[Pod]"')

    def test_it_refuses_an_upload_with_nothing_usable_and_keeps_the_pasted_text(self):
        r = self.post(title="oops", text=manifests.NOT_YAML)
        self.assertEqual(r.status_code, 400)
        self.assertContains(r, 'data-testid="refused"', status_code=400)
        self.assertContains(r, "Nothing usable", status_code=400)
        self.assertContains(r, 'data-file="pasted.yaml"', status_code=400)
        # The textarea still holds what was pasted (HTML-escaped).
        self.assertContains(r, "key: [unclosed", status_code=400)
        self.assertFalse(Review.objects.exists())

    def test_it_refuses_an_empty_submission(self):
        r = self.post(title="empty", text="   \n")
        self.assertEqual(r.status_code, 400)
        self.assertContains(r, "at least one file", status_code=400)
        self.assertFalse(Review.objects.exists())

    def test_it_keeps_an_empty_file_beside_usable_ones(self):
        r = self.post(files=multipart([("pods.yaml", manifests.PODS), ("empty.yaml", b"")]))
        self.assertEqual(r.status_code, 302)
        names = list(Review.objects.get().revisions.get().files.values_list("name", flat=True))
        self.assertEqual(sorted(names), ["empty.yaml", "pods.yaml"])

    def test_it_refuses_only_empty_files_and_names_them(self):
        r = self.post(files=multipart([("a.yaml", b""), ("b.yaml", b"")]))
        self.assertContains(r, "The submitted files are empty: a.yaml, b.yaml.", status_code=400)
        self.assertFalse(Review.objects.exists())

    def test_it_refuses_a_yaml_alias_bomb_with_a_clear_message(self):
        r = self.post(text=manifests.ALIAS_BOMB)
        self.assertEqual(r.status_code, 400)
        self.assertContains(r, "alias bomb", status_code=400)
        self.assertFalse(Review.objects.exists())

    def test_it_reports_an_alias_bomb_next_to_the_valid_files(self):
        r = self.post(
            files=multipart([("pods.yaml", manifests.PODS), ("bomb.yaml", manifests.ALIAS_BOMB)])
        )
        self.assertEqual(r.status_code, 302)
        errors = Review.objects.get().latest_revision().report["errors"]
        self.assertEqual([e["file"] for e in errors], ["bomb.yaml"])
        self.assertIn("alias bomb", errors[0]["message"])

    def test_it_refuses_too_deep_nesting_with_a_clear_message(self):
        r = self.post(text=manifests.DEEP)
        self.assertEqual(r.status_code, 400)
        self.assertContains(r, "levels deep", status_code=400)

    @override_settings(NETVIZ_MAX_DOCUMENTS=2)
    def test_it_reports_documents_over_the_limit(self):
        r = self.post(text=manifests.NAMESPACE + "---\n" + manifests.PODS)
        self.assertEqual(r.status_code, 302)
        errors = Review.objects.get().latest_revision().report["errors"]
        self.assertTrue(any("more than 2 documents" in e["message"] for e in errors))

    @override_settings(NETVIZ_MAX_UPLOAD_MB=1)
    def test_it_refuses_files_over_the_total_size_limit(self):
        big = manifests.PODS + "#" + "x" * (1024 * 1024) + "\n"
        r = self.post(files=multipart([("big.yaml", big)]))
        self.assertEqual(r.status_code, 413)
        self.assertContains(r, "the limit is 1 MB", status_code=413)
        self.assertFalse(Review.objects.exists())

    @override_settings(NETVIZ_MAX_UPLOAD_MB=1)
    def test_it_refuses_a_body_far_over_the_limit_before_reading_it(self):
        huge = "#" + "x" * (3 * 1024 * 1024) + "\n"
        r = self.post(files=multipart([("huge.yaml", huge)]))
        self.assertEqual(r.status_code, 413)
        self.assertContains(r, "limit of 1 MB", status_code=413)

    @override_settings(DATA_UPLOAD_MAX_MEMORY_SIZE=2048)
    def test_it_refuses_pasted_text_over_djangos_memory_limit_without_a_500(self):
        r = self.post(text=manifests.PODS + "#" + "x" * 4096 + "\n")
        self.assertEqual(r.status_code, 413)
        self.assertContains(r, "larger than the limit", status_code=413)

    @override_settings(DATA_UPLOAD_MAX_NUMBER_FILES=2)
    def test_it_refuses_too_many_files_without_a_500(self):
        r = self.post(files=multipart(V1_FILES))
        self.assertEqual(r.status_code, 400)
        self.assertContains(r, "Too many files", status_code=400)

    def test_it_rejects_a_post_without_the_csrf_token(self):
        client = self.client_class(enforce_csrf_checks=True)
        r = client.post("/", {"text": manifests.PODS})
        self.assertEqual(r.status_code, 403)
        self.assertFalse(Review.objects.exists())

    def test_there_is_no_page_listing_reviews(self):
        self.post(files=multipart(V1_FILES))
        for path in ("/r/", "/e/", "/api/reviews/", "/r"):
            self.assertEqual(self.client.get(path).status_code, 404, path)
