"""Turn a diff (from netviz.diff.compare) into text, JSON or Markdown."""

from __future__ import annotations

import json

DIFF_FORMATS = ("text", "json", "md")
_KINDS = ("added", "removed", "changed")


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


def _md(diff: dict) -> str:
    s = diff["summary"]
    lines = [
        "## Connectivity diff",
        "",
        "| | added | removed | changed |",
        "|---|---:|---:|---:|",
    ]
    for section in ("connections", "endpoints", "policies"):
        counts = " | ".join(str(s[f"{section}_{k}"]) for k in _KINDS)
        lines.append(f"| {section} | {counts} |")
    conns = diff["connections"]
    for kind in _KINDS:
        if not conns[kind]:
            continue
        lines += ["", f"### Connections {kind}", ""]
        if kind == "changed":
            lines += ["| source | destination | before | after |", "|---|---|---|---|"]
        else:
            lines += ["| source | destination | ports |", "|---|---|---|"]
        for e in conns[kind]:
            cells = [side_label(e, "src"), side_label(e, "dst")]
            cells += [e["before_text"], e["after_text"]] if kind == "changed" else [e["ports_text"]]
            lines.append("| " + " | ".join(_md_cell(f"`{c}`") for c in cells) + " |")
    for section in ("endpoints", "policies"):
        for kind in _KINDS:
            if diff[section][kind]:
                lines += ["", f"### {section.capitalize()} {kind}", ""]
                lines += [f"- `{i}`" for i in diff[section][kind]]
    return "\n".join(lines) + "\n"


def render_diff(diff: dict, fmt: str = "text") -> str:
    """The diff in one of DIFF_FORMATS."""
    if fmt == "json":
        return json.dumps(diff, indent=2, sort_keys=True) + "\n"
    if fmt == "md":
        return _md(diff)
    if fmt == "text":
        return _text(diff)
    raise ValueError(f"unknown diff format {fmt!r}; choose one of {', '.join(DIFF_FORMATS)}")
