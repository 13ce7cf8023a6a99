"""The class rows walked in blocks of source classes (netviz.engine.pair_arrays.source_rows on
Matrix.allowed_block) against the plain walk, one class at a time through Matrix.allowed_from:
the same rows, cells and cell numbering, whatever the block size, on bench clusters with
NetworkPolicies alone, with admin tiers and with Calico tiers (whose ingress rows are composed by
the decider), and with bare pods reaching themselves left out."""

from __future__ import annotations

from itertools import repeat

import numpy as np
import pytest

from bench.generate import Spec, generate
from netviz.engine import Evaluator, pair_arrays
from netviz.k8s import load_texts

BARE_PODS = """\
apiVersion: v1
kind: Pod
metadata: {name: solo, namespace: ns-0, labels: {app: solo}}
spec: {containers: [{name: c, image: x}]}
---
apiVersion: v1
kind: Pod
metadata: {name: other, namespace: ns-1, labels: {app: other}}
spec: {containers: [{name: c, image: x}]}
"""

CLUSTERS = {
    "policies": Spec(12, 300, 150),
    "admin": Spec(10, 200, 80, admin=20),
    "calico": Spec(10, 200, 80, calico=20),
}


def _evaluator(name: str) -> Evaluator:
    files = [*generate(CLUSTERS[name]), ("zz-bare.yaml", BARE_PODS)]
    return Evaluator(load_texts(files))


def plain_rows(m, ordered):
    """source_rows() as it was written first: one allowed_from() per class."""
    node_class = np.array([cls for _, cls, _ in ordered], dtype=np.int64)
    by_class = np.argsort(node_class, kind="stable")
    start = np.searchsorted(node_class[by_class], np.arange(m.classes + 1))
    span = len(m.is_rep) * len(m.id_rep) + 1
    cells: dict[int, int] = {}
    made: list[tuple[int, int, bytes]] = []
    rows = {}
    for cls in np.argsort(m.class_is, kind="stable").tolist():
        if start[cls] == start[cls + 1]:
            continue
        dst_classes, words, eg_keys, in_keys = m.allowed_from(cls)
        keys = ((eg_keys + 1) * span + in_keys + 1).tolist()
        cell_of = np.fromiter(map(cells.get, keys, repeat(-1)), dtype=np.int64, count=len(keys))
        for i in np.flatnonzero(cell_of < 0).tolist():
            c = cells.get(keys[i])
            if c is None:
                c = cells[keys[i]] = len(cells)
                made.append((int(eg_keys[i]), int(in_keys[i]), words[i].tobytes()))
            cell_of[i] = c
        sizes = start[dst_classes + 1] - start[dst_classes]
        offsets = np.repeat(start[dst_classes] - np.cumsum(sizes) + sizes, sizes)
        dst_ranks = by_class[offsets + np.arange(int(sizes.sum()))]
        dst_cells = np.repeat(cell_of, sizes)
        order = np.argsort(dst_ranks, kind="stable")
        rows[cls] = (dst_ranks[order].tolist(), dst_cells[order].tolist())
    out = []
    for rank, (node_id, cls, bare) in enumerate(ordered):
        dst_ranks, dst_cells = rows[cls]
        if bare and rank in dst_ranks:
            i = dst_ranks.index(rank)
            dst_ranks, dst_cells = (
                dst_ranks[:i] + dst_ranks[i + 1 :],
                dst_cells[:i] + dst_cells[i + 1 :],
            )
        out.append((rank, node_id, dst_ranks, dst_cells))
    return out, made


def block_rows(m, ordered):
    made: list[tuple[int, int, bytes]] = []

    def new_cells(egress, ingress, words):
        for eg, ing, row in zip(egress.tolist(), ingress.tolist(), words, strict=True):
            made.append((eg, ing, row.tobytes()))

    out = [
        (rank, node_id, ranks.tolist(), cells.tolist())
        for rank, node_id, ranks, cells in pair_arrays.source_rows(m, ordered, new_cells)
    ]
    return out, made


@pytest.mark.parametrize("name", sorted(CLUSTERS))
def test_every_block_size_walks_the_rows_of_the_plain_walk(name, monkeypatch) -> None:
    ev = _evaluator(name)
    m, ordered = ev.matrix, ev._node_ids()
    expected = plain_rows(m, ordered)
    assert sum(len(r[2]) for r in expected[0]) > 2_000  # pairs enough to fill many blocks
    assert any(bare for _, _, bare in ordered)
    one_class = 4 * 8 * m.classes * m.atoms.words
    # One class per block, 7 (the last one short), and everything in one block.
    for per_block in (1, 7, m.classes + 1):
        monkeypatch.setattr(pair_arrays, "BLOCK_BYTES", per_block * one_class)
        assert block_rows(m, ordered) == expected, per_block
    assert m.classes > 7 * 3


def test_the_default_block_holds_many_classes() -> None:
    ev = _evaluator("policies")
    m = ev.matrix
    assert pair_arrays.BLOCK_BYTES // (4 * 8 * m.classes * m.atoms.words) > 100
