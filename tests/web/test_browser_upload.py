"""The upload form in a real Chromium: drop files on the zone, submit, land on the new review."""

from __future__ import annotations

import pytest

from netviz.web.models import Review
from tests.browser.base import ChromiumTestCase
from tests.web import manifests
from tests.web.base import V1_FILES

DROP = """
([zoneSelector, files]) => {
  const transfer = new DataTransfer();
  for (const [name, text] of files) transfer.items.add(new File([text], name));
  const zone = document.querySelector(zoneSelector);
  zone.dispatchEvent(new DragEvent("drop", {dataTransfer: transfer, bubbles: true}));
}
"""


@pytest.mark.browser
class BrowserUploadTestCase(ChromiumTestCase):
    def setUp(self) -> None:
        self.page = self.browser.new_page()
        self.addCleanup(self.page.close)

    def test_dropped_files_are_listed_uploaded_and_land_on_the_review(self):
        page = self.page
        page.goto(self.live_server_url + "/")
        page.fill("#id_title", "Dropped")
        page.evaluate(DROP, ["[data-dropzone]", [list(f) for f in V1_FILES]])
        chosen = page.locator("[data-testid=chosen-files] li")
        self.assertEqual(chosen.count(), 3)
        self.assertTrue(chosen.first.inner_text().startswith("namespace.yaml"))
        page.click("[data-testid=upload-submit]")
        page.wait_for_selector("[data-testid=created-notice]")
        self.assertIn("/e/", page.url)
        review = Review.objects.get()
        self.assertEqual(review.title, "Dropped")
        names = [f.name for f in review.latest_revision().files.all()]
        self.assertEqual(names, [n for n, _c in V1_FILES])
        view_url = page.locator("[data-testid=view-url]").input_value()
        self.assertTrue(view_url.endswith(f"/r/{review.view_token}/"))

    def test_a_refused_paste_keeps_the_text_in_the_browser(self):
        page = self.page
        page.goto(self.live_server_url + "/")
        page.fill("#id_text", manifests.NOT_YAML)
        page.click("[data-testid=upload-submit]")
        page.wait_for_selector("[data-testid=refused]")
        self.assertEqual(page.input_value("#id_text").strip(), manifests.NOT_YAML.strip())

    def test_the_owner_uploads_a_revision_from_the_edit_page(self):
        page = self.page
        page.goto(self.live_server_url + "/")
        page.fill("#id_text", manifests.PODS + "---\n" + manifests.POLICY_V1)
        page.click("[data-testid=upload-submit]")
        page.wait_for_selector("[data-testid=created-notice]")
        page.click("text=Upload a new revision")
        page.fill(
            "[data-testid=revision-form] textarea", manifests.PODS + "---\n" + manifests.POLICY_V2
        )
        page.click("[data-testid=revision-submit]")
        page.wait_for_selector("[data-testid=diff-summary]")
        self.assertEqual(page.inner_text("[data-testid=connections-changed]"), "1")
