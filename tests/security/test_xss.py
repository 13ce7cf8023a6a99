"""User data (titles, file names, labels, annotations) is escaped on every page and in the JSON
embedded in pages; the JSON twins carry it verbatim."""

from __future__ import annotations

import json
import re

from django.urls import reverse

from netviz.web import links
from netviz.web.models import Review
from tests.web.base import BaseTestCase, multipart

PAYLOAD = "</script><script>alert(1)</script>"
IMG = '"><img src=x onerror=alert(2)>'
# As markup; escaped text (&lt;img ...) and URL-encoded links are harmless and expected.
DANGEROUS = ["<script>alert(", "</script><script>", "<img"]
SCRIPT_TAG = re.compile(r"<script\b([^>]*)>(.*?)</script>", re.S | re.I)

MANIFESTS = f"""\
apiVersion: v1
kind: Pod
metadata:
  name: web
  namespace: shop
  labels: {{app: web}}
  annotations: {{note: '{PAYLOAD}', other: '{IMG}'}}
spec:
  containers: [{{name: web, image: nginx, ports: [{{containerPort: 80}}]}}]
---
apiVersion: v1
kind: Pod
metadata:
  name: evil
  namespace: shop
  labels: {{app: '{PAYLOAD}'}}
spec:
  containers: [{{name: c, image: x}}]
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: web-in
  namespace: shop
  annotations: {{note: '{PAYLOAD}'}}
spec:
  podSelector: {{matchLabels: {{app: web}}}}
  ingress:
    - from: [{{podSelector: {{}}}}]
      ports: [{{port: 80}}]
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: bad-in
  namespace: shop
spec:
  podSelector: {{}}
  ingress:
    - from: [{{podSelector: {{matchLabels: {{app: '{PAYLOAD}'}}}}}}]
"""


class XssTestCase(BaseTestCase):
    def setUp(self) -> None:
        super().setUp()
        files = [(f"{IMG}.yaml", MANIFESTS)]
        r = self.client.post("/", {"title": PAYLOAD, "files": multipart(files)})
        self.assertEqual(r.status_code, 302)
        self.evil_edit = r["Location"].split("?")[0]
        self.evil = Review.objects.get(title=PAYLOAD)
        second = {"files": multipart(files), "mode": "replace"}
        self.assertEqual(self.client.post(self.evil_edit + "revisions", second).status_code, 302)
        self.token = self.evil.view_token

    def pages(self) -> list[str]:
        t = self.token
        urls = [
            self.evil_edit,
            f"/r/{t}/",
            f"/r/{t}/rev/1/",
            f"/r/{t}/rev/1/?q={PAYLOAD}",
            f"/r/{t}/diff/1..2/",
        ]
        urls.append(reverse("netviz-policies", args=[t, 1]))
        urls.append(links.edge(self.evil, None, "shop/web[Pod]", "shop/web[Pod]"))
        return urls

    def test_the_payload_is_stored_and_reported_as_given(self):
        data = self.client.get(f"/r/{self.token}.json").json()
        self.assertEqual(data["title"], PAYLOAD)
        self.assertEqual(data["files"][0]["name"], f"{IMG}.yaml")
        messages = [p["message"] for p in data["errors"]]
        self.assertTrue(any(PAYLOAD in m for m in messages), messages)

    def test_no_page_carries_the_payload_as_markup(self):
        for url in self.pages():
            r = self.client.get(url)
            self.assertEqual(r.status_code, 200, url)
            html = r.content.decode()
            for needle in DANGEROUS:
                self.assertNotIn(needle, html, url)

    def test_embedded_json_is_escaped_and_still_parses(self):
        embedded = 0
        for url in self.pages():
            html = self.client.get(url).content.decode()
            for attrs, body in SCRIPT_TAG.findall(html):
                if "src=" in attrs:
                    self.assertEqual(body.strip(), "", url)
                    continue
                self.assertIn('type="application/json"', attrs, url)
                self.assertNotIn("<", body, url)
                json.loads(body)
                embedded += 1
        # The review page embeds its data; without any, this test would prove nothing.
        self.assertGreater(embedded, 0)

    def test_downloads_name_the_file_safely(self):
        r = self.client.get(f"/r/{self.token}/rev/1/files/0/x.yaml")
        self.assertEqual(r.status_code, 200)
        # An attachment of opaque bytes, never rendered: the name is only quoted.
        self.assertEqual(
            r["Content-Disposition"], 'attachment; filename="\\"><img src=x onerror=alert(2)>.yaml"'
        )
        self.assertEqual(r["Content-Type"], "application/octet-stream")
        self.assertEqual(r["X-Content-Type-Options"], "nosniff")
