"""A visual check of every view in Chromium, 1440 and 800 px wide, light and dark, the explanation
panel open and closed: no text box overlaps another element, nothing scrolls sideways, and the
graph's nodes lie inside its box. One page load per view, width and scheme; the panel is toggled
in place. NETVIZ_LAYOUT_SHOTS=<folder> also saves a screenshot of each state there.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from netviz.web.services import Upload, add_revision, create_review
from tests.browser.base import ChromiumTestCase
from tests.browser.layout_check import GRAPH_FITS, OVERLAPS, SIDEWAYS
from tests.browser.manifests import boutique

WIDTHS = (1440, 800)
SCHEMES = ("light", "dark")
# A pair allowed on one port: its explanation has a grants table, rules and YAML.
SRC, DST = "default/frontend[Deployment]", "default/cartservice[Deployment]"
TABS = ("matrix", "graph", "policies", "findings")


def boutique_v2() -> list[Upload]:
    """The shop with cartservice also open to recommendationservice: a diff to show."""
    files = []
    for name, text in boutique():
        if name == "cartservice.yaml":
            text = text.replace(
                "        - podSelector: {matchLabels: {app: checkoutservice}}",
                "        - podSelector: {matchLabels: {app: checkoutservice}}\n"
                "        - podSelector: {matchLabels: {app: recommendationservice}}",
            )
        files.append(Upload(name, text.encode()))
    return files


@pytest.mark.browser
class LayoutTestCase(ChromiumTestCase):
    def setUp(self) -> None:
        self.review, _rev, self.edit_token = create_review(
            "Online Boutique", [Upload(n, t.encode()) for n, t in boutique()]
        )
        add_revision(self.review, boutique_v2())
        self.shots = os.environ.get("NETVIZ_LAYOUT_SHOTS")
        if self.shots:
            Path(self.shots).mkdir(parents=True, exist_ok=True)

    def page_for(self, width: int, scheme: str):
        context = self.browser.new_context(
            viewport={"width": width, "height": 900}, color_scheme=scheme
        )
        self.addCleanup(context.close)
        page = context.new_page()
        errors: list[str] = []
        page.on("pageerror", lambda e: errors.append(str(e)))
        self.addCleanup(lambda: self.assertEqual(errors, [], "a JavaScript error"))
        return page

    def check(self, page, label: str, graph: bool = False) -> None:
        with self.subTest(label):
            # Two frames: a re-fit the last change asked for (ResizeObserver) is drawn by then.
            page.evaluate(
                "() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)))"
            )
            problems = page.evaluate(SIDEWAYS) + page.evaluate(OVERLAPS)
            if graph:
                problems += page.evaluate(GRAPH_FITS)
            if self.shots:
                page.screenshot(path=f"{self.shots}/{label}.png")
            self.assertEqual(problems, [], label)

    def open_panel(self, page) -> None:
        page.evaluate("([s, d]) => window.netviz.openEdge(s, d)", [SRC, DST])
        page.wait_for_selector("[data-testid=explanation-panel] [data-testid=explanation]")
        page.wait_for_timeout(150)  # the graph re-fits on the next frame after its box changed

    def close_panel(self, page) -> None:
        page.click("[data-testid=panel-close]")
        page.wait_for_selector("[data-testid=explanation-panel]", state="hidden")
        page.wait_for_timeout(150)

    def test_no_view_overlaps_scrolls_sideways_or_loses_graph_nodes(self):
        base = f"{self.live_server_url}/r/{self.review.view_token}"
        for width in WIDTHS:
            for scheme in SCHEMES:
                page = self.page_for(width, scheme)
                for path, what in (("/", "review"), (f"/e/{self.edit_token}/", "edit")):
                    url = base + "/" if what == "review" else self.live_server_url + path
                    for tab in TABS if what == "review" else ("matrix",):
                        page.goto(f"{url}?tab={tab}")
                        page.wait_for_selector(
                            "[data-testid=explore][data-ready=true]", state="attached"
                        )
                        graph = tab == "graph"
                        if graph:
                            page.wait_for_selector("[data-testid=graph][data-ready=true]")
                        elif tab in ("policies", "findings"):
                            page.wait_for_selector(f"[data-testid=panel-{tab}] [data-loaded]")
                        page.locator(f"[data-testid=panel-{tab}]").scroll_into_view_if_needed()
                        name = f"{what}-{tab}-{width}-{scheme}"
                        self.check(page, f"{name}-closed", graph)
                        self.open_panel(page)
                        self.check(page, f"{name}-open", graph)
                        self.close_panel(page)
                        self.check(page, f"{name}-closed-again", graph)
                for name, url in (
                    (
                        "edge",
                        f"{base}/edge/default~frontend~Deployment/default~cartservice~Deployment/",
                    ),
                    ("diff", f"{base}/diff/1..2/"),
                    ("home", f"{self.live_server_url}/"),
                ):
                    page.goto(url)
                    self.check(page, f"{name}-{width}-{scheme}")
