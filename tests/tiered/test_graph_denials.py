"""The graph tells apart the three tiered verdicts, in Chromium: an edge an admin Accept opened
(blue, diamond), the pairs an admin rule denied (drawn for the selected endpoint as purple dashed
lines marked ✕, toggled by the legend's "show admin denials"), and no line where NetworkPolicy
does not allow."""

from __future__ import annotations

from netviz.web.services import create_review
from tests.browser.base import BrowserTestCase
from tests.browser.layout_check import OVERLAPS, SIDEWAYS
from tests.web.base import uploads

from .model import model, pod, sts
from .test_web import ACCEPT_R, DENY_G, NP_ALLOW_G_TO_H

HUFFLEPUFF = sts("hufflepuff")
GRYFFINDOR = [sts("gryffindor"), sts("gryffindor", 1), pod("gryffindor")]

# Where an endpoint's node is on the page once the graph's fit has settled.
WHERE = """(id) => { const cy = window.netviz.graph.cy; const box = cy.container().getBoundingClientRect();
  const p = cy.nodes().filter((n) => n.data("endpoint") === id)[0].renderedPosition();
  return [box.left + p.x, box.top + p.y]; }"""

DENIALS = """() => window.netviz.graph.cy.edges('.admin-deny').map((e) => ({
  src: e.data('src'), dst: e.data('dst'), label: e.style('label'),
  line: e.style('line-style'), arrow: e.style('target-arrow-shape'), visible: e.visible() }))"""


class GraphDenialsTestCase(BrowserTestCase):
    def setUp(self) -> None:
        super().setUp()
        files = [
            ("model.yaml", model()),
            ("np.yaml", NP_ALLOW_G_TO_H),
            ("admin.yaml", DENY_G + "---\n" + ACCEPT_R),
        ]
        review, _, _ = create_review("Tiered", uploads(files))
        self.page.goto(f"{self.live_server_url}/r/{review.view_token}/?tab=graph")
        self.page.wait_for_selector("[data-testid=graph][data-ready=true]")
        self.page.locator("[data-testid=graph]").scroll_into_view_if_needed()

    def click_node(self, endpoint: str) -> None:
        node, settled = None, 0
        for _ in range(100):  # the same place three times 100 ms apart: the fit has ended
            self.page.wait_for_timeout(100)
            now = self.page.evaluate(WHERE, endpoint)
            settled = settled + 1 if now == node else 0
            node = now
            if settled == 3:
                break
        self.page.mouse.click(*node)
        self.page.wait_for_function(
            "(id) => document.querySelector('[data-testid=graph-status]').textContent"
            ".startsWith(id + ' reaches')",
            arg=endpoint,
        )

    def test_selecting_an_endpoint_draws_its_admin_denials_as_dashed_cross_lines(self):
        legend = self.page.locator("[data-testid=graph-denials]")
        self.assertTrue(legend.is_visible() and legend.is_checked())
        self.assertEqual(self.page.evaluate(DENIALS), [])  # nothing selected, nothing drawn
        self.click_node(HUFFLEPUFF)
        drawn = self.page.evaluate(DENIALS)
        self.assertEqual(sorted(d["src"] for d in drawn), sorted(GRYFFINDOR))
        for d in drawn:
            self.assertEqual(d["dst"], HUFFLEPUFF)
            self.assertEqual((d["label"], d["line"], d["arrow"]), ("✕", "dashed", "tee"))
            self.assertTrue(d["visible"])
        # The Accept edge stays an edge of its own kind; a pair NetworkPolicy does not allow has
        # no line at all.
        accepted = self.page.evaluate(
            "() => window.netviz.graph.cy.edges('.admin-accept').map((e) => e.data('src'))"
        )
        self.assertIn(sts("ravenclaw"), accepted)
        lines = self.page.evaluate(
            """([s, d]) => window.netviz.graph.cy.edges().filter((e) =>
                 e.data('src') === s && e.data('dst') === d).length""",
            [sts("slytherin"), HUFFLEPUFF],
        )
        self.assertEqual(lines, 0)
        self.page.mouse.move(1, 1)  # off the graph: its tooltip goes
        self.page.wait_for_selector("[data-testid=graph-tip]", state="hidden")
        self.assertEqual(self.page.evaluate(OVERLAPS), [])
        self.assertEqual(self.page.evaluate(SIDEWAYS), [])
        self.assertEqual(self.errors, [])

    def test_the_legend_checkbox_hides_and_shows_them_and_clearing_removes_them(self):
        self.click_node(HUFFLEPUFF)
        self.assertEqual(len(self.page.evaluate(DENIALS)), 3)
        self.page.locator("[data-testid=graph-denials]").uncheck()
        self.assertEqual(self.page.evaluate(DENIALS), [])
        self.page.locator("[data-testid=graph-denials]").check()
        self.assertEqual(len(self.page.evaluate(DENIALS)), 3)
        self.page.click("[data-testid=graph-reset]")
        self.assertEqual(self.page.evaluate(DENIALS), [])
        self.assertIsNone(self.page.locator("[data-testid=graph]").get_attribute("data-denials"))
        self.assertEqual(self.errors, [])

    def test_a_denial_line_opens_the_pairs_explanation(self):
        self.click_node(GRYFFINDOR[2])  # a bare Pod: one denial line to each hufflepuff endpoint
        drawn = self.page.evaluate(DENIALS)
        self.assertIn(HUFFLEPUFF, [d["dst"] for d in drawn])
        middle = self.page.evaluate(
            """([s, d]) => { const cy = window.netviz.graph.cy; const box = cy.container().getBoundingClientRect();
                 const p = cy.edges('.admin-deny').filter((e) => e.data('src') === s && e.data('dst') === d)[0]
                   .renderedMidpoint();
                 return [box.left + p.x, box.top + p.y]; }""",
            [GRYFFINDOR[2], HUFFLEPUFF],
        )
        self.page.mouse.click(*middle)
        panel = self.page.locator(
            "[data-testid=explanation-panel] [data-testid=side-ingress] [data-testid=decisions]"
        )
        panel.wait_for()
        self.assertIn("[Admin] deny-g (5) ingress 'deny-g' Deny → denied", panel.inner_text())
        self.assertEqual(self.errors, [])


