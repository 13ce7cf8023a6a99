"""The findings tab as its own page: lint findings, exposure and a blast radius from the URL."""

from __future__ import annotations

import re

from netviz.findings.model import LEVELS
from netviz.web.findings_page import SHOWN_EXPOSED
from netviz.web.services import Upload, create_review
from tests.web.base import BaseTestCase

# One endpoint at each exposure level: lb is open to all (external), app accepts any namespace,
# db only namespace mid (cluster), cache only db next to it (namespace), vault nothing (none).
LEVELS_YAML = """\
apiVersion: v1
kind: Namespace
metadata: {name: front, labels: {team: front}}
---
apiVersion: v1
kind: Namespace
metadata: {name: mid, labels: {team: mid}}
---
apiVersion: v1
kind: Namespace
metadata: {name: back, labels: {team: back}}
---
apiVersion: v1
kind: Pod
metadata: {name: lb, namespace: front, labels: {app: lb}}
spec: {containers: [{name: c, image: i, ports: [{containerPort: 80}]}]}
---
apiVersion: v1
kind: Pod
metadata: {name: app, namespace: mid, labels: {app: app}}
spec: {containers: [{name: c, image: i, ports: [{containerPort: 8080}]}]}
---
apiVersion: v1
kind: Pod
metadata: {name: db, namespace: back, labels: {app: db}}
spec: {containers: [{name: c, image: i, ports: [{containerPort: 5432}]}]}
---
apiVersion: v1
kind: Pod
metadata: {name: cache, namespace: back, labels: {app: cache}}
spec: {containers: [{name: c, image: i, ports: [{containerPort: 6379}]}]}
---
apiVersion: v1
kind: Pod
metadata: {name: vault, namespace: back, labels: {app: vault}}
spec: {containers: [{name: c, image: i, ports: [{containerPort: 8200}]}]}
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: app-from-any-namespace, namespace: mid}
spec:
  podSelector: {matchLabels: {app: app}}
  ingress: [{from: [{namespaceSelector: {}}], ports: [{port: 8080}]}]
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: db-from-mid, namespace: back}
spec:
  podSelector: {matchLabels: {app: db}}
  ingress: [{from: [{namespaceSelector: {matchLabels: {team: mid}}}], ports: [{port: 5432}]}]
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: cache-from-db, namespace: back}
spec:
  podSelector: {matchLabels: {app: cache}}
  ingress: [{from: [{podSelector: {matchLabels: {app: db}}}], ports: [{port: 6379}]}]
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: vault-closed, namespace: back}
spec:
  podSelector: {matchLabels: {app: vault}}
  policyTypes: [Ingress]
"""

LB, APP, DB = "front/lb[Pod]", "mid/app[Pod]", "back/db[Pod]"
CACHE, VAULT = "back/cache[Pod]", "back/vault[Pod]"


def many_pods(n: int) -> str:
    pod = "apiVersion: v1\nkind: Pod\nmetadata: {{name: p{:03d}, namespace: big}}\nspec: {{}}\n"
    return "---\n".join(pod.format(i) for i in range(n))


