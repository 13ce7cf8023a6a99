"""Share a draft read-only: POST share-draft.json, GET draft/<token>.json; gone with its review."""

from __future__ import annotations

import json
from urllib.parse import parse_qs, urlparse

from netviz.web.models import SharedDraft
from tests.web.base import BaseTestCase


class SharedDraftTestCase(BaseTestCase):
    def share(self, files, token: str | None = None):
        return self.client.post(
            f"/r/{token or self.view_token}/rev/1/share-draft.json",
            json.dumps({"files": files}),
            content_type="application/json",
        )

    def test_it_stores_the_changes_and_links_to_the_page_showing_them(self):
        name = self.revision.files.first().name
        r = self.share({name: None, "new.yaml": "kind: Namespace\n"})
        self.assertEqual(r.status_code, 201)
        url = urlparse(r.json()["url"])
        self.assertEqual(url.path, f"/r/{self.view_token}/rev/1/")
        secret = parse_qs(url.query)["draft"][0]
        self.assertEqual(self.client.get(url.path).status_code, 200)
        got = self.client.get(f"/r/{self.view_token}/draft/{secret}.json")
        self.assertEqual(
            got.json(), {"revision": 1, "files": {name: None, "new.yaml": "kind: Namespace\n"}}
        )
        stored = list(SharedDraft.objects.values_list("token_hash", "files"))
        self.assertNotIn(secret, json.dumps(stored), "only its hash")

    def test_it_refuses_a_draft_that_changes_nothing_or_is_not_one(self):
        self.assertEqual(self.share({}).status_code, 400)
        self.assertEqual(self.share({"a.yaml": 3}).status_code, 400)

    def test_a_stranger_and_a_wrong_token_get_404(self):
        self.assertEqual(self.share({"n.yaml": "x: 1\n"}, self.stranger_token).status_code, 404)
        r = self.client.get(f"/r/{self.view_token}/draft/{self.stranger_token}.json")
        self.assertEqual(r.status_code, 404)

    def test_it_ends_with_its_review(self):
        secret = parse_qs(urlparse(self.share({"n.yaml": "x: 1\n"}).json()["url"]).query)["draft"][
            0
        ]
        self.review.delete()
        self.assertEqual(SharedDraft.objects.count(), 0)
        r = self.client.get(f"/r/{self.view_token}/draft/{secret}.json")
        self.assertEqual(r.status_code, 404)
