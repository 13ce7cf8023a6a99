"""A draft's marks where the views draw no element per pair: the canvas matrix of a review with
more than 150 endpoints, and the graph's folded namespaces (static/js/draft_marks.js)."""

from __future__ import annotations

import pytest

from netviz.web.services import Upload, create_review
from tests.browser.test_big_matrix import CELL, LABEL_W, PER_NAMESPACE, cluster
from tests.browser.test_draft_ui import DraftPage

PAIRS = PER_NAMESPACE * PER_NAMESPACE  # a namespace to another


@pytest.mark.browser
class CanvasDraftMarksTestCase(DraftPage):
    """180 pods in a, b, c; c admits a on TCP 80. The draft admits b instead: every a → c pair
    removed, every b → c pair added."""

    def setUp(self) -> None:
        super().setUp()
        review, _rev, _edit = create_review("Big", [Upload("big.yaml", cluster().encode())])
        self.open(f"{self.live_server_url}/r/{review.view_token}/")
        self.edit_policy("c/c-from-a")
        n = self.evaluations()
        self.type_over("kubernetes.io/metadata.name: a", "kubernetes.io/metadata.name: b")
        self.wait_evaluated(n)

    def drawn(self) -> list[dict]:
        return self.page.evaluate("() => document.querySelector('[data-matrix]')._drawnMarks")

    def scroll_to_column(self, col: int) -> None:
        before = self.page.locator("[data-matrix]").get_attribute("data-diff-drawn")
        self.page.locator(".matrix-canvas-wrap").evaluate(
            f"w => {{ w.scrollLeft = {col * CELL}; }}"
        )
        self.page.wait_for_function(
            """([before]) => { const m = document.querySelector("[data-matrix]");
                return m.dataset.diffDrawn !== before; }""",
            arg=[before],
        )

    def test_the_canvas_marks_the_changed_pairs_in_view_and_the_legend_counts_them(self):
        self.page.locator("[data-testid=tab-matrix]").click()
        self.page.wait_for_selector("[data-testid=matrix][data-mode=canvas]", state="attached")
        legend = self.page.locator("[data-testid=matrix-draft-legend]")
        self.assertTrue(legend.is_visible())
        counts = {
            k: legend.locator(f"[data-draft-legend-count={k}]").get_attribute("data-count")
            for k in ("added", "removed", "changed")
        }
        self.assertEqual(counts, {"added": str(PAIRS), "removed": str(PAIRS), "changed": "0"})
        self.assertIn(f"+ {PAIRS} pairs added", legend.inner_text())
        # Columns of namespace c in view: rows of a are removed, rows of b added, c unmarked.
        self.scroll_to_column(2 * PER_NAMESPACE)
        drawn = self.drawn()
        self.assertTrue(drawn)
        for mark in drawn:
            self.assertTrue(mark["single"])
            self.assertTrue(mark["dst"].startswith("c/"), mark)
            expected = {"a": "removed", "b": "added"}[mark["src"][0]]
            self.assertEqual(mark["kind"], expected, mark)
        shown = self.page.locator(".matrix-canvas-wrap").evaluate(
            f"w => Math.floor((w.clientHeight - 150) / {CELL})"
        )
        self.assertGreater(len(drawn), 10)
        self.assertLessEqual(len({m["src"] for m in drawn}), shown + 1)
        # Columns of namespace a: nothing there changed.
        self.scroll_to_column(0)
        self.assertEqual(self.drawn(), [])

    def test_a_folded_namespace_row_on_the_canvas_carries_the_kind_of_its_pairs(self):
        self.page.locator("[data-testid=tab-matrix]").click()
        wrap = self.page.locator(".matrix-canvas-wrap")
        wrap.wait_for()
        wrap.scroll_into_view_if_needed()
        box = wrap.bounding_box()
        draws = int(self.page.locator("[data-matrix]").get_attribute("data-draws"))
        # The label of the first row (namespace a's heading) folds it.
        self.page.mouse.click(box["x"] + LABEL_W / 2, box["y"] + 150 + CELL / 2)
        self.page.wait_for_function(
            f"() => Number(document.querySelector('[data-matrix]').dataset.draws) > {draws}"
        )
        self.scroll_to_column(2 * PER_NAMESPACE)
        folded = [m for m in self.drawn() if m["src"] == "a"]
        self.assertTrue(folded)
        self.assertEqual({(m["single"], m["kind"]) for m in folded}, {(False, "removed")})
        self.assertTrue(all(m["dst"].startswith("c/") for m in folded))

    def test_folded_namespaces_in_the_graph_show_their_counts_and_kind(self):
        self.page.locator("[data-testid=tab-graph]").click()
        graph = self.page.locator("[data-testid=graph][data-ready=true]")
        graph.wait_for(timeout=60_000)
        self.page.wait_for_function(
            "() => Number(document.querySelector('[data-graph]').dataset.diffNamespaces) > 0"
        )
        self.assertGreater(int(graph.get_attribute("data-folded")), 0)
        marks = self.page.evaluate("() => document.querySelector('[data-graph]')._draftNamespaces")
        self.assertEqual(marks["a"]["kind"], "removed")
        self.assertEqual(marks["a"]["label"], f"−{PAIRS}")
        self.assertEqual(marks["b"]["kind"], "added")
        self.assertEqual(marks["c"]["kind"], "changed")  # pairs added and removed
        self.assertEqual(marks["c"]["label"], f"+{PAIRS} −{PAIRS}")
        label, classes = self.page.evaluate(
            """() => { const n = window.netviz.graph.cy.nodes(".folded").filter((x) => x.data("name") === "a");
                return [n.style("label"), n.classes()]; }"""
        )
        self.assertEqual(label, f"a ({PER_NAMESPACE})\n−{PAIRS}")
        self.assertIn("draft-removed", classes)
        # The folded edges between them carry their pairs' kind; b → c is a new one.
        kinds = self.page.evaluate(
            """() => window.netviz.graph.cy.edges(".draft-added, .draft-removed, .draft-changed")
                .map((e) => [e.source().data("name"), e.target().data("name"),
                  ["added", "removed", "changed"].find((k) => e.hasClass(`draft-${k}`))])"""
        )
        self.assertIn(["a", "c", "removed"], kinds)
        self.assertIn(["b", "c", "added"], kinds)
        self.assertTrue(self.page.locator("[data-testid=graph-draft-legend]").is_visible())
