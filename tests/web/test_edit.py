"""The edit page /e/<edit-token>/: new revisions, renaming, deleting; only with the edit link."""

from __future__ import annotations

from netviz.web.models import Review, Revision, UploadedFile
from tests.web import manifests
from tests.web.base import V2_FILES, BaseTestCase, multipart


class EditTestCase(BaseTestCase):
    def test_it_shows_the_owner_both_links_and_the_controls(self):
        r = self.client.get(self.edit_url())
        self.assertContains(r, 'data-testid="edit-panel"')
        self.assertContains(r, f"http://testserver/e/{self.edit_token}/")
        self.assertContains(r, f"http://testserver/r/{self.view_token}/")
        self.assertContains(r, 'data-testid="revision-form"')
        self.assertNotContains(r, 'data-testid="created-notice"')

    def test_its_json_twin_includes_the_edit_url(self):
        data = self.client.get(self.edit_url(".json")).json()
        self.assertEqual(data["edit_url"], f"http://testserver/e/{self.edit_token}/")

    def test_the_view_link_cannot_open_the_edit_page(self):
        self.assertEqual(self.client.get(f"/e/{self.view_token}/").status_code, 404)
        self.assertEqual(self.client.get(f"/e/{self.stranger_token}/").status_code, 404)

    def test_the_view_link_cannot_rename_upload_or_delete(self):
        token = self.view_token
        self.assertEqual(self.client.post(f"/e/{token}/rename", {"title": "x"}).status_code, 404)
        r = self.client.post(f"/e/{token}/revisions", {"text": manifests.PODS, "mode": "replace"})
        self.assertEqual(r.status_code, 404)
        self.assertEqual(self.client.post(f"/e/{token}/delete", {"confirm": "on"}).status_code, 404)
        self.review.refresh_from_db()
        self.assertEqual(self.review.title, "Shop")
        self.assertEqual(self.review.revisions.count(), 1)

    def test_it_renames(self):
        r = self.client.post(self.edit_url("/rename"), {"title": "  Shop, take two "})
        self.assertRedirects(r, self.edit_url(), fetch_redirect_response=False)
        self.review.refresh_from_db()
        self.assertEqual(self.review.title, "Shop, take two")

    def test_it_uploads_a_revision_that_replaces_the_files_and_shows_the_diff(self):
        r = self.client.post(
            self.edit_url("/revisions"), {"mode": "replace", "files": multipart(V2_FILES)}
        )
        self.assertRedirects(r, f"/r/{self.view_token}/diff/1..2/", fetch_redirect_response=False)
        latest = self.review.latest_revision()
        self.assertEqual(latest.number, 2)
        self.assertEqual(latest.summary["policies"], 2)

    def test_it_uploads_a_revision_that_adds_files(self):
        self.client.post(
            self.edit_url("/revisions"),
            {"mode": "add", "files": multipart([("policy.yaml", manifests.POLICY_V2)])},
        )
        latest = self.review.latest_revision()
        # Same name replaces, the rest is kept in order.
        self.assertEqual(
            [f.name for f in latest.files.all()], ["namespace.yaml", "pods.yaml", "policy.yaml"]
        )
        self.assertEqual(
            bytes(latest.files.get(name="policy.yaml").content), manifests.POLICY_V2.encode()
        )
        self.assertEqual(latest.summary["policies"], 2)

    def test_a_revision_with_nothing_usable_is_refused_and_keeps_the_text(self):
        r = self.client.post(
            self.edit_url("/revisions"), {"mode": "replace", "text": manifests.NOT_YAML}
        )
        self.assertContains(r, 'data-testid="refused"', status_code=400)
        self.assertContains(r, "key: [unclosed", status_code=400)
        self.assertEqual(self.review.revisions.count(), 1)

    def test_delete_needs_confirmation(self):
        r = self.client.post(self.edit_url("/delete"), {})
        self.assertEqual(r.status_code, 400)
        self.assertTrue(Review.objects.filter(pk=self.review.pk).exists())

    def test_it_deletes_the_review_with_its_revisions_and_files(self):
        self.add_v2()
        r = self.client.post(self.edit_url("/delete"), {"confirm": "on"})
        self.assertRedirects(r, "/?deleted=1")
        self.assertFalse(Review.objects.exists())
        self.assertFalse(Revision.objects.exists())
        self.assertFalse(UploadedFile.objects.exists())
        self.assertEqual(self.client.get(self.view_url()).status_code, 404)
        self.assertEqual(self.client.get(self.edit_url()).status_code, 404)

    def test_the_edit_token_is_not_stored(self):
        stored = Review.objects.filter(pk=self.review.pk).values().get()
        self.assertNotIn(self.edit_token, str(stored))
