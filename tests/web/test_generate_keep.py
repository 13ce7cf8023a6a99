"""POST generate-keep.json: least privilege for exactly the connections a user keeps."""

from __future__ import annotations

import json

from tests.web.base import BaseTestCase

WEB, API = "shop/web[Pod]", "shop/api[Pod]"


class GenerateKeepTestCase(BaseTestCase):
    def post(self, body) -> object:
        return self.client.post(
            self.view_url("/rev/1/generate-keep.json"),
            json.dumps(body),
            content_type="application/json",
        )

    def test_it_generates_for_the_kept_connections_only_and_checks_them(self):
        everything = self.client.get(self.view_url("/rev/1/generate.json"), {"ns": "shop"}).json()
        kept = everything["summary"]["kept_connections"]
        self.assertGreater(kept, 0)
        one = {
            "src": WEB,
            "dst": API,
            "ports": [{"protocol": "TCP", "port": 8080, "end_port": 8080}],
        }
        r = self.post({"ns": "shop", "keep": {"connections": [one]}})
        self.assertEqual(r.status_code, 200)
        data = r.json()
        self.assertEqual(data["summary"]["kept_connections"], 1)
        self.assertTrue(data["check"]["exact"])
        self.assertEqual(data["keep_problems"], [])

    def test_it_says_which_kept_entries_it_could_not_read(self):
        r = self.post({"keep": [{"src": "shop/nothing[Pod]", "dst": API}]})
        self.assertEqual(r.status_code, 200)
        self.assertEqual(r.json()["keep_problems"][0]["problem"], "unknown-endpoint")

    def test_it_refuses_a_body_without_a_keep_list(self):
        self.assertEqual(self.post({"ns": "shop"}).status_code, 400)
        r = self.client.post(
            self.view_url("/rev/1/generate-keep.json"), "{", content_type="application/json"
        )
        self.assertEqual(r.status_code, 400)

    def test_an_unknown_namespace_is_a_404(self):
        self.assertEqual(self.post({"ns": "nothing", "keep": []}).status_code, 404)
