"""In a real Chromium: no page breaks its Content-Security-Policy, forms still pass CSRF, and pages
without a form send no Referer even to this site."""

from __future__ import annotations

import pytest

from netviz.web.models import Review
from netviz.web.services import create_review
from tests.browser.base import ChromiumTestCase
from tests.web.base import V1_FILES, uploads

# Collects every CSP violation the page reports, from before its first script runs.
LISTEN = """
window.__violations = [];
document.addEventListener("securitypolicyviolation", (e) => {
  window.__violations.push(`${e.violatedDirective} ${e.blockedURI} ${e.sourceFile}:${e.lineNumber}`);
});
"""


@pytest.mark.browser
class BrowserSecurityTestCase(ChromiumTestCase):
    def setUp(self) -> None:
        self.page = self.browser.new_page()
        self.addCleanup(self.page.close)
        self.page.add_init_script(LISTEN)
        self.console: list[str] = []
        self.page.on("console", lambda m: self.console.append(m.text))
        self.review, _rev, self.edit_token = create_review("Shop", uploads(V1_FILES))

    def visit(self, path: str) -> None:
        self.page.goto(self.live_server_url + path)
        self.page.wait_for_load_state("networkidle")

    def assert_no_violation(self, path: str) -> None:
        violations = self.page.evaluate("window.__violations")
        blocked = [m for m in self.console if "Content Security Policy" in m]
        self.assertEqual((violations, blocked), ([], []), path)

    def test_no_page_breaks_the_content_security_policy(self):
        token = self.review.view_token
        for path in ("/", f"/r/{token}/", f"/r/{token}/rev/1/policies/", f"/e/{self.edit_token}/"):
            self.visit(path)
            for tab in self.page.locator("[role=tab]").all():
                if tab.is_visible():
                    tab.click()
            self.page.wait_for_load_state("networkidle")
            self.assert_no_violation(path)

    def test_a_form_on_the_edit_page_passes_csrf(self):
        self.visit(f"/e/{self.edit_token}/")
        self.page.click("summary:has-text('Rename')")
        self.page.fill("[data-testid=rename-form] input[name=title]", "Renamed in a browser")
        self.page.click("[data-testid=rename-form] button[type=submit]")
        self.page.wait_for_selector("[data-testid=review-title]:has-text('Renamed in a browser')")
        self.assertEqual(Review.objects.get().title, "Renamed in a browser")

    def test_a_review_page_sends_no_referer_when_a_link_is_followed(self):
        referers: list[str | None] = []
        self.page.on(
            "request",
            lambda req: (
                referers.append(req.headers.get("referer")) if req.url.endswith(".json") else None
            ),
        )
        self.visit(f"/r/{self.review.view_token}/")
        self.page.click("[data-testid=json-link]")
        self.page.wait_for_load_state("networkidle")
        self.assertEqual(referers, [None])
