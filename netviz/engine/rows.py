"""Connections as the engine builds them: tuple-backed, built in bulk, grants computed on demand.

A big analysis has millions of connections but only thousands of distinct (ports, grants) cells;
most callers never read grants, and a frozen dataclass per pair is slow to build.
"""

from __future__ import annotations

from operator import itemgetter
from typing import TYPE_CHECKING

from netviz.engine.result import Connection, Grant

if TYPE_CHECKING:
    from netviz.engine.grants import Granter


class GrantCell:
    """The grants shared by every connection of one (egress cell, ingress cell) pair, computed
    the first time one of them is asked and kept."""

    __slots__ = ("_granter", "_eg_key", "_in_key", "_mask", "_grants")

    def __init__(self, granter: Granter, eg_key: int, in_key: int, mask: int) -> None:
        self._granter: Granter | None = granter
        self._eg_key, self._in_key, self._mask = eg_key, in_key, mask
        self._grants: tuple[Grant, ...] | None = None

    def get(self) -> tuple[Grant, ...]:
        found = self._grants
        if found is None:
            assert self._granter is not None
            found = self._grants = self._granter.grants(self._eg_key, self._in_key, self._mask)
            self._granter = None  # the evaluator's caches are no longer needed by this cell
        return found


class ConnectionRow(tuple, Connection):
    """A Connection stored as the tuple (src, dst, ports, GrantCell or grants tuple).

    Built with `tuple.__new__(ConnectionRow, (src, dst, ports, cell))`, which runs in C for a
    whole row of connections at once. Equal to, hashed like and pickled as the plain Connection
    with the same fields; its grants are its cell's, computed on first read.
    """

    __slots__ = ()

    def __new__(cls, src: str, dst: str, ports, grants=()) -> ConnectionRow:
        return tuple.__new__(cls, (src, dst, ports, grants))

    def __init__(self, *args, **kwargs) -> None:
        pass  # the fields are the tuple's items, set by __new__ (Connection's __init__ would fail)

    src = property(itemgetter(0))  # type: ignore[assignment]
    dst = property(itemgetter(1))  # type: ignore[assignment]
    ports = property(itemgetter(2))  # type: ignore[assignment]

    @property
    def grants(self) -> tuple[Grant, ...]:  # type: ignore[override]
        found = self[3]
        return found.get() if type(found) is GrantCell else found

    def _fields(self) -> tuple:
        return (self[0], self[1], self[2], self.grants)

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Connection):
            if self is other:
                return True
            return self._fields() == (other.src, other.dst, other.ports, other.grants)
        return NotImplemented

    def __ne__(self, other: object) -> bool:
        equal = self.__eq__(other)
        return equal if equal is NotImplemented else not equal

    def __hash__(self) -> int:
        return hash(self._fields())

    def __repr__(self) -> str:
        return Connection.__repr__(self)

    def __reduce__(self) -> tuple:
        return (Connection, self._fields())

    # Ordering, iteration and indexing are tuple's; a plain Connection has none of them.
