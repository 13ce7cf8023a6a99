"""The matrix and graph data a review page hands to its JavaScript, compact and cached per revision.

Layout (everything by index, so 60,000 connections stay near a megabyte):
    nodes      [[id, namespace index or -1 for addresses outside the cluster, label, search text]]
               (search text "" in a lazy page: its filters are applied on the server)
    ports      [[ports text, [[protocol, start, end], ...]], ...]   each distinct port set once
    edges      [[src node, dst node, 2 all ports / 1 some, ports index, policy-set index]]
    policysets [[policy index, ...], ...]   the policies whose rules the grants name
    policies   [[policy id, [selected node, ...]], ...]
Only with tiered (cluster-scoped) policies:
    verdict_kinds  ["admin-deny", "admin-accept"]
    verdicts       [[src node, dst node, kind index], ...]   pairs an ordered tier decided; other
                   denied pairs are "not allowed by NetworkPolicy"
    verdicts_total how many such pairs in all (the list may be cut short)
Only where the input models the other protocols (docs/protocols.md):
    protocol_blocks {"ICMP": [first, last], ...}   each one's values in the port rows' "IP"
"""

from __future__ import annotations

import json
import threading
from collections import OrderedDict
from dataclasses import dataclass
from html import escape

import numpy as np
from django.conf import settings
from django.urls import reverse
from django.utils.html import json_script
from django.utils.safestring import mark_safe

from netviz.diff.snapshot import universe_rows
from netviz.engine import protocols
from netviz.web import edges, links, snapshots, store
from netviz.web.filters import OTHER_PROTOCOLS, endpoint_labels
from netviz.web.models import Review, Revision

# Pages of the last few revisions shown; each is about the size of its JSON.
CACHE_SIZE = 8
_cache: OrderedDict[tuple, tuple] = OrderedDict()
_lock = threading.Lock()


def _split(line: str) -> tuple[str, str, str, str, str]:
    """A stored line (netviz.web.models.encode_connection) cut into src, dst, raw port rows,
    ports text and raw grants without decoding it; escapes anywhere before the grants fall back
    to json (endpoint ids and port words never hold quotes, so that is rare)."""
    a = line.find('","')
    b = line.find('",[[', a + 3)
    c = line.find("]],", b + 4)
    d = line.find('",[', c + 4)
    if min(a, b, c, d) < 0 or "\\" in line[:d]:
        row = json.loads(line)
        return row[0], row[1], json.dumps(row[2]), row[3], json.dumps(row[4])
    return line[2:a], line[a + 3 : b], line[b + 2 : c + 2], line[c + 4 : d], line[d + 2 : -1]


def _search_text(e: dict) -> str:
    labels = " ".join(f"{k}={v}" for k, v in e.get("labels", {}).items())
    return f"{e['id']} {labels}".lower()


