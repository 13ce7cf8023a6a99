"""What-if in the browser (static/js/draft.js): a policy edited, deleted or added on the review
page as a draft, evaluated by draft.json as you type, its difference drawn on the matrix, the
graph and the explanation, kept in this browser until it is saved, downloaded or discarded."""

from __future__ import annotations

from pathlib import Path

import pytest

from netviz.web.models import Review
from netviz.web.services import Upload, create_review
from tests.browser.base import BrowserTestCase

DEMO = Path(__file__).resolve().parents[2] / "netviz" / "web" / "demo"
FRONTEND = "shop/frontend[Deployment]"
BACKEND = "shop/backend[Deployment]"
PANEL = "[data-testid=explanation-panel] [data-testid=explanation]"


def demo_files() -> list[Upload]:
    return [Upload(p.name, p.read_bytes()) for p in sorted(DEMO.glob("*.yaml"))]


@pytest.mark.browser
class DraftTestCase(BrowserTestCase):
    def setUp(self) -> None:
        super().setUp()
        review, _rev, edit = create_review("Demo shop", demo_files())
        self.review: Review = review
        self.edit_token = edit
        self.view_url = f"{self.live_server_url}/r/{review.view_token}/"
        self.edit_url = f"{self.live_server_url}/e/{edit}/"

    def open(self, url: str) -> None:
        self.page.goto(url)
        self.page.wait_for_selector("[data-testid=draft][data-ready=true]", state="attached")

    def edit_policy(self, policy: str) -> None:
        self.page.locator("[data-testid=tab-policies]").click()
        section = self.page.locator(f'[data-testid=policy][data-policy="{policy}"]')
        section.locator("[data-testid=policy-edit]").click()
        self.page.wait_for_selector("[data-testid=draft-editor]:not([hidden])")

    def type_over(self, old: str, new: str) -> None:
        """Replaces `old` in the editor as a user would: select it, type."""
        area = self.page.locator("[data-testid=editor-text]")
        text = area.input_value()
        at = text.index(old)
        area.evaluate(
            "(a, r) => { a.focus(); a.setSelectionRange(r[0], r[1]); }", [at, at + len(old)]
        )
        self.page.keyboard.type(new)

    def wait_evaluated(self, after: int) -> None:
        self.page.wait_for_function(
            """(n) => { const s = document.querySelector("[data-testid=draft]");
                return Number(s.dataset.evaluations || 0) > n && s.dataset.state !== "typing"
                  && s.dataset.state !== "evaluating"; }""",
            arg=after,
        )

    def evaluations(self) -> int:
        return int(self.page.locator("[data-testid=draft]").get_attribute("data-evaluations") or 0)

    def counts(self) -> list[str]:
        return [
            self.page.locator(f"[data-testid=draft-count-{k}]").inner_text()
            for k in ("added", "removed", "changed")
        ]

    def test_it_shows_the_pairs_an_edit_changes_on_the_matrix_with_counts(self) -> None:
        self.open(self.view_url)
        self.edit_policy("shop/frontend")
        self.assertIn(
            "name: frontend", self.page.locator("[data-testid=editor-text]").input_value()
        )
        n = self.evaluations()
        self.type_over("port: 8080", "port: 8081")
        self.wait_evaluated(n)
        self.assertEqual(self.counts(), ["+0", "−1", "~0"])
        changes = self.page.locator("[data-testid=draft-change]")
        self.assertEqual(changes.count(), 1)
        self.assertIn(f"{FRONTEND} → {BACKEND}", changes.first.inner_text())
        self.page.locator("[data-testid=tab-matrix]").click()
        cell = self.page.locator(f'td[data-src="{FRONTEND}"][data-dst="{BACKEND}"]')
        self.assertEqual(cell.get_attribute("data-diff"), "removed")
        self.assertEqual(self.page.locator("td[data-diff]").count(), 1 + self.folded_marks())
        # The list leads to the pair's explanation, before and after.
        changes.first.locator("button").click()
        self.page.wait_for_selector(f'{PANEL}[data-src="{FRONTEND}"][data-dst="{BACKEND}"]')
        verdict = self.page.locator("[data-testid=draft-verdict]")
        self.assertEqual(verdict.get_attribute("data-kind"), "removed")
        self.assertIn("TCP 8080", verdict.locator("[data-testid=draft-before]").inner_text())
        self.assertEqual(verdict.locator("[data-testid=draft-after]").inner_text(), "Denied")

    def folded_marks(self) -> int:
        return self.page.locator("td[data-diff][data-src-group]").count()

    def test_it_shows_a_yaml_error_on_its_line(self) -> None:
        self.open(self.view_url)
        self.edit_policy("shop/frontend")
        n = self.evaluations()
        self.type_over("metadata:", "metadata")
        self.wait_evaluated(n)
        error = self.page.locator("[data-testid=editor-error]")
        self.assertEqual(error.count(), 1)
        self.assertIn("YAML", error.inner_text())
        line = int(error.get_attribute("data-line"))
        gutter = self.page.locator("[data-testid=editor-error-line]")
        self.assertEqual(gutter.inner_text(), str(line))
        text = self.page.locator("[data-testid=editor-text]").input_value().split("\n")
        # The reader stops at the line after the broken key or on it.
        self.assertIn(line, (text.index("metadata") + 1, text.index("metadata") + 2))

    def test_it_keeps_the_draft_in_this_browser_until_discarded(self) -> None:
        self.open(self.view_url)
        self.edit_policy("shop/frontend")
        n = self.evaluations()
        self.type_over("port: 8080", "port: 8081")
        self.wait_evaluated(n)
        self.assertIn("draft=local", self.page.url)
        self.open(self.view_url)
        self.wait_evaluated(0)
        self.assertEqual(self.counts(), ["+0", "−1", "~0"])
        self.page.locator("[data-testid=draft-discard]").click()
        self.assertTrue(self.page.locator("[data-testid=draft-counts]").is_hidden())
        self.assertNotIn("draft=", self.page.url)
        self.assertIsNone(self.page.evaluate("localStorage.length ? 'x' : null"))

    def test_it_adds_a_default_deny_from_a_template(self) -> None:
        self.open(self.view_url)
        self.page.locator("[data-testid=draft-new]").click()
        self.page.locator("[data-testid=draft-template]").select_option("deny")
        self.page.locator("[data-testid=draft-template-ns]").select_option("monitoring")
        n = self.evaluations()
        self.page.locator("[data-testid=draft-create]").click()
        self.wait_evaluated(n)
        removed = self.page.locator("[data-testid=draft-change][data-kind=removed]")
        self.assertGreater(removed.count(), 0)
        for text in removed.all_inner_texts():
            self.assertIn("monitoring/", text, "a default deny in monitoring closes only its pairs")

    def test_it_saves_the_draft_as_a_new_revision_with_its_diff(self) -> None:
        self.open(self.edit_url)
        self.edit_policy("shop/frontend")
        n = self.evaluations()
        self.type_over("port: 8080", "port: 8081")
        self.wait_evaluated(n)
        self.page.locator("[data-testid=draft-save]").click()
        link = self.page.locator("[data-testid=draft-saved-diff]")
        link.wait_for()
        self.assertEqual(self.review.revisions.count(), 2)
        link.click()
        self.page.wait_for_load_state()
        removed = self.page.locator("body").inner_text()
        self.assertIn("shop/frontend", removed)
        self.assertEqual(self.page.evaluate("localStorage.length"), 0)

    def test_it_deletes_a_policy_and_saves_with_the_file_replaced(self) -> None:
        self.open(self.edit_url)
        self.page.locator("[data-testid=tab-policies]").click()
        section = self.page.locator('[data-testid=policy][data-policy="shop/frontend"]')
        n = self.evaluations()
        section.locator("[data-testid=policy-delete]").click()
        self.wait_evaluated(n)
        self.assertNotEqual(self.counts(), ["+0", "−0", "~0"])
        self.page.locator("[data-testid=draft-save]").click()
        self.page.locator("[data-testid=draft-saved-diff]").wait_for()
        latest = self.review.revisions.order_by("-number").first()
        text = bytes(latest.files.get(name="03-policies.yaml").content).decode()
        self.assertNotIn("name: frontend\n", text)
        self.assertIn("name: default-deny", text)

    def test_the_view_link_cannot_save(self) -> None:
        self.open(self.view_url)
        self.assertEqual(self.page.locator("[data-testid=draft-save]").count(), 0)
