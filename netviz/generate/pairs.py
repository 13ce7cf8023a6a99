"""Connectivity as comparable data: (source, destination) → ports, external ranges as address pieces.

Two analyses cut the outside world at different addresses (each at its own ipBlocks), so both are
refined to common pieces before they are compared, as netviz.diff does for stored snapshots.
"""

from __future__ import annotations

import ipaddress
from bisect import bisect_right
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import NamedTuple

from netviz.engine.ports import PortSet
from netviz.engine.result import Analysis, ExternalRange


class Piece(NamedTuple):
    """A slice of external addresses: `start`..`end` as integers of one IP version."""

    version: int
    start: int
    end: int

    @property
    def id(self) -> str:
        return f"{address(self.version, self.start)}-{address(self.version, self.end)}"

    def cidrs(self) -> list[str]:
        first = ipaddress.ip_address(address(self.version, self.start))
        last = ipaddress.ip_address(address(self.version, self.end))
        return [str(n) for n in ipaddress.summarize_address_range(first, last)]


Side = str | Piece
Pairs = dict[tuple[Side, Side], PortSet]


def address(version: int, value: int) -> str:
    return str(ipaddress.IPv4Address(value) if version == 4 else ipaddress.IPv6Address(value))


def piece_of(ext: ExternalRange) -> Piece:
    return Piece(
        ext.version, int(ipaddress.ip_address(ext.start)), int(ipaddress.ip_address(ext.end))
    )


def parse_range(text: str) -> Piece | None:
    """`start-end` (an external range id) or a CIDR as a Piece; None when it is neither."""
    try:
        if "/" in text:
            net = ipaddress.ip_network(text.strip(), strict=False)
            return Piece(net.version, int(net.network_address), int(net.broadcast_address))
        first, last = (ipaddress.ip_address(t.strip()) for t in text.split("-", 1))
    except ValueError:
        return None
    if first.version != last.version or int(first) > int(last):
        return None
    return Piece(first.version, int(first), int(last))


def connectivity(analysis: Analysis) -> Pairs:
    """Every allowed connection of an analysis, external ranges as pieces."""
    pieces = {x.id: piece_of(x) for x in analysis.externals if not x.domain}
    out: Pairs = {}
    for c in analysis.connections:
        src, dst = c.src, c.dst
        out[(pieces.get(src, src), pieces.get(dst, dst))] = c.ports
    return out


def _pieces(pairs: Pairs) -> set[Piece]:
    return {side for key in pairs for side in key if type(side) is not str}


def _bounds(pairs: Iterable[Pairs]) -> dict[int, list[int]]:
    cuts: dict[int, set[int]] = {4: set(), 6: set()}
    for p in pairs:
        for side in _pieces(p):
            cuts[side.version].update((side.start, side.end + 1))
    return {v: sorted(c) for v, c in cuts.items()}


def _cut(piece: Piece, bounds: list[int]) -> list[Piece]:
    out, start = [], piece.start
    for b in bounds[bisect_right(bounds, piece.start) :]:
        if b > piece.end:
            break
        out.append(Piece(piece.version, start, b - 1))
        start = b
    out.append(Piece(piece.version, start, piece.end))
    return out


def refine(pairs: Pairs, bounds: dict[int, list[int]]) -> Pairs:
    """The same connectivity with every external piece cut at `bounds`."""
    cuts = {p: _cut(p, bounds[p.version]) for p in _pieces(pairs)}  # few distinct pieces
    out: Pairs = {}
    for key, ports in pairs.items():
        src, dst = key
        if type(src) is not str:
            for p in cuts[src]:
                out[(p, dst)] = ports
        elif type(dst) is not str:
            for p in cuts[dst]:
                out[(src, p)] = ports
        else:
            out[key] = ports
    return out


def common(*pairs: Pairs) -> list[Pairs]:
    """Each connectivity refined to the pieces of all of them."""
    bounds = _bounds(pairs)
    return [refine(p, bounds) for p in pairs]


def merge_pieces(entries: Iterable[tuple[Side, Side, PortSet]]) -> list[tuple[Side, Side, PortSet]]:
    """Adjacent external pieces with the same other end and ports joined into one; sorted."""
    groups: dict[tuple, list[Piece]] = defaultdict(list)
    out = []
    for src, dst, ports in entries:
        if isinstance(src, Piece):
            groups[("src", dst, src.version, ports)].append(src)
        elif isinstance(dst, Piece):
            groups[("dst", src, dst.version, ports)].append(dst)
        else:
            out.append((src, dst, ports))
    for (side, other, version, ports), pieces in groups.items():
        pieces.sort()
        runs = [pieces[0]]
        for p in pieces[1:]:
            if p.start == runs[-1].end + 1:
                runs[-1] = Piece(version, runs[-1].start, p.end)
            else:
                runs.append(p)
        out.extend((r, other, ports) if side == "src" else (other, r, ports) for r in runs)
    return sorted(out, key=lambda e: (sort_key(e[0]), sort_key(e[1]), str(e[2])))


def sort_key(side: Side) -> tuple:
    return (1, side.version, side.start, "") if isinstance(side, Piece) else (0, 0, 0, side)


def side_id(side: Side) -> str:
    return side.id if isinstance(side, Piece) else side


@dataclass(frozen=True)
class Difference:
    """What one connectivity has that another has not: `missing` (expected, not there) and
    `extra` (there, not expected), each (src, dst, ports), external pieces joined."""

    missing: list[tuple[Side, Side, PortSet]] = field(default_factory=list)
    extra: list[tuple[Side, Side, PortSet]] = field(default_factory=list)

    @property
    def exact(self) -> bool:
        return not self.missing and not self.extra


def difference(expected: Pairs, actual: Pairs) -> Difference:
    """Pair by pair and port by port, after refining both to common pieces."""
    want, got = common(expected, actual)
    empty = PortSet.empty()
    missing, extra = [], []
    for key in want.keys() | got.keys():
        a, b = want.get(key, empty), got.get(key, empty)
        if a == b:
            continue
        if lost := a - b:
            missing.append((*key, lost))
        if gained := b - a:
            extra.append((*key, gained))
    return Difference(merge_pieces(missing), merge_pieces(extra))
