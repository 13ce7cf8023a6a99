"""Filter a revision's stored connection lines by namespace, text and protocol/port.

Lines are decoded only when a cheap substring test cannot rule them out, so an unfiltered page of
a large cluster decodes just the rows it shows.
"""

from __future__ import annotations

import json

import numpy as np

from netviz.web.models import decode_connection

FILTER_KEYS = ("ns", "q", "protocol", "port")


# A range outside the cluster made of more CIDRs than this is named by its first two.
SHOWN_CIDRS = 3


def endpoint_labels(snap: dict) -> dict[str, str]:
    """Display names: endpoint ids as they are, external ranges by their CIDRs (the pages write
    ranges only as CIDRs; the `start-end` ids stay in URLs, the CLI and JSON)."""
    labels = {e["id"]: e["id"] for e in snap.get("endpoints", ())}
    for x in snap.get("externals", ()):
        cidrs = x["cidrs"]
        if x.get("domain"):
            labels[x["id"]] = x["domain"]
        elif len(cidrs) <= SHOWN_CIDRS:
            labels[x["id"]] = ", ".join(cidrs)
        else:
            labels[x["id"]] = f"{', '.join(cidrs[:2])} and {len(cidrs) - 2} more CIDRs"
    return labels


def _ports_match(rows: list[list], protocol: str | None, port: int | None) -> bool:
    return any(
        (not protocol or proto == protocol) and (port is None or start <= port <= end)
        for proto, start, end in rows
    )


def _raw(text: str) -> str:
    """`text` as it appears inside a JSON string of a stored line."""
    return json.dumps(text, ensure_ascii=False)[1:-1]


def filter_lines(snap: dict, lines: list[str], values: dict) -> list[str]:
    """The stored lines whose connection matches every given filter; none given keeps all."""
    namespaces = set(values.get("ns") or ())
    text = (values.get("q") or "").strip().lower()
    protocol = values.get("protocol") or None
    port = values.get("port")
    if not (namespaces or text or protocol or port is not None):
        return lines
    ns_of = {e["id"]: e["namespace"] for e in snap.get("endpoints", ())}
    labels = endpoint_labels(snap)
    # External ranges are stored by address range but searched by CIDR too.
    externals_hit = [x["id"] for x in snap.get("externals", ()) if text and text in labels[x["id"]]]
    raw_ns, raw_text = ['"' + _raw(n + "/") for n in namespaces], _raw(text)
    out = []
    for line in lines:
        if namespaces and not any(r in line for r in raw_ns):
            continue
        if text and raw_text not in line.lower() and not any(i in line for i in externals_hit):
            continue
        c = decode_connection(line)
        if namespaces and not namespaces & {ns_of.get(c["src"]), ns_of.get(c["dst"])}:
            continue
        if text and not any(
            text in s.lower()
            for s in (c["src"], c["dst"], labels.get(c["src"], ""), labels.get(c["dst"], ""))
        ):
            continue
        if (protocol or port is not None) and not _ports_match(c["ports"], protocol, port):
            continue
        out.append(line)
    return out


def filter_pairs(snap: dict, stored, values: dict) -> np.ndarray | None:
    """filter_lines on a netviz.web.store.Stored: the positions of the matching pairs, in order,
    or None when no filter is given. Decided per node and per cell, never per pair."""
    namespaces = set(values.get("ns") or ())
    text = (values.get("q") or "").strip().lower()
    protocol = values.get("protocol") or None
    port = values.get("port")
    if not (namespaces or text or protocol or port is not None):
        return None
    keep = np.ones(len(stored), dtype=bool)
    if namespaces:
        in_ns = np.array(
            [e["namespace"] in namespaces for e in snap.get("endpoints", ())]
            + [False] * len(snap.get("externals", ())),
            dtype=bool,
        )
        keep &= in_ns[stored.src] | in_ns[stored.dst]
    if text:
        labels = endpoint_labels(snap)
        hit = np.array(
            [text in i.lower() or text in labels.get(i, "").lower() for i in stored.ids],
            dtype=bool,
        )
        keep &= hit[stored.src] | hit[stored.dst]
    if protocol or port is not None:
        sets = np.array(
            [_ports_match(rows, protocol, port) for _text, rows in stored.columns["port_sets"]],
            dtype=bool,
        )
        keep &= sets[stored.columns["ports"]][stored.cell]
    return np.flatnonzero(keep)
