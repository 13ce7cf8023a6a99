"""What a draft keeps per revision in process between keystrokes (the stored pairs as
netviz.diff.pairs.Pairs, the parsed files and the objects built from them, the fingerprints),
and a draft's pairs as Pairs."""

from __future__ import annotations

import threading
from collections import OrderedDict
from dataclasses import dataclass, field

from netviz.diff.pairs import Pairs
from netviz.diff.snapshot import port_rows
from netviz.engine import Evaluator
from netviz.engine.pair_arrays import pair_arrays
from netviz.k8s.built import BuildMemo
from netviz.k8s.yamlsrc import ParseMemo
from netviz.web import store
from netviz.web.models import Revision

CACHE_SIZE = 4  # revisions being drafted on at once
# Parses kept per revision: its files' and a few edited versions of them.
EDITED_KEPT = 4
# Objects built per revision: the documents of its files and of a few edited versions of them.
BUILDS_KEPT = 100_000


@dataclass
class Kept:
    """One revision as its drafts compare with it and re-read it."""

    pairs: Pairs
    parses: ParseMemo
    # What compare_pairs reads of the revision's snapshot besides its pairs.
    snapshot: dict
    # Objects built from the documents of `parses` (a document's objects live as long as it).
    builds: BuildMemo = field(default_factory=lambda: BuildMemo(BUILDS_KEPT))
    # By repr and by object (netviz.diff.snapshot.fingerprint): two entries per object.
    fingerprints: dict = field(default_factory=dict)

    def trim(self) -> None:
        """Forget the fingerprints when edits have added as many as the revision has objects."""
        if len(self.fingerprints) > 4 * self.objects:
            self.fingerprints.clear()

    @property
    def objects(self) -> int:
        return max(1000, len(self.pairs.ids))


_cache: OrderedDict[tuple, Kept] = OrderedDict()
_lock = threading.Lock()


def kept(revision: Revision) -> Kept:
    """The revision's Kept: made on its first draft, then shared by the drafts that follow."""
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
    snapshot = {k: revision.snapshot.get(k, []) for k in ("externals", "endpoints", "policies")}
    made = Kept(pairs, ParseMemo(len(key[2]) + EDITED_KEPT), snapshot)
    with _lock:
        _cache[key] = made
        while len(_cache) > CACHE_SIZE:
            _cache.popitem(last=False)
    return made


def evaluator_pairs(evaluator: Evaluator) -> Pairs:
    """The evaluator's allowed pairs as Pairs (netviz.engine.pair_arrays: no grants, no object
    per pair)."""
    ids, ports, src, dst, cell = pair_arrays(evaluator)
    rows: dict[int, list] = {}  # by PortSet: cells with equal ports share theirs
    for p in ports:
        if id(p) not in rows:
            rows[id(p)] = port_rows(p)
    return Pairs(ids=ids, cell_rows=[rows[id(p)] for p in ports], src=src, dst=dst, cell=cell)
