"""The graph's layout in Chromium at 12 and 100 endpoints: namespaces apart, labels apart, every
node inside the graph's box, outside ranges in a column to the right of the cluster."""

from __future__ import annotations

import pytest

from bench.generate import generate, parse_spec
from netviz.web.services import Upload, create_review
from tests.browser.base import BrowserTestCase
from tests.browser.layout_check import GRAPH_FITS
from tests.browser.manifests import boutique

# Pairs of things that collide, in model coordinates: endpoint labels with labels or nodes, and
# namespace boxes with each other.
COLLISIONS = """
() => {
  const cy = window.netviz.graph.cy;
  const meets = (a, b) => a.x1 < b.x2 && b.x1 < a.x2 && a.y1 < b.y2 && b.y1 < a.y2;
  const nodes = cy.nodes().not(".ns");
  const label = (n) => n.boundingBox({ includeNodes: false, includeLabels: true, includeOverlays: false });
  const body = (n) => n.boundingBox({ includeNodes: true, includeLabels: false, includeOverlays: false });
  const out = [];
  nodes.forEach((a, i) => nodes.forEach((b, j) => {
    if (j <= i) return;
    if (meets(label(a), label(b))) out.push(`labels of ${a.data("label")} and ${b.data("label")}`);
    if (meets(label(a), body(b)) || meets(body(a), label(b))) out.push(`${a.data("label")} and ${b.data("label")}`);
  }));
  const boxes = cy.nodes(".ns");
  boxes.forEach((a, i) => boxes.forEach((b, j) => {
    if (j > i && meets(a.boundingBox(), b.boundingBox())) out.push(`namespaces ${a.data("name")} and ${b.data("name")}`);
  }));
  return out;
}
"""

OUTSIDE_ON_THE_RIGHT = """
() => {
  const cy = window.netviz.graph.cy;
  const inside = cy.nodes(".ns").not(".outside").boundingBox();
  const outside = cy.nodes(".ns.outside").boundingBox();
  return outside.x1 > inside.x2;
}
"""


@pytest.mark.browser
class GraphLayoutTestCase(BrowserTestCase):
    def open(self, files: list[tuple[str, str]]) -> None:
        review, _rev, _edit = create_review("G", [Upload(n, t.encode()) for n, t in files])
        self.page.goto(f"{self.live_server_url}/r/{review.view_token}/?tab=graph")
        self.page.wait_for_selector("[data-testid=graph][data-ready=true]")

    def test_twelve_endpoints_keep_their_labels_apart(self):
        self.open(boutique())
        self.assertEqual(self.page.evaluate(COLLISIONS), [])
        self.assertEqual(self.page.evaluate(GRAPH_FITS), [])
        self.assertTrue(self.page.evaluate(OUTSIDE_ON_THE_RIGHT))

    def test_a_hundred_endpoints_opened_keep_namespaces_and_labels_apart(self):
        self.open(generate(parse_spec("S")))
        graph = self.page.locator("[data-testid=graph]")
        self.assertGreater(int(graph.get_attribute("data-folded")), 0)  # folded at first
        self.page.evaluate("() => window.netviz.graph.openAll()")
        self.assertEqual(graph.get_attribute("data-folded"), "0")
        self.assertEqual(int(graph.get_attribute("data-nodes")), 123)  # 100 and 23 ranges
        self.assertEqual(self.page.evaluate(COLLISIONS), [])
        self.assertEqual(self.page.evaluate(GRAPH_FITS), [])
        self.assertTrue(self.page.evaluate(OUTSIDE_ON_THE_RIGHT))
