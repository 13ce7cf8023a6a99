"""A live server plus Debian's Chromium through Playwright; a missing Chromium fails, never skips."""

from __future__ import annotations

import os
import shutil

from django.contrib.staticfiles.testing import StaticLiveServerTestCase

# Playwright's sync API runs an event loop in this thread; Django's ORM calls stay synchronous.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def launch(playwright):
    if not os.path.exists(CHROMIUM):
        raise RuntimeError("Chromium is missing: `make system-deps` installs Debian's chromium")
    return playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)


class ChromiumTestCase(StaticLiveServerTestCase):
    """A live server and one Chromium (`cls.browser`) for the class."""

    @classmethod
    def setUpClass(cls) -> None:
        super().setUpClass()
        from playwright.sync_api import sync_playwright

        cls.playwright = sync_playwright().start()
        cls.browser = launch(cls.playwright)

    @classmethod
    def tearDownClass(cls) -> None:
        cls.browser.close()
        cls.playwright.stop()
        super().tearDownClass()


class BrowserTestCase(ChromiumTestCase):
    """A fresh page per test; a page dialog (alert), JS error or CSP refusal fails the test."""

    def setUp(self) -> None:
        self.context = self.browser.new_context(viewport={"width": 1400, "height": 1000})
        self.addCleanup(self.context.close)
        self.page = self.context.new_page()
        self.dialogs: list[str] = []
        self.page.on("dialog", lambda d: (self.dialogs.append(d.message), d.dismiss()))
        self.errors: list[str] = []
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))
        # The Content-Security-Policy refuses inline script and style: a refusal is a bug here.
        self.page.on(
            "console",
            lambda m: (
                self.errors.append(m.text)
                if m.type == "error" and "Content Security Policy" in m.text
                else None
            ),
        )

    def tearDown(self) -> None:
        self.assertEqual(self.dialogs, [], "a dialog opened: user data ran as script")
        self.assertEqual(self.errors, [], "the page raised a JavaScript error")