def build(snapshot: dict, lines: list[str]) -> dict:
    """The payload from a stored snapshot and its connection lines."""
    namespaces = list(snapshot.get("namespaces", []))
    ns_index = {n: i for i, n in enumerate(namespaces)}
    labels = endpoint_labels(snapshot)
    nodes = [
        [e["id"], ns_index.get(e["namespace"], -1), e["id"], _search_text(e)]
        for e in snapshot.get("endpoints", ())
    ]
    nodes += [
        [x["id"], -1, labels[x["id"]], f"{x['id']} {' '.join(x['cidrs'])}".lower()]
        for x in snapshot.get("externals", ())
    ]
    node_index = {n[0]: i for i, n in enumerate(nodes)}
    policies = snapshot.get("policies", [])
    policy_index = {p["id"]: i for i, p in enumerate(policies)}
    rule_policy = [policy_index.get(r["policy"], -1) for r in snapshot.get("rules", [])]

    ports: list[list] = []
    port_index: dict[str, int] = {}
    sets: list[list[int]] = []
    set_index: dict[tuple[int, ...], int] = {}
    grants_set: dict[str, int] = {}
    everything = universe_rows(snapshot)
    out_edges = []
    for line in lines:
        # Most lines share their port set and grants: decode each distinct text once.
        src, dst, raw_ports, raw_text, raw_grants = _split(line)
        pi = port_index.get(raw_ports)
        if pi is None:
            rows = json.loads(raw_ports)
            pi = port_index[raw_ports] = len(ports)
            ports.append([raw_text, rows, 2 if rows == everything else 1])
        si = grants_set.get(raw_grants)
        if si is None:
            named = set()
            for g in json.loads(raw_grants):
                named.update(g["egress"] or ())
                named.update(g["ingress"] or ())
            key = tuple(sorted({rule_policy[i] for i in named} - {-1}))
            si = set_index.get(key)
            if si is None:
                si = set_index[key] = len(sets)
                sets.append(list(key))
            grants_set[raw_grants] = si
        out_edges.append([node_index[src], node_index[dst], ports[pi][2], pi, si])
    out = {
        "namespaces": namespaces,
        "nodes": nodes,
        "ports": [p[:2] for p in ports],
        "edges": out_edges,
        "policysets": sets,
        "policies": [
            [p["id"], [node_index[i] for i in p.get("selects", ()) if i in node_index]]
            for p in policies
        ],
    }
    return {**out, **_verdicts(snapshot, node_index), **_protocol_blocks(snapshot)}


def _protocol_blocks(snapshot: dict) -> dict:
    """Where the input models the other protocols: the values (port rows `"IP"`) of those the
    filter offers, for review.js to ask about them as netviz.web.filters.asked_rows does."""
    if "universe" not in snapshot:
        return {}
    named = {p: list(protocols.block(protocols.number_of(p))) for p in OTHER_PROTOCOLS}
    return {"protocol_blocks": named}


def other_protocols(revision: Revision) -> bool:
    """Whether the revision's input models ICMP, ICMPv6, UDPLite (docs/protocols.md)."""
    return "universe" in snapshots.of(revision)


def _verdicts(snapshot: dict, node_index: dict[str, int]) -> dict:
    """The tiered keys of the layout above; none for NetworkPolicy-only input."""
    if not snapshot.get("verdicts_total"):
        return {}
    kinds = ["admin-deny", "admin-accept"]
    return {
        "verdict_kinds": kinds,
        "verdicts": [
            [node_index[s], node_index[d], kinds.index(k)]
            for s, d, k in snapshot["verdicts"]
            if s in node_index and d in node_index
        ],
        "verdicts_total": snapshot["verdicts_total"],
    }


_nodes_of: OrderedDict[int, tuple[dict, list]] = OrderedDict()


def _nodes(snapshot: dict) -> list[list]:
    """The layout's nodes, worked out once per snapshot object (the page data and the view of
    a big review both ask for them; netviz.web.snapshots shares one parsed snapshot). Read only."""
    with _lock:
        found = _nodes_of.get(id(snapshot))
        if found is not None and found[0] is snapshot:
            return found[1]
    nodes = _make_nodes(snapshot)
    with _lock:
        _nodes_of[id(snapshot)] = (snapshot, nodes)
        while len(_nodes_of) > CACHE_SIZE:
            _nodes_of.popitem(last=False)
    return nodes


def _make_nodes(snapshot: dict) -> list[list]:
    ns_index = {n: i for i, n in enumerate(snapshot.get("namespaces", []))}
    labels = endpoint_labels(snapshot)
    nodes = [
        [e["id"], ns_index.get(e["namespace"], -1), e["id"], _search_text(e)]
        for e in snapshot.get("endpoints", ())
    ]
    nodes += [
        [x["id"], -1, labels[x["id"]], f"{x['id']} {' '.join(x['cidrs'])}".lower()]
        for x in snapshot.get("externals", ())
    ]
    return nodes


