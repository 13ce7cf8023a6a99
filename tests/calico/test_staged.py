"""Staged policies as what-ifs: the diff enforcing each would make, from the library, the CLI and
the review page (real database, real views)."""

from __future__ import annotations

import io
import json

from django.core.management import CommandError, call_command
from django.test import TestCase

from netviz.diff.staged import enforced_with, staged_diffs
from netviz.k8s import load_texts
from netviz.web.services import create_review
from tests.web.base import uploads

PODS = """
apiVersion: v1
kind: Pod
metadata: {name: a, namespace: x, labels: {app: a}}
spec: {containers: [{name: c, image: i, ports: [{containerPort: 80}]}]}
---
apiVersion: v1
kind: Pod
metadata: {name: b, namespace: x, labels: {app: b}}
spec: {containers: [{name: c, image: i, ports: [{containerPort: 80}]}]}
---
"""
ENFORCED = """
apiVersion: projectcalico.org/v3
kind: NetworkPolicy
metadata: {name: only-b, namespace: x}
spec:
  selector: app == 'a'
  ingress: [{action: Allow, source: {selector: app == 'b'}}]
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: k8s-deny, namespace: x}
spec: {podSelector: {matchLabels: {app: b}}, policyTypes: [Ingress]}
---
"""
STAGED = """
apiVersion: projectcalico.org/v3
kind: StagedNetworkPolicy
metadata: {name: deny-b, namespace: x}
spec:
  stagedAction: Set
  order: 10
  selector: app == 'a'
  ingress: [{action: Deny, source: {selector: app == 'b'}}]
---
apiVersion: projectcalico.org/v3
kind: StagedNetworkPolicy
metadata: {name: only-b, namespace: x}
spec: {stagedAction: Delete}
---
apiVersion: projectcalico.org/v3
kind: StagedKubernetesNetworkPolicy
metadata: {name: k8s-deny, namespace: x}
spec: {stagedAction: Delete}
---
apiVersion: projectcalico.org/v3
kind: StagedGlobalNetworkPolicy
metadata: {name: learning}
spec: {stagedAction: Learn, selector: all()}
"""


def _cluster():
    cluster = load_texts([("c.yaml", PODS + ENFORCED + STAGED)])
    assert not cluster.errors, cluster.errors
    return cluster


def _by_name(entries):
    return {e["name"]: e for e in entries}


def test_staged_policies_are_not_enforced():
    cluster = _cluster()
    assert [p.name for p in cluster.calico.policies] == ["only-b"]
    assert {p.name for p in cluster.calico.staged} == {"deny-b", "only-b", "k8s-deny", "learning"}


def test_it_diffs_each_staged_policy_against_the_enforced_set():
    entries = _by_name(staged_diffs(_cluster()))
    removed = entries["deny-b"]["diff"]["connections"]["removed"]
    assert [(c["src"], c["dst"]) for c in removed] == [("x/b[Pod]", "x/a[Pod]")]
    assert entries["deny-b"]["diff"]["connections"]["added"] == []
    assert entries["deny-b"]["diff"]["policies"]["added"] == ["NetworkPolicy/x/deny-b"]
    assert entries["only-b"]["diff"]["policies"]["removed"] == ["NetworkPolicy/x/only-b"]
    # Deleting the enforced only-b opens a to outside traffic (b was the only other pod).
    added = entries["only-b"]["diff"]["connections"]["added"]
    assert {(c["src"], c["dst"]) for c in added} == {
        ("0.0.0.0-255.255.255.255", "x/a[Pod]"),
        ("::-ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", "x/a[Pod]"),
    }
    # Deleting the Kubernetes policy that isolates b opens b.
    k8s_added = entries["k8s-deny"]["diff"]["connections"]["added"]
    assert ("x/a[Pod]", "x/b[Pod]") in [(c["src"], c["dst"]) for c in k8s_added]
    assert entries["learning"]["diff"] is None  # Learn changes nothing that is enforced
    lines = (PODS + ENFORCED + STAGED).splitlines()
    assert entries["deny-b"]["file"] == "c.yaml"
    assert entries["deny-b"]["line"] == lines.index("kind: StagedNetworkPolicy")


