"""Sets of (protocol, port range): the algebra allowed connections are expressed in.

Ranges are kept sorted, disjoint and merged, never enumerated port by port.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from netviz.engine import protocols
from netviz.k8s.model import PROTOCOLS, Protocol

MIN_PORT = 1
MAX_PORT = 65535
# The port dimensions, then the other protocols (netviz.engine.protocols) where an input has them.
KEYS: tuple[str, ...] = (*PROTOCOLS, protocols.IP)
_IP_END = protocols.SIZE - 1
_FULL = {p: ((MIN_PORT, MAX_PORT),) for p in PROTOCOLS} | {protocols.IP: ((0, protocols.SIZE - 1),)}


@dataclass(frozen=True, order=True)
class PortRange:
    """Inclusive range `start..end` of one protocol."""

    protocol: Protocol
    start: int
    end: int

    def __str__(self) -> str:
        if self.protocol == protocols.IP:
            return "; ".join(str(p) for p in protocols.pieces(self.start, self.end))
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
    """An immutable set of ports per protocol, stored as merged inclusive ranges.

    `ip` says the set lives in an input that models the other protocols too (key "IP"): then
    "all" also needs every one of them. It does not take part in equality."""

    __slots__ = ("_by_proto", "_hash", "_ip")

    def __init__(self, ranges: Iterable[PortRange] = (), ip: bool = False) -> None:
        buckets: dict[str, list[tuple[int, int]]] = {}
        for r in ranges:
            if r.start > r.end:
                continue
            high = _IP_END if r.protocol == protocols.IP else MAX_PORT
            low = 0 if high == _IP_END else MIN_PORT
            buckets.setdefault(r.protocol, []).append((max(r.start, low), min(r.end, high)))
        self._by_proto: dict[str, tuple[tuple[int, int], ...]] = {
            p: _normalise(buckets[p]) for p in KEYS if p in buckets
        }
        self._hash: int | None = None
        self._ip = ip or protocols.IP in self._by_proto

    @classmethod
    def all(cls, ip: bool = False) -> PortSet:
        """Every port of TCP, UDP and SCTP; with `ip`, every other protocol too."""
        keys = KEYS if ip else PROTOCOLS
        return cls(PortRange(p, *_FULL[p][0]) for p in keys)  # type: ignore[arg-type]

    @classmethod
    def empty(cls) -> PortSet:
        return cls()

    @classmethod
    def single(cls, protocol: Protocol, start: int, end: int | None = None) -> PortSet:
        return cls([PortRange(protocol, start, start if end is None else end)])

    @classmethod
    def of_protocol(cls, protocol: str | int, types: tuple[int, int] | None = None) -> PortSet:
        """Every connection of one protocol besides TCP, UDP and SCTP, by Calico's name or
        number; of ICMP or ICMPv6 with `types` only those ICMP types (0-255, every code)."""
        number = protocols.number_of(protocol)
        if types is None:
            lo, hi = protocols.block(number)
        else:
            if number not in protocols.ICMP_LIKE or not 0 <= types[0] <= types[1] <= 255:
                raise ValueError(f"no ICMP types {types} of protocol {protocol}")
            lo = protocols.icmp_range(number, types[0], None)[0]
            hi = protocols.icmp_range(number, types[1], None)[1]
        return cls([PortRange(protocols.IP, lo, hi)], ip=True)  # type: ignore[arg-type]

    def ranges(self) -> Iterator[PortRange]:
        for proto in KEYS:
            for start, end in self._by_proto.get(proto, ()):
                yield PortRange(proto, start, end)

    def protocol_ranges(self, protocol: Protocol) -> tuple[tuple[int, int], ...]:
        return self._by_proto.get(protocol, ())

    def is_empty(self) -> bool:
        return not self._by_proto

    def is_all(self) -> bool:
        keys = KEYS if self._ip else PROTOCOLS
        return all(self._by_proto.get(p) == _FULL[p] for p in keys)

    @property
    def models_ip(self) -> bool:
        """Whether the set's input models the protocols besides TCP, UDP and SCTP."""
        return self._ip

    def __bool__(self) -> bool:
        return bool(self._by_proto)

    def __or__(self, other: PortSet) -> PortSet:
        return PortSet([*self.ranges(), *other.ranges()], self._ip or other._ip)

    def __and__(self, other: PortSet) -> PortSet:
        out: list[PortRange] = []
        for proto in KEYS:
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
        return PortSet(out, self._ip or other._ip)

    def __sub__(self, other: PortSet) -> PortSet:
        out: list[PortRange] = []
        for proto in KEYS:
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
        return PortSet(out, self._ip or other._ip)

    def __contains__(self, item: tuple) -> bool:
        """`("TCP", 80)`, or another protocol: `("ICMP", (8, 0))`, `("UDPLite", None)`, `(47, None)`."""
        proto, port = item
        if proto not in PROTOCOLS:
            proto, port = protocols.IP, protocols.value(proto, port)
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
        other = self._by_proto.get(protocols.IP)
        if other:
            text = protocols.describe(other)
            rest = text.removeprefix("all other protocols except ")
            ports_all = all(self._by_proto.get(p) == _FULL[p] for p in PROTOCOLS)
            if rest != text and ports_all:
                return "All Connections except " + rest
            parts.append(text)
        return "; ".join(parts)

    def as_json(self) -> list[dict]:
        """`[{"protocol": "TCP", "port": 80, "end_port": 80}, ...]` (all ports: 1..65535), then
        the other protocols as `{"protocol": "ICMP", "number": 1, "end_number": 1}` with
        `icmp_type`/`end_icmp_type` and `icmp_code`/`end_icmp_code` where only some ICMP is in,
        and `"protocol": "IP"` for numbered ones (docs/protocols.md)."""
        out: list[dict] = []
        for r in self.ranges():
            if r.protocol == protocols.IP:
                out.extend(p.as_json() for p in protocols.pieces(r.start, r.end))
            else:
                out.append({"protocol": r.protocol, "port": r.start, "end_port": r.end})
        return out

    @classmethod
    def from_json(cls, items: Iterable[dict]) -> PortSet:
        out = []
        for i in items:
            if "number" in i:
                out.append(PortRange(protocols.IP, *protocols.from_json(i)))  # type: ignore[arg-type]
            else:
                out.append(PortRange(i["protocol"], int(i["port"]), int(i["end_port"])))
        return cls(out)
