"""The address space cut at every ipBlock boundary (and host IP) into ranges policies treat alike."""

from __future__ import annotations

import functools
import ipaddress
from bisect import bisect_right
from collections.abc import Iterable

import numpy as np

from netviz.engine.result import ExternalRange
from netviz.k8s.model import IPBlock

_TOP = {4: 1 << 32, 6: 1 << 128}
_ADDR = {4: ipaddress.IPv4Address, 6: ipaddress.IPv6Address}


# Parsed objects are immutable; the findings checks test the same few blocks against every node.
@functools.lru_cache(maxsize=16384)
def parse_network(text: str) -> ipaddress.IPv4Network | ipaddress.IPv6Network | None:
    try:
        return ipaddress.ip_network(text.strip(), strict=False)
    except ValueError:
        return None


@functools.lru_cache(maxsize=16384)
def parse_address(text: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    try:
        return ipaddress.ip_address(text.strip())
    except ValueError:
        return None


def _span(net) -> tuple[int, int]:
    return int(net.network_address), int(net.broadcast_address)


def block_contains(block: IPBlock, address: str) -> bool:
    """Whether one address is in `cidr` minus the excepts."""
    ip, net = parse_address(address), parse_network(block.cidr)
    if ip is None or net is None or ip.version != net.version or ip not in net:
        return False
    for text in block.excepts:
        ex = parse_network(text)
        if ex is not None and ex.version == ip.version and ip in ex:
            return False
    return True


_parsed_nets: dict[str, object] = {}
_parsed_ips: dict[str, object] = {}


def inside_blocks(ips: Iterable[str], blocks: Iterable[IPBlock]) -> tuple[bool, ...]:
    """For each block (a cidr, no excepts), whether one of `ips` is inside it; parsed once."""
    addrs = []
    for ip in ips:
        a = _parsed_ips.get(ip)
        if a is None:
            a = _parsed_ips[ip] = parse_address(ip) or False
        if a:
            addrs.append(a)
    out = []
    for block in blocks:
        net = _parsed_nets.get(block.cidr)
        if net is None:
            net = _parsed_nets[block.cidr] = parse_network(block.cidr)
        out.append(any(net is not None and a.version == net.version and a in net for a in addrs))
    return tuple(out)


class AddressSpace:
    """Disjoint ranges covering IPv4 and IPv6; host IPs get one-address ranges that are not external."""

    def __init__(self, blocks: Iterable[IPBlock], host_ips: Iterable[str]) -> None:
        cuts: dict[int, set[int]] = {4: {0, _TOP[4]}, 6: {0, _TOP[6]}}
        for block in blocks:
            for text in (block.cidr, *block.excepts):
                net = parse_network(text)
                if net is not None:
                    lo, hi = _span(net)
                    cuts[net.version] |= {lo, hi + 1}
        hosts: set[tuple[int, int]] = set()
        for text in host_ips:
            ip = parse_address(text)
            if ip is not None:
                cuts[ip.version] |= {int(ip), int(ip) + 1}
                hosts.add((ip.version, int(ip)))
        self._starts: dict[int, list[int]] = {}
        self._offset: dict[int, int] = {}
        self.intervals: list[tuple[int, int, int]] = []  # (version, first, last)
        for version in (4, 6):
            points = sorted(cuts[version])
            self._offset[version] = len(self.intervals)
            self._starts[version] = points[:-1]
            self.intervals.extend(
                (version, a, b - 1) for a, b in zip(points, points[1:], strict=False)
            )
        self.is_host = np.array(
            [(v, a) in hosts and a == b for v, a, b in self.intervals], dtype=bool
        )
        self.external_index = np.flatnonzero(~self.is_host)
        self._masks: dict[IPBlock, np.ndarray] = {}

    def __len__(self) -> int:
        return len(self.intervals)

    def _range(self, version: int, lo: int, hi: int) -> tuple[int, int]:
        """Interval indices [first, stop) exactly covering lo..hi (both are cut points)."""
        starts, off = self._starts[version], self._offset[version]
        return off + bisect_right(starts, lo) - 1, off + bisect_right(starts, hi)

    def block_mask(self, block: IPBlock) -> np.ndarray:
        """Which intervals the ipBlock matches. Do not modify the result."""
        found = self._masks.get(block)
        if found is not None:
            return found
        out = np.zeros(len(self.intervals), dtype=bool)
        net = parse_network(block.cidr)
        if net is not None:
            lo, hi = _span(net)
            first, stop = self._range(net.version, lo, hi)
            out[first:stop] = True
            for text in block.excepts:
                ex = parse_network(text)
                if ex is None or ex.version != net.version:
                    continue
                elo, ehi = _span(ex)
                elo, ehi = max(elo, lo), min(ehi, hi)
                if elo <= ehi:
                    first, stop = self._range(net.version, elo, ehi)
                    out[first:stop] = False
        out.flags.writeable = False
        self._masks[block] = out
        return out

    def locate(self, address: str) -> int | None:
        """Index of the interval holding an address, None when it is not an address."""
        ip = parse_address(address)
        if ip is None:
            return None
        return self._offset[ip.version] + bisect_right(self._starts[ip.version], int(ip)) - 1

    def external(self, index: int) -> ExternalRange:
        version, lo, hi = self.intervals[index]
        first, last = _ADDR[version](lo), _ADDR[version](hi)
        cidrs = tuple(str(n) for n in ipaddress.summarize_address_range(first, last))
        return ExternalRange(version=version, start=str(first), end=str(last), cidrs=cidrs)
