"""A set of external addresses as few ipBlocks as possible, each a CIDR with its excepts.

`10.0.0.0/8 except 10.1.0.0/16` is one block and one except, where a plain CIDR cover would take
eight CIDRs: at every prefix that the set covers in part, the cheaper of "split in two halves" and
"this prefix, except what the set leaves out of it" is taken (a block or an except costs one).
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Iterable
from functools import lru_cache

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


def _cover(bits: int, start: int, end: int) -> list[tuple[int, int]]:
    """The fewest CIDRs (start, prefix length) covering start..end exactly."""
    out = []
    while start <= end:
        size = (start & -start) if start else 1 << bits
        while size > end - start + 1:
            size >>= 1
        out.append((start, bits - size.bit_length() + 1))
        start += size
    return out


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

    def solve(self, start: int, prefix: int) -> tuple[int, list[tuple]]:
        """(cost, [((start, prefix), [(start, prefix) excepted...])]) for the prefix's part."""
        size = 1 << (self.bits - prefix)
        lo, hi = start, start + size - 1
        parts = self._inside(lo, hi)
        if not parts:
            return 0, []
        cidr = (start, prefix)
        if parts == [(lo, hi)]:
            return 1, [(cidr, ())]
        half = size >> 1
        cost_a, blocks_a = self.solve(start, prefix + 1)
        cost_b, blocks_b = self.solve(start + half, prefix + 1)
        split = (cost_a + cost_b, blocks_a + blocks_b)
        excepts: list[tuple[int, int]] = []
        cur = lo
        for a, b in parts:
            if a > cur:
                excepts += _cover(self.bits, cur, a - 1)
            cur = b + 1
        if cur <= hi:
            excepts += _cover(self.bits, cur, hi)
        whole = (1 + len(excepts), [(cidr, tuple(excepts))])
        return whole if whole[0] < split[0] else split


def ip_blocks(pieces: Iterable[Piece]) -> list[Block]:
    """ipBlocks (cidr, excepts) matching exactly the addresses of `pieces`, IPv4 first."""
    return list(_blocks(tuple(sorted(set(pieces)))))


@lru_cache(maxsize=4096)
def _blocks(pieces: tuple[Piece, ...]) -> tuple[Block, ...]:
    # Many workloads reach the same outside addresses: each set is solved once.
    out: list[Block] = []
    for version in (4, 6):
        mine = [p for p in pieces if p.version == version]
        if mine:
            _, blocks = _Solver(version, _merged(mine)).solve(0, 0)
            for (start, prefix), excepts in blocks:
                out.append(
                    (
                        _cidr(version, start, prefix),
                        tuple(_cidr(version, a, n) for a, n in excepts),
                    )
                )
    return tuple(out)
