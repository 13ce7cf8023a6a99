"""The review page in Chromium on tiered input: the matrix marks admin-decided cells, the legend
says what the marks mean, and a marked cell's panel shows the decision path."""

from __future__ import annotations

from netviz.web.services import create_review
from tests.browser.base import BrowserTestCase
from tests.web.base import uploads

from .model import model, sts
from .test_web import ACCEPT_R, DENY_G, NP_ALLOW_G_TO_H


class TieredReviewPageTestCase(BrowserTestCase):
    def test_admin_decided_cells_are_marked_and_explained_by_their_decision_path(self):
        files = [
            ("model.yaml", model()),
            ("np.yaml", NP_ALLOW_G_TO_H),
            ("admin.yaml", DENY_G + "---\n" + ACCEPT_R),
        ]
        review, _, _ = create_review("Tiered", uploads(files))
        self.page.goto(f"{self.live_server_url}/r/{review.view_token}/")
        self.page.wait_for_selector("[data-testid=matrix][data-drawn=true]", state="attached")
        self.assertTrue(self.page.locator("[data-testid=tiered-legend]").is_visible())
        denied = self.page.locator(
            f'td[data-src="{sts("gryffindor")}"][data-dst="{sts("hufflepuff")}"]'
        )
        self.assertEqual(denied.get_attribute("data-verdict"), "admin-deny")
        accepted = self.page.locator(
            f'td[data-src="{sts("ravenclaw")}"][data-dst="{sts("hufflepuff")}"]'
        )
        self.assertEqual(accepted.get_attribute("data-verdict"), "admin-accept")
        denied.click()
        panel = self.page.locator(
            "[data-testid=explanation-panel] [data-testid=side-ingress] [data-testid=decisions]"
        )
        panel.wait_for()
        self.assertIn("[Admin] deny-g (5) ingress 'deny-g' Deny → denied", panel.inner_text())
        self.assertEqual(self.errors, [])

    def test_the_graph_marks_an_edge_an_admin_accept_opened(self):
        files = [("model.yaml", model()), ("np.yaml", NP_ALLOW_G_TO_H), ("admin.yaml", ACCEPT_R)]
        review, _, _ = create_review("Tiered", uploads(files))
        self.page.goto(f"{self.live_server_url}/r/{review.view_token}/?tab=graph")
        self.page.wait_for_selector("[data-testid=graph][data-ready=true]")
        marked = self.page.evaluate(
            """() => window.netviz.graph.cy.edges('.admin-accept')
                 .map((e) => [e.data('src'), e.data('dst')])"""
        )
        self.assertIn([sts("ravenclaw"), sts("hufflepuff")], marked)
        self.assertNotIn([sts("gryffindor"), sts("hufflepuff")], marked)
        self.assertEqual(self.errors, [])


class TieredBigMatrixTestCase(BrowserTestCase):
    """Above 150 endpoints the canvas matrix reports a cell's tiered verdict on its focus line."""

    def test_the_canvas_reports_an_admin_denied_cell(self):
        from tests.browser.test_big_matrix import CELL, HEAD_H, LABEL_W, PER_NAMESPACE, cluster

        deny = (
            "---\napiVersion: policy.networking.k8s.io/v1alpha2\nkind: ClusterNetworkPolicy\n"
            "metadata: {name: deny-b-to-a}\nspec:\n  tier: Admin\n  priority: 1\n"
            "  subject: {namespaces: {matchLabels: {kubernetes.io/metadata.name: a}}}\n"
            "  ingress:\n  - action: Deny\n"
            "    from: [{namespaces: {matchLabels: {kubernetes.io/metadata.name: b}}}]\n"
        )
        review, _, _ = create_review("Big", uploads([("big.yaml", cluster() + deny)]))
        self.page.goto(f"{self.live_server_url}/r/{review.view_token}/")
        self.page.wait_for_selector("[data-testid=matrix][data-mode=canvas]", state="attached")
        wrap = self.page.locator(".matrix-canvas-wrap")
        focus = self.page.locator("[data-testid=matrix-focus]")
        row, col = 2 + PER_NAMESPACE, 3  # b/p000 → a/p003
        left, top = wrap.evaluate(
            f"w => {{ w.scrollLeft = {col * CELL}; w.scrollTop = {row * CELL}; "
            "return [w.scrollLeft, w.scrollTop]; }"
        )
        box = wrap.bounding_box()
        self.page.mouse.move(
            box["x"] + LABEL_W + col * CELL - left + CELL / 2,
            box["y"] + HEAD_H + row * CELL - top + CELL / 2,
        )
        self.assertEqual(focus.get_attribute("data-src"), "b/p000[Pod]")
        self.assertEqual(focus.get_attribute("data-verdict"), "admin-deny")
        self.assertIn("denied by an admin rule", focus.inner_text())
        self.assertEqual(self.errors, [])
