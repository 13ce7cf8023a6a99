"""compare() of two snapshots whose connections come as index arrays (a stored revision, a draft):
the same result, with the per-pair work done by numpy and only the changed pairs built in Python.

Port sets are numbered once per distinct cell, pairs become one int key per (source, destination),
and external ranges are cut into the common pieces compare() uses by repeating their pairs' rows,
so a 60,000-pair review is compared in a few tens of milliseconds instead of a second.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from netviz.diff.compare import (
    _by_id,
    _changed,
    _cut,
    _entries,
    _interval,
    _Piece,
    _ports,
    summary,
)

_Rows = tuple[tuple[str, int, int], ...]


@dataclass(frozen=True)
class Pairs:
    """Connections as arrays: pair k is `ids[src[k]]` → `ids[dst[k]]` on the port rows
    `cell_rows[cell[k]]` (`[[protocol, start, end], ...]`, sorted and merged as snapshots keep
    them). Built from a netviz.diff.snapshot.Compact or a netviz.web.store.Stored."""

    ids: list[str]
    cell_rows: list[list]
    src: np.ndarray
    dst: np.ndarray
    cell: np.ndarray


class _Space:
    """Nodes of both sides numbered once: ids (str) and external pieces (_Piece), and port sets
    numbered once by their rows."""

    def __init__(self, bounds: dict[int, list[int]]) -> None:
        self.bounds = bounds
        self.nodes: list[str | _Piece] = []
        self._node: dict[str | _Piece, int] = {}
        self.rows: list[_Rows] = []
        self._rows: dict[_Rows, int] = {}

    def node(self, side: str | _Piece) -> int:
        found = self._node.get(side)
        if found is None:
            found = self._node[side] = len(self.nodes)
            self.nodes.append(side)
        return found

    def port_class(self, rows: list) -> int:
        key = tuple(tuple(r) for r in rows)
        found = self._rows.get(key)
        if found is None:
            found = self._rows[key] = len(self.rows)
            self.rows.append(key)
        return found


def _keys(space: _Space, snap: dict, pairs: Pairs, total: int) -> tuple[np.ndarray, np.ndarray]:
    """Sorted unique pair keys (source node × `total` + destination node) and their port classes,
    as compare()'s _connections maps them (external ends cut into pieces; a later pair wins)."""
    externals = {x["id"]: _interval(x) for x in snap.get("externals", ())}
    plain = np.array([space.node(i) for i in pairs.ids], dtype=np.int64)
    # Per node: its pieces (CSR) when it is an external range.
    is_ext = np.array([i in externals for i in pairs.ids], dtype=bool)
    flat: list[int] = []
    start = np.zeros(len(pairs.ids) + 1, dtype=np.int64)
    for k, i in enumerate(pairs.ids):
        if i in externals:
            x = externals[i]
            flat += [space.node(p) for p in _cut(x, space.bounds[x.version])]
        start[k + 1] = len(flat)
    pieces = np.array(flat, dtype=np.int64)
    # Cells often share one rows list: each is numbered once (the lists live through this call).
    numbered: dict[int, int] = {}
    for r in pairs.cell_rows:
        if id(r) not in numbered:
            numbered[id(r)] = space.port_class(r)
    klass = np.array([numbered[id(r)] for r in pairs.cell_rows], dtype=np.int64)
    src, dst = pairs.src.astype(np.int64), pairs.dst.astype(np.int64)
    ports = klass[pairs.cell] if len(klass) else np.zeros(0, dtype=np.int64)
    ext_src = is_ext[src] if len(is_ext) else np.zeros(0, dtype=bool)
    ext_dst = (is_ext[dst] if len(is_ext) else np.zeros(0, dtype=bool)) & ~ext_src
    both = ~(ext_src | ext_dst)
    parts = [(plain[src[both]], plain[dst[both]], ports[both], np.flatnonzero(both))]
    for mask, cut_src in ((ext_src, True), (ext_dst, False)):
        at = np.flatnonzero(mask)
        ends = (src if cut_src else dst)[at]
        counts = start[ends + 1] - start[ends]
        rows = np.repeat(at, counts)
        # Position of each repeated row within its node's pieces: 0, 1, ... per pair.
        within = np.arange(len(rows)) - np.repeat(np.cumsum(counts) - counts, counts)
        cut = pieces[np.repeat(start[ends], counts) + within]
        other = plain[(dst if cut_src else src)[rows]]
        s, d = (cut, other) if cut_src else (other, cut)
        parts.append((s, d, ports[rows], rows))
    keys = np.concatenate([s * total + d for s, d, _, _ in parts])
    values = np.concatenate([p for _, _, p, _ in parts])
    # compare() walks the pairs in order, a later one overwriting an earlier one with its key.
    order = np.concatenate([o for _, _, _, o in parts])
    by = np.lexsort((order, keys))
    keys, values = keys[by], values[by]
    last = np.ones(len(keys), dtype=bool)
    last[:-1] = keys[1:] != keys[:-1]
    return keys[last], values[last]


def compare_pairs(old: dict, old_pairs: Pairs, new: dict, new_pairs: Pairs) -> dict:
    """compare(old, new) where each snapshot's connections are given as Pairs instead."""
    bounds: dict[int, set[int]] = {4: set(), 6: set()}
    for x in (*old.get("externals", ()), *new.get("externals", ())):
        piece = _interval(x)
        bounds[piece.version].update((piece.start, piece.end + 1))
    space = _Space({v: sorted(b) for v, b in bounds.items()})
    # Every node first, so keys of both sides use the same multiplier.
    for snap, pairs in ((old, old_pairs), (new, new_pairs)):
        externals = {x["id"]: _interval(x) for x in snap.get("externals", ())}
        for i in pairs.ids:
            space.node(i)
            if i in externals:
                for p in _cut(externals[i], space.bounds[externals[i].version]):
                    space.node(p)
    total = max(1, len(space.nodes))
    ko, po = _keys(space, old, old_pairs, total)
    kn, pn = _keys(space, new, new_pairs, total)
    at = np.searchsorted(ko, kn)
    found = np.zeros(len(kn), dtype=bool)
    inside = at < len(ko)
    found[inside] = ko[at[inside]] == kn[inside]
    kept = np.isin(ko, kn, assume_unique=True)
    differs = found.copy()
    differs[found] = po[at[found]] != pn[found]

    nodes, rows = space.nodes, space.rows

    def raw(keys: np.ndarray, *classes: np.ndarray) -> list[tuple]:
        return [
            (nodes[k // total], nodes[k % total], tuple(rows[c] for c in cs))
            for k, *cs in zip(keys.tolist(), *(c.tolist() for c in classes), strict=True)
        ]

    result = {
        "connections": {
            "added": _entries(raw(kn[~found], pn[~found]), _ports),
            "removed": _entries(raw(ko[~kept], po[~kept]), _ports),
            "changed": _entries(raw(kn[differs], po[at[differs]], pn[differs]), _changed),
        },
        "endpoints": _by_id(new["endpoints"], old["endpoints"]),
        "policies": _by_id(new["policies"], old["policies"]),
    }
    result["summary"] = summary(result)
    return result


__all__ = ["Pairs", "compare_pairs"]
