"""The review page's words (the 12-service shop): ranges as CIDRs, only the denials that decide
the verdict, a policy's YAML once per explanation, warnings grouped by message, linked counts."""

from __future__ import annotations

import re

from django.test import TestCase

from netviz.web.services import Upload, create_review
from tests.browser.manifests import boutique

ANYWHERE_V4 = "0.0.0.0-255.255.255.255"

# Two pods and a deny-all for both directions: a pair it denies on both sides.
LOCKED = """\
apiVersion: v1
kind: Pod
metadata: {name: a, namespace: x, labels: {app: a}}
spec: {containers: [{name: c, image: i}]}
---
apiVersion: v1
kind: Pod
metadata: {name: b, namespace: x, labels: {app: b}}
spec: {containers: [{name: c, image: i}]}
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: deny-all, namespace: x}
spec:
  podSelector: {}
  policyTypes: [Ingress, Egress]
"""


def edge(token: str, src: str, dst: str) -> str:
    return f"/r/{token}/edge/{src}/{dst}/"


class PageWordsTestCase(TestCase):
    def setUp(self) -> None:
        review, _rev, _edit = create_review(
            "Online Boutique", [Upload(n, t.encode()) for n, t in boutique()]
        )
        self.token = review.view_token

    def get(self, url: str) -> str:
        response = self.client.get(url)
        self.assertEqual(response.status_code, 200)
        return response.content.decode()

    def test_it_lists_no_denials_under_a_pair_allowed_on_every_port(self):
        page = self.get(
            edge(self.token, "default~loadgenerator~Deployment", "default~frontend~Deployment")
        )
        self.assertIn("Allowed on every port", page)
        self.assertNotIn('data-testid="denying-policy"', page)
        self.assertNotIn("Isolating policies", page)

    def test_it_lists_the_denials_of_the_rest_under_a_pair_allowed_on_some_ports(self):
        page = self.get(
            edge(self.token, "default~frontend~Deployment", "default~cartservice~Deployment")
        )
        self.assertIn("Allowed on TCP 7070", page)
        heading = re.search(r'data-testid="denials-heading">([^<]*)<', page).group(1)
        self.assertIn("allows the rest (", heading)
        self.assertIn("TCP 1-7069,7071-65535", heading)
        # The egress side allows everything: deny-all is named for ingress only, its YAML once.
        self.assertEqual(page.count("<code>network-policy-deny-all.yaml"), 1)

    def test_a_policy_denying_both_sides_shows_its_yaml_once(self):
        review, _rev, _edit = create_review("Locked", [Upload("x.yaml", LOCKED.encode())])
        page = self.get(edge(review.view_token, "x~a~Pod", "x~b~Pod"))
        self.assertEqual(page.count('data-testid="denying-policy" data-policy="x/deny-all"'), 2)
        self.assertEqual(page.count('data-testid="yaml"'), 1)
        self.assertIn('data-testid="yaml-above">Its YAML is shown above.', page)

    def test_ranges_are_cidrs_in_the_explanation(self):
        page = self.get(edge(self.token, "default~frontend~Deployment", ANYWHERE_V4))
        title = re.search(r'<h1 class="pair">(.*?)</h1>', page, re.S).group(1)
        self.assertIn("0.0.0.0/0", title)
        headings = re.findall(r"<h2>(?:Egress from|Ingress to) <code>(.*?)</code>", page)
        self.assertEqual(headings[1], "0.0.0.0/0")
        self.assertNotIn(ANYWHERE_V4, re.sub(r'(data-\w+|href)="[^"]*"', "", page))

    def test_long_names_break_at_slash_and_bracket(self):
        page = self.get(
            edge(self.token, "default~frontend~Deployment", "default~cartservice~Deployment")
        )
        self.assertIn(
            '<code data-testid="explanation-src">default/<wbr>frontend<wbr>[Deployment]</code>',
            page,
        )

    def test_warnings_of_one_message_fold_into_one_line(self):
        page = self.get(f"/r/{self.token}/")
        groups = re.findall(r'data-testid="problem-group" data-count="(\d+)"', page)
        self.assertEqual(groups, ["6"])  # the six Istio policies
        # Every warning is still there: the six behind the group, the reader's one-line count.
        self.assertEqual(page.count('data-testid="problem"'), 7)
        self.assertIn(
            "<strong>6</strong> objects: ignored: kind AuthorizationPolicy"
            " (apiVersion security.istio.io/v1) is not modelled",
            page,
        )
        self.assertIn("not modelled (they do not change connectivity): 12 ServiceAccount", page)

    def test_every_count_links(self):
        page = self.get(f"/r/{self.token}/")
        for name in ("namespaces", "endpoints", "policies", "connections", "warnings"):
            self.assertRegex(page, rf'data-testid="count-{name}"><a href="[^"]+"')

    def test_the_matrix_legend_shows_the_diagonal(self):
        page = self.get(f"/r/{self.token}/")
        self.assertIn('data-testid="legend-self"></span> diagonal: an endpoint to itself', page)

    def test_ranges_are_cidrs_in_the_blast_radius(self):
        page = self.get(f"/r/{self.token}/rev/1/findings/?from=default/frontend%5BDeployment%5D")
        self.assertIn("<code>0.0.0.0/0</code>", page)
        self.assertNotIn(ANYWHERE_V4, re.sub(r'(data-\w+|href|value)="[^"]*"', "", page))

    def test_a_range_of_many_cidrs_is_named_by_its_first_two(self):
        from netviz.web.filters import endpoint_labels

        snap = {
            "externals": [
                {"id": "0.0.0.0-9.255.255.255", "cidrs": ["0.0.0.0/5", "8.0.0.0/7"]},
                {"id": "x", "cidrs": ["11.0.0.0/8", "12.0.0.0/6", "16.0.0.0/4", "32.0.0.0/3"]},
            ]
        }
        self.assertEqual(
            endpoint_labels(snap),
            {
                "0.0.0.0-9.255.255.255": "0.0.0.0/5, 8.0.0.0/7",
                "x": "11.0.0.0/8, 12.0.0.0/6 and 2 more CIDRs",
            },
        )

    def test_finding_counts_are_plural_where_they_count(self):
        page = self.get(f"/r/{self.token}/rev/1/findings/")
        counts = re.search(r'data-testid="findings-counts">(.*?)</p>', page, re.S).group(1)
        self.assertIn(">13 warnings<", counts)
        self.assertIn(">1 info<", counts)
