"""The draft's fast path (stored pairs compared as arrays, parses kept per revision) against the
plain full evaluation (every file read, compact snapshot, netviz.diff.compare) on bench clusters
with tens of thousands of pairs, for edits that add, change and delete policies, namespaces and
pods, and ipBlocks that cut the external ranges differently."""

from __future__ import annotations

import re

import yaml
from django.test import TestCase, override_settings

from bench.generate import Spec, generate, parse_spec
from netviz.diff import compare
from netviz.diff.pairs import Pairs, compare_pairs
from netviz.diff.snapshot import compact_snapshot, fingerprint, fingerprints_kept
from netviz.diff.tiered import tiered_snapshot
from netviz.engine import Evaluator
from netviz.k8s import load_texts
from netviz.k8s.yamlsrc import Budget, ParseMemo, parse_text, parses_kept
from netviz.web.drafts import draft_files, evaluate_draft
from netviz.web.services import Upload, create_review, reader_limits

DENY_ALL = """\
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {{name: default-deny, namespace: {ns}}}
spec:
  podSelector: {{}}
  policyTypes: [Ingress, Egress]
"""

EGRESS_CIDR = """\
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {{name: to-partner, namespace: {ns}}}
spec:
  podSelector: {{}}
  policyTypes: [Egress]
  egress:
    - to:
        - ipBlock: {{cidr: 66.63.0.0/16, except: [66.63.7.0/24]}}
        - ipBlock: {{cidr: "2001:db8::/48"}}
      ports: [{{protocol: TCP, port: 443}}]
"""

NEW_NAMESPACE = """\
apiVersion: v1
kind: Namespace
metadata: {name: newcomer, labels: {team: new}}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: newcomer}
spec:
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web, tier: frontend}}
    spec:
      containers: [{name: web, image: x, ports: [{containerPort: 80}]}]
---
apiVersion: v1
kind: Pod
metadata: {name: debug, namespace: newcomer, labels: {app: debug}}
spec:
  containers: [{name: d, image: x}]
"""


def plain_diff(revision, changes: dict) -> dict:
    """The draft's diff the plain way: every file read, the full compact snapshot, compare()."""
    files, _changed = draft_files(revision, changes)
    cluster = load_texts([(f.name, f.content) for f in files], limits=reader_limits())
    evaluator = Evaluator(cluster)
    snap, compact = compact_snapshot(evaluator.analysis(), cluster, tiered_snapshot(evaluator))
    return compare(revision.full_snapshot(), {**snap, "connections": compact.connections()})


def documents(text: str) -> list[str]:
    return [d for d in text.split("---\n") if d.strip()]


