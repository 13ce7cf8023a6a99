"""The Findings UI in Chromium: the graph coloured by exposure, a blast radius lit by hop, and the
exposure table sorted inside the review page's tab."""

from __future__ import annotations

import pytest

from netviz.engine import Evaluator
from netviz.findings import exposure
from netviz.k8s import load_texts
from netviz.web.models import Review
from netviz.web.services import Upload, create_review
from tests.browser.base import BrowserTestCase

# A chain web → api → db → cache, each step allowed by one policy, and a closed vault.
# web is open to all (external); api to pods labelled app=web in any namespace (any-namespace);
# db to api from namespace app (cluster); cache to db next to it (namespace); vault to nobody.
CHAIN = """\
apiVersion: v1
kind: Namespace
metadata: {name: app, labels: {team: app}}
---
apiVersion: v1
kind: Namespace
metadata: {name: data, labels: {team: data}}
---
apiVersion: v1
kind: Pod
metadata: {name: web, namespace: app, labels: {app: web}}
spec: {containers: [{name: c, image: nginx, ports: [{containerPort: 80}]}]}
---
apiVersion: v1
kind: Pod
metadata: {name: api, namespace: app, labels: {app: api}}
spec: {containers: [{name: c, image: api, ports: [{containerPort: 8080}]}]}
---
apiVersion: v1
kind: Pod
metadata: {name: db, namespace: data, labels: {app: db}}
spec: {containers: [{name: c, image: postgres, ports: [{containerPort: 5432}]}]}
---
apiVersion: v1
kind: Pod
metadata: {name: cache, namespace: data, labels: {app: cache}}
spec: {containers: [{name: c, image: redis, ports: [{containerPort: 6379}]}]}
---
apiVersion: v1
kind: Pod
metadata: {name: vault, namespace: data, labels: {app: vault}}
spec: {containers: [{name: c, image: vault, ports: [{containerPort: 8200}]}]}
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: api-from-web, namespace: app}
spec:
  podSelector: {matchLabels: {app: api}}
  ingress:
    - from: [{namespaceSelector: {}, podSelector: {matchLabels: {app: web}}}]
      ports: [{port: 8080}]
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: db-from-api, namespace: data}
spec:
  podSelector: {matchLabels: {app: db}}
  ingress:
    - from: [{namespaceSelector: {matchLabels: {team: app}}, podSelector: {matchLabels: {app: api}}}]
      ports: [{port: 5432}]
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: cache-from-db, namespace: data}
spec:
  podSelector: {matchLabels: {app: cache}}
  ingress:
    - from: [{podSelector: {matchLabels: {app: db}}}]
      ports: [{port: 6379}]
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: vault-closed, namespace: data}
spec:
  podSelector: {matchLabels: {app: vault}}
  policyTypes: [Ingress]
"""

WEB, API, DB = "app/web[Pod]", "app/api[Pod]", "data/db[Pod]"
CACHE, VAULT = "data/cache[Pod]", "data/vault[Pod]"

# endpoint → [exposure, hop, classes] of every workload node in the graph.
NODES = """
() => Object.fromEntries(window.netviz.graph.cy.nodes()
  .filter((n) => (n.data("endpoint") || "").endsWith("]"))
  .map((n) => [n.data("endpoint"), [n.data("exposure") ?? null, n.data("hop") ?? null,
                                    n.classes().filter((c) => /^(exp|hop)-/.test(c))]]))
"""


