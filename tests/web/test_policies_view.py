"""The policies tab as its own page: selected endpoints, rules in words, connections per rule."""

from __future__ import annotations

from tests.web.base import BaseTestCase


class PoliciesViewTestCase(BaseTestCase):
    def test_it_lists_each_policy_with_what_it_selects_and_its_rules(self):
        r = self.client.get(self.view_url("/rev/1/policies/"))
        self.assertEqual(r.status_code, 200)
        page = r.content.decode()
        self.assertIn('data-testid="policy" data-policy="shop/api-from-web"', page)
        self.assertIn('<code class="chip" data-testid="selected">shop/api[Pod]</code>', page)
        self.assertIn("from pods with app=web in namespace shop, on TCP 8080", page)
        self.assertIn('data-rule="0" data-connections="1"', page)
        self.assertNotIn('data-testid="dead-rule"', page)

    def test_a_policy_without_rules_says_it_isolates_and_others_may_allow(self):
        self.add_v2()
        page = self.client.get(self.view_url("/rev/2/policies/")).content.decode()
        self.assertIn(
            "no rule: it isolates the pods it selects for ingress, which only other policies"
            " may then allow",
            page,
        )
        self.assertNotIn("denies all ingress", page)

    def test_a_rule_that_permits_nothing_is_marked(self):
        from netviz.web.services import add_revision
        from tests.web import manifests
        from tests.web.base import uploads

        dead = manifests.POLICY_V1.replace("matchLabels: {app: web}", "matchLabels: {app: ghost}")
        add_revision(self.review, uploads([("pods.yaml", manifests.PODS), ("p.yaml", dead)]))
        page = self.client.get(self.view_url("/rev/2/policies/")).content.decode()
        self.assertIn('data-testid="dead-rule"', page)
        self.assertIn('data-connections="0" data-dead="true"', page)

    def test_strangers_get_404(self):
        r = self.client.get(f"/r/{self.stranger_token}/rev/1/policies/")
        self.assertEqual(r.status_code, 404)
