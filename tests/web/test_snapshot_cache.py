"""Parsed snapshots cached per revision (netviz.web.snapshots) against the plain JSONField read, on a
review of 56,000+ connections (more than three 8,192-connection batches), through the real
database; and the pages built from the cache against those built after it is emptied."""

from __future__ import annotations

import json
from unittest import mock

from django.test import TestCase

from bench.generate import generate, parse_spec
from netviz.diff.snapshot import snapshot
from netviz.engine import Evaluator
from netviz.k8s import load_texts
from netviz.web import blocks, explore_data, snapshots, store
from netviz.web.access import get_revision
from netviz.web.models import Revision
from netviz.web.services import Upload, create_review

BIG = generate(parse_spec("6/400/40"), 1)


def _empty_caches() -> None:
    snapshots.clear()
    for cache in (explore_data._cache, explore_data._nodes_of, blocks._cache, store._cache):
        cache.clear()


class SnapshotCacheTestCase(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.review, cls.revision, _edit = create_review(
            "big", [Upload(n, c.encode()) for n, c in BIG]
        )
        cluster = load_texts([(n, c.encode()) for n, c in BIG])
        cls.plain = snapshot(Evaluator(cluster).analysis(), cluster)

    def setUp(self):
        _empty_caches()
        self.addCleanup(_empty_caches)

    def plain_snapshot(self) -> dict:
        return Revision.objects.get(pk=self.revision.pk).snapshot

    def test_it_is_big_enough_to_cross_batches(self):
        self.assertGreater(len(self.plain["connections"]), 3 * 8192)

    def test_the_cached_snapshot_is_the_stored_snapshot_when_read_and_when_cached(self):
        stored = self.plain_snapshot()
        expected = {k: v for k, v in json.loads(json.dumps(self.plain)).items()}
        expected.pop("connections")
        self.assertEqual(stored, expected)
        first = get_revision(self.review).snapshot  # read as text and parsed
        second = get_revision(self.review).snapshot  # from the cache
        self.assertEqual(first, stored)
        self.assertIs(second, first)
        self.assertEqual(snapshots.of(Revision.objects.get(pk=self.revision.pk)), stored)

    def test_a_revision_with_its_snapshot_loaded_hands_it_to_the_cache(self):
        loaded = Revision.objects.get(pk=self.revision.pk)
        self.assertIs(snapshots.of(loaded), loaded.snapshot)
        deferred = Revision.objects.defer("snapshot").get(pk=self.revision.pk)
        self.assertIs(snapshots.of(deferred), loaded.snapshot)

    def test_it_keeps_at_most_its_bytes_and_always_the_newest(self):
        other, _rev, _edit = create_review("small", [Upload(n, c.encode()) for n, c in BIG[:40]])
        with mock.patch.object(snapshots, "CACHE_BYTES", 1):
            snapshots.of(get_revision(self.review))
            snapshots.of(get_revision(other))
            self.assertEqual(len(snapshots._cache), 1)
            self.assertEqual(
                snapshots.of(get_revision(other)), Revision.objects.get(pk=_rev.pk).snapshot
            )
            self.assertEqual(snapshots.of(get_revision(self.review)), self.plain_snapshot())

    def test_pages_from_the_cache_are_the_pages_from_the_database(self):
        urls = [
            f"/r/{self.review.view_token}/",
            f"/r/{self.review.view_token}/?ns={self.plain['namespaces'][1]}&page=3",
            f"/r/{self.review.view_token}/rev/1/data/blocks.json",
            f"/r/{self.review.view_token}/rev/1/data/ns/2.json?q=api",
            f"/r/{self.review.view_token}.json",
        ]
        with self.settings(NETVIZ_PAGE_EDGES=10_000):
            plain = []
            for url in urls:
                _empty_caches()
                plain.append(self.client.get(url).content)
            _empty_caches()
            cached = [self.client.get(url).content for url in urls + urls]
        self.assertEqual(cached, plain + plain)
        self.assertIn(b'"lazy": true', plain[0])