def test_enforcing_a_staged_set_replaces_the_policy_of_the_same_name():
    cluster = load_texts(
        [
            (
                "c.yaml",
                PODS + ENFORCED + "apiVersion: projectcalico.org/v3\nkind: StagedNetworkPolicy\n"
                "metadata: {name: only-b, namespace: x}\n"
                "spec: {selector: app == 'a', ingress: [{action: Deny}]}\n",
            )
        ]
    )
    (staged,) = cluster.calico.staged
    variant = enforced_with(cluster, staged)
    (policy,) = variant.calico.policies
    assert (policy.kind, policy.name, policy.ingress[0].action) == (
        "NetworkPolicy",
        "only-b",
        "Deny",
    )


def _run(*args):
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command(*args, stdout=out, stderr=err)
        status = 0
    except CommandError as e:
        status = e.returncode
    return out.getvalue(), status


def test_the_staged_command_prints_each_what_if(tmp_path):
    path = tmp_path / "c.yaml"
    path.write_text(PODS + ENFORCED + STAGED)
    text, status = _run("staged", str(path))
    assert status == 0
    assert "StagedNetworkPolicy x/deny-b (stagedAction Set" in text
    assert "- x/b[Pod] -> x/a[Pod]" in text
    assert "Changes nothing when enforced" in text
    data = json.loads(_run("staged", str(path), "--format", "json")[0])
    assert {e["name"] for e in data["staged"]} == {"deny-b", "only-b", "k8s-deny", "learning"}


class StagedReviewTestCase(TestCase):
    def test_the_review_page_and_its_json_show_the_staged_what_ifs(self):
        review, _rev, _edit = create_review(
            "Calico", uploads([("c.yaml", PODS + ENFORCED + STAGED)])
        )
        r = self.client.get(f"/r/{review.view_token}/")
        self.assertContains(r, 'data-testid="staged-section"')
        self.assertContains(
            r, 'data-testid="staged-policy" data-kind="StagedNetworkPolicy" data-name="x/deny-b"'
        )
        self.assertContains(r, 'data-change="removed">removed: x/b[Pod] → x/a[Pod]')
        payload = self.client.get(f"/r/{review.view_token}.json").json()
        names = {s["name"]: s for s in payload["staged"]}
        assert names["deny-b"]["summary"]["connections_removed"] == 1
        assert names["learning"]["changes"] is False

    def test_a_review_without_staged_policies_has_no_staged_section(self):
        review, _rev, _edit = create_review("Plain", uploads([("c.yaml", PODS + ENFORCED)]))
        r = self.client.get(f"/r/{review.view_token}/")
        self.assertNotContains(r, 'data-testid="staged-section"')


def test_the_netviz_staged_command_prints_what_manage_py_staged_prints(tmp_path, capsys):
    from netviz.cli.main import main

    path = tmp_path / "c.yaml"
    path.write_text(PODS + ENFORCED + STAGED)
    assert main(["staged", str(path)]) == 0
    assert capsys.readouterr().out == _run("staged", str(path))[0]


def test_a_what_if_beside_cluster_network_policies_lists_only_what_the_staged_policy_changes():
    from netviz.diff import snapshot
    from netviz.diff.tiered import tiered_snapshot
    from netviz.engine import Evaluator
    from tests.tiered.finding_cases import cnp

    admin = cnp(
        "keep-80",
        "Baseline",
        5,
        "{namespaces: {}}",
        ingress="  - action: Accept\n    from: [{namespaces: {}}]\n",
    )
    cluster = load_texts([("c.yaml", PODS + ENFORCED + STAGED + admin)])
    assert not cluster.errors, cluster.errors
    # The enforced snapshot as the review page makes it: with the tiered part.
    evaluator = Evaluator(cluster)
    enforced = snapshot(evaluator.analysis(), cluster, tiered_snapshot(evaluator))
    entries = _by_name(staged_diffs(cluster, enforced))
    assert entries["deny-b"]["diff"]["policies"]["added"] == ["NetworkPolicy/x/deny-b"]
    assert entries["deny-b"]["diff"]["policies"]["removed"] == []
    assert entries["only-b"]["diff"]["policies"]["removed"] == ["NetworkPolicy/x/only-b"]
