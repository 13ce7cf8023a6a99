"""What a big review page fetches instead of every edge: the view under the filters, namespace ×
namespace aggregates, and the edges of one namespace or one block, from the stored pairs.

Mirrors readFilters/buildView of static/js/review.js and `aggregate` of static/js/matrix.js
(keep them alike); everything is numpy over the pairs, nothing per pair in Python. Groups are
numbered as the page's nodes carry them: namespace index, and `len(namespaces)` for the external
address ranges (-1 in the page).
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from dataclasses import dataclass

import numpy as np
from django.utils.html import json_script

from netviz.web import explore_data, snapshots, store
from netviz.web.filters import OTHER_PROTOCOLS, asked_rows, valid_port
from netviz.web.models import Revision

PROTOCOLS = ("TCP", "UDP", "SCTP")
_cache: OrderedDict[tuple, View] = OrderedDict()
_lock = threading.Lock()
CACHE_SIZE = 4  # views of the last few filters asked; ~5 bytes a pair each


@dataclass(frozen=True)
class Filters:
    """The review page's filters as review.js reads them from the query string."""

    ns: tuple[str, ...] = ()
    q: str = ""
    protocol: str = ""
    port: int | None = None
    focus: str = ""
    dir: str = "both"

    @classmethod
    def of(cls, params, other_protocols: bool = False) -> Filters:
        """`other_protocols`: the revision models ICMP, ICMPv6 and UDPLite (else ignored)."""
        try:
            port = int(params.get("port") or "")
        except ValueError:
            port = None
        protocol = params.get("protocol") or ""
        known = PROTOCOLS + OTHER_PROTOCOLS if other_protocols else PROTOCOLS
        protocol = protocol if protocol in known else ""
        return cls(
            ns=tuple(n for n in params.getlist("ns") if n),
            q=(params.get("q") or "").strip().lower(),
            protocol=protocol,
            port=valid_port(protocol or None, port),
            focus=(params.get("focus") or "").strip(),
            dir=params.get("dir") or "both",
        )

    @property
    def asked(self) -> bool:
        return bool(self.protocol) or self.port is not None


def port_states(port_sets: list[list], filters: Filters) -> np.ndarray:
    """Per port set: 0 nothing, 1 some, 2 every port of the ports asked (portState in review.js)."""
    wanted = asked_rows(filters.protocol or None, filters.port)
    total = sum(hi - lo + 1 for _p, lo, hi in wanted)
    out = np.zeros(len(port_sets), dtype=np.int8)
    for i, (_text, rows) in enumerate(port_sets):
        covered = sum(
            max(0, min(end, hi) - max(start, lo) + 1)
            for proto, start, end in rows
            for p, lo, hi in wanted
            if proto == p
        )
        out[i] = 0 if covered == 0 else 2 if covered == total else 1
    return out