def build_compact(snapshot: dict, stored: store.Stored, *, lazy: bool = False) -> dict:
    """build() from a revision's stored pairs: the same payload, with no work per pair but
    numpy's. `lazy`: without the edges (`"edges": []`, `"lazy": true`), which the page then
    fetches a namespace at a time (netviz.web.views.data), and without the nodes' search text
    (`""`: the server applies the filters; half the size of the nodes)."""
    nodes = _nodes(snapshot)
    node_index = {n[0]: i for i, n in enumerate(nodes)}
    columns = stored.columns
    cell = stored.cell
    edges_array = (
        np.zeros((0, 5), dtype=np.int64)
        if lazy
        else np.stack(
            [
                stored.src,
                stored.dst,
                columns["all"][cell],
                columns["ports"][cell],
                columns["set"][cell],
            ],
            axis=1,
        )
    )
    return {
        "namespaces": list(snapshot.get("namespaces", [])),
        "nodes": [[i, g, label, ""] for i, g, label, _search in nodes] if lazy else nodes,
        "ports": columns["port_sets"],
        "edges": edges_array.tolist(),
        "policysets": columns["policysets"],
        "policies": [
            [p["id"], [node_index[i] for i in p.get("selects", ()) if i in node_index]]
            for p in snapshot.get("policies", [])
        ],
        **({"lazy": True, "edge_count": len(stored)} if lazy else {}),
        **_verdicts(snapshot, node_index),
        **_protocol_blocks(snapshot),
    }


_options: OrderedDict[int, tuple[list, str]] = OrderedDict()


def options(ids: list[str]) -> str:
    """`<option>` of each endpoint id for the page's datalist, escaped once per page data (the
    template's loop over 20,000 ids took longer than the rest of the page)."""
    with _lock:
        found = _options.get(id(ids))
        if found is not None and found[0] is ids:
            return found[1]
    html = mark_safe("".join([f'<option value="{escape(i, quote=True)}">' for i in ids]))
    with _lock:
        _options[id(ids)] = (ids, html)
        while len(_options) > CACHE_SIZE:
            _options.popitem(last=False)
    return html


@dataclass(frozen=True)
class Page:
    """What a review page embeds: the data as a ready `<script type="application/json">` element
    (kept as text: a tenth of the memory of the lists, and no dump per request), the namespaces
    and endpoint ids the filter form lists, and the URLs, which depend on the request."""

    script: str
    namespaces: list[str]
    endpoint_ids: list[str]
    lazy: bool  # the edges are fetched as namespaces open (more than NETVIZ_PAGE_EDGES of them)
    urls: dict


def page(review: Review, revision: Revision) -> Page:
    key = edges.cache_key(revision)
    with _lock:
        found = _cache.get(key)
        if found is not None:
            _cache.move_to_end(key)
    if found is None:
        stored = store.load(revision)
        lazy = len(stored) > settings.NETVIZ_PAGE_EDGES
        data = build_compact(snapshots.of(revision), stored, lazy=lazy)
        found = (
            json_script(data, "netviz-data"),
            data["namespaces"],
            [n[0] for n in data["nodes"]],
            lazy,
        )
        with _lock:
            _cache[key] = found
            while len(_cache) > CACHE_SIZE:
                _cache.popitem(last=False)
    latest = review.latest_number() == revision.number
    # The edge URL of a pair is this base + slug(src) + "/" + slug(dst) + "/".
    sample = links.edge(review, None if latest else revision.number, "x/y[Z]", "x/y[Z]")
    urls = {
        "revision": revision.number,
        "edge_base": sample[: -len("x~y~Z/x~y~Z/")],
        "policies_url": links.policies(review, revision.number),
        "findings_url": links.findings(review, revision.number),
    }
    if found[3]:
        blocks_url = reverse("netviz-data-blocks", args=[review.view_token, revision.number])
        urls["data_url"] = blocks_url[: -len("blocks.json")]
    return Page(*found, urls)
