"""A draft's changed files as one zip: every changed or added file under its own name, and
`DELETED.txt` listing the files the draft deletes. Built in memory, byte for byte the same for
the same draft (fixed timestamps and modes, names sorted).

The names come from the browser and are treated as hostile: folders are kept as paths inside
the zip, but never absolute, never with `..`, `.` or empty segments, drive letters or control
characters (`safe_member`)."""

from __future__ import annotations

import io
import zipfile
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # no Django needed to build a zip
    from netviz.web.services import Upload

DELETED_NAME = "DELETED.txt"
# The earliest time a zip can hold: no clock in the bytes.
EPOCH = (1980, 1, 1, 0, 0, 0)


def _printable(text: str) -> str:
    """`text` without control characters (so a name can neither make two lines nor hide)."""
    return "".join(ch for ch in text if ch.isprintable())


def safe_member(name: str, fallback: str) -> str:
    """`name` as a relative path that stays inside the folder it is unpacked in: backslashes
    read as folders, leading `/` and drive letters (`C:`) dropped, `.`, `..` and empty segments
    dropped, control characters removed. `fallback` when nothing is left."""
    parts = []
    for part in name.replace("\\", "/").split("/"):
        part = _printable(part).strip()
        if len(part) == 2 and part[1] == ":" and not parts:
            continue  # a drive letter, "C:"
        if part.strip("."):
            parts.append(part[:255])
    return "/".join(parts) or fallback


def _unique(name: str, taken: set[str]) -> str:
    """`name`, or `stem-2.ext`, `stem-3.ext` … when a member of that name is already there."""
    if name not in taken:
        return name
    head, dot, ext = name.rpartition(".")
    if "/" in ext or not head or head.endswith("/"):  # no extension: "Makefile", "a/.env"
        head, dot, ext = name, "", ""
    n = 2
    while f"{head}-{n}{dot}{ext}" in taken:
        n += 1
    return f"{head}-{n}{dot}{ext}"


def _member(name: str, content: bytes) -> tuple[zipfile.ZipInfo, bytes]:
    info = zipfile.ZipInfo(name, date_time=EPOCH)
    info.compress_type = zipfile.ZIP_DEFLATED
    info.external_attr = 0o644 << 16  # rw-r--r--, a regular file
    info.create_system = 3  # Unix, so unzip reads the mode the same on every server
    return info, content


def draft_zip(files: list[Upload], changed: list[str]) -> bytes:
    """The zip of the draft whose files are `files` (as netviz.web.drafts.draft_files gives
    them) with `changed` names changed, added or deleted (a changed name not in `files`). Two
    names that end up the same member are told apart as `name-2.yaml`."""
    by_name = {f.name: f.content for f in files}
    kept = sorted(n for n in changed if n in by_name)
    deleted = sorted(n for n in changed if n not in by_name)
    taken = {DELETED_NAME} if deleted else set()
    entries = []
    for i, name in enumerate(kept):
        member = _unique(safe_member(name, f"file-{i + 1}.yaml"), taken)
        taken.add(member)
        entries.append(_member(member, by_name[name]))
    if deleted:
        # One name a line, as given (less control characters).
        listing = "".join(_printable(n) + "\n" for n in deleted)
        entries.append(_member(DELETED_NAME, listing.encode("utf-8")))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for info, content in sorted(entries, key=lambda e: e[0].filename):
            archive.writestr(info, content)
    return out.getvalue()


__all__ = ["DELETED_NAME", "draft_zip", "safe_member"]