class View:
    """One revision under one set of filters: rows, columns and each pair's state."""

    def __init__(self, snapshot: dict, stored: store.Stored, filters: Filters) -> None:
        self.stored = stored
        self.filters = filters
        self._page: dict | None = None
        self._script: str | None = None
        self._index: tuple | None = None
        nodes = explore_data._nodes(snapshot)
        self.nodes = nodes
        namespaces = snapshot.get("namespaces", [])
        self.outside = len(namespaces)
        n = self.n = len(nodes)
        group = np.array([g if g >= 0 else self.outside for _i, g, _l, _s in nodes], dtype=np.int64)
        self.group = group
        self.bare = np.array([node[0].endswith("[Pod]") for node in nodes], dtype=bool)
        self.columns = stored.columns
        if filters.asked:
            cell_state = port_states(self.columns["port_sets"], filters)[self.columns["ports"]]
        else:
            cell_state = self.columns["all"].astype(np.int8)
        self.state = cell_state[stored.cell]
        src, dst = stored.src, stored.dst
        allowed = self.state > 0
        chosen = set(filters.ns)
        in_ns = np.array(
            [not chosen or (g >= 0 and namespaces[g] in chosen) for _i, g, _l, _s in nodes],
            dtype=bool,
        )
        focus = self._find(filters.focus)
        rows = np.zeros(n, dtype=bool)
        cols = np.zeros(n, dtype=bool)
        if focus >= 0:
            out, inn = filters.dir != "in", filters.dir != "out"
            if out:
                rows[focus] = True
                cols[dst[allowed & (src == focus) & in_ns[dst]]] = True
            if inn:
                cols[focus] = True
                rows[src[allowed & (dst == focus) & in_ns[src]]] = True
        elif filters.q:
            match = in_ns & np.array([filters.q in node[3] for node in nodes], dtype=bool)
            rows |= match
            cols |= match
            both = allowed & in_ns[src] & in_ns[dst]
            rows[src[both & match[dst]]] = True
            cols[dst[both & match[src]]] = True
        else:
            rows, cols = in_ns.copy(), in_ns.copy()
        if filters.asked and focus < 0:
            kept = allowed & rows[src] & cols[dst]
            rows, cols = np.zeros(n, dtype=bool), np.zeros(n, dtype=bool)
            rows[src[kept]] = True
            cols[dst[kept]] = True
        self.rows, self.cols, self.focus = rows, cols, focus
        # The pairs the page can show: allowed, from a row to a column.
        self.shown = np.flatnonzero(allowed & rows[src] & cols[dst]).astype(np.int32)

    def _find(self, text: str) -> int:
        """findNode of review.js: an exact id, else `ns/name` of any kind, case-insensitive."""
        if not text:
            return -1
        ids = [node[0] for node in self.nodes]
        if text in ids:
            return ids.index(text)
        prefix = text.lower() + "["
        return next((i for i, x in enumerate(ids) if x.lower().startswith(prefix)), -1)

    def edges(self, at: np.ndarray) -> list[list[int]]:
        """Pairs at positions `at` in the page's edge layout [src, dst, all, ports, policy set]."""
        s, c = self.stored, self.columns
        cell = s.cell[at]
        table = np.stack(
            [s.src[at], s.dst[at], c["all"][cell], c["ports"][cell], c["set"][cell]], axis=1
        )
        return table.tolist()

    def _by_group(self) -> tuple:
        """The shown pairs grouped by source group and by destination group, each in pair order
        (a stable sort), with where each group starts: worked out once, so that a namespace's
        answer reads its slices instead of scanning every shown pair (XL: 5 million)."""
        if self._index is None:
            s = self.stored
            k = self.outside + 1
            index = []
            for ends in (s.src, s.dst):
                # Small integers sort by radix (stable); by source they are mostly in order
                # already, pairs being sorted by source node and nodes by namespace.
                groups = self.group[ends[self.shown]].astype(np.uint16 if k < 65536 else np.int64)
                if np.all(groups[1:] >= groups[:-1]):
                    at = self.shown
                else:
                    order = np.argsort(groups, kind="stable")
                    at, groups = self.shown[order], groups[order]
                starts = np.searchsorted(groups, np.arange(k + 1))
                index.append((at.astype(np.int32), starts))
            self._index = tuple(index)
        return self._index

    def _from(self, g: int) -> np.ndarray:
        at, starts = self._by_group()[0]
        return at[starts[g] : starts[g + 1]]

    def _to(self, g: int) -> np.ndarray:
        at, starts = self._by_group()[1]
        return at[starts[g] : starts[g + 1]]

    def group_edges(self, g: int) -> list[list[int]]:
        """Shown pairs from or to an endpoint of group `g`, in pair order."""
        return self.edges(np.union1d(self._from(g), self._to(g)))

    def block_edges(self, a: int, b: int) -> list[list[int]]:
        """Shown pairs from group `a` to group `b`, in pair order."""
        at = self._from(a)
        return self.edges(at[self.group[self.stored.dst[at]] == b])

    def blocks(self) -> list[list[int]]:
        """`[src group, dst group, state, allowed pairs, pairs on every port, port set or -1]`
        for every block with an allowed pair; the state is `aggregate` of matrix.js over the
        view's rows and columns of the two groups (a bare Pod reaches itself on every port)."""
        k = self.outside + 1
        s = self.stored
        at = self.shown
        gs, gd = self.group[s.src[at]], self.group[s.dst[at]]
        key = gs * k + gd
        every = self.state[at] == 2
        allowed_n = np.bincount(key, minlength=k * k)
        every_n = np.bincount(key[every], minlength=k * k)
        self_bare = np.flatnonzero(self.bare & self.rows & self.cols)
        loop = self.group[self_bare] * (k + 1)
        np.add.at(allowed_n, loop, 1)
        np.add.at(every_n, loop, 1)
        ports = self.columns["ports"][s.cell[at]]
        lo = np.full(k * k, np.iinfo(np.int64).max)
        hi = np.full(k * k, -1)
        np.minimum.at(lo, key, ports)
        np.maximum.at(hi, key, ports)
        if len(self_bare):
            lo[loop], hi[loop] = -1, -2  # loopback is not one of the port sets
        row_n = np.bincount(self.group[self.rows], minlength=k)
        col_n = np.bincount(self.group[self.cols], minlength=k)
        size = np.outer(row_n, col_n).ravel()
        out = []
        for b in np.flatnonzero(allowed_n).tolist():
            state = 2 if every_n[b] == size[b] else 1
            port = int(lo[b]) if lo[b] == hi[b] else -1
            out.append([b // k, b % k, state, int(allowed_n[b]), int(every_n[b]), port])
        return out

    def page(self) -> dict:
        """What the first response carries of this view (see review.js); worked out once."""
        if self._page is None:
            self._page = {
                "rows": np.flatnonzero(self.rows).tolist(),
                "cols": np.flatnonzero(self.cols).tolist(),
                "focus": self.focus,
                "blocks": self.blocks(),
                "shown": len(self.shown),
            }
        return self._page

    def page_script(self) -> str:
        """page() as the `netviz-view` script element, encoded once."""
        if self._script is None:
            self._script = json_script(self.page(), "netviz-view")
        return self._script


def view(revision: Revision, params) -> View:
    """The revision under the query string's filters, cached per (revision, filters)."""
    filters = Filters.of(params, "universe" in snapshots.of(revision))
    key = (store.cache_key(revision), filters)
    with _lock:
        found = _cache.get(key)
        if found is not None:
            _cache.move_to_end(key)
            return found
    made = View(snapshots.of(revision), store.load(revision), filters)
    with _lock:
        _cache[key] = made
        while len(_cache) > CACHE_SIZE:
            _cache.popitem(last=False)
    return made
