"""A revision's connections as stored: each distinct (ports, grants) cell once, and per pair three
indexes in one compressed block, so storage and loading scale with classes rather than pairs.

`Stored` answers what the pages ask (one pair, the lines of a page, a filter, counts per cell)
from the index arrays; a line is the stored text `netviz.web.models.encode_connection` gives, and
is built only for the rows a page shows.
"""

from __future__ import annotations

import json
import threading
import zlib
from collections import OrderedDict
from collections.abc import Sequence

import numpy as np

from netviz.diff.snapshot import Compact, universe_rows
from netviz.web.models import Revision

# Pairs as little-endian int32 rows src, dst, cell; compressed, they take ~2 bytes a pair.
_DTYPE = np.dtype("<i4")

# Loaded revisions of the last few pages looked at (~12 bytes a pair, plus the cells' text).
CACHE_SIZE = 4
_cache: OrderedDict[tuple, Stored] = OrderedDict()
_lock = threading.Lock()


# json.dumps(value, ensure_ascii=False, separators=(",", ":")) without building an encoder per
# call: the cells of a big review are tens of thousands of calls.
_dumps = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode


def pack(compact: Compact) -> bytes:
    """The pair arrays as one zlib block."""
    rows = np.stack([compact.src, compact.dst, compact.cell]).astype(_DTYPE)
    return zlib.compress(rows.tobytes(), 6)


def unpack(blob: bytes) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    if not blob:
        empty = np.zeros(0, dtype=np.int32)
        return empty, empty, empty
    rows = np.frombuffer(zlib.decompress(blob), dtype=_DTYPE).reshape(3, -1)
    return rows[0], rows[1], rows[2]


def cell_line(cell: dict) -> str:
    """A cell as stored: `[ports, ports text, grants]`, the tail of its pairs' stored lines."""
    return _dumps([cell["ports"], cell["ports_text"], cell["grants"]])


def _cell(line: str) -> dict:
    ports, ports_text, grants = json.loads(line)
    return {"ports": ports, "ports_text": ports_text, "grants": grants}


def columns_of(snapshot: dict, cells: list[dict], cell: np.ndarray) -> dict:
    """What the matrix and graph need of each cell, worked out once at upload: its `all` flag
    (2 every connection of the input, netviz.diff.snapshot.universe_rows; 1 some), port-set
    index and policy-set index, with the distinct port sets (`[text, rows]`) and policy sets
    (policy indexes) numbered in order of first use by the pairs `cell`, as
    netviz.web.explore_data.build numbers them. JSON-able."""
    policies = snapshot.get("policies", [])
    policy_index = {p["id"]: i for i, p in enumerate(policies)}
    rule_policy = [policy_index.get(r["policy"], -1) for r in snapshot.get("rules", [])]
    used, first = np.unique(cell, return_index=True)
    everything = universe_rows(snapshot)
    flag, port_of, set_of = [0] * len(cells), [0] * len(cells), [0] * len(cells)
    ports: list[list] = []
    port_index: dict[tuple, int] = {}
    sets: list[list[int]] = []
    set_index: dict[tuple[int, ...], int] = {}
    for c in used[np.argsort(first, kind="stable")].tolist():
        item = cells[c]
        raw = tuple(map(tuple, item["ports"]))
        pi = port_index.get(raw)
        if pi is None:
            pi = port_index[raw] = len(ports)
            ports.append([item["ports_text"], item["ports"]])
        named = set()
        for g in item["grants"]:
            named.update(g["egress"] or ())
            named.update(g["ingress"] or ())
        key = tuple(sorted({rule_policy[i] for i in named} - {-1}))
        si = set_index.get(key)
        if si is None:
            si = set_index[key] = len(sets)
            sets.append(list(key))
        flag[c] = 2 if item["ports"] == everything else 1
        port_of[c], set_of[c] = pi, si
    return {"all": flag, "ports": port_of, "set": set_of, "port_sets": ports, "policysets": sets}


