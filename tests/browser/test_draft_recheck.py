"""What-if items not covered elsewhere, through the real page: the other two "New policy"
templates, "Download changed files", and a copied URL that holds both the draft and the pair
explained (?draft=local&edge=)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.browser.test_draft_ui import BACKEND, FRONTEND, PANEL, DraftPage


@pytest.mark.browser
class DraftRecheckTestCase(DraftPage):
    def create_from_template(self, template: str, ns: str, source: str | None = None) -> None:
        self.page.locator("[data-testid=draft-new]").click()
        self.page.locator("[data-testid=draft-template]").select_option(template)
        self.page.locator("[data-testid=draft-template-ns]").select_option(ns)
        if source:
            self.page.locator("[data-testid=draft-template-from]").select_option(source)
        n = self.evaluations()
        self.page.locator("[data-testid=draft-create]").click()
        self.wait_evaluated(n)

    def result(self) -> dict:
        return self.page.evaluate("window.netviz.draft.result")

    def test_it_adds_an_allow_from_a_namespace_that_opens_only_pairs_from_it(self) -> None:
        self.open(self.view_url)
        self.create_from_template("allow-from", "shop", "monitoring")
        result = self.result()
        self.assertEqual(result["errors"], [])
        self.assertEqual(result["changed"], ["shop-allow-from-monitoring.yaml"])
        self.assertIn("shop/allow-from-monitoring", result["diff"]["policies"]["added"])
        connections = result["diff"]["connections"]
        opened = connections["added"] + connections["changed"]
        self.assertTrue(opened)
        for entry in opened:
            self.assertTrue(entry["src"].startswith("monitoring/"), entry)
            self.assertTrue(entry["dst"].startswith("shop/"), entry)
        self.assertEqual(connections["removed"], [])

    def test_it_adds_dns_egress_that_reads_without_errors_and_closes_nothing(self) -> None:
        self.open(self.view_url)
        self.create_from_template("dns", "shop")
        result = self.result()
        self.assertEqual(result["errors"], [])
        self.assertIn("shop/allow-dns-egress", result["diff"]["policies"]["added"])
        self.assertEqual(result["diff"]["connections"]["removed"], [])
        text = self.page.locator("[data-testid=editor-text]").input_value()
        self.assertIn("k8s-app: kube-dns", text)

    def test_it_downloads_the_changed_files_as_edited(self) -> None:
        self.open(self.view_url)
        self.edit_policy("shop/frontend")
        n = self.evaluations()
        self.type_over("port: 8080", "port: 8081")
        self.wait_evaluated(n)
        with self.page.expect_download() as info:
            self.page.locator("[data-testid=draft-download]").click()
        download = info.value
        self.assertEqual(download.suggested_filename, "03-policies.yaml")
        text = Path(download.path()).read_text(encoding="utf-8")
        self.assertIn("port: 8081", text)
        self.assertNotIn("port: 8080", text.split("name: frontend")[1].split("---")[0])

    def test_a_copied_url_reopens_the_draft_and_the_pair_explained(self) -> None:
        self.open(self.view_url)
        self.edit_policy("shop/frontend")
        n = self.evaluations()
        self.type_over("port: 8080", "port: 8081")
        self.wait_evaluated(n)
        self.page.locator("[data-testid=tab-matrix]").click()
        self.page.locator(f'td[data-src="{FRONTEND}"][data-dst="{BACKEND}"]').click()
        self.page.wait_for_selector(f"{PANEL} [data-testid=draft-verdict]")
        copied = self.page.url
        self.assertIn("draft=local", copied)
        self.assertIn("edge=", copied)
        page = self.context.new_page()
        page.on("pageerror", lambda e: self.errors.append(str(e)))
        page.goto(copied)
        page.wait_for_selector(f'{PANEL}[data-src="{FRONTEND}"][data-dst="{BACKEND}"]')
        page.wait_for_selector("[data-testid=draft][data-state=shown]", state="attached")
        verdict = page.locator(f"{PANEL} [data-testid=draft-verdict]")
        verdict.wait_for()
        self.assertEqual(verdict.get_attribute("data-kind"), "removed")
        self.assertEqual(page.locator("[data-testid=draft-count-removed]").inner_text(), "−1")
        cell = page.locator(f'td[data-src="{FRONTEND}"][data-dst="{BACKEND}"]')
        self.assertEqual(cell.get_attribute("data-diff"), "removed")
