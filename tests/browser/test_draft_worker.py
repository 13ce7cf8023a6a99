"""In Chromium: a big review's draft (NETVIZ_DRAFT_BACKGROUND_ENDPOINTS) is evaluated by the real
task worker; the page says so while it waits, then draws the same changes as for a small review."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.test import override_settings

from tests.browser.test_draft_ui import DraftPage


@pytest.mark.browser
@override_settings(NETVIZ_DRAFT_BACKGROUND_ENDPOINTS=0)
class DraftWorkerTestCase(DraftPage):
    def test_the_page_waits_for_the_worker_then_shows_the_drafts_changes(self) -> None:
        self.open(self.view_url)
        self.edit_policy("shop/frontend")
        n = self.evaluations()
        self.type_over("port: 8080", "port: 8081")
        status = self.page.locator("[data-draft-status]")
        self.page.wait_for_function(
            """() => document.querySelector("[data-draft-status]").textContent
                 .includes("task worker")"""
        )
        self.assertEqual(
            self.page.locator("[data-testid=draft]").get_attribute("data-state"), "evaluating"
        )
        self.page.wait_for_timeout(500)
        self.assertEqual(self.evaluations(), n)  # nothing is drawn before the worker answers
        call_command("db_worker", "--batch", "--no-startup-delay", "--interval", "0", verbosity=0)
        self.wait_evaluated(n)
        result = self.page.evaluate("window.netviz.draft.result")
        self.assertEqual(result["errors"], [])
        changed = result["diff"]["connections"]
        self.assertTrue(changed["removed"] or changed["changed"])
        self.assertNotIn("task worker", status.inner_text())
        counts = self.counts()
        total = sum(len(changed[k]) for k in ("added", "removed", "changed"))
        self.assertEqual(sum(int(c[1:]) for c in counts), total)
        self.assertEqual(self.page.locator("[data-testid=draft-change]").count(), total)
