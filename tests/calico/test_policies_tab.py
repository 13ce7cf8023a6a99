"""Calico policies on the review page's Policies tab (real database): tiers in order, policies
in policy order, each rule with its action and the pairs it decides."""

from __future__ import annotations

from django.test import TestCase

from netviz.web.services import create_review
from tests.calico.traps import gnp, k8s_allow_from, np_, tier
from tests.conformance.e2e import e2e_model, manifest
from tests.web.base import uploads

POLICIES = (
    tier("security", 100)
    + tier("platform", 50, "Pass")
    + gnp(
        "deny-icmp",
        "  tier: security\n  order: 20\n  selector: pod == 'a'\n  ingress:\n"
        "  - {action: Deny, protocol: ICMP, icmp: {type: 8}}\n  - {action: Pass}\n",
    )
    + gnp(
        "log-first",
        "  tier: security\n  order: 10\n  selector: pod == 'a'\n  ingress:\n"
        "  - {action: Log}\n  - {action: Deny, source: {selector: pod == 'c'}}\n",
    )
    + gnp(
        "platform-pass",
        "  tier: platform\n  selector: all()\n  ingress:\n  - {action: Pass}\n",
    )
    + np_(
        "late",
        "x",
        "  order: 2000\n  selector: pod == 'b'\n  ingress:\n  - {action: Allow}\n",
    )
    + k8s_allow_from("x", "k8s-from-b", "a", "b")
)


class CalicoPoliciesTabTestCase(TestCase):
    def setUp(self) -> None:
        super().setUp()
        files = [("model.yaml", e2e_model()), ("calico.yaml", manifest(POLICIES))]
        self.review, self.revision, _ = create_review("Calico", uploads(files))
        self.page = self.client.get(f"/r/{self.review.view_token}/rev/1/policies/").content.decode()

    def test_it_lists_the_calico_tiers_in_tier_order(self):
        page = self.page
        platform = page.index('data-testid="calico-tier" data-tier="platform"')
        security = page.index('data-testid="calico-tier" data-tier="security"')
        default = page.index('data-testid="calico-tier" data-tier="default"')
        assert platform < security < default
        assert 'data-tier="platform" data-default-action="Pass"' in page

    def test_it_lists_policies_in_policy_order_with_the_kubernetes_ones_at_1000(self):
        page = self.page
        log_first = page.index('data-policy="GlobalNetworkPolicy/log-first"')
        deny_icmp = page.index('data-policy="GlobalNetworkPolicy/deny-icmp"')
        assert log_first < deny_icmp
        default = page.index('data-testid="calico-tier" data-tier="default"')
        k8s = page.index('data-testid="calico-engine-policies"', default)
        late = page.index('data-policy="NetworkPolicy/x/late"')
        assert default < k8s < late

    def test_each_rule_shows_its_action_and_the_pairs_it_decides(self):
        page = self.page
        # pod c of every namespace (3) to each of the 3 pods a: 9 pairs denied.
        assert 'data-rule="1" data-action="deny" data-pairs="9"' in page
        assert "ICMP type 8" in page
        # Log decides nothing and goes on.
        assert 'data-rule="0" data-action="log"' in page
        assert "logs and goes on" in page
        # The Pass of platform-pass decides for every pair into every pod.
        assert 'data-action="pass" data-pairs="' in page
        deny_icmp = page.index('data-policy="GlobalNetworkPolicy/deny-icmp"')
        rule = page.index('data-rule="0" data-action="deny"', deny_icmp)
        pairs = int(page[rule:].split('data-pairs="', 1)[1].split('"', 1)[0])
        assert pairs > 0  # every pair into pod a on ICMP echo, but those pod c denied first

    def test_a_revision_without_calico_policies_has_no_calico_tiers(self):
        files = [("model.yaml", e2e_model())]
        review, _, _ = create_review("Plain", uploads(files))
        page = self.client.get(f"/r/{review.view_token}/rev/1/policies/").content.decode()
        assert 'data-testid="calico-tier"' not in page
