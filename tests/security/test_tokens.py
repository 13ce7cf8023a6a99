"""Tokens: a wrong token and a deleted one look the same; deleting a review deletes its files."""

from __future__ import annotations

from django.db import connection
from django.test.utils import CaptureQueriesContext

from netviz.web.models import Export, Review, Revision, UploadedFile, hash_token
from netviz.web.services import create_review
from tests.web.base import V1_FILES, BaseTestCase, uploads

# Headers that differ between any two responses, whatever their cause.
VOLATILE = {"Date"}


class TokensTestCase(BaseTestCase):
    def answer(self, method: str, url: str, **kwargs) -> tuple:
        """Status, headers, body and the SQL run: everything an outsider could compare."""
        with CaptureQueriesContext(connection) as queries:
            r = getattr(self.client, method)(url, **kwargs)
        headers = {k: v for k, v in r.headers.items() if k not in VOLATILE}
        shapes = [q["sql"].replace(self.view_token, "?") for q in queries.captured_queries]
        return r.status_code, headers, r.content, len(shapes)

    def requests(self, view: str, edit: str) -> list[tuple[str, str, dict]]:
        body = {"data": V1_FILES[0][1], "content_type": "application/yaml"}
        return [
            ("get", f"/r/{view}/", {}),
            ("get", f"/r/{view}.json", {}),
            ("get", f"/r/{view}/rev/1/", {}),
            ("get", f"/r/{view}/rev/1/files/0/namespace.yaml", {}),
            ("get", f"/e/{edit}/", {}),
            ("get", f"/e/{edit}.json", {}),
            ("post", f"/e/{edit}/rename", {"data": {"title": "x"}}),
            ("post", f"/api/reviews/{edit}/revisions", body),
        ]

    def test_a_deleted_review_answers_exactly_as_a_token_that_never_existed(self):
        view, edit = self.view_token, self.edit_token
        self.assertEqual(
            self.client.post(self.edit_url("/delete"), {"confirm": "on"}).status_code, 302
        )
        # Another review, so that lookups are not answered by an empty table.
        create_review("other", uploads(V1_FILES))
        never_view, never_edit = self.stranger_token, self.stranger_token[::-1]
        deleted = self.requests(view, edit)
        never = self.requests(never_view, never_edit)
        for (method, url, kwargs), (_m, never_url, never_kwargs) in zip(
            deleted, never, strict=True
        ):
            a = self.answer(method, url, **kwargs)
            b = self.answer(method, never_url, **never_kwargs)
            self.assertEqual(a[0], 404, url)
            self.assertEqual(a, b, url)

    def test_deleting_a_review_deletes_its_files_revisions_and_exports(self):
        self.add_v2()
        other, _rev, _token = create_review("other", uploads(V1_FILES))
        pk = self.review.pk
        self.client.post(self.edit_url("/delete"), {"confirm": "on"})
        self.assertFalse(Review.objects.filter(pk=pk).exists())
        self.assertFalse(Revision.objects.filter(review_id=pk).exists())
        self.assertFalse(UploadedFile.objects.filter(revision__review_id=pk).exists())
        self.assertFalse(Export.objects.filter(revision__review_id=pk).exists())
        # Rows of other reviews are untouched, and no orphan is left behind.
        self.assertEqual(UploadedFile.objects.count(), len(V1_FILES))
        self.assertEqual(set(Revision.objects.values_list("review_id", flat=True)), {other.pk})
        file_url = self.view_url("/rev/1/files/0/namespace.yaml")
        self.assertEqual(self.client.get(file_url).status_code, 404)

    def test_no_query_compares_a_token_itself_only_its_hash(self):
        for url, token in ((self.view_url(), self.view_token), (self.edit_url(), self.edit_token)):
            with CaptureQueriesContext(connection) as queries:
                self.assertEqual(self.client.get(url).status_code, 200)
            sql = " ".join(q["sql"] for q in queries.captured_queries)
            self.assertNotIn(token, sql, url)
            self.assertIn(hash_token(token), sql, url)

    def test_the_edit_token_is_kept_only_as_its_hash(self):
        row = Review.objects.filter(pk=self.review.pk).values().get()
        self.assertNotIn(self.edit_token, str(row))
        self.assertEqual(row["edit_token_hash"], hash_token(self.edit_token))

    def test_a_view_token_never_opens_the_edit_page_or_the_api(self):
        self.assertEqual(self.client.get(f"/e/{self.view_token}/").status_code, 404)
        r = self.client.post(
            f"/api/reviews/{self.view_token}/revisions",
            V1_FILES[0][1],
            content_type="application/yaml",
        )
        self.assertEqual(r.status_code, 404)
