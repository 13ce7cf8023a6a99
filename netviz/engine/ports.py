"""Sets of (protocol, port range): the algebra allowed connections are expressed in.

Ranges are kept sorted, disjoint and merged, never enumerated port by port.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from netviz.k8s.model import PROTOCOLS, Protocol

MIN_PORT = 1
MAX_PORT = 65535


@dataclass(frozen=True, order=True)
class PortRange:
    """Inclusive range `start..end` of one protocol."""

    protocol: Protocol
    start: int
    end: int

    def __str__(self) -> str:
        if self.start == MIN_PORT and self.end == MAX_PORT:
            return f"{self.protocol} 1-65535"
        if self.start == self.end:
            return f"{self.protocol} {self.start}"
        return f"{self.protocol} {self.start}-{self.end}"


def _normalise(ranges: Iterable[tuple[int, int]]) -> tuple[tuple[int, int], ...]:
    merged: list[list[int]] = []
    for start, end in sorted(ranges):
        if merged and start <= merged[-1][1] + 1:
            if end > merged[-1][1]:
                merged[-1][1] = end
        else:
            merged.append([start, end])
    return tuple((s, e) for s, e in merged)


class PortSet:
    """An immutable set of ports per protocol, stored as merged inclusive ranges."""

    __slots__ = ("_by_proto", "_hash")

    def __init__(self, ranges: Iterable[PortRange] = ()) -> None:
        buckets: dict[str, list[tuple[int, int]]] = {}
        for r in ranges:
            if r.start > r.end:
                continue
            buckets.setdefault(r.protocol, []).append(
                (max(r.start, MIN_PORT), min(r.end, MAX_PORT))
            )
        self._by_proto: dict[str, tuple[tuple[int, int], ...]] = {
            p: _normalise(buckets[p]) for p in PROTOCOLS if p in buckets
        }
        self._hash: int | None = None

    @classmethod
    def all(cls) -> PortSet:
        return cls(PortRange(p, MIN_PORT, MAX_PORT) for p in PROTOCOLS)

    @classmethod
    def empty(cls) -> PortSet:
        return cls()

    @classmethod
    def single(cls, protocol: Protocol, start: int, end: int | None = None) -> PortSet:
        return cls([PortRange(protocol, start, start if end is None else end)])

    def ranges(self) -> Iterator[PortRange]:
        for proto in PROTOCOLS:
            for start, end in self._by_proto.get(proto, ()):
                yield PortRange(proto, start, end)

    def protocol_ranges(self, protocol: Protocol) -> tuple[tuple[int, int], ...]:
        return self._by_proto.get(protocol, ())

    def is_empty(self) -> bool:
        return not self._by_proto

    def is_all(self) -> bool:
        full = ((MIN_PORT, MAX_PORT),)
        return all(self._by_proto.get(p) == full for p in PROTOCOLS)

    def __bool__(self) -> bool:
        return bool(self._by_proto)

    def __or__(self, other: PortSet) -> PortSet:
        return PortSet([*self.ranges(), *other.ranges()])

    def __and__(self, other: PortSet) -> PortSet:
        out: list[PortRange] = []
        for proto in PROTOCOLS:
            a, b = self._by_proto.get(proto, ()), other._by_proto.get(proto, ())
            i = j = 0
            while i < len(a) and j < len(b):
                start, end = max(a[i][0], b[j][0]), min(a[i][1], b[j][1])
                if start <= end:
                    out.append(PortRange(proto, start, end))
                if a[i][1] < b[j][1]:
                    i += 1
                else:
                    j += 1
        return PortSet(out)

    def __sub__(self, other: PortSet) -> PortSet:
        out: list[PortRange] = []
        for proto in PROTOCOLS:
            cuts = other._by_proto.get(proto, ())
            for start, end in self._by_proto.get(proto, ()):
                cur = start
                for cs, ce in cuts:
                    if ce < cur or cs > end:
                        continue
                    if cs > cur:
                        out.append(PortRange(proto, cur, cs - 1))
                    cur = max(cur, ce + 1)
                    if cur > end:
                        break
                if cur <= end:
                    out.append(PortRange(proto, cur, end))
        return PortSet(out)

    def __contains__(self, item: tuple[str, int]) -> bool:
        proto, port = item
        return any(s <= port <= e for s, e in self._by_proto.get(proto, ()))

    def issubset(self, other: PortSet) -> bool:
        return (self - other).is_empty()

    def __eq__(self, other: object) -> bool:
        return isinstance(other, PortSet) and self._by_proto == other._by_proto

    def __hash__(self) -> int:
        if self._hash is None:
            self._hash = hash(tuple(sorted(self._by_proto.items())))
        return self._hash

    def __repr__(self) -> str:
        return f"PortSet({str(self)!r})"

    def __str__(self) -> str:
        """`All Connections`, `No Connections`, or `TCP 80,443-445; UDP 53`."""
        if self.is_all():
            return "All Connections"
        if self.is_empty():
            return "No Connections"
        parts = []
        for proto in PROTOCOLS:
            spans = self._by_proto.get(proto)
            if spans:
                text = ",".join(str(s) if s == e else f"{s}-{e}" for s, e in spans)
                parts.append(f"{proto} {text}")
        return "; ".join(parts)

    def as_json(self) -> list[dict]:
        """`[{"protocol": "TCP", "port": 80, "end_port": 80}, ...]` (all ports: 1..65535)."""
        return [{"protocol": r.protocol, "port": r.start, "end_port": r.end} for r in self.ranges()]

    @classmethod
    def from_json(cls, items: Iterable[dict]) -> PortSet:
        return cls(PortRange(i["protocol"], int(i["port"]), int(i["end_port"])) for i in items)
