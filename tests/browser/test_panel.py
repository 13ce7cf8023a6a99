"""The review page as a new user meets it (the 12-service shop): the explanation panel beside the
views, the graph's edges and bundles, policy clicks, summary links and folded warnings."""

from __future__ import annotations

import pytest

from netviz.web.models import Review
from netviz.web.services import Upload, create_review
from tests.browser.base import BrowserTestCase
from tests.browser.manifests import boutique

FRONTEND = "default/frontend[Deployment]"
CART = "default/cartservice[Deployment]"
CHECKOUT = "default/checkoutservice[Deployment]"
PANEL = "[data-testid=explanation-panel] [data-testid=explanation]"

# [src, dst, x, y] of every drawn edge between two workloads (or of the one edge `only`): a point on its line, as near its
# middle as can be while no other edge or node is within 4 px (where two edges cross, a click
# cannot tell them apart), in page coordinates.
EDGE_POINTS = """
async (only) => {
  const { distance } = await import("/static/js/graph_hit.js");
  const cy = window.netviz.graph.cy;
  const box = cy.container().getBoundingClientRect();
  const clear = 4 / cy.zoom();
  const edges = cy.edges().filter((e) => e.visible());
  const along = (e, t) => {
    const a = e.sourceEndpoint(), b = e.targetEndpoint(), c = (e.controlPoints() || [])[0];
    if (!c) return { x: a.x + t * (b.x - a.x), y: a.y + t * (b.y - a.y) };
    const u = 1 - t;
    return { x: u * u * a.x + 2 * u * t * c.x + t * t * b.x, y: u * u * a.y + 2 * u * t * c.y + t * t * b.y };
  };
  const free = (e, p) => edges.every((o) => o.same(e) || distance(o, p) > clear)
    && cy.nodes().not(".ns").every((n) => { const b = n.boundingBox(); return p.x < b.x1 - clear || p.x > b.x2 + clear || p.y < b.y1 - clear || p.y > b.y2 + clear; });
  const out = [];
  const wanted = only ? (e) => e.id() === only
    : (e) => (e.data("src") || "").endsWith("]") && (e.data("dst") || "").endsWith("]");
  edges.filter(wanted).forEach((e) => {
    for (const t of [0.5, 0.45, 0.55, 0.4, 0.6, 0.35, 0.65, 0.3, 0.7, 0.25, 0.75]) {
      const p = along(e, t);
      if (!free(e, p)) continue;
      const r = { x: p.x * cy.zoom() + cy.pan().x, y: p.y * cy.zoom() + cy.pan().y };
      out.push([e.data("src"), e.data("dst"), box.left + r.x, box.top + r.y]);
      return;
    }
  });
  return out;
}
"""