ACCEPT_DOMAINS = (
    "apiVersion: policy.networking.k8s.io/v1alpha2\nkind: ClusterNetworkPolicy\n"
    "metadata: {name: allow-api}\nspec:\n  tier: Admin\n  priority: 10\n"
    "  subject: {namespaces: {matchLabels: {conformance-house: hufflepuff}}}\n"
    "  egress:\n  - action: Accept\n"
    "    to: [{domainNames: ['*.example.com', api.example.com]}]\n"
)


class GraphDomainsTestCase(BrowserTestCase):
    def test_the_matrix_has_a_column_per_domain_endpoint(self):
        files = [("model.yaml", model()), ("admin.yaml", ACCEPT_DOMAINS)]
        review, _, _ = create_review("Domains", uploads(files))
        self.page.goto(f"{self.live_server_url}/r/{review.view_token}/")
        self.page.wait_for_selector("[data-testid=matrix][data-drawn=true]", state="attached")
        cell = self.page.locator(f'td[data-src="{HUFFLEPUFF}"][data-dst="api.example.com"]')
        self.assertEqual(cell.count(), 1)
        self.assertIn("api.example.com", self.page.inner_text("[data-testid=matrix]"))
        self.assertEqual(self.errors, [])

    def test_domain_endpoints_are_drawn_outside_as_tags_named_by_their_pattern(self):
        files = [("model.yaml", model()), ("admin.yaml", ACCEPT_DOMAINS)]
        review, _, _ = create_review("Domains", uploads(files))
        self.page.goto(f"{self.live_server_url}/r/{review.view_token}/?tab=graph")
        self.page.wait_for_selector("[data-testid=graph][data-ready=true]")
        nodes = self.page.evaluate(
            """() => window.netviz.graph.cy.nodes('.external')
                 .map((n) => [n.data('endpoint'), n.data('label'), n.data('shape')])"""
        )
        self.assertIn(["*.example.com", "*.example.com", "round-tag"], nodes)
        self.assertIn(["api.example.com", "api.example.com", "round-tag"], nodes)
        self.assertIn(
            "domain names (not resolved)", self.page.inner_text("[data-testid=kind-legend]")
        )
        status = self.page.inner_text("[data-testid=graph-status]")
        self.assertIn("2 address ranges outside the cluster and 2 domain names", status)
        self.assertEqual(self.errors, [])
