"""The Graph tab by keyboard in Chromium: a cursor over nodes and edges, Enter as a click, Escape."""

from __future__ import annotations

import pytest

from netviz.web.models import Review
from netviz.web.services import Upload, create_review
from tests.browser.base import BrowserTestCase
from tests.browser.manifests import SHOP
from tests.browser.test_review_page import NODE_CENTRE

WEB, API, DB = "shop/web[Deployment]", "shop/api[Deployment]", "data/db[StatefulSet]"

# Highlighted edges of one class (out: what the chosen node reaches, in: what reaches it).
HIGHLIGHT = """() => {
  const cy = window.netviz.graph.cy;
  const pairs = (cls) => cy.edges("." + cls).map((e) => e.data("src") + " > " + e.data("dst")).sort();
  return { chosen: cy.nodes(".chosen").map((n) => n.data("endpoint")), out: pairs("out"), in: pairs("in"),
           lit: cy.elements().not(".faded").map((x) => x.id()).sort() };
}"""


@pytest.mark.browser
class GraphKeyboardTestCase(BrowserTestCase):
    def open_graph(self) -> None:
        review, _rev, _edit = create_review("Shop", [Upload("shop.yaml", SHOP.encode())])
        self.review: Review = review
        self.page.goto(f"{self.live_server_url}/r/{review.view_token}/?tab=graph")
        self.page.wait_for_selector("[data-testid=graph][data-ready=true]")
        self.graph = self.page.locator("[data-testid=graph]")

    def tab_into_graph(self) -> None:
        # The button just before the graph, then Tab: the way a keyboard user arrives.
        self.page.focus("[data-testid=graph-fit]")
        self.page.keyboard.press("Tab")
        focused = self.page.evaluate("() => document.activeElement.dataset.testid")
        self.assertEqual(focused, "graph")

    def cursor(self) -> str | None:
        return self.graph.get_attribute("data-cursor")

    def press_until(self, key: str, wanted: str, limit: int = 40) -> list[str]:
        """Presses key until data-cursor is wanted; returns every cursor passed on the way."""
        seen = []
        for _ in range(limit):
            self.page.keyboard.press(key)
            seen.append(self.cursor())
            if seen[-1] == wanted:
                return seen
        self.fail(f"{key} never reached {wanted}: {seen}")

    def test_the_keyboard_reaches_an_edge_and_enter_explains_it(self):
        self.open_graph()
        self.tab_into_graph()
        self.press_until("ArrowRight", API)
        self.press_until("ArrowDown", f"{API}→{DB}")
        status = self.page.inner_text("[data-testid=graph-status]")
        self.assertIn(f"{API} → {DB}", status)
        self.assertIn("Enter explains it", status)
        marked = self.page.evaluate(
            "() => window.netviz.graph.cy.elements('.cursor').map(e => [e.data('src'), e.data('dst')])"
        )
        self.assertEqual(marked, [[API, DB]])
        self.page.keyboard.press("Enter")
        panel = self.page.locator("[data-testid=explanation-panel] [data-testid=explanation]")
        panel.wait_for()
        self.assertEqual(panel.get_attribute("data-src"), API)
        self.assertEqual(panel.get_attribute("data-dst"), DB)
        rule = panel.locator("[data-testid=allowing-rule]")
        self.assertEqual(rule.get_attribute("data-policy"), "data/db-from-api")

    def test_enter_on_a_node_highlights_what_a_click_does_and_escape_clears(self):
        self.open_graph()
        self.tab_into_graph()
        self.press_until("ArrowRight", API)
        self.page.keyboard.press("Enter")
        by_key = self.page.evaluate(HIGHLIGHT)
        self.assertEqual(by_key["chosen"], [API])
        self.assertIn(f"{API} > {DB}", by_key["out"])
        self.assertIn(f"{WEB} > {API}", by_key["in"])
        self.page.keyboard.press("Escape")
        self.assertIsNone(self.cursor())
        self.assertEqual(self.page.evaluate(HIGHLIGHT)["chosen"], [])
        self.assertEqual(self.page.evaluate("() => window.netviz.graph.cy.$('.faded').length"), 0)
        x, y = self.page.evaluate(NODE_CENTRE, API)
        self.page.mouse.click(x, y)
        self.assertEqual(self.page.evaluate(HIGHLIGHT), by_key)

    def test_right_arrow_walks_the_nodes_by_namespace_then_id(self):
        self.open_graph()
        self.tab_into_graph()
        self.page.keyboard.press("Home")
        walked = [self.cursor()]
        for _ in range(40):
            self.page.keyboard.press("ArrowRight")
            if self.cursor() == walked[-1]:
                break  # the last node: the cursor stays
            walked.append(self.cursor())
        workloads = [w for w in walked if w.endswith("]")]
        self.assertEqual(workloads, [DB, API, WEB])  # data before shop, then by id
        self.assertEqual(len(walked), int(self.graph.get_attribute("data-nodes")))
        self.assertIn(
            f"({len(walked)} of {len(walked)})", self.page.inner_text("[data-testid=graph-status]")
        )

    def test_enter_on_a_folded_namespace_unfolds_it(self):
        self.open_graph()
        self.page.click("[data-testid=graph-fold]")
        folded = int(self.graph.get_attribute("data-folded"))
        self.assertGreater(folded, 1)
        self.tab_into_graph()
        self.press_until("ArrowRight", "shop")
        self.assertIn("Namespace shop, folded", self.page.inner_text("[data-testid=graph-status]"))
        self.page.keyboard.press("Enter")
        self.assertEqual(int(self.graph.get_attribute("data-folded")), folded - 1)
        # The cursor lands on the opened namespace's first endpoint, by id.
        self.assertEqual(self.cursor(), API)
