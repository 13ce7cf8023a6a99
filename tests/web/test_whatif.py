"""What-if JSON: allow.json, block.json, generate.json and the generated YAML download."""

from __future__ import annotations

import yaml

from tests.web.base import BaseTestCase

WEB, API = "shop/web[Pod]", "shop/api[Pod]"


class WhatIfTestCase(BaseTestCase):
    def rev(self, suffix: str) -> str:
        return self.view_url(f"/rev/1/{suffix}")

    def test_allow_proposes_the_ingress_rule_the_denied_port_needs(self):
        r = self.client.get(
            self.rev("allow.json"), {"src": WEB, "dst": API, "protocol": "TCP", "port": 9090}
        )
        self.assertEqual(r.status_code, 200)
        data = r.json()
        self.assertEqual(data["status"], "proposed")
        self.assertEqual(data["revision"], 1)
        self.assertEqual([c["direction"] for c in data["changes"]], ["ingress"])
        self.assertEqual(data["changes"][0]["selects"], [API])
        policy = yaml.safe_load(data["yaml"])
        self.assertEqual(policy["metadata"]["namespace"], "shop")
        self.assertEqual(policy["spec"]["ingress"][0]["ports"], [{"protocol": "TCP", "port": 9090}])
        self.assertEqual(data["opened"], [])
        self.assertEqual(data["closed"], [])
        self.assertEqual(data["allowed_after_text"], "TCP 9090")

    def test_allow_takes_the_edge_page_slugs_too(self):
        r = self.client.get(
            self.rev("allow.json"),
            {"src": "shop~web~Pod", "dst": "shop~api~Pod", "port": 8080, "protocol": "TCP"},
        )
        self.assertEqual(r.json()["status"], "already-allowed")

    def test_block_names_the_granting_rule_and_what_else_closes(self):
        r = self.client.get(
            self.rev("block.json"), {"src": WEB, "dst": API, "protocol": "TCP", "port": 8080}
        )
        self.assertEqual(r.status_code, 200)
        data = r.json()
        self.assertTrue(data["is_allowed"])
        egress, ingress = data["sides"]
        self.assertEqual((egress["direction"], egress["isolated"]), ("egress", False))
        rule = ingress["rules"][0]
        self.assertEqual(rule["rule"]["policy"], "shop/api-from-web")
        self.assertEqual(rule["rule"]["rule_index"], 0)
        self.assertTrue(rule["blocks"])
        self.assertEqual(rule["closes"], [])

    def test_generate_returns_the_files_and_an_exact_check(self):
        r = self.client.get(self.rev("generate.json"))
        self.assertEqual(r.status_code, 200)
        data = r.json()
        self.assertEqual(data["namespace"], None)
        self.assertEqual([f["name"] for f in data["files"]], ["shop.yaml"])
        self.assertTrue(data["check"]["exact"])
        self.assertEqual(data["check"]["extra"], [])
        names = [d["metadata"]["name"] for d in yaml.safe_load_all(data["files"][0]["text"])]
        self.assertEqual(names[0], "default-deny")
        self.assertIn("allow-ingress-api", names)
        self.assertTrue(data["download_url"].endswith("/rev/1/generate.yaml"))

    def test_generate_for_one_namespace_and_an_unknown_one(self):
        r = self.client.get(self.rev("generate.json"), {"ns": "shop"})
        self.assertEqual(r.json()["namespace"], "shop")
        self.assertTrue(r.json()["download_url"].endswith("generate.yaml?ns=shop"))
        r = self.client.get(self.rev("generate.json"), {"ns": "nothing"})
        self.assertEqual(r.status_code, 404)
        self.assertIn("nothing", r.json()["error"])

    def test_the_generated_yaml_downloads_as_an_attachment(self):
        r = self.client.get(self.rev("generate.yaml"), {"ns": "shop"})
        self.assertEqual(r.status_code, 200)
        self.assertEqual(r["Content-Type"], "application/yaml; charset=utf-8")
        self.assertIn(
            'attachment; filename="shop-rev1-shop-policies.yaml"', r["Content-Disposition"]
        )
        docs = list(yaml.safe_load_all(r.content.decode()))
        self.assertTrue(all(d["kind"] == "NetworkPolicy" for d in docs))

    def test_bad_parameters_are_a_400_and_unknown_endpoints_a_404(self):
        r = self.client.get(self.rev("allow.json"), {"src": WEB})
        self.assertEqual(r.status_code, 400)
        self.assertIn("dst", r.json()["fields"])
        r = self.client.get(self.rev("allow.json"), {"src": WEB, "dst": API, "port": 70000})
        self.assertEqual(r.status_code, 400)
        r = self.client.get(self.rev("block.json"), {"src": "shop/nobody", "dst": API})
        self.assertEqual(r.status_code, 404)
        self.assertIn("shop/nobody", r.json()["error"])

    def test_a_stranger_or_an_unknown_revision_gets_404(self):
        for url in ("allow.json", "block.json", "generate.json", "generate.yaml"):
            r = self.client.get(f"/r/{self.stranger_token}/rev/1/{url}", {"src": WEB, "dst": API})
            self.assertEqual(r.status_code, 404, url)
            r = self.client.get(self.view_url(f"/rev/9/{url}"), {"src": WEB, "dst": API})
            self.assertEqual(r.status_code, 404, url)

    def test_the_edit_token_is_not_a_view_token(self):
        r = self.client.get(f"/r/{self.edit_token}/rev/1/generate.json")
        self.assertEqual(r.status_code, 404)
