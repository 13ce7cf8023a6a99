"""The upload path's fast paths against their plain versions, on a cluster of 56,000+ connections
(more than three 8,192-connection batches): cells numbered in numpy, fingerprints with cached
field lists, memoised YAML quoting and address parsing."""

from __future__ import annotations

import dataclasses
import hashlib
import itertools
from collections.abc import Mapping
from operator import itemgetter

import numpy as np
from django.test import SimpleTestCase

from bench.generate import generate, parse_spec
from netviz.diff.snapshot import _first_seen_numbers, compact_snapshot, fingerprint, snapshot
from netviz.engine import Evaluator, addresses
from netviz.engine.ports import PortSet
from netviz.findings import fixes
from netviz.findings.facts import Facts, Traffic
from netviz.formats.connections import ordered_connections
from netviz.k8s import load_texts

BIG = generate(parse_spec("6/400/40"), 1)


def plain_fingerprint(value: object) -> str:
    """The fingerprint as first written: a generic walk of the dataclass tree."""

    def plain(v: object) -> object:
        if dataclasses.is_dataclass(v) and not isinstance(v, type):
            return tuple(
                (f.name, plain(getattr(v, f.name)))
                for f in dataclasses.fields(v)
                if f.name not in {"source", "line", "text"}
            )
        if isinstance(v, Mapping):
            return tuple(sorted((str(k), plain(x)) for k, x in v.items()))
        if isinstance(v, frozenset | set):
            return tuple(sorted(repr(plain(x)) for x in v))
        if isinstance(v, tuple | list):
            return tuple(plain(x) for x in v)
        return v

    return hashlib.sha256(repr(plain(value)).encode()).hexdigest()[:16]


def numbered_by_dict(keys) -> tuple[list[int], list[int]]:
    """Cells numbered pair by pair with a dict, as compact_snapshot did before numpy."""
    index: dict = {}
    firsts: list[int] = []
    out = []
    for k, key in enumerate(keys):
        found = index.get(key)
        if found is None:
            found = index[key] = len(firsts)
            firsts.append(k)
        out.append(found)
    return out, firsts


def plain_traffic(ev) -> dict:
    """Facts.traffic as first written: one Python pass over the connections."""
    out = {e.id: Traffic() for e in Facts.of(ev.cluster, ev).endpoints}
    ext = {x.id for x in ev.externals}
    in_ports: dict[str, set[PortSet]] = {}
    out_ports: dict[str, set[PortSet]] = {}
    for c in ev.analysis().connections:
        src, dst = c.src, c.dst
        if src == dst:
            continue
        if src in ext:
            out[dst].in_external.add(src)
            in_ports.setdefault(dst, set()).add(c.ports)
        elif dst in ext:
            out[src].out_external.add(dst)
            out_ports.setdefault(src, set()).add(c.ports)
        else:
            out[dst].in_pods.add(src)
            out[src].out_pods.add(dst)
    for key, sets in in_ports.items():
        out[key].in_external_ports = PortSet(r for ps in sets for r in ps.ranges())
    for key, sets in out_ports.items():
        out[key].out_external_ports = PortSet(r for ps in sets for r in ps.ranges())
    return out


class UploadFastPathsTestCase(SimpleTestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.cluster = load_texts([(n, c.encode()) for n, c in BIG])
        cls.ev = Evaluator(cls.cluster)
        cls.analysis = cls.ev.analysis()

    def test_it_is_big_enough_to_cross_batches(self):
        self.assertGreater(len(self.analysis.connections), 3 * 8192)

    def test_cells_are_numbered_in_order_of_first_appearance_as_a_dict_numbers_them(self):
        conns = ordered_connections(self.analysis)
        keys = [(id(c.ports), id(itemgetter(3)(c))) for c in conns]
        a = np.array([k[0] for k in keys], dtype=np.int64)
        b = np.array([k[1] for k in keys], dtype=np.int64)
        cell, firsts = _first_seen_numbers(a, b)
        expected, expected_firsts = numbered_by_dict(keys)
        self.assertGreater(len(firsts), 1000)
        self.assertEqual(cell.tolist(), expected)
        self.assertEqual(firsts, expected_firsts)
        self.assertEqual(cell.dtype, np.int32)

    def test_numbering_matches_the_dict_on_repeats_in_any_order(self):
        rng = np.random.default_rng(7)
        a = rng.integers(0, 50, 30000) * 1_000_003 + 2**40
        b = rng.integers(0, 30, 30000) * 7
        cell, firsts = _first_seen_numbers(a, b)
        expected, expected_firsts = numbered_by_dict(zip(a.tolist(), b.tolist(), strict=True))
        self.assertEqual((cell.tolist(), firsts), (expected, expected_firsts))
        empty, none = _first_seen_numbers(np.zeros(0), np.zeros(0))
        self.assertEqual((len(empty), none), (0, []))

    def test_the_compact_connections_are_the_plain_snapshot_connections(self):
        _snap, compact = compact_snapshot(self.analysis, self.cluster)
        self.assertEqual(
            compact.connections(), snapshot(self.analysis, self.cluster)["connections"]
        )

    def test_fingerprints_are_the_plain_fingerprints(self):
        objects = list(itertools.chain(self.cluster.endpoints, self.cluster.policies))
        self.assertGreater(len(objects), 400)
        for obj in objects:
            self.assertEqual(fingerprint(obj), plain_fingerprint(obj), obj.id)

    def test_memoised_quoting_is_the_plain_quoting(self):
        texts = {v for e in self.cluster.endpoints for kv in e.labels.items() for v in kv}
        texts |= {"true", "1.0", "a: b", "x # y", "null", "", "~", "0x1F", "line\nbreak"}
        for text in sorted(texts):
            self.assertEqual(fixes._quote(text), fixes._quote.__wrapped__(text), text)
            self.assertEqual(fixes._quote(text), fixes._quote.__wrapped__(text), text)

    def test_memoised_addresses_are_the_plain_parses(self):
        for text in ("10.0.0.0/8", " 192.168.1.7 ", "fd00::/8", "10.1.2.3/16", "nonsense", ""):
            self.assertEqual(
                addresses.parse_network(text), addresses.parse_network.__wrapped__(text)
            )
            self.assertEqual(
                addresses.parse_address(text), addresses.parse_address.__wrapped__(text)
            )

    def test_traffic_grouped_in_numpy_is_the_traffic_of_the_plain_pass(self):
        traffic = Facts.of(self.cluster, self.ev).traffic
        plain = plain_traffic(self.ev)
        self.assertEqual(traffic.keys(), plain.keys())
        self.assertTrue(any(t.in_external for t in plain.values()))
        self.assertTrue(any(t.out_external_ports for t in plain.values()))
        for key, t in plain.items():
            self.assertEqual(traffic[key], t, key)
