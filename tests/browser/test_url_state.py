"""A copied URL opens exactly the view it was copied from: the pair explained, the endpoint or
the policy highlighted (static/js/urlstate.js)."""

from __future__ import annotations

from urllib.parse import parse_qs, urlparse

import pytest

from netviz.web.services import Upload, create_review
from tests.browser.base import BrowserTestCase
from tests.browser.manifests import boutique

FRONTEND = "default/frontend[Deployment]"
CART = "default/cartservice[Deployment]"
PANEL = "[data-testid=explanation-panel] [data-testid=explanation]"


@pytest.mark.browser
class UrlStateTestCase(BrowserTestCase):
    def setUp(self) -> None:
        super().setUp()
        review, _rev, _edit = create_review(
            "Online Boutique", [Upload(n, t.encode()) for n, t in boutique()]
        )
        self.base = f"{self.live_server_url}/r/{review.view_token}/"

    def open(self, url: str) -> None:
        self.page.goto(url)
        self.page.wait_for_selector("[data-testid=explore][data-ready=true]", state="attached")

    def query(self) -> dict[str, list[str]]:
        return parse_qs(urlparse(self.page.url).query)

    def test_it_reopens_the_explained_pair_from_a_copied_url(self) -> None:
        self.open(self.base + "?ns=default")
        self.page.locator(f'td[data-src="{FRONTEND}"][data-dst="{CART}"]').click()
        self.page.wait_for_selector(f'{PANEL}[data-src="{FRONTEND}"][data-dst="{CART}"]')
        self.assertEqual(
            self.query()["edge"], ["default~frontend~Deployment/default~cartservice~Deployment"]
        )
        self.assertEqual(self.query()["ns"], ["default"], "the filters stay")
        copied = self.page.url
        self.page.close()
        self.page = self.context.new_page()
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))
        self.open(copied)
        self.page.wait_for_selector(f'{PANEL}[data-src="{FRONTEND}"][data-dst="{CART}"]')
        self.assertIn("Allowed", self.page.locator(f"{PANEL} [data-testid=verdict]").inner_text())

    def test_it_forgets_the_pair_when_the_explanation_closes(self) -> None:
        self.open(self.base)
        self.page.locator(f'td[data-src="{FRONTEND}"][data-dst="{CART}"]').click()
        self.page.wait_for_selector(PANEL)
        self.page.locator("[data-testid=panel-close]").click()
        self.assertNotIn("edge", self.query())

    def test_it_reopens_a_highlighted_policy(self) -> None:
        self.open(self.base + "?tab=policies")
        self.page.wait_for_selector("[data-testid=policy]")
        policy = self.page.locator("[data-testid=policy]").first.get_attribute("data-policy")
        self.page.locator(f'[data-testid=policy] h3 button[data-policy="{policy}"]').click()
        self.page.wait_for_selector(f'[data-testid=graph][data-policy="{policy}"]')
        self.assertEqual(self.query()["policy"], [policy])
        copied = self.page.url
        self.open(self.base)
        self.open(copied)
        self.page.wait_for_selector(f'[data-testid=graph][data-policy="{policy}"]')
        self.assertEqual(
            self.page.locator("[data-testid=tab-graph]").get_attribute("aria-selected"), "true"
        )

    def test_it_reopens_a_highlighted_endpoint(self) -> None:
        self.open(self.base + "?tab=graph")
        self.page.wait_for_selector("[data-testid=graph][data-ready=true]")
        self.page.evaluate(
            """(id) => { const cy = window.netviz.graph.cy;
                cy.nodes().filter((n) => n.data("endpoint") === id).emit("tap"); }""",
            FRONTEND,
        )
        self.assertEqual(self.query()["node"], [FRONTEND])
        copied = self.page.url
        self.open(self.base)
        self.open(copied)
        self.page.wait_for_function(
            """(id) => window.netviz.graph && window.netviz.graph.cy.nodes(".chosen")
                .some((n) => n.data("endpoint") === id)""",
            arg=FRONTEND,
        )
