"""The edge page: one pair's explanation at its own URL, served whole without JavaScript."""

from __future__ import annotations

from netviz.web import edges
from tests.web.base import BaseTestCase

WEB, API = "shop~web~Pod", "shop~api~Pod"


class EdgeViewTestCase(BaseTestCase):
    def test_it_names_the_rule_that_allows_and_marks_its_lines(self):
        r = self.client.get(self.view_url(f"/edge/{WEB}/{API}/"))
        self.assertEqual(r.status_code, 200)
        page = r.content.decode()
        self.assertIn('data-testid="explanation"', page)
        self.assertIn('data-allowed="true"', page)
        self.assertIn("Allowed on TCP 8080", page)
        self.assertIn("shop/api-from-web ingress rule 0, from[0], ports[0] (policy.yaml:10)", page)
        # The rule spans lines 10-14 of policy.yaml; its peer (11) and port (14) are the hits.
        self.assertIn(
            '<span class="ln hit" data-testid="yaml-hit"><span class="no" aria-hidden="true">11</span>',
            page,
        )
        self.assertIn(
            '<span class="ln rule" data-testid="yaml-rule"><span class="no" aria-hidden="true">10</span>',
            page,
        )
        self.assertIn("<code>policy.yaml:10</code>", page)

    def test_it_says_why_an_asked_port_is_denied(self):
        r = self.client.get(self.view_url(f"/edge/{WEB}/{API}/"), {"protocol": "TCP", "port": 9090})
        page = r.content.decode()
        self.assertIn('data-allowed="false"', page)
        self.assertIn("(asked about TCP 9090)", page)
        self.assertIn('data-testid="denying-policy" data-policy="shop/api-from-web"', page)
        self.assertIn(
            "ingress rule 0 (line 10): a peer matches but its ports do not cover TCP 9090", page
        )
        denial = page[page.index('data-testid="denying-policy"') :]
        # The rule that did not match is marked whole: lines 10 to 14.
        self.assertEqual(denial.count('data-testid="yaml-rule"'), 5)

    def test_it_says_when_a_side_is_not_isolated(self):
        page = self.client.get(self.view_url(f"/edge/{API}/{WEB}/")).content.decode()
        self.assertIn("Allowed on every port", page)
        self.assertEqual(page.count('data-testid="not-isolated"'), 2)

    def test_it_explains_an_external_range_by_its_address_slug(self):
        page = self.client.get(
            self.view_url(f"/edge/{WEB}/0.0.0.0-255.255.255.255/")
        ).content.decode()
        self.assertIn("Allowed on every port", page)
        self.assertIn("An address outside the cluster", page)

    def test_it_links_to_itself_and_the_reverse_pair(self):
        page = self.client.get(self.view_url(f"/edge/{WEB}/{API}/")).content.decode()
        self.assertIn(
            f'href="/r/{self.view_token}/edge/{WEB}/{API}/" data-testid="edge-link"', page
        )
        self.assertIn(
            f'href="/r/{self.view_token}/edge/{API}/{WEB}/" data-testid="reverse-link"', page
        )

    def test_an_older_revision_keeps_its_number_in_the_links(self):
        self.add_v2()
        r = self.client.get(self.view_url(f"/rev/1/edge/{WEB}/{API}/"))
        page = r.content.decode()
        self.assertIn("Allowed on TCP 8080", page)
        self.assertIn(f"/r/{self.view_token}/rev/1/edge/{WEB}/{API}/", page)
        latest = self.client.get(self.view_url(f"/edge/{WEB}/{API}/")).content.decode()
        self.assertIn("Allowed on TCP 8080,9090", latest)

    def test_unknown_endpoints_and_strangers_get_404(self):
        self.assertEqual(
            self.client.get(self.view_url(f"/edge/{WEB}/shop~nope~Pod/")).status_code, 404
        )
        r = self.client.get(f"/r/{self.stranger_token}/edge/{WEB}/{API}/")
        self.assertEqual(r.status_code, 404)
        self.assertEqual(
            self.client.get(self.view_url(f"/rev/9/edge/{WEB}/{API}/")).status_code, 404
        )

    def test_a_bad_port_is_ignored_rather_than_failing(self):
        r = self.client.get(self.view_url(f"/edge/{WEB}/{API}/"), {"port": "http"})
        self.assertEqual(r.status_code, 200)
        self.assertIn("Allowed on TCP 8080", r.content.decode())


class SlugTestCase(BaseTestCase):
    def test_slugs_round_trip_every_endpoint_of_a_snapshot(self):
        known = edges.slugs(self.revision.snapshot)
        self.assertEqual(known[WEB], "shop/web[Pod]")
        self.assertEqual(known["0.0.0.0-255.255.255.255"], "0.0.0.0-255.255.255.255")
        self.assertEqual(edges.slug("a/b.c-d[Deployment]"), "a~b.c-d~Deployment")

    def test_rule_span_covers_the_rule_and_its_indented_lines_only(self):
        text = ["ingress:", "  - from:", "      - x", "", "  - ports: []", "egress: []"]
        self.assertEqual(list(edges.rule_span(text, 1)), [1, 2])
        self.assertEqual(list(edges.rule_span(text, 4)), [4])


HOST_POD = """\
apiVersion: v1
kind: Pod
metadata: {name: agent, namespace: shop, labels: {app: api}}
spec:
  hostNetwork: true
  containers: [{name: a, image: a}]
"""


class CaveatTestCase(BaseTestCase):
    def test_a_host_network_endpoint_carries_its_caveat_into_the_explanation(self):
        from netviz.web.services import add_revision
        from tests.web.base import V1_FILES, uploads

        add_revision(self.review, uploads([*V1_FILES, ("agent.yaml", HOST_POD)]))
        # api-from-web selects the agent by its labels: plugins differ on whether that isolates it.
        page = self.client.get(self.view_url(f"/edge/{WEB}/shop~agent~Pod/")).content.decode()
        self.assertIn('data-testid="explanation-caveat"', page)
        self.assertIn("shop/agent[Pod] uses the host network", page)


class EdgeJsonTestCase(BaseTestCase):
    def test_the_json_twin_holds_the_explanation_and_the_rules_per_port_range(self):
        r = self.client.get(self.view_url(f"/edge/{WEB}/{API}.json"))
        self.assertEqual(r.status_code, 200)
        data = r.json()
        self.assertEqual(
            (data["src"], data["dst"], data["allowed"]), ("shop/web[Pod]", "shop/api[Pod]", True)
        )
        self.assertEqual(data["ports"], [{"protocol": "TCP", "port": 8080, "end_port": 8080}])
        self.assertEqual(data["ingress"]["allowed_by"][0]["policy"], "shop/api-from-web")
        self.assertEqual(data["grants"][0]["egress"], None)
        self.assertEqual(data["grants"][0]["ingress"][0]["rule_index"], 0)
        self.assertTrue(data["url"].endswith(f"/r/{self.view_token}/edge/{WEB}/{API}/"))

    def test_an_unknown_pair_is_404_in_json_too(self):
        self.assertEqual(
            self.client.get(self.view_url(f"/edge/{WEB}/x~y~Pod.json")).status_code, 404
        )

    def test_the_edge_page_links_its_json_twin(self):
        page = self.client.get(self.view_url(f"/edge/{WEB}/{API}/")).content.decode()
        self.assertIn(
            f'href="/r/{self.view_token}/edge/{WEB}/{API}.json" data-testid="json-link"', page
        )
