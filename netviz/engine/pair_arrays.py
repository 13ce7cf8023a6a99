"""Every allowed pair as index arrays, for callers that want only the ports (a draft's diff): the
connections of Evaluator.analysis() without a Python object per pair and without grants.

Evaluator._build_connections walks the same rows (source_rows): the same classes, cells, order.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from itertools import repeat
from typing import TYPE_CHECKING

import numpy as np

from netviz.engine.ports import PortSet
from netviz.engine.result import Analysis

if TYPE_CHECKING:
    from netviz.engine.evaluate import Evaluator
    from netviz.engine.matrix import Matrix


def source_rows(
    m: Matrix, ordered: list[tuple[str, int, bool]], new_cell: Callable[[int, int, object], None]
) -> Iterator[tuple[int, str, np.ndarray, np.ndarray]]:
    """Per source in output order (`ordered`: Evaluator._node_ids()), (rank, id, destination
    ranks, cell numbers), destinations in rank order, a bare pod's loopback left out. A cell is
    a distinct (egress cell, ingress cell) of the matrix, numbered in order of first appearance;
    `new_cell(egress key, ingress key, atom words)` is called once per cell, as it is numbered."""
    node_class = np.array([cls for _, cls, _ in ordered], dtype=np.int64)
    # Members of each class as ranks (CSR): by_class[start[c]:start[c + 1]].
    by_class = np.argsort(node_class, kind="stable")
    start = np.searchsorted(node_class[by_class], np.arange(m.classes + 1))
    # A pair of cells is one int key: (egress key + 1) * span + ingress key + 1.
    span = len(m.is_rep) * len(m.id_rep) + 1
    cells: dict[int, int] = {}
    rows: dict[int, tuple[np.ndarray, np.ndarray]] = {}
    # Rows by ingress-source signature (each computed once), then sources in output order.
    for cls in np.argsort(m.class_is, kind="stable").tolist():
        if start[cls] == start[cls + 1]:
            continue  # no endpoint or range left in this class
        dst_classes, words, eg_keys, in_keys = m.allowed_from(cls)
        keys = ((eg_keys + 1) * span + in_keys + 1).tolist()
        cell_of = np.fromiter(map(cells.get, keys, repeat(-1)), dtype=np.int64, count=len(keys))
        for i in np.flatnonzero(cell_of < 0).tolist():
            c = cells.get(keys[i])
            if c is None:
                c = cells[keys[i]] = len(cells)
                new_cell(int(eg_keys[i]), int(in_keys[i]), words[i])
            cell_of[i] = c
        sizes = start[dst_classes + 1] - start[dst_classes]
        offsets = np.repeat(start[dst_classes] - np.cumsum(sizes) + sizes, sizes)
        dst_ranks = by_class[offsets + np.arange(int(sizes.sum()))]
        dst_cells = np.repeat(cell_of, sizes)
        order = np.argsort(dst_ranks, kind="stable")
        rows[cls] = (dst_ranks[order].astype(np.int32), dst_cells[order].astype(np.int32))
    for rank, (node_id, cls, bare_pod) in enumerate(ordered):
        dst_ranks, dst_cells = rows[cls]
        if bare_pod:  # a bare pod reaching itself is loopback, not listed
            at = int(np.searchsorted(dst_ranks, rank))
            if at < len(dst_ranks) and dst_ranks[at] == rank:
                dst_ranks, dst_cells = np.delete(dst_ranks, at), np.delete(dst_cells, at)
        yield rank, node_id, dst_ranks, dst_cells


def pair_arrays(
    evaluator: Evaluator,
) -> tuple[list[str], list[PortSet], np.ndarray, np.ndarray, np.ndarray]:
    """(node ids, port set per cell, src, dst, cell): pair k is `ids[src[k]]` → `ids[dst[k]]` on
    `ports[cell[k]]`, in the order analysis().connections lists them; cells with equal ports
    share one PortSet."""
    m = evaluator.matrix
    ordered = evaluator._node_ids()
    ports: list[PortSet] = []
    # Cells are many, their port sets few: each distinct one is made once, and shared.
    made: dict[bytes, PortSet] = {}

    def new_cell(_egress: int, _ingress: int, words) -> None:
        key = words.tobytes()
        found = made.get(key)
        if found is None:
            found = made[key] = m.atoms.portset(m.atoms.from_words(words))
        ports.append(found)

    src_parts, dst_parts, cell_parts = [], [], []
    for rank, _id, dst_ranks, dst_cells in source_rows(m, ordered, new_cell):
        src_parts.append(np.full(len(dst_ranks), rank, dtype=np.int32))
        dst_parts.append(dst_ranks)
        cell_parts.append(dst_cells)
    empty = np.zeros(0, dtype=np.int32)

    def joined(parts: list[np.ndarray]) -> np.ndarray:
        return np.concatenate(parts) if parts else empty

    return (
        [node_id for node_id, _, _ in ordered],
        ports,
        *map(joined, (src_parts, dst_parts, cell_parts)),
    )


def listed(evaluator: Evaluator) -> Analysis:
    """The analysis's endpoints, external ranges and policies, as analysis() lists them, without
    its connections and caveats: what a snapshot's base (netviz.diff.snapshot) reads."""
    return Analysis(
        endpoints=list(evaluator.nodes.endpoints),
        externals=list(evaluator.externals),
        policies=list(evaluator.policies),
    )