class DraftFastPathTestCase(TestCase):
    spec = parse_spec("S")

    @classmethod
    def setUpTestData(cls) -> None:
        cls.files = dict(generate(cls.spec))
        with override_settings(NETVIZ_BACKGROUND_KB=1024 * 1024):  # analysed in the request
            _review, cls.revision, _edit = create_review(
                "fast", [Upload(n, t.encode()) for n, t in cls.files.items()]
            )

    def policy_file(self) -> tuple[str, str]:
        return next((n, t) for n, t in self.files.items() if "kind: NetworkPolicy" in t)

    def namespace_of(self, name: str) -> str:
        return yaml.safe_load(documents(self.files[name])[0])["metadata"]["name"]

    def assert_same(self, changes: dict) -> dict:
        fast = evaluate_draft(self.revision, changes)
        plain = plain_diff(self.revision, changes)
        self.assertEqual(fast["diff"], plain)
        # Asked again: from the parses and pairs kept for the revision, still the same, and the
        # same problems as a fresh read of every file.
        again = evaluate_draft(self.revision, changes)
        self.assertEqual(again["diff"], plain)
        files, _changed = draft_files(self.revision, changes)
        fresh = load_texts([(f.name, f.content) for f in files], limits=reader_limits())
        self.assertEqual(
            [(p["file"], p["line"], p["message"]) for p in again["errors"] + again["warnings"]],
            [(p.source.file, p.source.line, p.message) for p in fresh.errors + fresh.warnings],
        )
        return plain

    def test_it_matches_the_plain_path_when_a_peer_label_is_retyped(self):
        name, text = self.policy_file()
        m = list(re.finditer(r"matchLabels:\n\s+[\w./-]+: ([\w.-]+)$", text, re.M))[-1]
        diff = self.assert_same({name: text[: m.end(1)] + "x" + text[m.end(1) :]})
        self.assertTrue(diff["policies"]["changed"])
        if not self.spec.calico:  # Calico's tiers decide first: this edit may change no pair
            self.assertTrue(diff["summary"]["connectivity_changed"])

    def test_it_matches_the_plain_path_when_policies_are_deleted(self):
        name, text = self.policy_file()
        kept = [d for d in documents(text) if "kind: NetworkPolicy" not in d]
        diff = self.assert_same({name: "---\n".join(kept)})
        self.assertTrue(diff["policies"]["removed"])

    def test_it_matches_the_plain_path_when_a_default_deny_is_added(self):
        ns = self.namespace_of(self.policy_file()[0])
        diff = self.assert_same({"deny.yaml": DENY_ALL.format(ns=ns)})
        self.assertTrue(diff["connections"]["removed"])

    def test_it_matches_the_plain_path_when_an_ipblock_cuts_the_external_ranges(self):
        ns = self.namespace_of(self.policy_file()[0])
        diff = self.assert_same({"partner.yaml": EGRESS_CIDR.format(ns=ns)})
        ends = [c["dst"] for kind in ("removed", "changed") for c in diff["connections"][kind]]
        self.assertTrue(any(e[0].isdigit() for e in ends))  # external ranges among them

    def test_it_matches_the_plain_path_when_a_namespace_file_is_deleted(self):
        name = self.policy_file()[0]
        diff = self.assert_same({name: None})
        self.assertTrue(diff["endpoints"]["removed"])

    def test_it_matches_the_plain_path_when_a_namespace_and_pods_are_added(self):
        diff = self.assert_same({"newcomer.yaml": NEW_NAMESPACE})
        self.assertIn("newcomer/debug[Pod]", diff["endpoints"]["added"])
        self.assertTrue(diff["connections"]["added"])

    def test_it_matches_the_plain_path_when_pods_are_relabelled(self):
        name, text = next((n, t) for n, t in self.files.items() if "tier: backend" in t)
        diff = self.assert_same({name: text.replace("tier: backend", "tier: backendx")})
        self.assertTrue(diff["endpoints"]["changed"])

    def test_it_matches_the_plain_path_with_an_error_in_the_edited_file(self):
        name, text = self.policy_file()
        changes = {name: text.replace("protocol: TCP", "protocol: TCPX", 1) + "\n: : bad\n"}
        fast = evaluate_draft(self.revision, changes)
        self.assertEqual(fast["diff"], plain_diff(self.revision, changes))
        self.assertTrue([p for p in fast["errors"] if p["in_draft"] and p["line"]])

    def test_it_matches_the_plain_path_with_nothing_changed(self):
        diff = self.assert_same({})
        self.assertFalse(diff["summary"]["connectivity_changed"])


class DraftFastPathBigTestCase(DraftFastPathTestCase):
    """The same on the bench's M cluster: 1,000 workloads, about 60,000 pairs."""

    spec = parse_spec("M")

    # Each comparison reads and evaluates the cluster three times: a few edits are enough here.
    test_it_matches_the_plain_path_when_policies_are_deleted = None
    test_it_matches_the_plain_path_when_a_namespace_file_is_deleted = None
    test_it_matches_the_plain_path_when_pods_are_relabelled = None
    test_it_matches_the_plain_path_with_an_error_in_the_edited_file = None
    test_it_matches_the_plain_path_with_nothing_changed = None
    test_it_matches_the_plain_path_when_a_default_deny_is_added = None
    test_it_matches_the_plain_path_when_a_namespace_and_pods_are_added = None


class DraftFastPathAdminTestCase(DraftFastPathTestCase):
    """The same with ClusterNetworkPolicies and AdminNetworkPolicies (the ordered decision path
    and the tiered part of the snapshots)."""

    spec = Spec(10, 100, 50, admin=12)


class DraftFastPathCalicoTestCase(DraftFastPathTestCase):
    """The same with Calico policies in tiers and global network sets."""

    spec = Spec(10, 100, 50, calico=20)


