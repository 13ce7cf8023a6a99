"""Which connections to keep: all allowed now, or those of a keep file, within a scope, plus DNS."""

from __future__ import annotations

import json
from dataclasses import dataclass, field

from netviz.engine import Evaluator, UnknownEndpoint
from netviz.engine.ports import PortRange, PortSet
from netviz.generate.pairs import Pairs, Piece, Side, common, parse_range, piece_of
from netviz.k8s.model import PROTOCOLS, Endpoint

DNS_PORTS = PortSet([PortRange("UDP", 53, 53), PortRange("TCP", 53, 53)])
DNS_LABEL = ("k8s-app", "kube-dns")


class KeepFileError(ValueError):
    """The keep file cannot be read at all (not JSON, not the shape of `analyze --format json`)."""


@dataclass(frozen=True)
class KeepEntry:
    """One usable entry of a keep file, or why it was left out (`problem` set)."""

    index: int  # 0-based position in `connections`
    src: Side | None = None
    dst: Side | None = None
    ports: PortSet = field(default_factory=PortSet.empty)
    problem: str = ""  # "unknown-endpoint", "bad-ports", "bad-entry", "loopback"
    detail: str = ""


def is_dns(e: Endpoint) -> bool:
    """The cluster DNS, as kube-dns and CoreDNS label it."""
    return e.labels.get(DNS_LABEL[0]) == DNS_LABEL[1]


def read_keep(text: str, ev: Evaluator) -> list[KeepEntry]:
    """The entries of a connection list in the `analyze --format json` shape (a bare list of
    {src, dst, ports} too); endpoints by id, "ns/name", an IP, a range id or a CIDR."""
    try:
        data = json.loads(text)
    except ValueError as e:
        raise KeepFileError(f"not JSON: {e}") from None
    return keep_entries(data, ev)


def keep_entries(data: object, ev: Evaluator) -> list[KeepEntry]:
    """read_keep for data already parsed (a JSON request body)."""
    items = data.get("connections") if isinstance(data, dict) else data
    if not isinstance(items, list):
        raise KeepFileError('expected {"connections": [{"src", "dst", "ports"}, ...]}')
    externals = {x.id: piece_of(x) for x in ev.externals if not x.domain}  # domains: by id
    out = []
    for i, item in enumerate(items):
        if not isinstance(item, dict) or not isinstance(item.get("src"), str):
            out.append(KeepEntry(i, problem="bad-entry", detail=json.dumps(item)[:200]))
            continue
        try:
            src = _side(item.get("src"), ev, externals)
            dst = _side(item.get("dst"), ev, externals)
        except (UnknownEndpoint, TypeError) as e:
            out.append(KeepEntry(i, problem="unknown-endpoint", detail=str(e)))
            continue
        try:
            ports = PortSet.all() if "ports" not in item else _ports(item["ports"])
        except (KeyError, TypeError, ValueError, AttributeError) as e:
            out.append(KeepEntry(i, src, dst, problem="bad-ports", detail=str(e)))
            continue
        if src == dst and isinstance(src, str) and src.endswith("[Pod]"):
            out.append(KeepEntry(i, src, dst, ports, problem="loopback"))
            continue
        out.append(KeepEntry(i, src, dst, ports))
    return out


def _ports(items: object) -> PortSet:
    """`ports` as `analyze --format json` writes them; anything else is a ValueError."""
    if not isinstance(items, list):
        raise ValueError("ports: expected a list")
    ranges = []
    for item in items:
        protocol, start = item["protocol"], item["port"]
        end = item.get("end_port", start)
        if protocol not in PROTOCOLS:
            raise ValueError(f"unknown protocol {protocol!r}")
        if not all(isinstance(p, int) and 1 <= p <= 65535 for p in (start, end)) or end < start:
            raise ValueError(f"bad port range {start!r}-{end!r}")
        ranges.append(PortRange(protocol, start, end))
    return PortSet(ranges)


def _side(ref: object, ev: Evaluator, externals: dict[str, Piece]) -> Side:
    if not isinstance(ref, str):
        raise TypeError(f"expected an endpoint id, got {json.dumps(ref)}")
    if ref in externals:
        return externals[ref]
    piece = parse_range(ref)  # a range id or CIDR; None for endpoint names
    if piece is not None:
        return piece
    found = ev.resolve(ref)
    return externals.get(found, found)


@dataclass
class Selection:
    """The connections to reproduce: `kept` touches the scope, `expected` is the whole result."""

    scope: frozenset[str]
    kept: Pairs
    expected: Pairs
    not_allowed: list[tuple[Side, Side, PortSet]] = field(default_factory=list)
    dns_added: list[tuple[Side, Side, PortSet]] = field(default_factory=list)
    has_dns: bool = False
    # Keep entries not allowed now that no NetworkPolicy could allow (netviz.generate.tiers).
    cannot_allow: list = field(default_factory=list)


def select(
    ev: Evaluator,
    current: Pairs,
    scope: frozenset[str],
    keep: list[KeepEntry] | None,
    dns: bool = True,
) -> Selection:
    """Keep what is allowed now (all of it, or the keep file's part of it) where a side is in
    `scope`; pairs outside the scope stay as they are. A keep entry never adds connectivity."""
    # Endpoint ids of the scope (pieces of the outside are never in it): one set lookup a side.
    ids = {e.id for e in ev.nodes.endpoints if e.namespace in scope}

    def touches(key: tuple[Side, Side]) -> bool:
        return key[0] in ids or key[1] in ids

    inside: Pairs = {}
    outside: Pairs = {}
    for k, v in current.items():
        (inside if touches(k) else outside)[k] = v
    not_allowed: list[tuple[Side, Side, PortSet]] = []
    if keep is None:
        kept = dict(inside)
    else:
        wanted: Pairs = {}
        for entry in keep:
            if entry.problem or entry.src is None or entry.dst is None:
                continue
            key = (entry.src, entry.dst)
            if touches(key):
                wanted[key] = wanted.get(key, PortSet.empty()) | entry.ports
        want, now = common(wanted, inside)
        kept = {}
        for key, ports in want.items():
            allowed = ports & now.get(key, PortSet.empty())
            if allowed:
                kept[key] = allowed
            if rest := ports - allowed:
                not_allowed.append((*key, rest))
    dns_endpoints = {e.id for e in ev.nodes.endpoints if is_dns(e)}
    dns_added = []
    if dns:
        for key, ports in inside.items():
            if key[1] not in dns_endpoints:
                continue
            extra = ports & (DNS_PORTS - kept.get(key, PortSet.empty()))
            if extra:
                kept[key] = kept.get(key, PortSet.empty()) | extra
                dns_added.append((*key, extra))
    return Selection(
        scope=scope,
        kept=kept,
        expected={**outside, **kept},
        not_allowed=not_allowed,
        dns_added=dns_added,
        has_dns=bool(dns_endpoints),
    )
