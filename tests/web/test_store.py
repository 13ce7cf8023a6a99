"""Connections stored by class (netviz.web.store) against the plain per-pair path, on a review of
56,000+ connections (more than three 8,192-connection batches), through the real database."""

from __future__ import annotations

import gzip
import importlib
import json
from collections import defaultdict

from django.test import TestCase

from bench.generate import generate, parse_spec
from netviz.diff.snapshot import snapshot
from netviz.engine import Evaluator
from netviz.formats import render_connections
from netviz.k8s import load_texts
from netviz.web import explore_data, policy_rules, store
from netviz.web.edges import stored_connection
from netviz.web.filters import filter_lines, filter_pairs
from netviz.web.findings_page import findings_json, parse_query
from netviz.web.models import Export, Revision, encode_connection
from netviz.web.services import Upload, create_review

# 6 namespaces, 400 workloads, 40 policies: 56,754 connections in 6,000-odd cells.
BIG = generate(parse_spec("6/400/40"), 1)
FORMATS = ("json", "csv", "md", "dot", "text")


class StoredConnectionsTestCase(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.review, cls.revision, _edit = create_review(
            "big", [Upload(n, c.encode()) for n, c in BIG]
        )
        cls.cluster = load_texts([(n, c.encode()) for n, c in BIG])
        cls.analysis = Evaluator(cls.cluster).analysis()
        cls.plain = snapshot(cls.analysis, cls.cluster)

    def setUp(self):
        self.revision = Revision.objects.get(pk=self.revision.pk)
        self.lines = [encode_connection(c) for c in self.plain["connections"]]

    def test_it_is_big_enough_to_cross_batches(self):
        self.assertGreater(len(self.plain["connections"]), 3 * 8192)
        self.assertLess(len(self.revision.cells.splitlines()), len(self.plain["connections"]) / 5)

    def test_the_stored_connections_are_the_plain_snapshot(self):
        self.assertEqual(self.revision.snapshot["rules"], self.plain["rules"])
        self.assertEqual(self.revision.full_snapshot(), json.loads(json.dumps(self.plain)))

    def test_the_stored_lines_are_the_plain_lines_byte_for_byte(self):
        self.assertEqual(self.revision.connection_lines(), self.lines)
        lines = store.Lines(store.load(self.revision))
        self.assertEqual(lines[9000:9300], self.lines[9000:9300])
        self.assertEqual(lines[-1], self.lines[-1])

    def test_filters_by_node_and_cell_keep_the_lines_the_plain_filter_keeps(self):
        stored = store.load(self.revision)
        snap = self.revision.snapshot
        namespaces = snap["namespaces"]
        for values in (
            {"ns": [namespaces[1]]},
            {"ns": namespaces[2:4], "port": 8080},
            {"q": "api"},
            {"q": "0.0.0.0"},
            {"protocol": "UDP"},
            {"protocol": "TCP", "port": 5432},
            {"q": "web", "ns": [namespaces[-1]], "protocol": "TCP"},
        ):
            expected = filter_lines(snap, self.lines, values)
            got = store.Lines(stored, filter_pairs(snap, stored, values))
            self.assertEqual(list(got[:]), expected, values)
        self.assertIsNone(filter_pairs(snap, stored, {}))

    def test_the_page_data_from_cells_is_the_page_data_from_lines(self):
        snap = self.revision.snapshot
        compact = explore_data.build_compact(snap, store.load(self.revision))
        self.assertEqual(compact, explore_data.build(snap, self.lines))

    def test_one_pair_is_found_by_binary_search(self):
        for c in self.plain["connections"][::4099]:
            self.assertEqual(stored_connection(self.revision, c["src"], c["dst"]), c)
        c = self.plain["connections"][0]
        self.assertIsNone(stored_connection(self.revision, c["dst"] + "x", c["src"]))
        ids = [e["id"] for e in self.plain["endpoints"]]
        pairs = {(c["src"], c["dst"]) for c in self.plain["connections"]}
        missing = next((a, b) for a in ids for b in ids if (a, b) not in pairs)
        self.assertIsNone(stored_connection(self.revision, *missing))

    def test_rule_counts_by_cell_are_the_counts_by_pair(self):
        keys = [(r["policy"], r["direction"], r["rule_index"]) for r in self.plain["rules"]]
        expected = defaultdict(int)
        for c in self.plain["connections"]:
            named = {i for g in c["grants"] for i in (g["egress"] or []) + (g["ingress"] or [])}
            for key in {keys[i] for i in named}:
                expected[key] += 1
        self.assertEqual(policy_rules.rule_counts(self.revision), dict(expected))

    def test_stored_findings_are_the_findings_computed_from_the_files(self):
        state = parse_query({"sort": "namespaces"})
        stored = findings_json(self.revision, state)
        self.revision.findings = None  # as a revision from before findings were stored
        self.assertEqual(findings_json(self.revision, state), stored)
        self.assertGreater(len(stored["exposure"]), 300)

    def test_downloads_are_streamed_then_served_from_the_stored_gzip(self):
        url = f"/r/{self.review.view_token}/rev/1/connections."
        for fmt in FORMATS:
            expected = render_connections(self.analysis, self.cluster.problems, fmt).encode()
            first = self.client.get(url + fmt)
            self.assertTrue(first.streaming, fmt)
            self.assertEqual(first.getvalue(), expected, fmt)
            export = Export.objects.get(revision=self.revision, format=fmt)
            self.assertEqual((gzip.decompress(export.gzip), export.size), (expected, len(expected)))
            again = self.client.get(url + fmt)
            self.assertEqual(again.getvalue(), expected, fmt)
            self.assertEqual(again["Content-Length"], str(len(expected)))
            zipped = self.client.get(url + fmt, headers={"accept-encoding": "gzip, br"})
            self.assertEqual(zipped["Content-Encoding"], "gzip")
            self.assertEqual(gzip.decompress(zipped.getvalue()), expected, fmt)
            self.assertIn("Accept-Encoding", zipped["Vary"])

    def test_a_first_gzip_download_is_the_text_compressed_on_the_way(self):
        url = f"/r/{self.review.view_token}/rev/1/connections.json"
        expected = render_connections(self.analysis, self.cluster.problems, "json").encode()
        zipped = self.client.get(url, headers={"accept-encoding": "gzip"})
        self.assertEqual(zipped["Content-Encoding"], "gzip")
        self.assertEqual(gzip.decompress(zipped.getvalue()), expected)
        self.assertEqual(
            Export.objects.get(revision=self.revision, format="json").size, len(expected)
        )

    def test_a_download_left_half_way_stores_nothing(self):
        response = self.client.get(f"/r/{self.review.view_token}/rev/1/connections.text")
        chunks = iter(response.streaming_content)
        next(chunks)
        # The client leaves: the test client's wrapper closes the response (as a WSGI server
        # would) but keeps the test's database connection open; response.close() itself would
        # close it, which PostgreSQL, unlike in-memory SQLite, really does.
        response._iterator.close()  # the test client's closing wrapper around the stream
        self.assertFalse(Export.objects.filter(revision=self.revision).exists())


class MigrationTestCase(TestCase):
    def test_old_connection_lines_become_the_same_pairs(self):
        migration = importlib.import_module("netviz.web.migrations.0008_compact_connections")
        cluster = load_texts([(n, c.encode()) for n, c in BIG])
        plain = snapshot(Evaluator(cluster).analysis(), cluster)
        ids = migration._ids(plain)
        cells, blob, cell = migration._compact(
            ids, "\n".join(map(encode_connection, plain["connections"]))
        )
        columns = store.columns_of(plain, cells, cell)
        stored = store.Stored(ids, "\n".join(map(store.cell_line, cells)), blob, columns)
        self.assertEqual(stored.connections(), plain["connections"])
