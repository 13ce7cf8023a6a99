"""A set of external addresses as few ipBlocks as possible, each a CIDR with its excepts.

`10.0.0.0/8 except 10.1.0.0/16` is one block and one except, where a plain CIDR cover would take
eight CIDRs: at every prefix that the set covers in part, the cheaper of "split in two halves" and
"this prefix, except what the set leaves out of it" is taken (a block or an except costs one).
"""

from __future__ import annotations

import ipaddress
from bisect import bisect_left, bisect_right
from collections.abc import Iterable

from netviz.generate.pairs import Piece, address

_BITS = {4: 32, 6: 128}

Block = tuple[str, tuple[str, ...]]  # (cidr, excepts)


def _merged(pieces: Iterable[Piece]) -> list[tuple[int, int]]:
    out: list[list[int]] = []
    for p in sorted(pieces):
        if out and p.start <= out[-1][1] + 1:
            out[-1][1] = max(out[-1][1], p.end)
        else:
            out.append([p.start, p.end])
    return [(a, b) for a, b in out]


def _cidr(version: int, start: int, prefix: int) -> str:
    return f"{address(version, start)}/{prefix}"


def _cover(version: int, start: int, end: int) -> list[str]:
    first = ipaddress.ip_address(address(version, start))
    last = ipaddress.ip_address(address(version, end))
    return [str(n) for n in ipaddress.summarize_address_range(first, last)]


class _Solver:
    def __init__(self, version: int, intervals: list[tuple[int, int]]) -> None:
        self.version = version
        self.bits = _BITS[version]
        self.intervals = intervals
        self.starts = [a for a, _ in intervals]
        self.ends = [b for _, b in intervals]

    def _inside(self, lo: int, hi: int) -> list[tuple[int, int]]:
        """The set's intervals clipped to lo..hi."""
        i = bisect_left(self.ends, lo)
        j = bisect_right(self.starts, hi)
        return [(max(a, lo), min(b, hi)) for a, b in self.intervals[i:j]]

    def solve(self, start: int, prefix: int) -> tuple[int, list[Block]]:
        size = 1 << (self.bits - prefix)
        lo, hi = start, start + size - 1
        parts = self._inside(lo, hi)
        if not parts:
            return 0, []
        cidr = _cidr(self.version, start, prefix)
        if parts == [(lo, hi)]:
            return 1, [(cidr, ())]
        half = size >> 1
        cost_a, blocks_a = self.solve(start, prefix + 1)
        cost_b, blocks_b = self.solve(start + half, prefix + 1)
        split = (cost_a + cost_b, blocks_a + blocks_b)
        excepts: list[str] = []
        cur = lo
        for a, b in parts:
            if a > cur:
                excepts += _cover(self.version, cur, a - 1)
            cur = b + 1
        if cur <= hi:
            excepts += _cover(self.version, cur, hi)
        whole = (1 + len(excepts), [(cidr, tuple(excepts))])
        return whole if whole[0] < split[0] else split


def ip_blocks(pieces: Iterable[Piece]) -> list[Block]:
    """ipBlocks (cidr, excepts) matching exactly the addresses of `pieces`, IPv4 first."""
    out: list[Block] = []
    by_version: dict[int, list[Piece]] = {4: [], 6: []}
    for p in pieces:
        by_version[p.version].append(p)
    for version in (4, 6):
        if by_version[version]:
            _, blocks = _Solver(version, _merged(by_version[version])).solve(0, 0)
            out += blocks
    return out
