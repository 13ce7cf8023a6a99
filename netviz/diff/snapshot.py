"""An Analysis as plain JSON-able data: what the web app stores per revision and diffs compare.

Kept compact, since a cluster of a thousand workloads has tens of thousands of connections: port
sets are `[protocol, start, end]` rows, and rules are listed once and referred to by index.
"""

from __future__ import annotations

import dataclasses
import functools
import hashlib
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from operator import attrgetter, itemgetter

import numpy as np

from netviz.engine.ports import PortRange, PortSet
from netviz.engine.protocols import IP
from netviz.engine.result import Analysis, Caveat, ExternalRange, Grant, RuleRef
from netviz.engine.rows import ConnectionRow
from netviz.engine.selectors import matches
from netviz.formats import describe_caveat, describe_rule
from netviz.formats.connections import field_getters, ordered_connections, ordered_endpoints
from netviz.k8s.model import Cluster, Endpoint, Policy

# Bump when the layout below changes, so stored snapshots can be told apart.
SNAPSHOT_VERSION = 2

# Fields that say where something was written, not what it means: a moved line is no change.
_LOCATION_FIELDS = frozenset({"source", "line", "text"})


# Leaves returned as they are; checked first, since most of a tree is leaves.
_LEAVES = frozenset({str, int, float, bool, type(None)})


@functools.cache
def _meaning_fields(cls: type) -> tuple[str, ...] | None:
    """A dataclass's field names without the location fields, worked out once per class; None
    for any other class."""
    if not dataclasses.is_dataclass(cls) or issubclass(cls, type):
        return None
    return tuple(f.name for f in dataclasses.fields(cls) if f.name not in _LOCATION_FIELDS)


def _plain(value: object) -> object:
    """A dataclass tree as nested tuples, without location fields, for a stable fingerprint."""
    cls = type(value)
    if cls in _LEAVES:
        return value
    names = _meaning_fields(cls)
    if names is not None:
        return tuple([(name, _plain(getattr(value, name))) for name in names])
    if isinstance(value, Mapping):
        return tuple(sorted([(str(k), _plain(v)) for k, v in value.items()]))
    if isinstance(value, frozenset | set):
        return tuple(sorted([repr(_plain(v)) for v in value]))
    if isinstance(value, tuple | list):
        return tuple([_plain(v) for v in value])
    return value


def fingerprint(value: object) -> str:
    """A short hash of what an endpoint or policy means (labels, ports, rules), not where it is;
    from the memo of an enclosing fingerprints_kept() when there is one."""
    memo = _fingerprints.get()
    if memo is None:
        return hashlib.sha256(repr(_plain(value)).encode()).hexdigest()[:16]
    # The same object as before (netviz.k8s.built keeps those of unchanged documents): its
    # fingerprint, without even a repr; it is held with it, so its id is not reused meanwhile.
    same = memo.get(id(value))
    if same is not None and same[0] is value:
        return same[1]
    # Equal reprs mean equal fields (a repr with an address would not: those are not kept).
    key = repr(value)
    found = memo.get(key)
    if found is None:
        found = hashlib.sha256(repr(_plain(value)).encode()).hexdigest()[:16]
        if " object at 0x" not in key:
            memo[key] = found
    if " object at 0x" not in key:
        memo[id(value)] = (value, found)
    return found


# By repr (str) and by the object itself (its id → the object and its fingerprint).
_fingerprints: ContextVar[dict | None] = ContextVar("netviz_fingerprints", default=None)


@contextmanager
def fingerprints_kept(memo: dict) -> Iterator[None]:
    """fingerprint() answers from `memo` (an object, or its repr → its fingerprint) in this
    block, so a draft snapshotted again on each keystroke hashes only the objects that changed."""
    token = _fingerprints.set(memo)
    try:
        yield
    finally:
        _fingerprints.reset(token)


def _endpoint(e: Endpoint) -> dict:
    return {
        "id": e.id,
        "kind": e.kind,
        "namespace": e.namespace,
        "name": e.name,
        "labels": dict(sorted(e.labels.items())),
        "ports": [{"port": p.port, "protocol": p.protocol, "name": p.name} for p in e.ports],
        "replicas": e.replicas,
        "host_network": e.host_network,
        "file": e.source.file if e.source else "",
        "line": e.source.line if e.source else 0,
        "fingerprint": fingerprint(e),
    }


def _policy(p: Policy, by_namespace: dict[str, list[Endpoint]]) -> dict:
    return {
        "id": p.id,
        "namespace": p.namespace,
        "name": p.name,
        "types": sorted(p.policy_types),
        "file": p.source.file if p.source else "",
        "line": p.source.line if p.source else 0,
        "fingerprint": fingerprint(p),
        "selects": [
            e.id for e in by_namespace.get(p.namespace, ()) if matches(p.pod_selector, e.labels)
        ],
    }