class FindingsViewTestCase(BaseTestCase):
    def levels_review(self):
        review, _rev, _edit = create_review("Levels", [Upload("levels.yaml", LEVELS_YAML.encode())])
        return review

    def rows(self, review, **query) -> list[tuple[str, str]]:
        page = self.client.get(f"/r/{review.view_token}/rev/1/findings/", query).content.decode()
        return re.findall(
            r'data-testid="exposed" data-endpoint="([^"]+)" data-level="([^"]+)"', page
        )

    def test_it_lists_findings_and_the_most_exposed_endpoints(self):
        r = self.client.get(self.view_url("/rev/1/findings/"))
        self.assertEqual(r.status_code, 200)
        page = r.content.decode()
        self.assertIn('data-testid="findings-counts"', page)
        self.assertIn('data-testid="exposed" data-endpoint="shop/web[Pod]"', page)
        self.assertIn('data-testid="exposed" data-endpoint="shop/api[Pod]"', page)

    def test_a_blast_radius_follows_connections_hop_by_hop(self):
        page = self.client.get(
            self.view_url("/rev/1/findings/"), {"from": "shop/web"}
        ).content.decode()
        self.assertIn('data-testid="blast" data-origin="shop/web[Pod]"', page)
        self.assertIn('<li data-endpoint="shop/api[Pod]" data-hops="1">', page)

    def test_who_can_reach_an_endpoint_is_the_reverse_radius(self):
        page = self.client.get(
            self.view_url("/rev/1/findings/"), {"from": "shop/api", "reverse": "1"}
        ).content.decode()
        self.assertIn("can be reached, hop by hop, from", page)
        self.assertIn('<li data-endpoint="shop/web[Pod]" data-hops="1">', page)

    def test_an_unknown_endpoint_is_said_not_failed(self):
        r = self.client.get(self.view_url("/rev/1/findings/"), {"from": "shop/nope"})
        self.assertEqual(r.status_code, 200)
        self.assertIn('data-testid="blast-error"', r.content.decode())

    def test_strangers_get_404(self):
        self.assertEqual(
            self.client.get(f"/r/{self.stranger_token}/rev/1/findings/").status_code, 404
        )

    def test_the_exposure_table_lists_every_endpoint_most_exposed_first(self):
        self.assertEqual(
            self.rows(self.levels_review()),
            [
                (LB, "external"),
                (APP, "any-namespace"),
                (DB, "cluster"),
                (CACHE, "namespace"),
                (VAULT, "none"),
            ],
        )

    def test_it_sorts_by_the_query_string_with_ties_by_endpoint(self):
        review = self.levels_review()
        cases = {
            ("exposure", "asc"): [VAULT, CACHE, DB, APP, LB],
            ("endpoint", "asc"): [CACHE, DB, VAULT, LB, APP],
            ("endpoint", "desc"): [APP, LB, VAULT, DB, CACHE],
            # Any namespace counts above every list; cache and db tie at one namespace.
            ("namespaces", "desc"): [LB, APP, CACHE, DB, VAULT],
            ("namespaces", "asc"): [VAULT, CACHE, DB, LB, APP],
        }
        for (sort, order), expected in cases.items():
            with self.subTest(sort=sort, order=order):
                got = [e for e, _level in self.rows(review, sort=sort, order=order)]
                self.assertEqual(got, expected)

    def test_a_bad_sort_falls_back_to_the_default(self):
        review = self.levels_review()
        got = [e for e, _ in self.rows(review, sort="nope", order="sideways")]
        self.assertEqual(got, [LB, APP, DB, CACHE, VAULT])

    def test_column_headers_link_to_the_other_order(self):
        review = self.levels_review()
        page = self.client.get(
            f"/r/{review.view_token}/rev/1/findings/", {"sort": "endpoint", "order": "asc"}
        ).content.decode()
        self.assertRegex(
            page, r'aria-sort="ascending"><a href="[^"]*\?sort=endpoint&amp;order=desc#'
        )
        # Another column starts in its usual order; the default order leaves the URL bare.
        self.assertRegex(
            page,
            r'href="[^"]*/findings/\?#exposure" data-findings-nav '
            r'data-testid="sort-exposure"',
        )
        self.assertIn("?sort=namespaces&amp;order=desc#exposure", page)

    def test_a_big_table_stops_at_a_cap_with_a_show_all_link(self):
        n = SHOWN_EXPOSED + 5
        review, _rev, _edit = create_review(
            "Big",
            [
                Upload("ns.yaml", b"apiVersion: v1\nkind: Namespace\nmetadata: {name: big}\n"),
                Upload("pods.yaml", many_pods(n).encode()),
            ],
        )
        url = f"/r/{review.view_token}/rev/1/findings/"
        page = self.client.get(url, {"sort": "endpoint", "order": "asc"}).content.decode()
        self.assertEqual(page.count('data-testid="exposed"'), SHOWN_EXPOSED)
        self.assertIn('data-testid="exposure-more"', page)
        self.assertIn("?sort=endpoint&amp;order=asc&amp;all=1#exposure", page)
        everything = self.client.get(url, {"sort": "endpoint", "order": "asc", "all": "1"})
        self.assertEqual(everything.content.decode().count('data-testid="exposed"'), n)
        self.assertNotIn('data-testid="exposure-more"', everything.content.decode())

    def test_the_json_twin_has_every_exposure_and_the_whole_radius(self):
        review = self.levels_review()
        data = self.client.get(
            f"/r/{review.view_token}/rev/1/findings.json",
            {"sort": "endpoint", "order": "asc", "from": "mid/app"},
        ).json()
        self.assertEqual(
            [(x["endpoint"], x["level"]) for x in data["exposure"]],
            [
                (CACHE, "namespace"),
                (DB, "cluster"),
                (VAULT, "none"),
                (LB, "external"),
                (APP, "any-namespace"),
            ],
        )
        self.assertEqual((data["sort"], data["order"]), ("endpoint", "asc"))
        self.assertTrue(all(x["level"] in LEVELS for x in data["exposure"]))
        hops = {r["node"]: r["hops"] for r in data["blast"]["reached"]}
        self.assertEqual((hops[DB], hops[CACHE]), (1, 2))
        self.assertNotIn(VAULT, hops)

    def test_the_json_twin_is_404_for_strangers(self):
        self.assertEqual(
            self.client.get(f"/r/{self.stranger_token}/rev/1/findings.json").status_code, 404
        )

    def test_a_row_says_who_reaches_it_and_where_it_sends_outside(self):
        review = self.levels_review()
        page = self.client.get(f"/r/{review.view_token}/rev/1/findings/").content.decode()
        row = re.search(r'data-endpoint="back/db\[Pod\]".*?</tr>', page, re.S).group(0)
        self.assertIn("<td>mid", row)
        self.assertIn("<td>no</td>", row)  # nothing outside reaches it
        self.assertIn("<td>0.0.0.0/0, ::/0 (All Connections)</td>", row)
        lb = re.search(r'data-endpoint="front/lb\[Pod\]".*?</tr>', page, re.S).group(0)
        self.assertIn("<strong>any namespace</strong> (All Connections); back, mid", lb)
        self.assertIn("yes: 0.0.0.0/0, ::/0 (All Connections)", lb)
