"""In Chromium: the progress page polls the state and opens the analysed review by itself."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.test import override_settings

from netviz.web.services import create_review
from tests.browser.base import ChromiumTestCase
from tests.security.test_browser import LISTEN
from tests.web.base import V1_FILES, uploads


@pytest.mark.browser
@override_settings(NETVIZ_BACKGROUND_KB=0)
class ProgressPageTestCase(ChromiumTestCase):
    def test_the_page_waits_then_opens_the_review_once_the_worker_is_done(self):
        _review, revision, edit_token = create_review("Later", uploads(V1_FILES))
        self.assertEqual(revision.state, "pending")
        page = self.browser.new_page()
        self.addCleanup(page.close)
        page.add_init_script(LISTEN)
        page.goto(f"{self.live_server_url}/e/{edit_token}/")
        page.wait_for_selector("[data-testid=progress][data-state=pending]")
        self.assertTrue(page.locator("[data-testid=progress-bar]").is_visible())
        call_command("db_worker", "--batch", "--no-startup-delay", "--interval", "0", verbosity=0)
        page.wait_for_selector("[data-testid=edit-panel]", timeout=20_000)
        self.assertEqual(page.evaluate("window.__violations"), [])
