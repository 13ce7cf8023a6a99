"""generate.json and generate-keep.json on a review with cluster-scoped policies: the check
evaluates the generated set with them and lists what NetworkPolicy cannot shape."""

from __future__ import annotations

import json
from textwrap import dedent

import yaml

from netviz.web.services import create_review
from tests.generate.test_tiered import DB, GUARD, PODS, PROM, WEB
from tests.web.base import BaseTestCase, uploads


class GenerateTieredTestCase(BaseTestCase):
    def setUp(self) -> None:
        super().setUp()
        files = [
            ("pods.yaml", yaml.safe_dump_all(list(PODS), sort_keys=False)),
            ("guard.yaml", dedent(GUARD).lstrip()),
        ]
        self.tiered, _, _ = create_review("Guarded", uploads(files))

    def url(self, suffix: str) -> str:
        return f"/r/{self.tiered.view_token}/rev/1/{suffix}"

    def test_it_checks_the_generated_set_with_the_admin_policies(self):
        r = self.client.get(self.url("generate.json"), {"ns": "shop"})
        self.assertEqual(r.status_code, 200)
        check = r.json()["check"]
        self.assertTrue(check["exact"])
        self.assertEqual(check["stays_allowed"], [])  # everything allowed now is kept
        self.assertEqual(check["cannot_allow"], [])

    def test_it_lists_both_kinds_of_pairs_for_a_keep_list(self):
        keep = {"connections": [{"src": WEB, "dst": DB}, {"src": DB, "dst": WEB}]}
        r = self.client.post(
            self.url("generate-keep.json"),
            json.dumps({"ns": "shop", "keep": keep}),
            content_type="application/json",
        )
        self.assertEqual(r.status_code, 200)
        check = r.json()["check"]
        self.assertTrue(check["exact"])
        self.assertEqual(
            sorted((e["src"], e["dst"]) for e in check["stays_allowed"]), [(PROM, DB), (PROM, WEB)]
        )
        self.assertEqual(check["stays_allowed"][0]["decided_by"][0]["rule_name"], "scrape")
        self.assertIn("stays allowed: decided by [Admin] guard", check["stays_allowed"][0]["text"])
        [denied] = check["cannot_allow"]
        self.assertEqual((denied["src"], denied["dst"]), (WEB, DB))
        self.assertEqual(denied["decided_by"][0]["action"], "deny")

    def test_networkpolicy_only_reviews_keep_their_check_keys(self):
        r = self.client.get(self.view_url("/rev/1/generate.json"), {"ns": "shop"})
        self.assertEqual(set(r.json()["check"]), {"exact", "extra", "missing", "errors"})
