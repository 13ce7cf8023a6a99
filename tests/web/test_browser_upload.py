"""The upload form in a real Chromium: drop files on the zone, submit, land on the new review."""

from __future__ import annotations

import os
import shutil

import pytest

from netviz.web.models import Review
from tests.web import manifests
from tests.web.base import V1_FILES

CHROMIUM = shutil.which("chromium")

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(CHROMIUM is None, reason="needs Debian chromium (make system-deps)"),
]

# Playwright's sync API runs an event loop in this thread; Django's ORM calls here are still
# synchronous, so tell Django not to refuse them.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

DROP = """
([zoneSelector, files]) => {
  const transfer = new DataTransfer();
  for (const [name, text] of files) transfer.items.add(new File([text], name));
  const zone = document.querySelector(zoneSelector);
  zone.dispatchEvent(new DragEvent("drop", {dataTransfer: transfer, bubbles: true}));
}
"""


@pytest.fixture
def page():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        yield browser.new_page()
        browser.close()


def test_dropped_files_are_listed_uploaded_and_land_on_the_review(live_server, page):
    page.goto(live_server.url + "/")
    page.fill("#id_title", "Dropped")
    page.evaluate(DROP, ["[data-dropzone]", [list(f) for f in V1_FILES]])
    chosen = page.locator("[data-testid=chosen-files] li")
    assert chosen.count() == 3
    assert chosen.first.inner_text().startswith("namespace.yaml")
    page.click("[data-testid=upload-submit]")
    page.wait_for_selector("[data-testid=created-notice]")
    assert "/e/" in page.url
    review = Review.objects.get()
    assert review.title == "Dropped"
    assert [f.name for f in review.latest_revision().files.all()] == [n for n, _c in V1_FILES]
    assert page.locator("[data-testid=view-url]").input_value().endswith(f"/r/{review.view_token}/")


def test_a_refused_paste_keeps_the_text_in_the_browser(live_server, page):
    page.goto(live_server.url + "/")
    page.fill("#id_text", manifests.NOT_YAML)
    page.click("[data-testid=upload-submit]")
    page.wait_for_selector("[data-testid=refused]")
    assert page.input_value("#id_text").strip() == manifests.NOT_YAML.strip()
