"""Downloads: original files byte-identical to the upload, connectivity in the CLI's formats."""

from __future__ import annotations

import hashlib
import json

from netviz.engine import Evaluator
from netviz.formats import analysis_to_json, render_connections
from netviz.k8s import load_texts
from netviz.web.models import Review
from tests.web import manifests
from tests.web.base import V1_FILES, BaseTestCase, multipart

# A BOM, CRLF line ends, a tab, trailing spaces, non-ASCII and a byte that is not UTF-8 at all.
ODD_BYTES = (
    b"\xef\xbb\xbf"
    + manifests.PODS.replace("\n", "\r\n").encode()
    + b"# caf\xc3\xa9 \t  \r\n# \xff\r\n"
)


class DownloadsTestCase(BaseTestCase):
    def test_it_returns_uploaded_files_byte_for_byte(self):
        files = [("odd pods.yaml", ODD_BYTES), ("policy.yaml", manifests.POLICY_V1)]
        r = self.client.post("/", {"files": multipart(files)})
        self.assertEqual(r.status_code, 302)
        review = Review.objects.exclude(pk=self.review.pk).get()
        data = self.client.get(f"/r/{review.view_token}.json").json()
        self.assertEqual([f["name"] for f in data["files"]], ["odd pods.yaml", "policy.yaml"])
        for (name, content), listed in zip(files, data["files"], strict=True):
            raw = content if isinstance(content, bytes) else content.encode()
            response = self.client.get(listed["url"])
            self.assertEqual(response.status_code, 200)
            self.assertEqual(response.content, raw, name)
            self.assertEqual(listed["sha256"], hashlib.sha256(raw).hexdigest())
            self.assertIn("attachment", response["Content-Disposition"])
            self.assertEqual(response["Content-Type"], "application/octet-stream")

    def test_file_names_lose_directories_and_names_a_link_cannot_carry(self):
        from netviz.web.services import clean_name

        self.assertEqual(clean_name("C:\\k8s\\pods.yaml", "f"), "pods.yaml")
        self.assertEqual(clean_name("../../etc/passwd", "f"), "passwd")
        self.assertEqual(clean_name("..", "file-1.yaml"), "file-1.yaml")
        self.assertEqual(clean_name("a\tb\n.yaml", "f"), "ab.yaml")

    def test_the_page_links_each_original_file(self):
        r = self.client.get(self.view_url())
        self.assertContains(r, f'href="/r/{self.view_token}/rev/1/files/1/pods.yaml"')

    def test_exports_match_the_cli_formatters(self):
        cluster = load_texts([(n, c.encode()) for n, c in V1_FILES])
        analysis = Evaluator(cluster).analysis()
        for fmt, content_type in (
            ("json", "application/json"),
            ("csv", "text/csv; charset=utf-8"),
            ("md", "text/markdown; charset=utf-8"),
            ("dot", "text/vnd.graphviz; charset=utf-8"),
            ("text", "text/plain; charset=utf-8"),
        ):
            r = self.client.get(self.view_url(f"/rev/1/connections.{fmt}"))
            self.assertEqual(r.status_code, 200, fmt)
            self.assertEqual(r["Content-Type"], content_type)
            expected = render_connections(analysis, cluster.problems, fmt)
            self.assertEqual(r.getvalue().decode(), expected, fmt)
        ext = self.client.get(self.view_url("/rev/1/connections.text"))["Content-Disposition"]
        self.assertIn('filename="shop-rev1.txt"', ext)

    def test_the_json_export_is_the_analysis_as_json(self):
        r = self.client.get(self.view_url("/rev/1/connections.json"))
        cluster = load_texts([(n, c.encode()) for n, c in V1_FILES])
        expected = analysis_to_json(Evaluator(cluster).analysis(), cluster.problems)
        self.assertEqual(json.loads(r.getvalue()), expected)

    def test_unknown_files_and_formats_are_404(self):
        self.assertEqual(self.client.get(self.view_url("/rev/1/files/9/x.yaml")).status_code, 404)
        self.assertEqual(self.client.get(self.view_url("/rev/1/connections.pdf")).status_code, 404)
        self.assertEqual(self.client.get(self.view_url("/rev/2/connections.csv")).status_code, 404)

    def test_downloads_are_404_for_a_stranger(self):
        token = self.stranger_token
        self.assertEqual(
            self.client.get(f"/r/{token}/rev/1/files/0/namespace.yaml").status_code, 404
        )
        self.assertEqual(self.client.get(f"/r/{token}/rev/1/connections.csv").status_code, 404)