@pytest.mark.browser
class FindingsUITestCase(BrowserTestCase):
    def create(self) -> Review:
        review, _rev, _edit = create_review("Chain", [Upload("chain.yaml", CHAIN.encode())])
        return review

    def open(self, review: Review, query: str = "") -> None:
        self.page.goto(f"{self.live_server_url}/r/{review.view_token}/{query}")
        self.page.wait_for_selector("[data-testid=explore][data-ready=true]", state="attached")

    def nodes(self) -> dict:
        return self.page.evaluate(NODES)

    def test_the_graph_colours_every_endpoint_by_its_exposure_from_the_url(self):
        self.open(self.create(), "?tab=graph&color=exposure")
        self.page.wait_for_selector("[data-testid=graph][data-color=exposure]")
        expected = {
            x.endpoint: x.level for x in exposure(Evaluator(load_texts([("chain.yaml", CHAIN)])))
        }
        self.assertEqual(
            expected,
            {
                WEB: "external",
                API: "any-namespace",
                DB: "cluster",
                CACHE: "namespace",
                VAULT: "none",
            },
        )
        got = self.nodes()
        self.assertEqual({k: v[0] for k, v in got.items()}, expected)
        self.assertEqual(
            {k: v[2] for k, v in got.items()}, {k: [f"exp-{v}"] for k, v in expected.items()}
        )
        # Not by colour alone: a letter before the name.
        label = self.page.evaluate(
            f"() => window.netviz.graph.cy.nodes().filter((n) => n.data('endpoint') === '{DB}')"
            ".style('label')"
        )
        self.assertEqual(label, "C db")  # the kind is the node's shape, not text
        shape = self.page.evaluate(
            f"() => window.netviz.graph.cy.nodes().filter((n) => n.data('endpoint') === '{DB}')"
            ".style('shape')"
        )
        self.assertEqual(shape, "round-rectangle")
        self.assertTrue(self.page.is_visible("[data-testid=exposure-legend]"))
        self.assertEqual(self.page.input_value("[data-testid=graph-color]"), "exposure")
        self.assertIn("1 external", self.page.inner_text("[data-testid=graph-status]"))

    def test_the_colour_control_changes_the_graph_and_the_url(self):
        self.open(self.create(), "?tab=graph")
        self.page.wait_for_selector("[data-testid=graph][data-ready=true][data-color=none]")
        self.assertFalse(self.page.is_visible("[data-testid=exposure-legend]"))
        self.page.select_option("[data-testid=graph-color]", "exposure")
        self.page.wait_for_selector("[data-testid=graph][data-color=exposure]")
        self.assertIn("color=exposure", self.page.url)
        self.assertEqual(self.nodes()[WEB][0], "external")
        # Apply on the filter form keeps the colouring.
        self.assertEqual(
            self.page.get_attribute("[data-explore-filters] input[name=color]", "value"),
            "exposure",
        )
        self.page.select_option("[data-testid=graph-color]", "none")
        self.page.wait_for_selector("[data-testid=graph][data-color=none]")
        self.assertNotIn("color=", self.page.url)
        self.assertEqual({v[0] for v in self.nodes().values()}, {None})
        self.assertFalse(self.page.is_visible("[data-testid=exposure-legend]"))

    def test_a_blast_radius_lights_the_graph_by_hop(self):
        self.open(self.create(), "?tab=findings")
        self.page.fill("[data-testid=blast-from]", "app/web")
        self.page.locator("[data-blast-form] button[type=submit]").click()
        self.page.wait_for_selector(f'[data-testid=blast][data-origin="{WEB}"]')
        self.page.click("[data-testid=blast-show]")
        self.page.wait_for_selector(f'[data-testid=graph][data-blast="{WEB}"]')
        got = self.nodes()
        self.assertEqual(
            {k: (v[1], v[2]) for k, v in got.items()},
            {
                WEB: (None, []),  # the origin
                API: (1, ["hop-1"]),
                DB: (2, ["hop-2"]),
                CACHE: (3, ["hop-3"]),
                VAULT: (None, []),
            },
        )
        hops = dict(
            pair.rsplit(":", 1)
            for pair in self.page.get_attribute("[data-testid=graph]", "data-hops").split()
        )
        self.assertEqual((hops[API], hops[DB], hops[CACHE]), ("1", "2", "3"))
        self.assertNotIn(VAULT, hops)
        self.assertTrue(self.page.is_visible("[data-testid=hop-legend]"))
        faded = self.page.evaluate(
            f"() => window.netviz.graph.cy.nodes().filter((n) => n.data('endpoint') === '{VAULT}')"
            ".hasClass('faded')"
        )
        self.assertTrue(faded)
        self.page.click("[data-testid=graph-reset]")
        self.assertEqual({v[1] for v in self.nodes().values()}, {None})
        self.assertFalse(self.page.is_visible("[data-testid=hop-legend]"))
        self.assertIsNone(self.page.get_attribute("[data-testid=graph]", "data-hops"))

    def test_the_exposure_table_sorts_inside_the_tab_and_keeps_it_in_the_url(self):
        self.open(self.create(), "?tab=findings")
        rows = "[data-testid=exposed]"
        self.page.wait_for_selector(rows)

        def order() -> list[str]:
            return self.page.eval_on_selector_all(rows, "trs => trs.map(t => t.dataset.endpoint)")

        self.assertEqual(order(), [WEB, API, DB, CACHE, VAULT])
        self.page.click("[data-testid=sort-endpoint]")
        self.page.wait_for_selector("[data-testid=exposure][data-sort=endpoint][data-order=asc]")
        self.assertEqual(order(), [API, WEB, CACHE, DB, VAULT])
        self.assertIn("sort=endpoint", self.page.url)
        self.assertIn("tab=findings", self.page.url)
        # The sorted table is what a reload of that URL shows.
        self.page.reload()
        self.page.wait_for_selector("[data-testid=exposure][data-sort=endpoint][data-order=asc]")
        self.assertEqual(order(), [API, WEB, CACHE, DB, VAULT])

    def test_a_folded_namespace_takes_its_most_exposed_endpoint_and_nearest_hop(self):
        self.open(self.create(), "?tab=graph&color=exposure")
        self.page.wait_for_selector("[data-testid=graph][data-color=exposure]")
        self.page.click("[data-testid=graph-fold]")
        folded = """() => Object.fromEntries(window.netviz.graph.cy.nodes('.folded')
            .map((n) => [n.data("ns"), [n.data("exposure") ?? null, n.data("hop") ?? null,
                                        n.hasClass("chosen")]]))"""
        self.assertEqual(
            {k: v[0] for k, v in self.page.evaluate(folded).items()},
            {"0": "external", "1": "cluster", "outside": None},
        )
        self.page.evaluate(
            "([o, r]) => window.netviz.graph.highlightNodes(o, r)",
            [WEB, [[API, 1], [DB, 2], [CACHE, 3]]],
        )
        # Namespace app holds the origin itself; data's nearest member is db, two hops away.
        self.assertEqual(
            {k: v[1:] for k, v in self.page.evaluate(folded).items()},
            {"0": [None, True], "1": [2, False], "outside": [None, False]},
        )
