"""A big review's matrix (more than NETVIZ_PAGE_EDGES connections): drawn from the namespace
blocks the page carries, a namespace's edges fetched when it opens; the same cells as always."""

from __future__ import annotations

import pytest
from django.test import override_settings

from netviz.web.services import Upload, create_review
from tests.browser import test_big_matrix as big
from tests.browser.base import BrowserTestCase
from tests.browser.test_big_matrix import CELL, HEAD_H, LABEL_W, POLICY


@pytest.mark.browser
@override_settings(NETVIZ_PAGE_EDGES=0)
class LazyBigMatrixTestCase(big.BigMatrixTestCase):
    """Every test of the canvas matrix again, with the edges fetched per namespace."""

    def test_the_page_carried_no_edge_and_fetched_the_open_namespaces(self):
        lazy, fetched = self.page.evaluate(
            "() => [window.netviz.model.lazy, window.netviz.model.data.edges.length]"
        )
        self.assertTrue(lazy)
        self.assertGreater(fetched, 0)

    def test_the_graph_gets_every_shown_edge(self):
        self.page.locator("[data-testid=tab-graph]").click()
        self.page.wait_for_selector("[data-testid=graph][data-ready=true]", timeout=60_000)
        edges = self.page.evaluate("() => window.netviz.graph.cy.edges().length")
        self.assertGreater(edges, 0)


PER_NAMESPACE = 340  # 1,020 endpoints: the matrix starts folded


def folded_cluster() -> str:
    docs = [f"apiVersion: v1\nkind: Namespace\nmetadata: {{name: {ns}}}\n" for ns in "abc"]
    docs += [
        f"apiVersion: v1\nkind: Pod\nmetadata: {{name: p{i:03d}, namespace: {ns}, labels: {{app: x}}}}\n"
        "spec: {containers: [{name: c, image: x}]}\n"
        for ns in "abc"
        for i in range(PER_NAMESPACE)
    ]
    return "---\n".join([*docs, POLICY])


@pytest.mark.browser
@override_settings(NETVIZ_PAGE_EDGES=1000)
class FoldedLazyMatrixTestCase(BrowserTestCase):
    @classmethod
    def setUpClass(cls) -> None:
        super().setUpClass()
        cls.upload = folded_cluster().encode()

    def setUp(self) -> None:
        super().setUp()
        review, _rev, _edit = create_review("Folded", [Upload("big.yaml", self.upload)])
        self.page.goto(f"{self.live_server_url}/r/{review.view_token}/")
        self.page.wait_for_selector("[data-testid=matrix][data-drawn=true]", state="attached")
        self.wrap = self.page.locator(".matrix-canvas-wrap")
        self.focus = self.page.locator("[data-testid=matrix-focus]")

    def point(self, row: int, col: int) -> None:
        box = self.wrap.bounding_box()
        self.page.mouse.move(
            box["x"] + LABEL_W + col * CELL + CELL / 2, box["y"] + HEAD_H + row * CELL + CELL / 2
        )

    def test_folded_namespaces_are_drawn_from_the_blocks_alone(self):
        self.assertEqual(self.page.evaluate("() => window.netviz.model.data.edges.length"), 0)
        self.point(0, 2)  # a → c: TCP 80 only, for every pair
        self.assertEqual(self.focus.get_attribute("data-src"), "namespace:a")
        self.assertEqual(self.focus.get_attribute("data-dst"), "namespace:c")
        self.assertEqual(self.focus.get_attribute("data-state"), "some")
        self.assertIn(
            f"{PER_NAMESPACE**2} of {PER_NAMESPACE**2} pairs, TCP 80", self.focus.inner_text()
        )
        self.point(1, 2)  # b → c: denied
        self.assertEqual(self.focus.get_attribute("data-state"), "none")
        self.point(2, 0)  # c → a: nothing isolates a
        self.assertEqual(self.focus.get_attribute("data-state"), "all")

    def test_opening_a_namespace_fetches_its_edges_and_draws_its_endpoints(self):
        box = self.wrap.bounding_box()
        with self.page.expect_response(lambda r: "/data/ns/1.json" in r.url):
            self.page.mouse.click(box["x"] + 20, box["y"] + HEAD_H + CELL + CELL / 2)  # b
        self.page.wait_for_selector("[data-testid=matrix][data-draws='2']", state="attached")
        # Rows: a, the heading of b, b/p000, ...; columns: a, b/p000, ..., c, outside.
        self.point(2, 0)  # b/p000 → a (folded): every port
        self.assertEqual(self.focus.get_attribute("data-src"), "b/p000[Pod]")
        self.assertEqual(self.focus.get_attribute("data-dst"), "namespace:a")
        self.assertEqual(self.focus.get_attribute("data-state"), "all")
        self.point(0, 2)  # a (folded) → b/p001
        self.assertEqual(self.focus.get_attribute("data-dst"), "b/p001[Pod]")
        self.assertEqual(self.focus.get_attribute("data-state"), "all")
        states = self.page.evaluate(
            "() => { const m = window.netviz.model; const b = m.nodes.findIndex(n => n[0] === 'b/p001[Pod]');"
            " const c = m.nodes.findIndex(n => n[0] === 'c/p000[Pod]');"
            " const a = m.nodes.findIndex(n => n[0] === 'a/p000[Pod]');"
            " return [m.state(b, c), m.state(b, a), m.state(a, b), m.state(b, b)]; }"
        )
        self.assertEqual(states, [0, 2, 2, 2])
