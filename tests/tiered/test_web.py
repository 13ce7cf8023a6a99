"""Tiered policies in the web app (real database): Policies tab by tier and priority with each
rule's action and pairs decided, page data marking admin-decided pairs, the edge panel's decision
path, and diffs that list cluster-scoped policies."""

from __future__ import annotations

import json

from django.test import TestCase

from netviz.web import explore_data
from netviz.web.edges import slug
from netviz.web.services import add_revision, create_review
from tests.web.base import uploads

from .model import model, sts
from .test_traps import ACCEPT_R, DENY_G, FROM_G, HUFFLEPUFF, NP_ALLOW_G_TO_H, cnp

BASELINE = cnp("baseline-deny", "Baseline", 1, HUFFLEPUFF, "  - action: Deny\n" + FROM_G)


class TieredWebTestCase(TestCase):
    def setUp(self) -> None:
        super().setUp()
        files = [
            ("model.yaml", model()),
            ("np.yaml", NP_ALLOW_G_TO_H),
            ("admin.yaml", "---\n".join([DENY_G, ACCEPT_R, BASELINE])),
        ]
        self.review, self.revision, _ = create_review("Tiered", uploads(files))
        self.base = f"/r/{self.review.view_token}"

    def test_it_groups_the_policies_tab_by_tier_and_priority(self):
        page = self.client.get(f"{self.base}/rev/1/policies/").content.decode()
        admin = page.index('data-testid="tier" data-tier="Admin"')
        np_tier = page.index('data-testid="tier-heading" data-tier="NetworkPolicy"')
        baseline = page.index('data-testid="tier" data-tier="Baseline"')
        assert admin < np_tier < baseline
        assert page.index('data-priority="5"') < page.index('data-priority="7"')
        assert 'data-direction="ingress" data-rule="0" data-action="deny" data-pairs="9"' in page
        assert 'data-action="allow" data-pairs="9"' in page  # ravenclaw x hufflepuff on UDP 53

    def test_it_marks_admin_decided_pairs_in_the_page_data(self):
        data = explore_data.build(self.revision.snapshot, self.revision.connection_lines())
        ids = [n[0] for n in data["nodes"]]
        kinds = {(ids[s], ids[d]): data["verdict_kinds"][k] for s, d, k in data["verdicts"]}
        assert kinds[(sts("gryffindor"), sts("hufflepuff"))] == "admin-deny"
        assert kinds[(sts("ravenclaw"), sts("hufflepuff"))] == "admin-accept"
        assert (sts("slytherin"), sts("hufflepuff")) not in kinds  # not allowed by NetworkPolicy
        page = self.client.get(f"{self.base}/").content.decode()
        assert 'data-testid="tiered-legend"' in page

    def test_the_edge_panel_shows_the_decision_path_with_the_rule_lit(self):
        url = f"{self.base}/edge/{slug(sts('gryffindor'))}/{slug(sts('hufflepuff'))}/"
        page = self.client.get(url).content.decode()
        assert 'data-testid="decisions"' in page
        assert "[Admin] deny-g (5) ingress &#x27;deny-g&#x27; Deny → denied" in page

    def test_a_diff_lists_an_added_cluster_network_policy(self):
        files = [
            ("model.yaml", model()),
            ("np.yaml", NP_ALLOW_G_TO_H),
            ("admin.yaml", "---\n".join([DENY_G, ACCEPT_R])),
        ]
        first, _ = create_review("Before", uploads(files))[:2]
        _, diff = add_revision(
            first, uploads(files[:2] + [("admin.yaml", "---\n".join([DENY_G, ACCEPT_R, BASELINE]))])
        )
        assert "ClusterNetworkPolicy/baseline-deny" in diff["policies"]["added"]

    def test_a_draft_that_changes_nothing_lists_no_cluster_network_policy_as_removed(self):
        response = self.client.post(
            f"{self.base}/rev/1/draft.json", data={"files": {}}, content_type="application/json"
        )
        assert response.status_code == 200, response.content
        diff = response.json()["diff"]
        assert diff["policies"]["removed"] == [] and diff["policies"]["added"] == []
        assert not diff["summary"]["connectivity_changed"]


class DomainWebTestCase(TestCase):
    """A domainNames endpoint on the review page, in the edge panel and in the downloads."""

    def setUp(self) -> None:
        super().setUp()
        domains = cnp(
            "allow-api",
            "Admin",
            10,
            HUFFLEPUFF,
            egress="  - action: Accept\n    to: [{domainNames: ['*.example.com']}]\n",
        )
        files = [("model.yaml", model()), ("admin.yaml", domains)]
        self.review, self.revision, _ = create_review("Domains", uploads(files))
        self.base = f"/r/{self.review.view_token}"

    def test_it_lists_the_domain_endpoint_by_name_in_the_page_data(self):
        data = explore_data.build(self.revision.snapshot, self.revision.connection_lines())
        (node,) = [n for n in data["nodes"] if n[0] == "*.example.com"]
        assert node[2] == "*.example.com"  # the label is the pattern, not an empty CIDR list
        page = self.client.get(f"{self.base}/")
        assert page.status_code == 200

    def test_the_edge_panel_explains_a_pair_to_the_domain_with_the_caveat(self):
        url = f"{self.base}/edge/{slug(sts('hufflepuff'))}/{slug('*.example.com')}/"
        page = self.client.get(url)
        assert page.status_code == 200, page.content[:500]
        text = page.content.decode()
        assert "netviz does not resolve DNS" in text
        assert "[Admin] allow-api (10) egress" in text

    def test_the_downloads_list_the_domain_endpoint(self):
        body = b"".join(
            self.client.get(
                f"{self.base}/rev/1/connections.json", HTTP_ACCEPT_ENCODING=""
            ).streaming_content
        ).decode()
        doc = json.loads(body)
        assert {
            "id": "*.example.com",
            "kind": "External",
            "cidrs": [],
            "domain": "*.example.com",
        } in doc["endpoints"]
        assert [p["id"] for p in doc["tiered_policies"]] == ["ClusterNetworkPolicy/allow-api"]
        csv_body = b"".join(self.client.get(f"{self.base}/rev/1/connections.csv").streaming_content)
        assert f"{sts('hufflepuff')},*.example.com".encode() in csv_body
