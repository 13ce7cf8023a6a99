"""The review page in Chromium: matrix against the engine, explanations, graph, filters, policies."""

from __future__ import annotations

import pytest

from netviz.engine import Evaluator
from netviz.k8s import load_texts
from netviz.web.models import Review
from netviz.web.services import Upload, create_review
from tests.browser.base import BrowserTestCase
from tests.browser.manifests import SHOP

WEB, API, DB = "shop/web[Deployment]", "shop/api[Deployment]", "data/db[StatefulSet]"

# The middle of a cytoscape edge in page coordinates, for a real mouse click.
EDGE_MIDDLE = """
([src, dst]) => {
  const cy = window.netviz.graph.cy;
  const edge = cy.edges().filter((e) => e.data("src") === src && e.data("dst") === dst)[0];
  const box = cy.container().getBoundingClientRect();
  const p = edge.renderedMidpoint();
  return [box.left + p.x, box.top + p.y];
}
"""

NODE_CENTRE = """
(id) => {
  const cy = window.netviz.graph.cy;
  const node = cy.nodes().filter((n) => n.data("endpoint") === id)[0];
  const box = cy.container().getBoundingClientRect();
  const p = node.renderedPosition();
  return [box.left + p.x, box.top + p.y];
}
"""


def expected_states() -> dict[tuple[str, str], str]:
    """The engine's answer for every pair of workloads: all, some or none."""
    ev = Evaluator(load_texts([("shop.yaml", SHOP)]))
    analysis = ev.analysis()
    ids = [e.id for e in analysis.endpoints]
    out = {(s, d): "none" for s in ids for d in ids}
    for c in analysis.connections:
        if (c.src, c.dst) in out:
            out[(c.src, c.dst)] = "all" if c.ports.is_all() else "some"
    # A bare Pod's loopback is not a listed connection, but explain() says it is always allowed.
    for i in ids:
        if out[(i, i)] == "none" and ev.explain(i, i).allowed.is_all():
            out[(i, i)] = "all"
    return out