class Stored:
    """One revision's connections: node ids (endpoints, then externals), cells, pair arrays.

    Cells are kept as their stored text and decoded only when asked (`cell`, `cells`); what the
    matrix needs of them is in `columns` (see columns_of), as numpy arrays."""

    def __init__(self, ids: list[str], cell_text: str, blob: bytes, columns: dict) -> None:
        self.ids = ids
        self.cell_lines = cell_text.split("\n") if cell_text else []
        self.src, self.dst, self.cell = unpack(blob)
        self.columns = {
            **columns,
            **{k: np.asarray(columns.get(k, ()), dtype=np.int64) for k in ("all", "ports", "set")},
        }
        self._cells: list[dict] | None = None
        self._quoted = [_dumps(i) for i in self.ids]
        self.position = {i: k for k, i in enumerate(self.ids)}

    def __len__(self) -> int:
        return len(self.cell)

    # --- rows ---------------------------------------------------------------------------------
    @property
    def cells(self) -> list[dict]:
        """Every cell decoded (once): for the diff, the policies tab and the JSON twin."""
        if self._cells is None:
            self._cells = [_cell(line) for line in self.cell_lines]
        return self._cells

    def cell_of(self, c: int) -> dict:
        return self._cells[c] if self._cells is not None else _cell(self.cell_lines[c])

    def line(self, k: int) -> str:
        q = self._quoted
        return f"[{q[self.src[k]]},{q[self.dst[k]]},{self.cell_lines[self.cell[k]][1:]}"

    def lines(self, indexes: Sequence[int] | np.ndarray | None = None) -> list[str]:
        """Stored lines of the pairs at `indexes` (all when None), in that order."""
        if indexes is None:
            src, dst, cell = self.src, self.dst, self.cell
        else:
            idx = np.asarray(indexes, dtype=np.int64)
            src, dst, cell = self.src[idx], self.dst[idx], self.cell[idx]
        q, tails = self._quoted, self.cell_lines
        return [
            f"[{a},{b},{t[1:]}"
            for a, b, t in zip(
                map(q.__getitem__, src.tolist()),
                map(q.__getitem__, dst.tolist()),
                map(tails.__getitem__, cell.tolist()),
                strict=True,
            )
        ]

    def connection(self, k: int) -> dict:
        return {
            "src": self.ids[self.src[k]],
            "dst": self.ids[self.dst[k]],
            **self.cell_of(int(self.cell[k])),
        }

    def connections(self, indexes: np.ndarray | None = None) -> list[dict]:
        """Pairs as snapshot() lists them; the cells' lists are shared, treat them as read-only."""
        if indexes is None:
            src, dst, cell = self.src, self.dst, self.cell
        else:
            src, dst, cell = self.src[indexes], self.dst[indexes], self.cell[indexes]
        ids, cells = self.ids, self.cells
        return [
            {"src": ids[a], "dst": ids[b], **cells[c]}
            for a, b, c in zip(src.tolist(), dst.tolist(), cell.tolist(), strict=True)
        ]

    def find(self, src_id: str, dst_id: str) -> int | None:
        """The pair's position, by binary search: pairs are sorted by (src, dst) node."""
        a, b = self.position.get(src_id), self.position.get(dst_id)
        if a is None or b is None:
            return None
        lo, hi = np.searchsorted(self.src, [a, a + 1])
        at = lo + int(np.searchsorted(self.dst[lo:hi], b))
        return int(at) if at < hi and self.dst[at] == b else None

    # --- aggregates ---------------------------------------------------------------------------
    def cell_counts(self) -> np.ndarray:
        """How many pairs each cell has."""
        return np.bincount(self.cell, minlength=len(self.cell_lines))


class Lines(Sequence):
    """The stored lines of some pairs, built only when read: what a Paginator pages through."""

    def __init__(self, stored: Stored, indexes: np.ndarray | None = None) -> None:
        self.stored = stored
        self.indexes = indexes

    def __len__(self) -> int:
        return len(self.stored) if self.indexes is None else len(self.indexes)

    def _positions(self, key) -> np.ndarray:
        every = np.arange(len(self.stored)) if self.indexes is None else self.indexes
        return every[key]

    def __getitem__(self, key):
        if isinstance(key, slice):
            return self.stored.lines(self._positions(key))
        return self.stored.line(int(self._positions(key)))

    def positions(self) -> np.ndarray:
        return np.arange(len(self.stored)) if self.indexes is None else self.indexes


def cache_key(revision: Revision) -> tuple:
    """The revision and its files' checksums: a primary key alone may be reused after a delete."""
    return (revision.pk, revision.created, tuple(revision.files.values_list("sha256", flat=True)))


def load(revision: Revision) -> Stored:
    """The revision's Stored, cached: loaded from its `cells` and `pairs` fields once."""
    key = cache_key(revision)
    with _lock:
        found = _cache.get(key)
        if found is not None:
            _cache.move_to_end(key)
            return found
    ids, cells, blob, columns = Revision.objects.values_list(
        "nodes", "cells", "pairs", "cell_columns"
    ).get(pk=revision.pk)
    made = Stored(ids, cells, bytes(blob or b""), columns)
    with _lock:
        _cache[key] = made
        while len(_cache) > CACHE_SIZE:
            _cache.popitem(last=False)
    return made
