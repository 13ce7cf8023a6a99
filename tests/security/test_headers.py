"""Security headers on every response, CSRF on every form, and no inline script or style."""

from __future__ import annotations

import re
from pathlib import Path

from django.conf import settings
from django.test import override_settings

from netviz.web.middleware import CONTENT_SECURITY_POLICY
from tests.web.base import V1_FILES, BaseTestCase, multipart

TEMPLATES = Path(settings.BASE_DIR) / "templates"
EXPECTED_CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)
# An inline <script> (one without src), an event-handler attribute, or a style attribute/element.
INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*application/json)[^>]*>", re.I)
HANDLER = re.compile(r"<[^>]+\son[a-z]+\s*=", re.I)
STYLE = re.compile(r"<style\b|<[^>]+\sstyle\s*=", re.I)


class HeadersTestCase(BaseTestCase):
    def urls(self) -> list[str]:
        self.add_v2()
        return [
            "/",
            self.view_url(),
            self.view_url(".json"),
            self.view_url("/rev/1/"),
            self.view_url("/rev/1.json"),
            self.view_url("/rev/1/files/0/namespace.yaml"),
            self.view_url("/rev/1/connections.csv"),
            self.view_url("/diff/1..2/"),
            self.view_url("/diff/1..2.json"),
            self.edit_url(),
            self.edit_url(".json"),
            f"/r/{self.stranger_token}/",
            "/no/such/page",
        ]

    def test_the_policy_is_the_one_the_issue_asks_for(self):
        self.assertEqual(CONTENT_SECURITY_POLICY, EXPECTED_CSP)

    def test_every_response_carries_the_security_headers(self):
        for url in self.urls():
            r = self.client.get(url)
            self.assertIn(r.status_code, (200, 404), url)
            self.assertEqual(r["Content-Security-Policy"], EXPECTED_CSP, url)
            self.assertEqual(r["X-Content-Type-Options"], "nosniff", url)
            self.assertEqual(r["X-Frame-Options"], "DENY", url)

    def test_the_api_and_refusals_carry_them_too(self):
        responses = {
            "no-referrer": [
                self.client.post("/api/reviews", b"", content_type="application/yaml"),
                self.client.get("/api/reviews"),
            ],
            # The home page again, with its form: the user can fix and post again.
            "same-origin": [self.client.post("/", {"text": " "})],
        }
        for policy, group in responses.items():
            for r in group:
                self.assertGreaterEqual(r.status_code, 400)
                self.assertEqual(r["Content-Security-Policy"], EXPECTED_CSP)
                self.assertEqual(r["Referrer-Policy"], policy)

    def test_pages_without_a_post_form_send_no_referrer(self):
        for url in self.urls():
            if url in ("/", self.edit_url()):
                continue
            self.assertEqual(self.client.get(url)["Referrer-Policy"], "no-referrer", url)

    def test_pages_with_a_post_form_send_same_origin_so_csrf_sees_an_origin(self):
        for url in ("/", self.edit_url()):
            r = self.client.get(url)
            self.assertIn('method="post"', r.content.decode())
            self.assertEqual(r["Referrer-Policy"], "same-origin", url)
        refused = self.client.post(self.edit_url("/revisions"), {"text": "- just a list\n"})
        self.assertEqual(refused.status_code, 400)
        self.assertEqual(refused["Referrer-Policy"], "same-origin")

    def test_every_post_form_carries_a_csrf_token(self):
        for url in ("/", self.edit_url()):
            html = self.client.get(url).content.decode()
            forms = re.findall(r"<form\b[^>]*method=\"post\"[^>]*>.*?</form>", html, re.S | re.I)
            self.assertTrue(forms, url)
            for form in forms:
                self.assertIn('name="csrfmiddlewaretoken"', form, url)

    def test_every_form_post_without_the_csrf_token_is_refused(self):
        client = self.client_class(enforce_csrf_checks=True)
        posts = {
            "/": {"files": multipart(V1_FILES)},
            self.edit_url("/rename"): {"title": "forged"},
            self.edit_url("/revisions"): {"files": multipart(V1_FILES)},
            self.edit_url("/delete"): {"confirm": "on"},
        }
        for url, data in posts.items():
            self.assertEqual(client.post(url, data).status_code, 403, url)
        self.review.refresh_from_db()
        self.assertEqual(self.review.title, "Shop")
        self.assertEqual(self.review.revisions.count(), 1)

    def test_rendered_pages_have_no_inline_script_handler_or_style(self):
        for url in self.urls():
            html = self.client.get(url).getvalue().decode()
            for pattern in (INLINE_SCRIPT, HANDLER, STYLE):
                self.assertIsNone(pattern.search(html), f"{url}: {pattern.pattern}")


def test_templates_have_no_inline_script_handler_or_style():
    found = []
    for path in sorted(TEMPLATES.rglob("*.html")):
        text = path.read_text()
        for pattern in (INLINE_SCRIPT, HANDLER, STYLE):
            found += [
                f"{path.relative_to(TEMPLATES)}: {m.group(0)}" for m in pattern.finditer(text)
            ]
    assert found == []


@override_settings(CSRF_COOKIE_HTTPONLY=False)
class ApiCookiesTestCase(BaseTestCase):
    def test_the_api_sets_no_cookie_and_reads_none(self):
        # No session or auth app: a cookie can carry no authority to the API.
        self.assertFalse(
            {"django.contrib.sessions", "django.contrib.auth"} & set(settings.INSTALLED_APPS)
        )
        self.client.get("/")  # picks up the CSRF cookie, as a browser would
        self.assertIn("csrftoken", self.client.cookies)
        r = self.client.post(
            f"/api/reviews/{self.view_token}/revisions",
            V1_FILES[0][1],
            content_type="application/yaml",
        )
        self.assertEqual(r.status_code, 404)
        self.assertNotIn("Set-Cookie", r.headers)
        created = self.client.post("/api/reviews", V1_FILES[1][1], content_type="application/yaml")
        self.assertEqual(created.status_code, 201)
        self.assertNotIn("Set-Cookie", created.headers)
