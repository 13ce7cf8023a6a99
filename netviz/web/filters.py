"""Filter a stored snapshot's connections by namespace, text and protocol/port."""

from __future__ import annotations


def endpoint_labels(snap: dict) -> dict[str, str]:
    """Display names: endpoint ids as they are, external ranges by their CIDRs."""
    labels = {e["id"]: e["id"] for e in snap.get("endpoints", ())}
    for x in snap.get("externals", ()):
        cidrs = x["cidrs"]
        labels[x["id"]] = ", ".join(cidrs) if len(cidrs) <= 3 else x["id"]
    return labels


def _ports_match(rows: list[list], protocol: str | None, port: int | None) -> bool:
    return any(
        (not protocol or proto == protocol) and (port is None or start <= port <= end)
        for proto, start, end in rows
    )


def filter_connections(snap: dict, values: dict) -> list[dict]:
    """Connections matching every given filter; an empty filter keeps everything."""
    namespace = values.get("ns") or ""
    text = (values.get("q") or "").strip().lower()
    protocol = values.get("protocol") or None
    port = values.get("port")
    ns_of = {e["id"]: e["namespace"] for e in snap.get("endpoints", ())}
    labels = endpoint_labels(snap)
    out = []
    for c in snap.get("connections", ()):
        if namespace and namespace not in (ns_of.get(c["src"]), ns_of.get(c["dst"])):
            continue
        if text and not any(
            text in s.lower()
            for s in (c["src"], c["dst"], labels.get(c["src"], ""), labels.get(c["dst"], ""))
        ):
            continue
        if (protocol or port is not None) and not _ports_match(c["ports"], protocol, port):
            continue
        out.append(c)
    return out
