"""Above 150 endpoints the matrix is a canvas: the cell under the pointer is on a focus element."""

from __future__ import annotations

import pytest

from netviz.web.services import Upload, create_review
from tests.browser.base import BrowserTestCase

PER_NAMESPACE = 60
# Layout constants of static/js/matrix.js (canvas mode).
CELL, LABEL_W, HEAD_H = 14, 230, 150

POLICY = """\
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: c-from-a, namespace: c}
spec:
  podSelector: {}
  ingress:
    - from: [{namespaceSelector: {matchLabels: {kubernetes.io/metadata.name: a}}}]
      ports: [{protocol: TCP, port: 80}]
"""


def cluster() -> str:
    docs = [f"apiVersion: v1\nkind: Namespace\nmetadata: {{name: {ns}}}\n" for ns in "abc"]
    docs += [
        f"apiVersion: v1\nkind: Pod\nmetadata: {{name: p{i:03d}, namespace: {ns}, labels: {{app: p{i}}}}}\n"
        "spec: {containers: [{name: c, image: x}]}\n"
        for ns in "abc"
        for i in range(PER_NAMESPACE)
    ]
    return "---\n".join([*docs, POLICY])


@pytest.mark.browser
class BigMatrixTestCase(BrowserTestCase):
    def setUp(self) -> None:
        super().setUp()
        review, _rev, _edit = create_review("Big", [Upload("big.yaml", cluster().encode())])
        self.page.goto(f"{self.live_server_url}/r/{review.view_token}/")
        self.page.wait_for_selector("[data-testid=matrix][data-mode=canvas]", state="attached")
        self.wrap = self.page.locator(".matrix-canvas-wrap")
        self.focus = self.page.locator("[data-testid=matrix-focus]")

    def hover(self, row: int, col: int) -> None:
        """Scroll cell (row, col) into view and point at it; rows count group headings."""
        left, top = self.wrap.evaluate(
            f"w => {{ w.scrollLeft = {col * CELL}; w.scrollTop = {row * CELL}; "
            "return [w.scrollLeft, w.scrollTop]; }"
        )
        box = self.wrap.bounding_box()
        self.page.mouse.move(
            box["x"] + LABEL_W + col * CELL - left + CELL / 2,
            box["y"] + HEAD_H + row * CELL - top + CELL / 2,
        )

    def test_the_cell_under_the_pointer_is_reported_with_its_state(self):
        self.hover(1, 2 * PER_NAMESPACE)  # a/p000 → c/p000: TCP 80 only
        self.assertEqual(self.focus.get_attribute("data-src"), "a/p000[Pod]")
        self.assertEqual(self.focus.get_attribute("data-dst"), "c/p000[Pod]")
        self.assertEqual(self.focus.get_attribute("data-state"), "some")
        self.assertIn("TCP 80", self.focus.inner_text())
        self.hover(2 + PER_NAMESPACE, 2 * PER_NAMESPACE)  # b/p000 → c/p000: denied
        self.assertEqual(self.focus.get_attribute("data-src"), "b/p000[Pod]")
        self.assertEqual(self.focus.get_attribute("data-state"), "none")
        self.hover(2 + PER_NAMESPACE, 3)  # b/p000 → a/p003: nothing isolates a
        self.assertEqual(self.focus.get_attribute("data-state"), "all")

    def test_a_click_on_the_canvas_explains_that_cell(self):
        self.hover(2 + PER_NAMESPACE, 2 * PER_NAMESPACE)
        self.page.mouse.down()
        self.page.mouse.up()
        panel = self.page.locator("[data-testid=explanation-panel] [data-testid=explanation]")
        panel.wait_for()
        self.assertEqual(panel.get_attribute("data-src"), "b/p000[Pod]")
        self.assertEqual(panel.get_attribute("data-dst"), "c/p000[Pod]")
        denial = panel.locator("[data-testid=denying-policy]")
        self.assertEqual(denial.get_attribute("data-policy"), "c/c-from-a")

    def test_the_keyboard_moves_a_cursor_and_enter_explains(self):
        self.wrap.focus()
        self.page.keyboard.press("ArrowRight")
        self.assertEqual(self.focus.get_attribute("data-dst"), "a/p001[Pod]")
        self.page.keyboard.press("Enter")
        panel = self.page.locator("[data-testid=explanation-panel] [data-testid=explanation]")
        panel.wait_for()
        self.assertEqual(panel.get_attribute("data-src"), "a/p000[Pod]")

    def test_clicking_a_namespace_label_folds_it(self):
        box = self.wrap.bounding_box()
        self.page.mouse.click(box["x"] + 20, box["y"] + HEAD_H + CELL / 2)  # row 0: heading a
        self.hover(0, 2 * PER_NAMESPACE - PER_NAMESPACE + 1)  # folded a → c/p000
        self.assertEqual(self.focus.get_attribute("data-src"), "namespace:a")
        self.assertEqual(self.focus.get_attribute("data-state"), "some")
