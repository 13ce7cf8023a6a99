"""A big review's graph (more than NETVIZ_PAGE_EDGES connections): it starts at the namespace level,
drawn from the namespace blocks without fetching an edge, and a namespace clicked open fetches that
namespace's edges alone; the nodes and edges shown are the engine's analysis folded the same way."""

from __future__ import annotations

import collections
import time

import pytest
from django.test import override_settings

from netviz.engine import Evaluator
from netviz.k8s import load_texts
from netviz.web.services import Upload, create_review
from tests.browser.base import BrowserTestCase

NAMESPACES = [f"n{k:02d}" for k in range(12)]
OUTSIDE = "outside the cluster"
PODS = 90  # 1,080 endpoints: the matrix starts folded too, and fetches nothing


def cluster() -> str:
    """Each namespace admits the first pod of the next one: n00 on every port, the others on
    TCP 80 (1,080 connections)."""
    docs = [f"apiVersion: v1\nkind: Namespace\nmetadata: {{name: {ns}}}\n" for ns in NAMESPACES]
    docs += [
        f"apiVersion: v1\nkind: Pod\nmetadata: {{name: p{i:02d}, namespace: {ns}, "
        f"labels: {{app: p{i:02d}}}}}\nspec: {{containers: [{{name: c, image: x}}]}}\n"
        for ns in NAMESPACES
        for i in range(PODS)
    ]
    for k, ns in enumerate(NAMESPACES):
        source = NAMESPACES[(k + 1) % len(NAMESPACES)]
        ports = "" if k == 0 else "\n      ports: [{protocol: TCP, port: 80}]"
        docs.append(
            "apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\n"
            f"metadata: {{name: from-next, namespace: {ns}}}\nspec:\n  podSelector: {{}}\n"
            "  ingress:\n    - from: [{namespaceSelector: {matchLabels: "
            f"{{kubernetes.io/metadata.name: {source}}}}}, podSelector: {{matchLabels: "
            f"{{app: p00}}}}}}]{ports}\n"
        )
    return "---\n".join(docs)


# Every element the graph shows: folded namespaces and endpoints, and each edge between them
# with its count of connections and state.
SHOWN = """() => {
  const cy = window.netviz.graph.cy;
  const name = (n) => n.hasClass("folded") ? `ns:${n.data("name")}` : n.data("endpoint");
  return {
    nodes: cy.nodes().filter((n) => n.hasClass("folded") || !n.hasClass("ns")).map(name),
    edges: cy.edges().filter((e) => !e.hasClass("bundle")).map((e) =>
      [name(e.source()), name(e.target()), e.data("count"), e.data("state")]),
  };
}"""

NODE_CENTRE = """(id) => {
  const cy = window.netviz.graph.cy;
  const box = cy.container().getBoundingClientRect();
  const p = cy.getElementById(id).renderedPosition();
  return [box.left + p.x, box.top + p.y];
}"""