def port_rows(ports: PortSet) -> list[list]:
    """`[["TCP", 80, 80], ...]`: a port set in a third of the space of PortSet.as_json."""
    return [[r.protocol, r.start, r.end] for r in ports.ranges()]


def port_set(rows: list[list]) -> PortSet:
    return PortSet(PortRange(proto, start, end) for proto, start, end in rows)


ALL_ROWS = [["TCP", 1, 65535], ["UDP", 1, 65535], ["SCTP", 1, 65535]]


def universe_rows(snap: dict) -> list[list]:
    """port_rows() of every connection of the snapshot's input (Analysis.universe): a pair
    with exactly these rows is allowed on all of them; the one test of "all" for the pages."""
    return snap.get("universe", ALL_ROWS)


def ports_json(rows: list[list]) -> list[dict]:
    """Rows in the layout every netviz JSON output uses (PortSet.as_json)."""
    if any(row[0] == IP for row in rows):  # the other protocols: their own entries
        return port_set(rows).as_json()
    return [{"protocol": proto, "port": start, "end_port": end} for proto, start, end in rows]


class _Rules:
    """Each distinct rule reference once, described once; grants refer to them by index."""

    def __init__(self) -> None:
        self.index: dict[RuleRef, int] = {}
        self.items: list[dict] = []
        # Port sets are shared objects (the engine memoises them): each written out once.
        self._texts: dict[int, tuple[PortSet, str]] = {}
        self._rows: dict[int, tuple[PortSet, list]] = {}

    def text(self, ports: PortSet) -> str:
        found = self._texts.get(id(ports))
        if found is None:
            found = self._texts[id(ports)] = (ports, str(ports))  # holding it keeps its id unique
        return found[1]

    def rows(self, ports: PortSet) -> list:
        found = self._rows.get(id(ports))
        if found is None:
            found = self._rows[id(ports)] = (ports, port_rows(ports))
        return found[1]

    def refs(self, refs: tuple[RuleRef, ...] | None) -> list[int] | None:
        if refs is None:
            return None
        out = []
        for ref in refs:
            if ref not in self.index:
                self.index[ref] = len(self.items)
                self.items.append({**ref.as_dict(), "text": describe_rule(ref)})
            out.append(self.index[ref])
        return out

    def grant(self, g: Grant) -> dict:
        return {
            "ports_text": self.text(g.ports),
            "egress": self.refs(g.egress),
            "ingress": self.refs(g.ingress),
        }


def _caveat(c: Caveat) -> dict:
    return {**c.as_dict(), "text": describe_caveat(c)}


def _base(analysis: Analysis, cluster: Cluster | None) -> dict:
    namespaces = {e.namespace for e in analysis.endpoints} | {
        p.namespace for p in analysis.policies
    }
    if cluster is not None:
        namespaces |= {n.name for n in cluster.namespaces}
    by_namespace: dict[str, list[Endpoint]] = {}
    for e in analysis.endpoints:
        by_namespace.setdefault(e.namespace, []).append(e)
    policies = [_policy(p, by_namespace) for p in analysis.policies]
    if cluster is not None and cluster.calico is not None:
        from netviz.diff.calico import calico_policy_entries  # imports fingerprint from here

        policies += calico_policy_entries(cluster.calico)
    return {
        "version": SNAPSHOT_VERSION,
        "namespaces": sorted(namespaces),
        "endpoints": [_endpoint(e) for e in sorted(analysis.endpoints, key=lambda e: e.id)],
        "externals": [
            {
                "id": x.id,
                "version": x.version,
                "start": x.start,
                "end": x.end,
                "cidrs": list(x.cidrs),
                **({"sets": list(x.sets)} if x.sets else {}),
                **({"domain": x.domain} if x.domain else {}),
            }
            for x in ordered_endpoints(analysis)
            if isinstance(x, ExternalRange)
        ],
        "policies": policies,
        # Only where the input models the other protocols (docs/protocols.md): else the default.
        **({"universe": port_rows(analysis.universe)} if analysis.universe.models_ip else {}),
    }


def _with_tiered(out: dict, tiered: dict | None) -> dict:
    """`tiered` (netviz.diff.tiered.tiered_snapshot): cluster-scoped policies, added to `policies`
    (so diffs compare them) and kept in full with the pairs their tiers decided."""
    if tiered:
        out.update(tiered)
        out["policies"] += [
            {k: v for k, v in p.items() if k != "rules"} for p in tiered["tiered_policies"]
        ]
    return out


