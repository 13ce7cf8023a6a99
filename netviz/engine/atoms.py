"""Port atoms: the port space cut at every boundary any rule uses, so a port set is a bitmask.

Masks are Python ints for per-pair work and rows of uint64 words for vectorised work.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Iterable

import numpy as np

from netviz.engine import protocols
from netviz.engine.ports import MAX_PORT, MIN_PORT, PortRange, PortSet
from netviz.k8s.model import PROTOCOLS, PortSpec

SPAN = MAX_PORT - MIN_PORT + 1
_PROTO_INDEX = {p: i for i, p in enumerate(PROTOCOLS)}
_IP_START = len(PROTOCOLS) * SPAN  # the other protocols follow the port dimensions


def _lin(protocol: str, port: int) -> int:
    if protocol == protocols.IP:
        return _IP_START + port
    return _PROTO_INDEX[protocol] * SPAN + port - MIN_PORT


def spec_range(spec: PortSpec, named: dict[tuple[str, str], int] | None) -> tuple[int, int] | None:
    """The inclusive port range a spec stands for at one destination, or None when it is empty.

    `named` maps (protocol, name) to the destination's port; None means the destination is external
    (named ports never match there). Protocol "IP" is a range of the other protocols' values
    (netviz.engine.protocols).
    """
    if spec.protocol == protocols.IP:
        end = spec.end_port if spec.end_port is not None else spec.port
        return (spec.port, end)  # type: ignore[return-value]
    if spec.protocol not in _PROTO_INDEX:
        return None
    if spec.port is None:
        return MIN_PORT, MAX_PORT
    if isinstance(spec.port, str):
        port = (named or {}).get((spec.protocol, spec.port))
        return (port, port) if port else None
    start = spec.port
    end = spec.end_port if spec.end_port is not None else start
    start, end = max(start, MIN_PORT), min(end, MAX_PORT)
    return (start, end) if start <= end else None


class PortAtoms:
    """The atoms of one input: built from every (protocol, start, end) that can appear.

    The other protocols ("IP") are atoms only where a range names them (`ip` is then True)."""

    def __init__(self, ranges: Iterable[tuple[str, int, int]]) -> None:
        cuts = {p * SPAN for p in range(len(PROTOCOLS) + 1)}
        self.ip = False
        for protocol, start, end in ranges:
            if protocol == protocols.IP:
                self.ip = True
            cuts.add(_lin(protocol, start))
            cuts.add(_lin(protocol, end) + 1)
        if self.ip:
            cuts.add(_IP_START + protocols.SIZE)
        self.cuts = sorted(cuts)
        self.count = len(self.cuts) - 1
        self.words = max(1, (self.count + 63) // 64)
        self.all_mask = (1 << self.count) - 1
        self._portsets: dict[int, PortSet] = {}
        self._masks: dict[tuple[str, int, int], int] = {}

    def mask(self, protocol: str, start: int, end: int) -> int:
        key = (protocol, start, end)
        found = self._masks.get(key)
        if found is None:
            lo = bisect_left(self.cuts, _lin(protocol, start))
            hi = bisect_left(self.cuts, _lin(protocol, end) + 1)
            found = self._masks[key] = ((1 << hi) - 1) ^ ((1 << lo) - 1)
        return found

    def spec_mask(self, spec: PortSpec, named: dict[tuple[str, str], int] | None) -> int:
        span = spec_range(spec, named)
        return self.mask(spec.protocol, *span) if span else 0

    def of_portset(self, ports: PortSet) -> int:
        """Mask of a port set; ports must be unions of atoms (true for sets built from rules)."""
        out = 0
        for r in ports.ranges():
            out |= self.mask(r.protocol, r.start, r.end)
        return out

    def portset(self, mask: int) -> PortSet:
        found = self._portsets.get(mask)
        if found is None:
            ranges: list[PortRange] = []
            bits, i = mask, 0
            while bits:
                skip = (bits & -bits).bit_length() - 1
                bits >>= skip
                i += skip
                run = (bits ^ (bits + 1)).bit_length() - 1  # trailing ones
                ranges.extend(self._span(i, i + run - 1))
                bits >>= run
                i += run
            found = self._portsets[mask] = PortSet(ranges, self.ip)
        return found

    def _span(self, first: int, last: int) -> list[PortRange]:
        lo, hi = self.cuts[first], self.cuts[last + 1] - 1
        out = []
        for p, protocol in enumerate(PROTOCOLS):
            s, e = max(lo, p * SPAN), min(hi, (p + 1) * SPAN - 1)
            if s <= e:
                out.append(PortRange(protocol, s - p * SPAN + MIN_PORT, e - p * SPAN + MIN_PORT))
        if hi >= _IP_START:
            out.append(PortRange(protocols.IP, max(lo, _IP_START) - _IP_START, hi - _IP_START))  # type: ignore[arg-type]
        return out

    def universe(self) -> PortSet:
        """Every connection the input's atoms can tell: PortSet.all(), plus the other
        protocols where the input names them."""
        return PortSet.all(self.ip)

    def to_words(self, mask: int) -> np.ndarray:
        return np.array(
            [(mask >> (64 * w)) & 0xFFFFFFFFFFFFFFFF for w in range(self.words)], dtype=np.uint64
        )

    def from_words(self, words: np.ndarray) -> int:
        out = 0
        for w, value in enumerate(words.tolist()):
            out |= int(value) << (64 * w)
        return out
