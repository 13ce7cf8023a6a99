"""Parsed snapshots of the revisions last looked at, so a page of a big review does not parse its
~5 MB stored snapshot on every request (an analysed revision never changes).

Bounded twice: at most CACHE_SIZE snapshots, and at most CACHE_BYTES of their stored JSON text
(parsed, a snapshot takes about 3.5 times its text). Callers share the cached dict: read only.
"""

from __future__ import annotations

import json
import threading
from collections import OrderedDict

from django.db.models import TextField
from django.db.models.functions import Cast, Length

from netviz.web import store
from netviz.web.models import Revision

CACHE_SIZE = 8
CACHE_BYTES = 48 * 1024 * 1024
_cache: OrderedDict[tuple, tuple[dict, int]] = OrderedDict()
_lock = threading.Lock()


def _remember(key: tuple, snap: dict, size: int) -> None:
    with _lock:
        _cache[key] = (snap, size)
        _cache.move_to_end(key)
        total = sum(s for _snap, s in _cache.values())
        while len(_cache) > 1 and (len(_cache) > CACHE_SIZE or total > CACHE_BYTES):
            _old, (_s, dropped) = _cache.popitem(last=False)
            total -= dropped


def of(revision: Revision) -> dict:
    """The revision's snapshot, parsed once per process while it stays among the last looked at.

    A revision whose snapshot is already loaded hands it over; else only the text is read."""
    key = store.cache_key(revision)
    with _lock:
        found = _cache.get(key)
        if found is not None:
            _cache.move_to_end(key)
            return found[0]
    rows = Revision.objects.filter(pk=revision.pk)
    text_of = Cast("snapshot", output_field=TextField())
    if "snapshot" not in revision.get_deferred_fields():
        snap = revision.snapshot
        size = rows.annotate(size=Length(text_of)).values_list("size", flat=True).get()
    else:
        text = rows.annotate(text=text_of).values_list("text", flat=True).get()
        snap, size = json.loads(text), len(text)
    _remember(key, snap, size)
    return snap


def attach(revision: Revision) -> Revision:
    """The revision (loaded with its snapshot deferred) with its snapshot from the cache."""
    revision.snapshot = of(revision)
    return revision


def clear() -> None:
    with _lock:
        _cache.clear()
