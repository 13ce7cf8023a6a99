"""Filter a revision's stored connection lines by namespace, text and protocol/port.

Lines are decoded only when a cheap substring test cannot rule them out, so an unfiltered page of
a large cluster decodes just the rows it shows.
"""

from __future__ import annotations

import json

import numpy as np

from netviz.engine import protocols
from netviz.engine.ports import MAX_PORT, MIN_PORT
from netviz.k8s.model import PROTOCOLS
from netviz.web.models import decode_connection

FILTER_KEYS = ("ns", "q", "protocol", "port")
# Offered where the revision models the other protocols (its snapshot has a "universe").
OTHER_PROTOCOLS = ("ICMP", "ICMPv6", "UDPLite")


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


def asked_rows(protocol: str | None, port: int | None) -> list[tuple[str, int, int]]:
    """The port rows a protocol/port filter asks about: that port (or every port) of TCP, UDP
    and SCTP or of the one named; ICMP, ICMPv6, UDPLite as their values (docs/protocols.md),
    of ICMP and ICMPv6 with `port` as the ICMP type. Never the other protocols for a port alone."""
    if protocol in OTHER_PROTOCOLS:
        number = protocols.number_of(protocol)
        if port is None:
            return [(protocols.IP, *protocols.block(number))]
        return [(protocols.IP, *protocols.icmp_range(number, port, None))]
    lo, hi = (port, port) if port is not None else (MIN_PORT, MAX_PORT)
    return [(p, lo, hi) for p in ([protocol] if protocol else PROTOCOLS)]


def valid_port(protocol: str | None, port: int | None) -> int | None:
    """`port` if it makes sense with `protocol` (1-65535; an ICMP type 0-255; none for
    UDPLite), else None: an invalid value is dropped, never an error."""
    if port is None or protocol == "UDPLite":
        return None
    if protocol in ("ICMP", "ICMPv6"):
        return port if 0 <= port <= 255 else None
    return port if MIN_PORT <= port <= MAX_PORT else None


def _ports_match(rows: list[list], protocol: str | None, port: int | None) -> bool:
    wanted = asked_rows(protocol, port)
    return any(
        proto == p and start <= hi and lo <= end
        for proto, start, end in rows
        for p, lo, hi in wanted
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
