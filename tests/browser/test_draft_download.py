""" "Download changed files" through the real page: one download, never one per file. More than
one change is one zip from draft.zip (with DELETED.txt for deleted files); a refusal is shown in
the draft panel. (One edited file alone downloads as itself: test_draft_recheck.py.)"""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import pytest

from tests.browser import test_draft_recheck
from tests.browser.test_draft_ui import DraftPage

DNS_FILE = "shop-allow-dns-egress.yaml"


@pytest.mark.browser
class DraftDownloadTestCase(DraftPage):
    create_from_template = test_draft_recheck.DraftRecheckTestCase.create_from_template

    def setUp(self) -> None:
        super().setUp()
        self.downloads: list[str] = []
        self.page.on("download", lambda d: self.downloads.append(d.suggested_filename))

    def edit(self, policy: str, old: str, new: str) -> None:
        self.edit_policy(policy)
        n = self.evaluations()
        self.type_over(old, new)
        self.wait_evaluated(n)

    def draft_files(self) -> dict:
        key = f"netviz-draft:{self.review.view_token}:1"
        return json.loads(self.page.evaluate("(k) => localStorage.getItem(k)", key))["files"]

    def download_zip(self) -> dict[str, str]:
        with self.page.expect_download() as info:
            self.page.locator("[data-testid=draft-download]").click()
        download = info.value
        self.assertEqual(download.suggested_filename, "demo-shop-rev1-draft.zip")
        with zipfile.ZipFile(Path(download.path())) as archive:
            members = {i.filename: archive.read(i).decode("utf-8") for i in archive.infolist()}
        # Nothing else is downloaded after it.
        self.page.wait_for_timeout(300)
        self.assertEqual(self.downloads, ["demo-shop-rev1-draft.zip"])
        return members

    def test_it_downloads_two_edited_files_and_a_new_policy_as_one_zip(self) -> None:
        self.open(self.view_url)
        self.edit("shop/frontend", "port: 8080", "port: 8081")
        self.edit("shop/backend-payments", "port: 443", "port: 8443")
        self.create_from_template("dns", "shop")
        members = self.download_zip()
        self.assertEqual(sorted(members), ["03-policies.yaml", "04-payments.yaml", DNS_FILE])
        self.assertEqual(members, self.draft_files())  # each as edited, byte for byte
        self.assertIn("port: 8081", members["03-policies.yaml"])
        self.assertIn("name: default-deny", members["03-policies.yaml"])  # the whole file
        self.assertIn("port: 8443", members["04-payments.yaml"])
        self.assertIn("k8s-app: kube-dns", members[DNS_FILE])
        self.assertTrue(self.page.locator("[data-testid=draft-download-error]").is_hidden())

    def test_a_deleted_file_is_listed_in_deleted_txt(self) -> None:
        self.open(self.view_url)
        self.page.locator("[data-testid=tab-policies]").click()
        section = self.page.locator('[data-testid=policy][data-policy="shop/backend-payments"]')
        n = self.evaluations()
        section.locator("[data-testid=policy-delete]").click()
        self.wait_evaluated(n)
        self.assertEqual(self.draft_files(), {"04-payments.yaml": None})
        self.assertEqual(self.download_zip(), {"DELETED.txt": "04-payments.yaml\n"})

    def test_a_refused_download_is_shown_in_the_draft_panel(self) -> None:
        self.open(self.view_url)
        self.edit("shop/frontend", "port: 8080", "port: 8081")
        self.create_from_template("dns", "shop")
        self.review.delete()  # the review ends while its page is open
        self.page.locator("[data-testid=draft-download]").click()
        error = self.page.locator("[data-testid=draft-download-error]")
        error.wait_for()
        self.assertEqual(
            error.inner_text(),
            # The server's own words, in JSON as for every refusal of a JSON body.
            "The changed files were not downloaded: "
            "Not found. Check that the link was copied completely.",
        )
        self.assertEqual(error.get_attribute("role"), "alert")
        self.assertTrue(self.page.locator("[data-testid=draft-download]").is_enabled())
        self.assertEqual(self.downloads, [])
        # Discarding the draft takes the error away with it.
        self.page.locator("[data-testid=draft-discard]").click()
        self.assertTrue(error.is_hidden())
