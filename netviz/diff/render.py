"""Turn a diff (from netviz.diff.compare) into text, JSON or Markdown."""

from __future__ import annotations

import json
import re

DIFF_FORMATS = ("text", "json", "md")
_KINDS = ("added", "removed", "changed")
_WORKLOAD_ID = re.compile(r"^([^/]*)/(.*)\[([^\]]*)\]$")


def side_label(entry: dict, side: str) -> str:
    """An endpoint id, or an external range by its CIDRs when there are only a few."""
    cidrs = entry.get(f"{side}_cidrs")
    if cidrs and len(cidrs) <= 3:
        return ", ".join(cidrs)
    return entry[side]


def _change_text(entry: dict) -> str:
    parts = []
    if entry["gained"]:
        parts.append(f"gained {entry['gained_text']}")
    if entry["lost"]:
        parts.append(f"lost {entry['lost_text']}")
    return f"{entry['before_text']} => {entry['after_text']} ({'; '.join(parts)})"


def _counts_line(diff: dict, section: str) -> str:
    s = diff["summary"]
    return ", ".join(f"{s[f'{section}_{k}']} {k}" for k in _KINDS)


def _text(diff: dict) -> str:
    lines = [
        f"Connections: {_counts_line(diff, 'connections')}",
        f"Endpoints: {_counts_line(diff, 'endpoints')}",
        f"Policies: {_counts_line(diff, 'policies')}",
    ]
    conns = diff["connections"]
    for kind, mark in (("added", "+"), ("removed", "-"), ("changed", "~")):
        if conns[kind]:
            lines += ["", f"Connections {kind}:"]
        for e in conns[kind]:
            what = _change_text(e) if kind == "changed" else e["ports_text"]
            lines.append(f"  {mark} {side_label(e, 'src')} -> {side_label(e, 'dst')}  {what}")
    for section in ("endpoints", "policies"):
        for kind in _KINDS:
            if diff[section][kind]:
                lines += ["", f"{section.capitalize()} {kind}:"]
                lines += [f"  {i}" for i in diff[section][kind]]
    return "\n".join(lines) + "\n"


def _md_cell(text: str) -> str:
    return text.replace("|", "\\|")


def _slug(endpoint_id: str) -> str:
    """The review's URL slug of an id (as netviz.web.edges.slug): `ns/name[Kind]` → `ns~name~Kind`."""
    m = _WORKLOAD_ID.match(endpoint_id)
    return f"{m.group(1)}~{m.group(2)}~{m.group(3)}" if m else endpoint_id


def _md_rows(entries: list, limit: int | None) -> tuple[list, int]:
    if limit is None or len(entries) <= limit:
        return entries, 0
    return entries[:limit], len(entries) - limit


def _md(diff: dict, base_url: str | None = None, limit: int | None = None) -> str:
    """A pull-request comment: the summary table first, then each list folded in <details>.

    `base_url` (a review's page) links the review and each pair's explanation; `limit` cuts
    each list after that many rows and says how many more there are.
    """
    s = diff["summary"]
    base = base_url.rstrip("/") + "/" if base_url else None
    lines = ["## Connectivity diff", ""]
    if base:
        lines += [f"[Open the review in netviz]({base})", ""]
    lines += ["| | added | removed | changed |", "|---|---:|---:|---:|"]
    for section in ("connections", "endpoints", "policies"):
        counts = " | ".join(str(s[f"{section}_{k}"]) for k in _KINDS)
        lines.append(f"| {section} | {counts} |")
    conns = diff["connections"]
    gone = set(diff["endpoints"]["removed"])  # the review has no page for a pair with these
    for kind in _KINDS:
        if not conns[kind]:
            continue
        lines += ["", "<details>", f"<summary>Connections {kind} ({len(conns[kind])})</summary>"]
        lines += ["", f"### Connections {kind}", ""]
        if kind == "changed":
            lines += ["| source | destination | before | after |", "|---|---|---|---|"]
        else:
            lines += ["| source | destination | ports |", "|---|---|---|"]
        shown, more = _md_rows(conns[kind], limit)
        for e in shown:
            cells = [side_label(e, "src"), side_label(e, "dst")]
            cells += [e["before_text"], e["after_text"]] if kind == "changed" else [e["ports_text"]]
            row = [_md_cell(f"`{c}`") for c in cells]
            if base and not gone & {e["src"], e["dst"]}:
                row[0] = f"[{row[0]}]({base}edge/{_slug(e['src'])}/{_slug(e['dst'])}/)"
            lines.append("| " + " | ".join(row) + " |")
        if more:
            lines += ["", f"… and {more} more (`netviz diff --format json` lists them all)"]
        lines += ["", "</details>"]
    for section in ("endpoints", "policies"):
        for kind in _KINDS:
            items = diff[section][kind]
            if items:
                title = f"{section.capitalize()} {kind}"
                lines += ["", "<details>", f"<summary>{title} ({len(items)})</summary>"]
                lines += ["", f"### {title}", ""]
                shown, more = _md_rows(items, limit)
                lines += [f"- `{i}`" for i in shown]
                if more:
                    lines.append(f"- … and {more} more")
                lines += ["", "</details>"]
    return "\n".join(lines) + "\n"


def render_diff(
    diff: dict, fmt: str = "text", base_url: str | None = None, limit: int | None = None
) -> str:
    """The diff in one of DIFF_FORMATS; `base_url` and `limit` shape the md (see _md)."""
    if fmt == "json":
        return json.dumps(diff, indent=2, sort_keys=True) + "\n"
    if fmt == "md":
        return _md(diff, base_url, limit)
    if fmt == "text":
        return _text(diff)
    raise ValueError(f"unknown diff format {fmt!r}; choose one of {', '.join(DIFF_FORMATS)}")
