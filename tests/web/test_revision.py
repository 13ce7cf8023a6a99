"""One revision of a review: /r/<token>/rev/<n>/ and /r/<token>/rev/<n>.json."""

from __future__ import annotations

from tests.web.base import BaseTestCase


class RevisionTestCase(BaseTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.add_v2()

    def test_it_shows_an_older_revision_with_a_link_to_the_latest(self):
        r = self.client.get(self.view_url("/rev/1/"))
        self.assertContains(r, 'data-testid="revision-number">1<')
        self.assertContains(r, 'data-testid="latest-link"')
        self.assertContains(r, "TCP 8080")
        self.assertNotContains(r, "TCP 8080,9090")

    def test_it_shows_the_newer_revision(self):
        r = self.client.get(self.view_url("/rev/2/"))
        self.assertContains(r, 'data-testid="revision-number">2<')
        self.assertContains(r, "TCP 8080,9090")
        self.assertNotContains(r, 'data-testid="latest-link"')

    def test_its_json_twin_names_the_revision(self):
        data = self.client.get(self.view_url("/rev/1.json")).json()
        self.assertEqual(data["revision"], 1)
        self.assertEqual(data["latest_revision"], 2)
        self.assertEqual([r["number"] for r in data["revisions"]], [1, 2])
        self.assertIsNone(data["revisions"][0]["diff_url"])
        self.assertEqual(
            data["revisions"][1]["diff_url"], f"http://testserver/r/{self.view_token}/diff/1..2/"
        )

    def test_an_unknown_revision_is_404(self):
        self.assertEqual(self.client.get(self.view_url("/rev/3/")).status_code, 404)
        self.assertEqual(self.client.get(self.view_url("/rev/0.json")).status_code, 404)

    def test_it_is_404_for_a_stranger(self):
        self.assertEqual(self.client.get(f"/r/{self.stranger_token}/rev/1/").status_code, 404)
