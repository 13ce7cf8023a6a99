"""Typed objects built from parsed documents, kept between readings of the same documents: a draft
re-read on each keystroke builds only the objects of the file being edited.

A parsed document is shared between readers through a netviz.k8s.yamlsrc.ParseMemo, which only
read it; the object built from it (a Policy, a Workload, ...) and the problems its Reporter
collected depend on nothing else but where it was read (file, document, line, kind), so both are
kept by the document's identity and that place. The document itself is held with them, so its
identity cannot be reused while the entry lives.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import TypeVar

from netviz.k8s.fields import Reporter

T = TypeVar("T")


class BuildMemo:
    """Built objects kept by (document identity, file, document index, line, kind), at most `size`
    of them (least recently used go first). The objects are frozen or never changed once built."""

    def __init__(self, size: int) -> None:
        self.size = size
        self._items: OrderedDict[tuple, tuple[object, object, tuple]] = OrderedDict()
        self._lock = threading.Lock()

    def __len__(self) -> int:
        return len(self._items)

    def build(self, value: object, rep: Reporter, make: Callable[[], T]) -> T:
        """`make()`'s object for `value` read at `rep`'s place, and `rep` as `make` left it."""
        key = (id(value), rep.file, rep.doc, rep.line, rep.kind)
        with self._lock:
            found = self._items.get(key)
            if found is not None and found[0] is value:
                self._items.move_to_end(key)
            else:
                found = None
        if found is not None:
            _, made, state = found
            rep.restore(state)
            return made  # type: ignore[return-value]
        made = make()
        with self._lock:
            self._items[key] = (value, made, rep.state())
            while len(self._items) > self.size:
                self._items.popitem(last=False)
        return made


_memo: ContextVar[BuildMemo | None] = ContextVar("netviz_build_memo", default=None)


@contextmanager
def builds_kept(memo: BuildMemo) -> Iterator[None]:
    """built() answers from `memo` in this block (this thread or task only)."""
    token = _memo.set(memo)
    try:
        yield
    finally:
        _memo.reset(token)


def built(value: object, rep: Reporter, make: Callable[[], T]) -> T:
    """`make()`, or what it gave for the same document at the same place before, from the
    BuildMemo of an enclosing builds_kept() when there is one."""
    memo = _memo.get()
    if memo is None:
        return make()
    return memo.build(value, rep, make)


__all__ = ["BuildMemo", "built", "builds_kept"]
