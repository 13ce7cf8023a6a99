"""The read-only review page /r/<token>/ and its JSON twin."""

from __future__ import annotations

from netviz.web.services import create_review
from tests.web.base import V1_FILES, BaseTestCase, uploads


class ReviewTestCase(BaseTestCase):
    def test_it_shows_the_review_to_a_colleague_with_the_view_link(self):
        r = self.client.get(self.view_url())
        self.assertContains(r, 'data-testid="review-title">Shop<')
        # Each count links to the view that shows it.
        self.assertContains(
            r, 'data-testid="count-endpoints"><a href="?tab=graph#explore" data-tab-link="graph">2<'
        )
        self.assertContains(
            r,
            'data-testid="count-policies"><a href="?tab=policies#explore"'
            ' data-tab-link="policies">1<',
        )
        self.assertContains(r, 'data-src="shop/web[Pod]" data-dst="shop/api[Pod]"')
        self.assertContains(r, "TCP 8080")
        self.assertContains(r, "shop/api-from-web ingress rule 0")

    def test_it_is_404_for_a_stranger(self):
        self.assertEqual(self.client.get(f"/r/{self.stranger_token}/").status_code, 404)
        self.assertEqual(self.client.get(f"/r/{self.stranger_token}.json").status_code, 404)

    def test_the_edit_token_does_not_open_the_view_page(self):
        self.assertEqual(self.client.get(f"/r/{self.edit_token}/").status_code, 404)

    def test_a_colleague_sees_no_edit_link_or_controls(self):
        r = self.client.get(self.view_url())
        self.assertNotContains(r, self.edit_token)
        self.assertNotContains(r, 'data-testid="edit-panel"')
        self.assertNotContains(r, "/e/")

    def test_it_never_shows_another_reviews_tokens(self):
        other, _rev, other_edit = create_review("Other", uploads(V1_FILES))
        r = self.client.get(self.view_url())
        self.assertNotContains(r, other.view_token)
        self.assertNotContains(r, other_edit)

    def test_it_filters_connections_from_the_query_string(self):
        r = self.client.get(self.view_url(), {"q": "api", "protocol": "TCP", "port": "8080"})
        self.assertContains(r, 'data-src="shop/web[Pod]" data-dst="shop/api[Pod]"')
        self.assertContains(r, 'value="8080"')  # the form shows the filter it applied
        # api accepts only TCP 8080 from web, so a UDP filter leaves that pair out.
        r = self.client.get(self.view_url(), {"protocol": "UDP", "port": "8080"})
        self.assertNotContains(r, 'data-src="shop/web[Pod]" data-dst="shop/api[Pod]"')
        self.assertContains(r, 'data-src="shop/api[Pod]" data-dst="shop/web[Pod]"')
        r = self.client.get(self.view_url(), {"q": "no-such-thing"})
        self.assertContains(r, 'data-testid="no-connections"')

    def test_it_filters_by_namespace(self):
        r = self.client.get(self.view_url(), {"ns": "nowhere"})
        self.assertContains(r, 'data-testid="no-connections"')
        r = self.client.get(self.view_url(), {"ns": "shop"})
        self.assertContains(r, 'data-dst="shop/api[Pod]"')

    def test_it_ignores_an_invalid_filter_value_instead_of_failing(self):
        r = self.client.get(self.view_url(), {"port": "99999"})
        self.assertEqual(r.status_code, 200)
        self.assertContains(r, 'data-dst="shop/api[Pod]"')

    def test_it_filters_by_several_namespaces_at_once(self):
        three = [
            (
                "ns.yaml",
                "".join(
                    f"---\napiVersion: v1\nkind: Namespace\nmetadata: {{name: {n}}}\n"
                    for n in "abc"
                ),
            ),
            (
                "pods.yaml",
                "".join(
                    f"---\napiVersion: v1\nkind: Pod\nmetadata: {{name: p, namespace: {n}}}\n"
                    "spec: {containers: [{name: c, image: x}]}\n"
                    for n in "abc"
                ),
            ),
        ]
        review, _rev, _edit = create_review("Three", uploads(three))
        data = self.client.get(f"/r/{review.view_token}.json", {"ns": ["a", "b"]}).json()
        self.assertEqual(data["filters"], {"ns": ["a", "b"]})
        pairs = {(c["src"], c["dst"]) for c in data["connections"]}
        self.assertIn(("a/p[Pod]", "b/p[Pod]"), pairs)
        self.assertIn(("c/p[Pod]", "a/p[Pod]"), pairs)  # one end in a chosen namespace is enough
        self.assertNotIn(("c/p[Pod]", "0.0.0.0-255.255.255.255"), pairs)

    def test_its_json_twin_has_the_same_filtered_connections(self):
        query = {"q": "shop/web", "protocol": "TCP", "port": "8080"}
        data = self.client.get(self.view_url(".json"), query).json()
        self.assertEqual(data["title"], "Shop")
        self.assertEqual(data["revision"], 1)
        self.assertEqual(data["filters"], {"q": "shop/web", "protocol": "TCP", "port": 8080})
        self.assertIn(
            {
                "src": "shop/web[Pod]",
                "dst": "shop/api[Pod]",
                "ports": [{"protocol": "TCP", "port": 8080, "end_port": 8080}],
                "ports_text": "TCP 8080",
            },
            data["connections"],
        )
        page = self.client.get(self.view_url(), query)
        rows = page.content.decode().count('data-testid="connection"')
        self.assertEqual(rows, len(data["connections"]))
        for c in data["connections"]:
            self.assertIn("shop/web[Pod]", (c["src"], c["dst"]))
        self.assertEqual(data["view_url"], f"http://testserver/r/{self.view_token}/")
        self.assertEqual(data["summary"]["endpoints"], 2)
        self.assertEqual(
            [f["name"] for f in data["files"]], ["namespace.yaml", "pods.yaml", "policy.yaml"]
        )
        self.assertNotIn("edit_url", data)
        self.assertNotIn(self.edit_token, str(data))

    def test_it_keeps_the_token_out_of_referers_to_other_sites(self):
        r = self.client.get(self.view_url())
        self.assertEqual(r["Referrer-Policy"], "no-referrer")

    def test_it_shows_the_latest_revision(self):
        self.add_v2()
        r = self.client.get(self.view_url())
        self.assertContains(r, 'data-testid="revision-number">2<')
        self.assertContains(r, f"/r/{self.view_token}/diff/1..2/")
