"""gzip on pages, JSON and static files (never on pages with a POST form), and HTTP caching of a
revision's immutable data (ETag, `immutable`, 304)."""

from __future__ import annotations

import gzip

from tests.web.base import BaseTestCase

GZIP = {"accept-encoding": "gzip, deflate, br"}


class CompressionTestCase(BaseTestCase):
    def test_review_pages_and_their_json_are_gzipped_when_asked(self):
        for url in (self.view_url(), self.view_url(".json"), self.view_url("/rev/1/")):
            plain = self.client.get(url)
            zipped = self.client.get(url, headers=GZIP)
            self.assertEqual(zipped["Content-Encoding"], "gzip", url)
            self.assertIn("Accept-Encoding", zipped["Vary"])
            self.assertNotIn("Content-Encoding", plain)
            # The page carries nothing per request (no CSRF token), so both are the same text.
            self.assertEqual(gzip.decompress(zipped.content), plain.content, url)

    def test_pages_with_a_post_form_are_never_compressed(self):
        # They carry a CSRF token (and the edit page its edit link): no BREACH oracle.
        for url in ("/", self.edit_url()):
            r = self.client.get(url, headers=GZIP)
            self.assertEqual(r.status_code, 200, url)
            self.assertNotIn("Content-Encoding", r, url)
            self.assertIn('name="csrfmiddlewaretoken"', r.content.decode(), url)

    def test_static_files_are_gzipped(self):
        r = self.client.get("/static/js/matrix.js", headers=GZIP)
        self.assertEqual(r.status_code, 200)
        self.assertEqual(r["Content-Encoding"], "gzip")
        self.assertIn(b"export", gzip.decompress(b"".join(r.streaming_content)))


class RevisionCachingTestCase(BaseTestCase):
    def test_an_export_is_immutable_with_an_etag_and_answers_304(self):
        url = self.view_url("/rev/1/connections.csv")
        first = self.client.get(url)
        self.assertEqual(first["Cache-Control"], "private, max-age=31536000, immutable")
        etag = first["ETag"]
        self.assertTrue(etag.startswith('"') and etag.endswith('"'))
        again = self.client.get(url, headers={"if-none-match": etag})
        self.assertEqual(again.status_code, 304)
        self.assertEqual(again["ETag"], etag)
        self.assertEqual(again.content, b"")
        other = self.client.get(url, headers={"if-none-match": '"something-else"'})
        self.assertEqual(other.status_code, 200)

    def test_the_gzip_and_plain_exports_have_different_etags(self):
        url = self.view_url("/rev/1/connections.json")
        plain = self.client.get(url)
        zipped = self.client.get(url, headers=GZIP)
        self.assertNotEqual(plain["ETag"], zipped["ETag"])
        self.assertIn("Accept-Encoding", zipped["Vary"])
        self.assertEqual(gzip.decompress(zipped.getvalue()), plain.getvalue())

    def test_an_original_file_is_immutable_and_tagged_by_its_checksum(self):
        url = self.view_url("/rev/1/files/1/pods.yaml")
        first = self.client.get(url)
        sha = self.revision.files.get(position=1).sha256
        self.assertEqual(first["ETag"], f'"{sha}"')
        self.assertIn("immutable", first["Cache-Control"])
        self.assertEqual(
            self.client.get(url, headers={"if-none-match": f'"{sha}"'}).status_code, 304
        )

    def test_the_latest_page_is_not_cached_as_immutable(self):
        # It follows later revisions, so it must be asked again.
        r = self.client.get(self.view_url())
        self.assertNotIn("immutable", r.get("Cache-Control", ""))