@pytest.mark.browser
class ReviewPageTestCase(BrowserTestCase):
    def create(self) -> Review:
        review, _rev, _edit = create_review("Shop", [Upload("shop.yaml", SHOP.encode())])
        return review

    def open(self, review: Review, query: str = "") -> None:
        self.page.goto(f"{self.live_server_url}/r/{review.view_token}/{query}")
        self.page.wait_for_selector("[data-testid=matrix][data-drawn=true]", state="attached")

    def cell(self, src: str, dst: str):
        return self.page.locator(f'td[data-src="{src}"][data-dst="{dst}"]')

    def test_uploaded_through_the_form_the_matrix_matches_the_engine(self):
        page = self.page
        page.goto(self.live_server_url + "/")
        page.fill("#id_text", SHOP)
        page.click("[data-testid=upload-submit]")
        page.wait_for_selector("[data-testid=created-notice]")
        page.goto(page.locator("[data-testid=view-url]").input_value())
        page.wait_for_selector("[data-testid=matrix][data-drawn=true]")
        cells = page.eval_on_selector_all(
            "td[data-src]",
            "tds => tds.map(td => [td.dataset.src, td.dataset.dst, td.dataset.state])",
        )
        workloads = {k: v for k, v in expected_states().items()}
        seen = {(s, d): st for s, d, st in cells if (s, d) in workloads}
        self.assertEqual(seen, workloads)
        self.assertEqual(self.cell(WEB, API).inner_text(), "◐")
        self.assertIn("TCP 8080", self.cell(WEB, API).get_attribute("title"))

    def test_a_bare_pod_reaches_itself_even_under_default_deny(self):
        text = (
            "apiVersion: v1\nkind: Pod\nmetadata: {name: solo, namespace: locked}\n"
            "spec: {containers: [{name: c, image: x}]}\n---\n"
            "apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\n"
            "metadata: {name: deny, namespace: locked}\n"
            "spec: {podSelector: {}, policyTypes: [Ingress, Egress]}\n"
        )
        review, _rev, _edit = create_review("Solo", [Upload("solo.yaml", text.encode())])
        self.open(review)
        solo = "locked/solo[Pod]"
        self.assertEqual(self.cell(solo, solo).get_attribute("data-state"), "all")
        self.assertIn("loopback", self.cell(solo, solo).get_attribute("title"))

    def test_clicking_a_cell_explains_it_with_the_policy_and_rule(self):
        self.open(self.create())
        self.cell(WEB, API).click()
        panel = self.page.locator("[data-testid=explanation-panel] [data-testid=explanation]")
        panel.wait_for()
        self.assertEqual(panel.get_attribute("data-src"), WEB)
        rule = panel.locator("[data-testid=allowing-rule]")
        self.assertEqual(rule.get_attribute("data-policy"), "shop/api-from-web")
        self.assertIn("ingress rule 0, from[0], ports[0] (shop.yaml:", rule.inner_text())
        # The injection attempt in a comment is highlighted as text, not run.
        self.assertIn(
            "</script><script>alert(1)</script>",
            rule.locator("[data-testid=yaml-rule]").first.inner_text(),
        )

    def test_a_denied_cell_names_the_isolating_policy(self):
        self.open(self.create())
        self.cell(WEB, DB).click()
        panel = self.page.locator("[data-testid=explanation-panel] [data-testid=explanation]")
        panel.wait_for()
        self.assertEqual(panel.get_attribute("data-allowed"), "false")
        denial = panel.locator("[data-testid=denying-policy]")
        self.assertEqual(denial.get_attribute("data-policy"), "data/db-from-api")
        self.assertIn("ingress rule 0", denial.inner_text())

    def test_the_keyboard_reaches_a_cell_and_opens_its_explanation(self):
        self.open(self.create())
        first = self.page.locator("td[role=gridcell][tabindex='0']")
        first.focus()
        self.page.keyboard.press("ArrowRight")
        self.page.keyboard.press("Enter")
        self.page.locator("[data-testid=explanation-panel] [data-testid=explanation]").wait_for()

    def test_clicking_a_graph_edge_explains_it(self):
        self.open(self.create(), "?tab=graph")
        self.page.wait_for_selector("[data-testid=graph][data-ready=true]")
        x, y = self.page.evaluate(EDGE_MIDDLE, [API, DB])
        self.page.mouse.click(x, y)
        panel = self.page.locator("[data-testid=explanation-panel] [data-testid=explanation]")
        panel.wait_for()
        self.assertEqual(panel.get_attribute("data-dst"), DB)
        rule = panel.locator("[data-testid=allowing-rule]")
        self.assertEqual(rule.get_attribute("data-policy"), "data/db-from-api")
        self.assertIn("data/db-from-api ingress rule 0, from[0], ports[0]", rule.inner_text())

    def test_a_policy_from_the_policies_tab_is_highlighted_in_the_graph(self):
        self.open(self.create())
        self.page.click("[data-testid=tab-policies]")
        policy = self.page.locator('[data-testid=policy][data-policy="data/db-from-api"]')
        self.assertIn("permits no connection", policy.locator("[data-rule='1']").inner_text())
        policy.locator("button[data-policy]").click()
        self.page.wait_for_selector('[data-testid=graph][data-policy="data/db-from-api"]')
        chosen = self.page.evaluate(
            "() => window.netviz.graph.cy.nodes('.selected-by').map(n => n.data('endpoint'))"
        )
        self.assertEqual(chosen, [DB])
        permitted = self.page.evaluate(
            "() => window.netviz.graph.cy.edges('.permitted').map(e => [e.data('src'), e.data('dst')])"
        )
        self.assertEqual(permitted, [[API, DB]])

    def test_a_shared_edge_url_opens_in_a_fresh_context(self):
        review = self.create()
        url = f"{self.live_server_url}/r/{review.view_token}/edge/shop~api~Deployment/data~db~StatefulSet/"
        fresh = self.browser.new_context(java_script_enabled=False)
        self.addCleanup(fresh.close)
        page = fresh.new_page()
        page.goto(url)
        section = page.locator("[data-testid=explanation]")
        self.assertEqual(section.get_attribute("data-allowed"), "true")
        self.assertIn("data/db-from-api", section.inner_text())

    def test_a_port_filter_in_the_url_keeps_what_can_reach_that_port(self):
        self.open(self.create(), "?protocol=TCP&port=5432")
        sources = set(
            self.page.eval_on_selector_all(
                "td[data-state=all]",
                "tds => tds.map(td => td.dataset.src + ' > ' + td.dataset.dst)",
            )
        )
        self.assertIn(f"{API} > {DB}", sources)
        self.assertNotIn(f"{WEB} > {DB}", sources)
        self.assertEqual(self.cell(WEB, DB).get_attribute("data-state"), "none")
        self.assertEqual(self.page.input_value("[data-testid=filter-port]"), "5432")

    def test_folding_a_namespace_shows_some_for_a_mixed_group(self):
        self.open(self.create())
        self.page.locator("thead [data-testid=matrix-group]", has_text="shop").click()
        folded = self.page.locator('td[data-src-group="shop"][data-dst-group="shop"]')
        # web → api on one port, api → web on all, web → web all, api → api none: some.
        self.assertEqual(folded.get_attribute("data-state"), "some")

    def test_the_findings_tab_shows_a_blast_radius_in_the_graph(self):
        self.open(self.create(), "?tab=findings")
        link = self.page.locator(f'[data-blast-link][data-endpoint="{WEB}"]')
        link.click()
        blast = self.page.locator("[data-testid=blast]")
        blast.wait_for()
        self.assertEqual(blast.get_attribute("data-origin"), WEB)
        reached = blast.locator("[data-endpoint]").evaluate_all(
            "lis => lis.map(li => li.dataset.endpoint)"
        )
        self.assertIn(API, reached)
        self.assertIn(DB, reached)  # web → api → db: two hops
        self.page.click("[data-testid=blast-show]")
        self.page.wait_for_selector(f'[data-testid=graph][data-blast="{WEB}"]')
        marked = self.page.evaluate(
            "() => window.netviz.graph.cy.nodes('.selected-by').map(n => n.data('endpoint'))"
        )
        self.assertEqual(sorted(marked), sorted(reached))

    def test_a_focus_in_the_url_keeps_one_endpoint_and_what_reaches_it(self):
        self.open(self.create(), f"?focus={DB}&dir=in")
        cells = self.page.eval_on_selector_all(
            "td[data-src]",
            "tds => tds.map(td => [td.dataset.src, td.dataset.dst, td.dataset.state])",
        )
        self.assertEqual({d for _s, d, _st in cells}, {DB})
        self.assertEqual([(s, st) for s, _d, st in cells], [(API, "some")])

    def test_clicking_a_graph_node_highlights_what_it_reaches_and_what_reaches_it(self):
        self.open(self.create(), "?tab=graph")
        self.page.wait_for_selector("[data-testid=graph][data-ready=true]")
        x, y = self.page.evaluate(NODE_CENTRE, API)
        self.page.mouse.click(x, y)
        pairs = """(cls) => window.netviz.graph.cy.edges('.' + cls)
            .map(e => e.data('src') + ' > ' + e.data('dst'))
            .filter(p => p.endsWith(']')).sort()"""  # workloads only, not address ranges
        self.assertEqual(self.page.evaluate(pairs, "out"), [f"{API} > {DB}", f"{API} > {WEB}"])
        self.assertEqual(self.page.evaluate(pairs, "in"), [f"{WEB} > {API}"])
        self.assertIn("reaches", self.page.inner_text("[data-testid=graph-status]"))
