"""The diff page /r/<token>/diff/<a>..<b>/ on a known pair of revisions, and its JSON twin."""

from __future__ import annotations

from tests.web.base import BaseTestCase


class DiffTestCase(BaseTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.add_v2()

    def test_it_shows_what_the_change_does_to_connectivity(self):
        r = self.client.get(self.view_url("/diff/1..2/"))
        self.assertContains(r, 'data-testid="connections-changed">1<')
        self.assertContains(r, 'data-testid="connections-added">0<')
        # web->api gained TCP 9090; web is now closed to all ingress.
        self.assertContains(
            r,
            'class="changed" data-testid="diff-row" data-src="shop/web[Pod]" data-dst="shop/api[Pod]"',
        )
        self.assertContains(r, "TCP 8080,9090")
        self.assertContains(
            r, 'data-testid="policy-added">policy added <code>shop/web-deny-ingress'
        )
        self.assertContains(
            r, 'data-testid="policy-changed">policy changed <code>shop/api-from-web'
        )

    def test_its_json_twin_is_exact(self):
        data = self.client.get(self.view_url("/diff/1..2.json")).json()
        self.assertEqual((data["from"], data["to"]), (1, 2))
        self.assertEqual(
            data["summary"],
            {
                "connections_added": 0,
                "connections_removed": 3,
                "connections_changed": 1,
                "endpoints_added": 0,
                "endpoints_removed": 0,
                "endpoints_changed": 0,
                "policies_added": 1,
                "policies_removed": 0,
                "policies_changed": 1,
                "connectivity_changed": True,
            },
        )
        self.assertEqual(
            data["connections"]["changed"],
            [
                {
                    "src": "shop/web[Pod]",
                    "dst": "shop/api[Pod]",
                    "before": [{"protocol": "TCP", "port": 8080, "end_port": 8080}],
                    "before_text": "TCP 8080",
                    "after": [
                        {"protocol": "TCP", "port": 8080, "end_port": 8080},
                        {"protocol": "TCP", "port": 9090, "end_port": 9090},
                    ],
                    "after_text": "TCP 8080,9090",
                    "gained": [{"protocol": "TCP", "port": 9090, "end_port": 9090}],
                    "gained_text": "TCP 9090",
                    "lost": [],
                    "lost_text": "No Connections",
                }
            ],
        )
        removed = {(c["src"], c["dst"]) for c in data["connections"]["removed"]}
        self.assertEqual(
            removed,
            {
                ("shop/api[Pod]", "shop/web[Pod]"),
                ("0.0.0.0-255.255.255.255", "shop/web[Pod]"),
                ("::-ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", "shop/web[Pod]"),
            },
        )

    def test_the_diff_from_the_previous_revision_is_stored_at_upload(self):
        from netviz.diff import compare

        old, new = self.review.revisions.order_by("number")
        self.assertIsNone(old.previous_diff)
        self.assertEqual(new.previous_diff, compare(old.full_snapshot(), new.full_snapshot()))
        self.assertEqual(
            self.client.get(self.view_url("/diff/1..2.json")).json()["summary"],
            new.previous_diff["summary"],
        )

    def test_the_reverse_diff_swaps_added_and_removed(self):
        data = self.client.get(self.view_url("/diff/2..1.json")).json()
        self.assertEqual(data["summary"]["connections_added"], 3)
        self.assertEqual(data["summary"]["policies_removed"], 1)

    def test_it_exports_markdown_for_a_pull_request(self):
        r = self.client.get(self.view_url("/diff/1..2.md"))
        self.assertEqual(r["Content-Type"], "text/markdown; charset=utf-8")
        text = r.content.decode()
        self.assertTrue(text.startswith("## Connectivity diff\n"))
        self.assertIn("| `shop/web[Pod]` | `shop/api[Pod]` | `TCP 8080` | `TCP 8080,9090` |", text)

    def test_the_revision_picker_redirects_to_the_canonical_url(self):
        r = self.client.get(self.view_url("/diff/"), {"a": "2", "b": "1"})
        self.assertRedirects(r, self.view_url("/diff/2..1/"))

    def test_an_unknown_revision_is_404(self):
        self.assertEqual(self.client.get(self.view_url("/diff/1..3/")).status_code, 404)
        self.assertEqual(self.client.get(self.view_url("/diff/1..2.pdf")).status_code, 404)

    def test_it_is_404_for_a_stranger_and_for_the_edit_token(self):
        self.assertEqual(self.client.get(f"/r/{self.stranger_token}/diff/1..2/").status_code, 404)
        self.assertEqual(self.client.get(f"/r/{self.edit_token}/diff/1..2.json").status_code, 404)
