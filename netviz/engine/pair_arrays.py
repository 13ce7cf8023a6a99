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


# Source classes evaluated together: their arrays (sources x destination classes x words, a few
# of them) stay within about this many bytes.
BLOCK_BYTES = 16 << 20


def source_rows(
    m: Matrix,
    ordered: list[tuple[str, int, bool]],
    new_cells: Callable[[np.ndarray, np.ndarray, np.ndarray], None],
) -> Iterator[tuple[int, str, np.ndarray, np.ndarray]]:
    """Per source in output order (`ordered`: Evaluator._node_ids()), (rank, id, destination
    ranks, cell numbers), destinations in rank order, a bare pod's loopback left out. A cell is
    a distinct (egress cell, ingress cell) of the matrix, numbered in order of first appearance;
    `new_cells(egress keys, ingress keys, atom words)` is given the cells as they are numbered,
    a block of them at a time, in order (the words one row per cell)."""
    node_class = np.array([cls for _, cls, _ in ordered], dtype=np.int64)
    # Members of each class as ranks (CSR): by_class[start[c]:start[c + 1]].
    by_class = np.argsort(node_class, kind="stable")
    start = np.searchsorted(node_class[by_class], np.arange(m.classes + 1))
    # A pair of cells is one int key: (egress key + 1) * span + ingress key + 1.
    span = len(m.is_rep) * len(m.id_rep) + 1
    cells: dict[int, int] = {}
    rows: dict[int, tuple[np.ndarray, np.ndarray]] = {}
    # Classes by ingress-source signature (its rows computed once, in order), in blocks; the
    # classes no endpoint or range is left in are skipped.
    walk = np.argsort(m.class_is, kind="stable")
    walk = walk[start[walk + 1] > start[walk]]
    per_block = max(1, BLOCK_BYTES // (4 * 8 * max(1, m.classes) * m.atoms.words))
    for lo in range(0, len(walk), per_block):
        srcs = walk[lo : lo + per_block]
        at, dst, words, eg_keys, in_keys = m.allowed_block(srcs)
        keys = (eg_keys + 1) * span + in_keys + 1
        distinct, first, inverse = np.unique(keys, return_index=True, return_inverse=True)
        cell_of = np.fromiter(
            map(cells.get, distinct.tolist(), repeat(-1)), dtype=np.int64, count=len(distinct)
        )
        fresh = np.flatnonzero(cell_of < 0)
        if len(fresh):
            fresh = fresh[np.argsort(first[fresh], kind="stable")]
            numbers = np.arange(len(cells), len(cells) + len(fresh))
            cell_of[fresh] = numbers
            cells.update(zip(distinct[fresh].tolist(), numbers.tolist(), strict=True))
            k = first[fresh]
            new_cells(eg_keys[k], in_keys[k], words[k])
        pair_cells = cell_of[inverse.reshape(-1)]
        # Destination classes into their members' ranks, rows in order of source then rank.
        sizes = start[dst + 1] - start[dst]
        offsets = np.repeat(start[dst] - np.cumsum(sizes) + sizes, sizes)
        dst_ranks = by_class[offsets + np.arange(int(sizes.sum()))]
        src_at = np.repeat(at, sizes)
        order = np.argsort(src_at * len(ordered) + dst_ranks)  # each (source, rank) once
        dst_ranks = dst_ranks[order].astype(np.int32)
        dst_cells = np.repeat(pair_cells, sizes)[order].astype(np.int32)
        bounds = np.searchsorted(src_at[order], np.arange(len(srcs) + 1)).tolist()
        for j, cls in enumerate(srcs.tolist()):
            a, b = bounds[j], bounds[j + 1]
            rows[cls] = (dst_ranks[a:b], dst_cells[a:b])
    for rank, (node_id, cls, bare_pod) in enumerate(ordered):
        dst_ranks, dst_cells = rows[cls]
        if bare_pod:  # a bare pod reaching itself is loopback, not listed
            at = int(np.searchsorted(dst_ranks, rank))
            if at < len(dst_ranks) and dst_ranks[at] == rank:
                dst_ranks, dst_cells = np.delete(dst_ranks, at), np.delete(dst_cells, at)
        yield rank, node_id, dst_ranks, dst_cells


class CellPorts:
    """A cell's atom words → (atom mask, PortSet): cells are many, their port sets few, so each
    distinct one is made once and shared by the cells that have it."""

    def __init__(self, atoms) -> None:
        self.atoms = atoms
        self._made: dict[bytes, tuple[int, PortSet]] = {}

    def __call__(self, words: np.ndarray) -> tuple[int, PortSet]:
        key = words.tobytes()
        found = self._made.get(key)
        if found is None:
            mask = self.atoms.from_words(words)
            found = self._made[key] = (mask, self.atoms.portset(mask))
        return found


def pair_arrays(
    evaluator: Evaluator,
) -> tuple[list[str], list[PortSet], np.ndarray, np.ndarray, np.ndarray]:
    """(node ids, port set per cell, src, dst, cell): pair k is `ids[src[k]]` → `ids[dst[k]]` on
    `ports[cell[k]]`, in the order analysis().connections lists them; cells with equal ports
    share one PortSet."""
    m = evaluator.matrix
    ordered = evaluator._node_ids()
    ports: list[PortSet] = []
    of = CellPorts(m.atoms)

    def new_cells(_egress: np.ndarray, _ingress: np.ndarray, words: np.ndarray) -> None:
        ports.extend(of(row)[1] for row in words)

    src_parts, dst_parts, cell_parts = [], [], []
    for rank, _id, dst_ranks, dst_cells in source_rows(m, ordered, new_cells):
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
