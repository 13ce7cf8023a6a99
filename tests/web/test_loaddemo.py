"""`manage.py loaddemo`: the demo review, created once, with its link printed."""

from __future__ import annotations

from io import StringIO

from django.core.management import call_command
from django.test import TestCase

from netviz.web.models import Review


def run(*args: str) -> str:
    out = StringIO()
    call_command("loaddemo", *args, stdout=out)
    return out.getvalue()


class LoadDemoTestCase(TestCase):
    def test_it_creates_the_demo_once_and_prints_its_link(self):
        first = run("--base-url", "http://example.test:8000/")
        review = Review.objects.get()
        self.assertEqual(review.title, "Demo: online shop")
        link = f"http://example.test:8000/r/{review.view_token}/"
        self.assertIn(f"Demo review: {link}\n", first)
        self.assertIn("Edit link (keep it): http://example.test:8000/e/", first)
        second = run("--base-url", "http://example.test:8000")
        self.assertEqual(second, f"Demo review: {link}\n")
        self.assertEqual(Review.objects.count(), 1)

    def test_the_demo_is_a_small_realistic_shop_with_two_revisions(self):
        run()
        review = Review.objects.get()
        self.assertEqual(review.revisions.count(), 2)
        latest = review.latest_revision()
        self.assertEqual(latest.report["errors"], [])
        snap = latest.full_snapshot()
        self.assertEqual(snap["namespaces"], ["kube-system", "monitoring", "shop"])
        ids = {e["id"] for e in snap["endpoints"]}
        self.assertEqual(
            ids,
            {
                "shop/frontend[Deployment]",
                "shop/backend[Deployment]",
                "shop/database[StatefulSet]",
                "monitoring/prometheus[Deployment]",
                "kube-system/coredns[Deployment]",
            },
        )
        pairs = {(c["src"], c["dst"]): c["ports_text"] for c in snap["connections"]}
        self.assertEqual(
            pairs[("shop/frontend[Deployment]", "shop/backend[Deployment]")], "TCP 8080"
        )
        self.assertEqual(
            pairs[("shop/backend[Deployment]", "shop/database[StatefulSet]")], "TCP 5432"
        )
        self.assertEqual(
            pairs[("shop/backend[Deployment]", "kube-system/coredns[Deployment]")], "TCP 53; UDP 53"
        )
        self.assertEqual(
            pairs[("shop/backend[Deployment]", "203.0.113.0-203.0.113.127")], "TCP 443"
        )
        self.assertNotIn(("shop/frontend[Deployment]", "shop/database[StatefulSet]"), pairs)
        self.assertNotIn(("shop/backend[Deployment]", "203.0.113.128-203.0.113.255"), pairs)

    def test_the_demo_pages_render(self):
        run()
        review = Review.objects.get()
        self.assertContains(self.client.get(f"/r/{review.view_token}/"), "Demo: online shop")
        diff = self.client.get(f"/r/{review.view_token}/diff/1..2.json").json()
        self.assertEqual(diff["policies"]["added"], ["shop/backend-payments"])
        self.assertEqual(
            [(c["src"], c.get("dst_cidrs")) for c in diff["connections"]["added"]],
            [("shop/backend[Deployment]", ["203.0.113.0/25"])],
        )

    def test_external_ranges_can_be_searched_by_cidr(self):
        run()
        review = Review.objects.get()
        r = self.client.get(f"/r/{review.view_token}/", {"q": "203.0.113.0/25", "port": "443"})
        self.assertContains(
            r, 'data-src="shop/backend[Deployment]" data-dst="203.0.113.0-203.0.113.127"'
        )
        self.assertContains(r, "<code>203.0.113.0/25</code>")
        self.assertNotContains(r, 'data-dst="203.0.113.128-203.0.113.255"')

    def test_a_demo_stored_by_an_older_netviz_is_replaced(self):
        run()
        old = Review.objects.get()
        latest = old.latest_revision()
        latest.snapshot = {**latest.snapshot, "version": 1}
        latest.save()
        out = run()
        self.assertIn("Created the demo review", out)
        self.assertFalse(Review.objects.filter(pk=old.pk).exists())
        self.assertEqual(Review.objects.count(), 1)
