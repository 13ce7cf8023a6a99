"""The findings tab as its own page: lint findings, exposure and a blast radius from the URL."""

from __future__ import annotations

from tests.web.base import BaseTestCase


class FindingsViewTestCase(BaseTestCase):
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
        self.assertIn('<li data-endpoint="shop/api[Pod]">', page)

    def test_who_can_reach_an_endpoint_is_the_reverse_radius(self):
        page = self.client.get(
            self.view_url("/rev/1/findings/"), {"from": "shop/api", "reverse": "1"}
        ).content.decode()
        self.assertIn("can be reached, hop by hop, from", page)
        self.assertIn('<li data-endpoint="shop/web[Pod]">', page)

    def test_an_unknown_endpoint_is_said_not_failed(self):
        r = self.client.get(self.view_url("/rev/1/findings/"), {"from": "shop/nope"})
        self.assertEqual(r.status_code, 200)
        self.assertIn('data-testid="blast-error"', r.content.decode())

    def test_strangers_get_404(self):
        self.assertEqual(
            self.client.get(f"/r/{self.stranger_token}/rev/1/findings/").status_code, 404
        )