def snapshot(
    analysis: Analysis, cluster: Cluster | None = None, tiered: dict | None = None
) -> dict:
    """Everything the pages and diffs need from one analysis, as JSON-able dicts and lists;
    `tiered` as _with_tiered() says."""
    rules = _Rules()
    out = {
        **_base(analysis, cluster),
        "connections": [
            {
                "src": c.src,
                "dst": c.dst,
                "ports": port_rows(c.ports),
                "ports_text": str(c.ports),
                "grants": [rules.grant(g) for g in c.grants],
            }
            # The order every netviz output uses: workloads by id, then external ranges.
            for c in ordered_connections(analysis)
        ],
        "rules": rules.items,
        "caveats": [_caveat(c) for c in analysis.caveats],
    }
    return _with_tiered(out, tiered)


def base_snapshot(
    analysis: Analysis, cluster: Cluster | None = None, tiered: dict | None = None
) -> dict:
    """snapshot() without its connections, rules and caveats: the namespaces, endpoints, external
    ranges and policies a diff compares beside the pairs (netviz.diff.pairs)."""
    return _with_tiered(_base(analysis, cluster), tiered)


@dataclass(frozen=True)
class Compact:
    """A snapshot's connections by class: each distinct (ports, grants) cell once, and per pair
    three indexes. Pair k is node `src[k]` → node `dst[k]` with cell `cell[k]`, where nodes are
    the snapshot's endpoints then its externals, and a cell is
    `{"ports": rows, "ports_text": text, "grants": [...]}` as in snapshot()'s connections."""

    ids: list[str]
    cells: list[dict]
    src: np.ndarray
    dst: np.ndarray
    cell: np.ndarray

    def connections(self) -> list[dict]:
        """The connections as snapshot() lists them (sharing the cells' lists)."""
        ids, cells = self.ids, self.cells
        return [
            {"src": ids[a], "dst": ids[b], **cells[k]}
            for a, b, k in zip(
                self.src.tolist(), self.dst.tolist(), self.cell.tolist(), strict=True
            )
        ]


def _first_seen_numbers(a: np.ndarray, b: np.ndarray) -> tuple[np.ndarray, list[int]]:
    """Number each distinct (a[k], b[k]) in order of first appearance: per pair its number (int32),
    and per number its first pair, as a dict filled pair by pair would, in numpy."""
    if not len(a):
        return np.zeros(0, dtype=np.int32), []
    _, a_code = np.unique(a, return_inverse=True)
    b_values, b_code = np.unique(b, return_inverse=True)
    key = a_code.astype(np.int64) * len(b_values) + b_code
    _, first, inverse = np.unique(key, return_index=True, return_inverse=True)
    order = np.argsort(first, kind="stable")
    number = np.empty(len(order), dtype=np.int32)
    number[order] = np.arange(len(order), dtype=np.int32)
    return number[inverse.reshape(-1)], first[order].tolist()


def compact_snapshot(
    analysis: Analysis, cluster: Cluster | None = None, tiered: dict | None = None
) -> tuple[dict, Compact]:
    """snapshot() without its connections, and those connections as a Compact: the same rules in
    the same order, with no Python work per pair beyond C-level maps."""
    base = _base(analysis, cluster)
    ids = [e["id"] for e in base["endpoints"]] + [x["id"] for x in base["externals"]]
    node = {i: k for k, i in enumerate(ids)}.__getitem__
    conns = ordered_connections(analysis)
    src_of, dst_of, ports_of = field_getters(conns)
    count = len(conns)
    # Equivalent pairs share their PortSet and grants objects: one cell per distinct pair of them,
    # numbered in order of first appearance, so rules are numbered as snapshot() numbers them.
    # The engine's rows hold their grants' cell (one object per cell) as item 3: identity of that
    # says as much as identity of the grants, without computing the grants of every pair.
    rows = bool(conns) and set(map(type, conns)) == {ConnectionRow}
    grants_of = itemgetter(3) if rows else attrgetter("grants")
    ports_ids = np.fromiter(map(id, map(ports_of, conns)), dtype=np.int64, count=count)
    grants_ids = np.fromiter(map(id, map(grants_of, conns)), dtype=np.int64, count=count)
    cell, firsts = _first_seen_numbers(ports_ids, grants_ids)
    rules = _Rules()
    cells = []
    for k in firsts:
        c = conns[k]
        cells.append(
            {
                "ports": rules.rows(c.ports),
                "ports_text": rules.text(c.ports),
                "grants": [rules.grant(g) for g in c.grants],
            }
        )
    compact = Compact(
        ids=ids,
        cells=cells,
        src=np.fromiter(map(node, map(src_of, conns)), dtype=np.int32, count=count),
        dst=np.fromiter(map(node, map(dst_of, conns)), dtype=np.int32, count=count),
        cell=cell,
    )
    out = {
        **base,
        "rules": rules.items,
        "caveats": [_caveat(c) for c in analysis.caveats],
    }
    return _with_tiered(out, tiered), compact
