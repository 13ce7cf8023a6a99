"""Generate least privilege in the browser on a review with an admin policy: a connection an
admin Accept decides stays allowed when unticked, and the panel says so with the deciding rule."""

from __future__ import annotations

import pytest
import yaml

from netviz.web.services import create_review
from tests.browser.base import BrowserTestCase
from tests.generate.test_tiered import GUARD, PODS, PROM, WEB
from tests.web.base import uploads


@pytest.mark.browser
class GenerateTieredPageTestCase(BrowserTestCase):
    def setUp(self) -> None:
        super().setUp()
        files = [
            ("pods.yaml", yaml.safe_dump_all(list(PODS), sort_keys=False)),
            ("guard.yaml", GUARD.lstrip()),
        ]
        review, _rev, _edit = create_review("Guarded", uploads(files))
        self.page.goto(f"{self.live_server_url}/r/{review.view_token}/")
        self.page.wait_for_selector("[data-testid=draft][data-ready=true]", state="attached")

    def test_an_unticked_pair_an_admin_accept_decides_is_listed_as_staying_allowed(self) -> None:
        self.page.locator("[data-testid=generate-open]").click()
        self.page.locator("[data-testid=generate-ns]").select_option("shop")
        self.page.locator("[data-testid=generate-run]").click()
        check = self.page.locator("[data-testid=generate-check]")
        check.wait_for()
        self.assertEqual(self.page.locator("[data-testid=generate-stays-allowed]").count(), 0)
        row = self.page.locator(
            f'[data-testid=generate-connection][data-src="{PROM}"][data-dst="{WEB}"]'
        )
        row.locator("input").uncheck()
        kept = int(check.get_attribute("data-kept"))
        self.page.locator("[data-testid=generate-again]").click()
        self.page.wait_for_function(
            """(n) => { const c = document.querySelector("[data-testid=generate-check]");
                return c && Number(c.dataset.kept) === n - 1; }""",
            arg=kept,
        )
        self.assertEqual(check.get_attribute("data-exact"), "true")
        self.assertIn(
            "plus the 1 connection below that no NetworkPolicy can remove", check.inner_text()
        )
        stays = self.page.locator("[data-testid=generate-stays-allowed] li")
        self.assertEqual(stays.count(), 1)
        text = stays.first.inner_text()
        self.assertIn("monitoring/prom", text)
        self.assertIn("guard", text)
