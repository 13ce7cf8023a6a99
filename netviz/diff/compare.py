"""Diff two snapshots: what a change does to connectivity, as a pull-request reviewer needs it.

External address ranges are cut differently whenever a policy adds or drops a CIDR, so both sides'
ranges are first refined to common pieces; otherwise one new ipBlock would show every external
connection as removed and re-added.
"""

from __future__ import annotations

import ipaddress
from collections import defaultdict
from typing import NamedTuple

from netviz.diff.snapshot import port_set


class _Piece(NamedTuple):
    """A slice of external addresses: [start, end] as integers of one IP version."""

    version: int
    start: int
    end: int


_Side = str | _Piece


def _addr(version: int, value: int) -> str:
    return str(ipaddress.IPv4Address(value) if version == 4 else ipaddress.IPv6Address(value))


def _interval(ext: dict) -> _Piece:
    return _Piece(
        ext["version"],
        int(ipaddress.ip_address(ext["start"])),
        int(ipaddress.ip_address(ext["end"])),
    )


def _cut(piece: _Piece, bounds: list[int]) -> list[_Piece]:
    """Split `piece` at every boundary (a boundary is the first address of a new slice)."""
    out, start = [], piece.start
    for b in bounds:
        if start < b <= piece.end:
            out.append(_Piece(piece.version, start, b - 1))
            start = b
    out.append(_Piece(piece.version, start, piece.end))
    return out


# Port rows straight from a snapshot: already sorted and merged, so equal rows mean equal sets,
# and no PortSet need be built for the (many) connections that did not change.
_Rows = tuple[tuple[str, int, int], ...]


def _connections(snap: dict, bounds: dict[int, list[int]]) -> dict[tuple[_Side, _Side], _Rows]:
    # Domain endpoints have no addresses: they are compared by name, as workloads are.
    externals = {x["id"]: _interval(x) for x in snap.get("externals", ()) if "domain" not in x}
    out: dict[tuple[_Side, _Side], _Rows] = {}
    for c in snap["connections"]:
        ports = tuple(tuple(r) for r in c["ports"])
        src, dst = c["src"], c["dst"]
        if src in externals:
            for p in _cut(externals[src], bounds[externals[src].version]):
                out[(p, dst)] = ports
        elif dst in externals:
            for p in _cut(externals[dst], bounds[externals[dst].version]):
                out[(src, p)] = ports
        else:
            out[(src, dst)] = ports
    return out


def _merge(entries: list[tuple[_Side, _Side, tuple]]) -> list[tuple[_Side, _Side, tuple]]:
    """Join adjacent external pieces that changed the same way with the same other end."""
    groups: dict[tuple, list[_Piece]] = defaultdict(list)
    out = []
    for src, dst, data in entries:
        if isinstance(src, _Piece):
            groups[("src", dst, src.version, data)].append(src)
        elif isinstance(dst, _Piece):
            groups[("dst", src, dst.version, data)].append(dst)
        else:
            out.append((src, dst, data))
    for (side, other, version, data), pieces in groups.items():
        pieces.sort()
        runs = [pieces[0]]
        for p in pieces[1:]:
            if p.start == runs[-1].end + 1:
                runs[-1] = _Piece(version, runs[-1].start, p.end)
            else:
                runs.append(p)
        out.extend((r, other, data) if side == "src" else (other, r, data) for r in runs)
    return out


def _side_json(side: _Side) -> tuple[str, list[str] | None]:
    if isinstance(side, _Piece):
        first, last = _addr(side.version, side.start), _addr(side.version, side.end)
        cidrs = ipaddress.summarize_address_range(
            ipaddress.ip_address(first), ipaddress.ip_address(last)
        )
        return f"{first}-{last}", [str(c) for c in cidrs]
    return side, None


def _sort_key(side: _Side) -> tuple:
    return (1, side.version, side.start, "") if isinstance(side, _Piece) else (0, 0, 0, side)


def _entries(raw: list[tuple[_Side, _Side, tuple]], shape) -> list[dict]:
    merged = sorted(_merge(raw), key=lambda e: (_sort_key(e[0]), _sort_key(e[1])))
    out = []
    for src, dst, data in merged:
        src_id, src_cidrs = _side_json(src)
        dst_id, dst_cidrs = _side_json(dst)
        item = {"src": src_id, "dst": dst_id, **shape(*data)}
        if src_cidrs is not None:
            item["src_cidrs"] = src_cidrs
        if dst_cidrs is not None:
            item["dst_cidrs"] = dst_cidrs
        out.append(item)
    return out


def _ports(rows: _Rows) -> dict:
    ps = port_set(rows)
    return {"ports": ps.as_json(), "ports_text": str(ps)}


def _changed(before_rows: _Rows, after_rows: _Rows) -> dict:
    before, after = port_set(before_rows), port_set(after_rows)
    return {
        "before": before.as_json(),
        "before_text": str(before),
        "after": after.as_json(),
        "after_text": str(after),
        "gained": (after - before).as_json(),
        "gained_text": str(after - before),
        "lost": (before - after).as_json(),
        "lost_text": str(before - after),
    }


def _by_id(items: list[dict], old: list[dict]) -> dict[str, list[str]]:
    new_map = {i["id"]: i for i in items}
    old_map = {i["id"]: i for i in old}
    return {
        "added": sorted(new_map.keys() - old_map.keys()),
        "removed": sorted(old_map.keys() - new_map.keys()),
        "changed": sorted(
            k
            for k in new_map.keys() & old_map.keys()
            if new_map[k].get("fingerprint") != old_map[k].get("fingerprint")
        ),
    }


def compare(old: dict, new: dict) -> dict:
    """The difference from snapshot `old` to snapshot `new`, as JSON-able data."""
    bounds: dict[int, set[int]] = {4: set(), 6: set()}
    for x in (*old.get("externals", ()), *new.get("externals", ())):
        if "domain" in x:
            continue  # no addresses: compared by name
        piece = _interval(x)
        bounds[piece.version].update((piece.start, piece.end + 1))
    sorted_bounds = {v: sorted(b) for v, b in bounds.items()}
    before = _connections(old, sorted_bounds)
    after = _connections(new, sorted_bounds)

    added = [(s, d, (after[(s, d)],)) for s, d in after.keys() - before.keys()]
    removed = [(s, d, (before[(s, d)],)) for s, d in before.keys() - after.keys()]
    changed = [
        (s, d, (before[(s, d)], after[(s, d)]))
        for s, d in before.keys() & after.keys()
        if before[(s, d)] != after[(s, d)]
    ]
    result = {
        "connections": {
            "added": _entries(added, _ports),
            "removed": _entries(removed, _ports),
            "changed": _entries(changed, _changed),
        },
        "endpoints": _by_id(new["endpoints"], old["endpoints"]),
        "policies": _by_id(new["policies"], old["policies"]),
    }
    result["summary"] = summary(result)
    return result


def summary(diff: dict) -> dict:
    """Counts per section and change kind, e.g. `connections_added`; `changed` says if any."""
    counts = {
        f"{section}_{kind}": len(diff[section][kind])
        for section in ("connections", "endpoints", "policies")
        for kind in ("added", "removed", "changed")
    }
    counts["connectivity_changed"] = any(
        counts[f"connections_{k}"] for k in ("added", "removed", "changed")
    )
    return counts
