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


class DraftPage(BrowserTestCase):
    """The demo review, its view and edit links, and how a user edits a policy in the draft."""

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

    def folded_marks(self) -> int:
        return self.page.locator("td[data-diff][data-src-group]").count()


@pytest.mark.browser
class DraftTestCase(DraftPage):
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


@pytest.mark.browser
class WhatIfTestCase(DraftPage):
    """From a verdict to a change, and least privilege generated (static/js/draft_whatif.js)."""

    def explain(self, src: str, dst: str) -> None:
        self.page.evaluate("(p) => window.netviz.openEdge(p[0], p[1])", [src, dst])
        self.page.wait_for_selector(f'{PANEL}[data-src="{src}"][data-dst="{dst}"]')

    def diff_pairs(self) -> dict[str, set[tuple[str, str]]]:
        diff = self.page.evaluate("window.netviz.draft.result.diff.connections")
        return {k: {(e["src"], e["dst"]) for e in v} for k, v in diff.items()}

    def test_it_allows_a_denied_pair_and_exactly_the_previewed_pairs_change(self) -> None:
        self.open(self.view_url)
        self.explain(BACKEND, FRONTEND)
        self.page.locator("[data-testid=allow-this]").click()
        self.page.locator("[data-testid=allow-yaml]").wait_for()
        opened = {
            (li.get_attribute("data-src"), li.get_attribute("data-dst"))
            for li in self.page.locator("[data-testid=allow-opened] li[data-src]").all()
        }
        n = self.evaluations()
        self.page.locator("[data-testid=allow-add]").click()
        self.wait_evaluated(n)
        pairs = self.diff_pairs()
        self.assertEqual(pairs["added"] | pairs["changed"], {(BACKEND, FRONTEND)} | opened)
        self.assertEqual(pairs["removed"], set())
        self.assertIn(
            "kind: NetworkPolicy", self.page.locator("[data-testid=editor-text]").input_value()
        )
        cell = self.page.locator(f'td[data-src="{BACKEND}"][data-dst="{FRONTEND}"]')
        self.assertEqual(cell.get_attribute("data-diff"), "added")

    def test_it_names_the_rules_that_would_block_an_allowed_pair(self) -> None:
        self.open(self.view_url)
        self.explain(FRONTEND, BACKEND)
        self.page.locator("[data-testid=block-this]").click()
        self.page.locator("[data-testid=block-status]").wait_for()
        rules = self.page.locator("[data-testid=block-rule]")
        self.assertEqual(
            sorted(r.get_attribute("data-policy") for r in rules.all()),
            ["shop/backend", "shop/frontend"],
        )
        self.assertIn("closes this pair", rules.first.inner_text())

    def test_it_generates_least_privilege_for_a_namespace_and_checks_it(self) -> None:
        self.open(self.view_url)
        self.page.locator("[data-testid=generate-open]").click()
        self.page.locator("[data-testid=generate-ns]").select_option("shop")
        self.page.locator("[data-testid=generate-run]").click()
        check = self.page.locator("[data-testid=generate-check]")
        check.wait_for()
        self.assertEqual(check.get_attribute("data-exact"), "true")
        listed = self.page.locator("[data-testid=generate-connection]").count()
        self.assertGreater(listed, 0)
        self.assertIn(
            "generate.yaml?ns=shop",
            self.page.locator("[data-testid=generate-download]").get_attribute("href"),
        )
        # One connection unticked: generated again for the rest, and still exact.
        row = self.page.locator(
            f'[data-testid=generate-connection][data-src="{FRONTEND}"][data-dst="{BACKEND}"]'
        )
        row.locator("input").uncheck()
        kept_before = int(check.get_attribute("data-kept"))
        self.page.locator("[data-testid=generate-again]").click()
        self.page.wait_for_function(
            """(n) => { const c = document.querySelector("[data-testid=generate-check]");
                return c && Number(c.dataset.kept) === n - 1; }""",
            arg=kept_before,
        )
        self.assertEqual(check.get_attribute("data-exact"), "true")
        ingress = self.generated_ingress_of_backend()
        self.assertIn("app: prometheus", ingress, "the backend's other ingress is kept")
        self.assertNotIn("app: frontend", ingress)

    def generated_ingress_of_backend(self) -> str:
        text = self.page.locator("[data-testid=generate-yaml]").text_content()
        docs = [d for d in text.split("---\n") if "name: allow-ingress-backend" in d]
        return docs[0] if docs else ""


@pytest.mark.browser
class SharedDraftTestCase(DraftPage):
    def test_it_shares_a_read_only_link_that_shows_the_same_changes(self) -> None:
        self.open(self.view_url)
        self.edit_policy("shop/frontend")
        n = self.evaluations()
        self.type_over("port: 8080", "port: 8081")
        self.wait_evaluated(n)
        self.page.locator("[data-testid=draft-share]").click()
        url = self.page.locator("[data-testid=draft-share-url]")
        self.page.wait_for_function(
            "() => document.querySelector('[data-testid=draft-share-url]').value.includes('draft=')"
        )
        link = url.input_value()
        other = self.browser.new_context()
        self.addCleanup(other.close)
        page = other.new_page()
        page.on("pageerror", lambda e: self.errors.append(str(e)))
        page.goto(link)
        page.wait_for_selector("[data-testid=draft][data-ready=true]", state="attached")
        page.wait_for_selector("[data-testid=draft][data-state=shown]", state="attached")
        self.assertEqual(page.locator("[data-testid=draft-count-removed]").inner_text(), "−1")
        self.assertIn("read-only", page.locator("[data-testid=draft-status]").inner_text())
        self.assertTrue(page.locator("[data-testid=draft-discard]").is_hidden())
        self.assertEqual(page.locator("[data-testid=draft-save]").count(), 0)
        self.assertEqual(page.evaluate("localStorage.length"), 0, "nothing kept in that browser")