@pytest.mark.browser
class PanelTestCase(BrowserTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.page.set_viewport_size({"width": 1440, "height": 900})
        review, _rev, _edit = create_review(
            "Online Boutique", [Upload(n, t.encode()) for n, t in boutique()]
        )
        self.review: Review = review

    def open(self, query: str = "") -> None:
        self.page.goto(f"{self.live_server_url}/r/{self.review.view_token}/{query}")
        self.page.wait_for_selector("[data-testid=explore][data-ready=true]", state="attached")

    def cell(self, src: str, dst: str):
        return self.page.locator(f'td[data-src="{src}"][data-dst="{dst}"]')

    def panel_pair(self) -> list[str]:
        section = self.page.locator(PANEL)
        return [section.get_attribute("data-src"), section.get_attribute("data-dst")]

    def wait_for_pair(self, src: str, dst: str) -> None:
        self.page.wait_for_selector(f'{PANEL}[data-src="{src}"][data-dst="{dst}"]')

    def graph(self) -> None:
        self.open("?tab=graph")
        self.page.wait_for_selector("[data-testid=graph][data-ready=true]")
        self.page.locator("[data-testid=graph]").scroll_into_view_if_needed()
        # A scroll bar appearing as the page fills narrows the graph, which re-fits a frame later.
        self.page.evaluate(
            "() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)))"
        )
        self.page.wait_for_timeout(100)

    def test_opening_the_panel_leaves_the_cell_under_the_pointer_and_the_status_names_it(self):
        # The first click opens the panel, whose top would sit above the window (the matrix
        # beside it is shorter, so it has no room to stick): the page moves just enough to show
        # its top, the cell stays in view. The second, with the panel open, moves nothing.
        self.open()
        for first, (src, dst) in ((True, (FRONTEND, CART)), (False, (CHECKOUT, FRONTEND))):
            cell = self.cell(src, dst)
            cell.scroll_into_view_if_needed()
            before = cell.bounding_box()
            self.page.mouse.click(before["x"] + before["width"] / 2, before["y"] + 5)
            self.wait_for_pair(src, dst)
            self.page.wait_for_timeout(100)
            after = cell.bounding_box()
            panel = self.page.locator("[data-testid=explanation-panel]").bounding_box()
            self.assertAlmostEqual(after["x"], before["x"], delta=1)
            self.assertGreaterEqual(panel["y"], 0)
            self.assertLessEqual(after["y"] + after["height"], 900)
            if not first:
                self.assertAlmostEqual(after["y"], before["y"], delta=1)
            status = self.page.locator("[data-testid=matrix-focus]")
            self.assertEqual(
                [status.get_attribute("data-src"), status.get_attribute("data-dst")], [src, dst]
            )
            self.assertTrue(self.page.is_visible(PANEL))

    def test_the_panel_is_a_side_sheet_at_1440_and_below_the_view_at_800(self):
        self.open()
        self.cell(FRONTEND, CART).click()
        self.wait_for_pair(FRONTEND, CART)
        view = self.page.locator("[data-testid=panel-matrix]").bounding_box()
        panel = self.page.locator("[data-testid=explanation-panel]").bounding_box()
        self.assertGreaterEqual(panel["x"], view["x"] + view["width"])  # beside, not over
        self.page.set_viewport_size({"width": 800, "height": 900})
        self.page.wait_for_timeout(100)
        view = self.page.locator("[data-testid=panel-matrix]").bounding_box()
        panel = self.page.locator("[data-testid=explanation-panel]").bounding_box()
        self.assertGreaterEqual(panel["y"], view["y"] + view["height"])  # below, full width
        self.assertAlmostEqual(panel["width"], view["width"], delta=1)

    def test_the_panel_title_is_in_view_when_the_view_beside_it_is_shorter(self):
        self.page.set_viewport_size({"width": 1440, "height": 640})
        self.graph()
        self.page.evaluate(
            "() => window.scrollBy(0, document.querySelector('[data-testid=graph]')"
            ".getBoundingClientRect().top + 200)"
        )
        self.page.evaluate("([s, d]) => window.netviz.openEdge(s, d)", [FRONTEND, CART])
        self.wait_for_pair(FRONTEND, CART)
        self.page.wait_for_timeout(50)
        bar = self.page.locator("[data-testid=explanation-panel] .panel-bar").bounding_box()
        self.assertGreaterEqual(bar["y"], 0)
        self.assertLess(bar["y"], 640)

    def test_the_grip_resizes_the_panel_and_the_graph_refits(self):
        self.graph()
        self.page.evaluate("([s, d]) => window.netviz.openEdge(s, d)", [FRONTEND, CART])
        self.wait_for_pair(FRONTEND, CART)
        panel = self.page.locator("[data-testid=explanation-panel]")
        width = panel.bounding_box()["width"]
        fits = int(self.page.get_attribute("[data-testid=graph]", "data-fits") or 0)
        grip = self.page.locator("[data-testid=panel-grip]")
        grip.scroll_into_view_if_needed()  # as a user would, before dragging it
        box = grip.bounding_box()
        self.page.mouse.move(box["x"] + 5, box["y"] + 5)
        self.page.mouse.down()
        self.page.mouse.move(box["x"] - 150, box["y"] + 5, steps=5)
        self.page.mouse.up()
        self.page.wait_for_timeout(200)
        self.assertAlmostEqual(panel.bounding_box()["width"], width + 155, delta=3)
        self.assertGreater(int(self.page.get_attribute("[data-testid=graph]", "data-fits")), fits)
        grip.focus()
        self.page.keyboard.press("ArrowRight")
        self.page.wait_for_timeout(50)
        self.assertAlmostEqual(panel.bounding_box()["width"], width + 115, delta=3)

    def test_the_panel_closes_when_the_tab_or_the_graph_selection_changes(self):
        self.open()
        self.cell(FRONTEND, CART).click()
        self.wait_for_pair(FRONTEND, CART)
        self.page.click("[data-testid=tab-graph]")
        self.page.wait_for_selector("[data-testid=graph][data-ready=true]")
        self.assertFalse(self.page.is_visible("[data-testid=explanation-panel]"))
        self.page.evaluate("([s, d]) => window.netviz.openEdge(s, d)", [FRONTEND, CART])
        self.wait_for_pair(FRONTEND, CART)
        # The panel's opening re-fits the graph (animated): read the node where it settles.
        self.page.locator("[data-testid=graph]").scroll_into_view_if_needed()
        where = """(id) => { const cy = window.netviz.graph.cy; const box = cy.container().getBoundingClientRect();
               const p = cy.nodes().filter((n) => n.data("endpoint") === id)[0].renderedPosition();
               return [box.left + p.x, box.top + p.y]; }"""
        node, settled = None, 0
        for _ in range(100):  # the same place three times 100 ms apart: the re-fit has ended
            self.page.wait_for_timeout(100)
            now = self.page.evaluate(where, CHECKOUT)
            settled = settled + 1 if now == node else 0
            node = now
            if settled == 3:
                break
        self.page.mouse.click(*node)
        self.page.wait_for_selector("[data-testid=explanation-panel]", state="hidden")
        self.assertIn(f"{CHECKOUT} reaches", self.page.inner_text("[data-testid=graph-status]"))

    def test_a_click_on_an_edge_opens_that_edge(self):
        self.graph()
        edges = self.page.evaluate(
            "() => window.netviz.graph.cy.edges().filter(e => e.visible()"
            " && (e.data('src') || '').endsWith(']')).length"
        )
        # The panel open first: opening it re-fits the graph, which then stays as it is.
        self.page.evaluate("([s, d]) => window.netviz.openEdge(s, d)", [CHECKOUT, CART])
        self.wait_for_pair(CHECKOUT, CART)
        self.page.wait_for_timeout(200)
        points = self.page.evaluate(EDGE_POINTS, None)
        self.assertGreater(len(points), edges * 0.8)  # most edges have a point no other crosses
        for src, dst, x, y in points:
            self.page.mouse.click(x, y)
            self.wait_for_pair(src, dst)

    def test_edges_to_outside_ranges_are_bundled_per_namespace(self):
        self.graph()
        graph = self.page.locator("[data-testid=graph]")
        self.assertEqual(graph.get_attribute("data-bundles"), "2")  # 0.0.0.0/0 and ::/0
        bundle = self.page.evaluate(
            "() => window.netviz.graph.cy.edges('.bundle').filter(e => e.data('far') === '0.0.0.0/0').id()"
        )
        self.page.mouse.click(*self.page.evaluate(EDGE_POINTS, bundle)[0][2:])
        self.page.wait_for_selector(f'[data-testid=graph][data-bundle="{bundle}"]')
        status = self.page.inner_text("[data-testid=graph-status]")
        self.assertIn("12 endpoints of default reach 0.0.0.0/0", status)
        shown = self.page.evaluate(
            "() => window.netviz.graph.cy.edges('.shown').filter(e => e.visible()).length"
        )
        self.assertEqual(shown, 12)
        # The cluster's own edges are drawn above the bundles.
        z = self.page.evaluate(
            "() => [window.netviz.graph.cy.edges('.bundle')[0].style('z-index'),"
            " window.netviz.graph.cy.edges().not('.outward')[0].style('z-index')]"
        )
        self.assertLess(int(z[0]), int(z[1]))

    def test_kinds_are_shapes_with_a_legend_not_label_text(self):
        self.graph()
        labels = self.page.evaluate(
            "() => window.netviz.graph.cy.nodes().not('.ns').map(n => n.style('label'))"
        )
        self.assertIn("frontend", labels)
        self.assertFalse([text for text in labels if "[" in text])
        self.assertIn("Deployment", self.page.inner_text("[data-testid=kind-legend]"))

    def test_zoom_and_fit_controls(self):
        self.graph()
        zoom = lambda: self.page.evaluate("() => window.netviz.graph.cy.zoom()")  # noqa: E731
        start = zoom()
        self.page.click("[data-testid=graph-zoom-in]")
        self.assertAlmostEqual(zoom(), start * 1.25, delta=0.01)
        self.page.click("[data-testid=graph-zoom-out]")
        self.page.click("[data-testid=graph-zoom-out]")
        self.assertLess(zoom(), start)
        self.page.click("[data-testid=graph-fit]")
        self.assertAlmostEqual(zoom(), start, delta=0.01)

    def test_hovering_an_edge_shows_its_ports(self):
        self.graph()
        x, y = next(
            p[2:] for p in self.page.evaluate(EDGE_POINTS, None) if p[:2] == [FRONTEND, CART]
        )
        self.page.mouse.move(x - 20, y - 20)
        self.page.mouse.move(x, y, steps=4)
        tip = self.page.locator("[data-testid=graph-tip]")
        tip.wait_for()
        self.assertEqual(tip.inner_text(), f"{FRONTEND} → {CART}: TCP 7070")

    def test_a_policy_click_shows_the_graph_in_view_and_counts_in_words(self):
        self.open("?tab=policies")
        policy = self.page.locator('[data-testid=policy][data-policy="default/shippingservice"]')
        policy.scroll_into_view_if_needed()
        policy.locator("button[data-policy]").click()
        self.page.wait_for_selector('[data-testid=graph][data-policy="default/shippingservice"]')
        self.page.wait_for_timeout(100)
        box = self.page.locator("[data-testid=graph]").bounding_box()
        self.assertGreaterEqual(box["y"], 0)
        self.assertLess(box["y"], 900 / 2)  # its top half at least is on the screen
        status = self.page.inner_text("[data-testid=graph-status]")
        self.assertIn("default/shippingservice selects 1 endpoint and permits", status)

    def test_each_summary_count_links_to_its_view_without_a_reload(self):
        self.open()
        self.page.evaluate("() => { window.notReloaded = true; }")
        for count, tab in (
            ("policies", "policies"),
            ("endpoints", "graph"),
            ("namespaces", "matrix"),
        ):
            self.page.click(f"[data-testid=count-{count}] a")
            self.assertEqual(
                self.page.get_attribute(f"[data-testid=tab-{tab}]", "aria-selected"), "true"
            )
        self.assertTrue(self.page.evaluate("() => window.notReloaded"))
        for count in ("connections", "warnings"):
            self.assertEqual(self.page.locator(f"[data-testid=count-{count}] a").count(), 1)

    def test_warnings_of_one_kind_fold_into_one_line_above_the_matrix(self):
        self.open()
        groups = self.page.locator("[data-testid=problem-group]")
        self.assertEqual([g.get_attribute("data-count") for g in groups.all()], ["6"])
        # Every warning is still there, the six Istio policies behind their group's <details>.
        self.assertEqual(self.page.locator("[data-testid=problem]").count(), 7)
        self.assertLess(
            self.page.locator("[data-testid=problems-section]").bounding_box()["height"], 260
        )
        self.assertFalse(self.page.locator("[data-testid=problem-group] li").first.is_visible())
        groups.locator("summary").click()
        self.assertTrue(self.page.locator("[data-testid=problem-group] li").first.is_visible())