class ComparePairsTestCase(TestCase):
    def test_it_cuts_external_ranges_as_compare_does_when_they_overlap_and_repeat(self):
        externals = [
            {
                "id": "0.0.0.0-9.255.255.255",
                "version": 4,
                "start": "0.0.0.0",
                "end": "9.255.255.255",
            },
            {"id": "10.0.0.0-10.0.0.255", "version": 4, "start": "10.0.0.0", "end": "10.0.0.255"},
        ]
        other = [
            {"id": "0.0.0.0-10.0.0.127", "version": 4, "start": "0.0.0.0", "end": "10.0.0.127"},
            {
                "id": "10.0.0.128-10.0.0.255",
                "version": 4,
                "start": "10.0.0.128",
                "end": "10.0.0.255",
            },
        ]
        tcp, udp = [["TCP", 80, 80]], [["UDP", 53, 53]]
        old = {"externals": externals, "endpoints": [], "policies": []}
        new = {"externals": other, "endpoints": [], "policies": []}
        old_pairs = Pairs(
            ["a", "b", *(x["id"] for x in externals)],
            [tcp, udp],
            *self.arrays([(0, 2, 0), (0, 3, 0), (1, 0, 1), (3, 1, 0), (0, 1, 0)]),
        )
        new_pairs = Pairs(
            ["b", "a", *(x["id"] for x in other)],
            [udp, tcp],
            *self.arrays([(1, 2, 1), (1, 3, 0), (0, 1, 0), (2, 0, 1), (1, 0, 1)]),
        )
        plain_old = {**old, "connections": self.connections(old_pairs)}
        plain_new = {**new, "connections": self.connections(new_pairs)}
        self.assertEqual(
            compare_pairs(old, old_pairs, new, new_pairs), compare(plain_old, plain_new)
        )

    @staticmethod
    def arrays(rows):
        import numpy as np

        a = np.array(rows, dtype=np.int32).reshape(-1, 3)
        return a[:, 0], a[:, 1], a[:, 2]

    @staticmethod
    def connections(pairs: Pairs) -> list[dict]:
        return [
            {"src": pairs.ids[s], "dst": pairs.ids[d], "ports": pairs.cell_rows[c]}
            for s, d, c in zip(
                pairs.src.tolist(), pairs.dst.tolist(), pairs.cell.tolist(), strict=True
            )
        ]


class ParseMemoTestCase(TestCase):
    def test_it_gives_what_a_fresh_parse_gives_and_the_aliases_it_used(self):
        text = "a: &x {b: 1}\nc: *x\n---\nd: [1, 2]\n---\n: : bad\n---\ne: 3\n"
        memo = ParseMemo(2)
        fresh = Budget(10, 10, 100)
        expected = parse_text(text, fresh)
        for _ in range(2):
            budget = Budget(10, 10, 100)
            with parses_kept(memo):
                self.assertEqual(parse_text(text, budget), expected)
            self.assertEqual(budget.aliases_used, fresh.aliases_used)
        self.assertEqual(len(memo._items), 1)
        with parses_kept(memo):
            parse_text("x: 1\n", Budget(10, 10, 100))
            parse_text("y: 1\n", Budget(10, 10, 100))
        self.assertEqual(len(memo._items), 2)  # the least recently used went

    def test_it_gives_what_a_fresh_parse_gives_under_every_documents_limit(self):
        # Four documents, the last two empty: a limit of 3 stops at an empty one.
        text = "a: 1\n---\nb: [1, 2]\n---\n---\n"
        memo = ParseMemo(4)
        for cap in (10, 4, 3, 1, 4, 2, 100, 3):
            fresh = Budget(10, 10, 100, max_documents=cap)
            expected = parse_text(text, fresh)
            budget = Budget(10, 10, 100, max_documents=cap)
            with parses_kept(memo):
                self.assertEqual(parse_text(text, budget), expected, cap)
            self.assertEqual(budget.documents_seen, fresh.documents_seen, cap)
        truncated = parse_text(text, Budget(10, 10, 100, max_documents=3))[1]
        self.assertIn("more than 3 documents", truncated[-1][2])


class FingerprintMemoTestCase(TestCase):
    def test_kept_fingerprints_are_the_fresh_ones_after_edits(self):
        files = generate(parse_spec("S"))
        edited = [(n, t.replace("tier: backend", "tier: backendx")) for n, t in files]
        memo: dict = {}
        for version in (files, edited, files):
            cluster = load_texts(version)
            objects = [*cluster.policies, *Evaluator(cluster).analysis().endpoints]
            fresh = [fingerprint(o) for o in objects]
            with fingerprints_kept(memo):
                self.assertEqual([fingerprint(o) for o in objects], fresh)
        reprs = [k for k in memo if isinstance(k, str)]
        self.assertLess(len(reprs), 2 * len(objects))  # the unchanged ones hashed once
        # The same objects again (as a draft's unchanged documents give them): by identity.
        for k in reprs:
            del memo[k]
        with fingerprints_kept(memo):
            self.assertEqual([fingerprint(o) for o in objects], fresh)
        self.assertEqual([k for k in memo if isinstance(k, str)], [])
