"""What a draft keeps per revision in process between keystrokes (the stored pairs as
netviz.diff.pairs.Pairs, the parsed files), and a draft's analysis as Pairs (port sets only)."""

from __future__ import annotations

import threading
from collections import OrderedDict
from dataclasses import dataclass, field

import numpy as np

from netviz.diff.pairs import Pairs
from netviz.diff.snapshot import port_rows
from netviz.engine.result import Analysis
from netviz.formats.connections import field_getters
from netviz.k8s.yamlsrc import ParseMemo
from netviz.web import store
from netviz.web.models import Revision

CACHE_SIZE = 4  # revisions being drafted on at once
# Parses kept per revision: its files' and a few edited versions of them.
EDITED_KEPT = 4


@dataclass
class Kept:
    pairs: Pairs
    parses: ParseMemo
    fingerprints: dict[str, str] = field(default_factory=dict)

    def trim(self) -> None:
        """Forget the fingerprints when edits have added as many as the revision has objects."""
        if len(self.fingerprints) > 2 * self.objects:
            self.fingerprints.clear()

    @property
    def objects(self) -> int:
        return max(1000, len(self.pairs.ids))


_cache: OrderedDict[tuple, Kept] = OrderedDict()
_lock = threading.Lock()


def kept(revision: Revision) -> Kept:
    """The revision's stored connections as Pairs and a ParseMemo for its drafts, made once."""
    key = store.cache_key(revision)
    with _lock:
        found = _cache.get(key)
        if found is not None:
            _cache.move_to_end(key)
            return found
    stored = store.load(revision)
    pairs = Pairs(
        ids=stored.ids,
        cell_rows=[c["ports"] for c in stored.cells],
        src=stored.src,
        dst=stored.dst,
        cell=stored.cell,
    )
    made = Kept(pairs, ParseMemo(len(key[2]) + EDITED_KEPT))
    with _lock:
        _cache[key] = made
        while len(_cache) > CACHE_SIZE:
            _cache.popitem(last=False)
    return made


def analysis_pairs(analysis: Analysis) -> Pairs:
    """The analysis's connections as Pairs: one cell per distinct port set object (the engine
    shares them between equivalent pairs), with C-level maps only per pair."""
    ids = [e.id for e in analysis.endpoints] + [x.id for x in analysis.externals]
    conns = analysis.connections
    src_of, dst_of, ports_of = field_getters(conns)
    # Ends outside the analysis's lists, if any (never from the engine), numbered after them.
    ids += sorted({*map(src_of, conns), *map(dst_of, conns)} - set(ids))
    node = {i: k for k, i in enumerate(ids)}
    count = len(conns)
    cells: dict[int, int] = {}
    kept: list = []  # the port sets, held so their ids stay unique

    def cell_of(ports) -> int:
        found = cells.get(id(ports))
        if found is None:
            found = cells[id(ports)] = len(kept)
            kept.append(ports)
        return found

    cell = np.fromiter(map(cell_of, map(ports_of, conns)), dtype=np.int32, count=count)
    return Pairs(
        ids=ids,
        cell_rows=[port_rows(p) for p in kept],
        src=np.fromiter(map(node.__getitem__, map(src_of, conns)), dtype=np.int32, count=count),
        dst=np.fromiter(map(node.__getitem__, map(dst_of, conns)), dtype=np.int32, count=count),
        cell=cell,
    )