@pytest.mark.browser
@override_settings(NETVIZ_PAGE_EDGES=500)
class LazyGraphTestCase(BrowserTestCase):
    @classmethod
    def setUpClass(cls) -> None:
        super().setUpClass()
        cls.upload = cluster().encode()
        analysis = Evaluator(load_texts([("big.yaml", cls.upload)])).analysis()
        cls.connections = [(c.src, c.dst, c.ports.is_all()) for c in analysis.connections]
        # Address ranges outside the cluster (egress is not isolated) are a group of their own.
        ends = {x for c in cls.connections for x in c[:2]}
        cls.namespace = dict.fromkeys(sorted(ends), OUTSIDE)
        cls.namespace.update({e.id: e.namespace for e in analysis.endpoints})

    def setUp(self) -> None:
        super().setUp()
        review, _rev, _edit = create_review("Lazy graph", [Upload("big.yaml", self.upload)])
        self.fetched: list[str] = []
        self.page.on("request", lambda r: "/data/" in r.url and self.fetched.append(r.url))
        self.page.goto(f"{self.live_server_url}/r/{review.view_token}/?tab=graph")
        self.page.wait_for_selector("[data-testid=graph][data-ready=true]", timeout=60_000)

    def expected(self, opened: set[str]) -> tuple[list[str], list[list]]:
        """The analysis folded: namespaces not in `opened` as one node each."""

        def rep(endpoint: str) -> str:
            ns = self.namespace[endpoint]
            return endpoint if ns in opened else f"ns:{ns}"

        count: collections.Counter = collections.Counter()
        some: set[tuple[str, str]] = set()
        for src, dst, every in self.connections:
            a, b = rep(src), rep(dst)
            if a == b:
                continue
            count[(a, b)] += 1
            if not every:
                some.add((a, b))
        nodes = [f"ns:{ns}" for ns in [*NAMESPACES, OUTSIDE] if ns not in opened]
        nodes += [e for e, ns in self.namespace.items() if ns in opened]
        edges = [[a, b, n, "some" if (a, b) in some else "all"] for (a, b), n in count.items()]
        return sorted(nodes), sorted(edges)

    def shown(self) -> tuple[list[str], list[list]]:
        got = self.page.evaluate(SHOWN)
        return sorted(got["nodes"]), sorted(got["edges"])

    def test_it_is_big_enough_to_be_lazy(self):
        self.assertGreater(len(self.connections), 500)
        self.assertTrue(self.page.evaluate("() => window.netviz.model.lazy"))

    def test_it_starts_at_the_namespace_level_without_fetching_an_edge(self):
        self.assertEqual(self.shown(), self.expected(set()))
        graph = self.page.locator("[data-testid=graph]")
        self.assertEqual(graph.get_attribute("data-folded"), str(len(NAMESPACES) + 1))
        self.assertEqual(self.fetched, [])
        self.assertEqual(self.page.evaluate("() => window.netviz.model.data.edges.length"), 0)
        status = self.page.locator("[data-graph-status]").inner_text()
        self.assertIn(f"{len(self.connections):,}".replace(",", ""), status.replace(",", ""))

    def test_a_namespace_clicked_open_fetches_its_edges_and_shows_the_analysis(self):
        graph = self.page.locator("[data-testid=graph]")
        key = NAMESPACES.index("n03")
        # The node's position once the graph's re-fit has settled (the same three reads in a row).
        seen: list = []
        for _ in range(50):
            seen = [*seen[-2:], self.page.evaluate(NODE_CENTRE, f"g:{key}")]
            if len(seen) == 3 and seen[0] == seen[1] == seen[2]:
                break
            time.sleep(0.1)
        with self.page.expect_response(lambda r: f"/data/ns/{key}.json" in r.url):
            self.page.mouse.click(*seen[-1])
        self.page.wait_for_function(
            f"() => document.querySelector('[data-testid=graph]').dataset.folded === "
            f"'{len(NAMESPACES)}'"
        )
        self.assertEqual(self.shown(), self.expected({"n03"}))
        self.assertEqual([u.split("/data/")[1] for u in self.fetched], [f"ns/{key}.json"])
        self.assertEqual(graph.get_attribute("data-nodes"), str(len(NAMESPACES) + PODS))

    def test_every_namespace_opened_shows_every_connection(self):
        self.page.evaluate("() => window.netviz.graph.openAll()")
        self.page.wait_for_function(
            "() => document.querySelector('[data-testid=graph]').dataset.folded === '0'"
        )
        self.assertEqual(self.shown(), self.expected({*NAMESPACES, OUTSIDE}))

    def test_the_focus_suggestions_are_every_endpoint_once_the_field_is_focused(self):
        options = "() => [...document.querySelectorAll('#netviz-endpoint-ids option')].map((o) => o.value)"
        self.assertEqual(self.page.evaluate(options), [])  # not in the page: added on focus
        self.page.locator("[data-testid=filter-focus]").focus()
        shown = self.page.evaluate(options)
        self.assertEqual(
            shown, self.page.evaluate("() => window.netviz.model.nodes.map((n) => n[0])")
        )
        self.assertEqual(sorted(shown), sorted(self.namespace))
