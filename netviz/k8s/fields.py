"""Reading typed fields out of parsed documents, reporting wrong types with field path and line."""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from contextlib import contextmanager

from netviz.k8s.model import Problem, Source

MAX_PROBLEMS_PER_OBJECT = 50


class Reporter:
    """Collects the problems of one object (one document or List item)."""

    def __init__(self, file: str, doc: int, line: int, kind: str | None = None) -> None:
        self.file = file
        self.doc = doc
        self.line = line
        self.kind = kind
        self.namespace: str | None = None
        self.name: str | None = None
        self.problems: list[Problem] = []
        self.errors = 0
        self.entries = 0  # errors that drop only one entry (a port, a container, a label)
        self._entry: list[str] = []

    @property
    def fatal(self) -> int:
        """Errors that make the whole object unusable."""
        return self.errors - self.entries

    @contextmanager
    def entry(self, what: str):
        """Errors inside drop only `what` (e.g. "this port"); the object is kept without it."""
        self._entry.append(what)
        try:
            yield
        finally:
            self._entry.pop()

    def state(self) -> tuple:
        """What the reporter holds after an object was built (netviz.k8s.built keeps it)."""
        return (
            self.kind,
            self.namespace,
            self.name,
            tuple(self.problems),
            self.errors,
            self.entries,
        )

    def restore(self, state: tuple) -> None:
        self.kind, self.namespace, self.name, problems, self.errors, self.entries = state
        self.problems = list(problems)

    def source(self, line: int | None = None) -> Source:
        return Source(self.file, self.doc, line or self.line)

    def _add(self, severity: str, line: int, message: str) -> None:
        if len(self.problems) >= MAX_PROBLEMS_PER_OBJECT:
            # A hostile document could otherwise make one Problem per value.
            if len(self.problems) == MAX_PROBLEMS_PER_OBJECT:
                severity, message = "warning", "more problems in this object are not listed"
            else:
                return
        self.problems.append(
            Problem(severity, message, self.source(line), self.kind, self.namespace, self.name)  # type: ignore[arg-type]
        )

    def error(self, line: int, message: str) -> None:
        self.errors += 1
        if self._entry:
            self.entries += 1
            kind = self.kind or "object"
            message = f"{message}; {self._entry[-1]} is left out, the rest of the {kind} is used"
        self._add("error", line, message)

    def warning(self, line: int, message: str) -> None:
        self._add("warning", line, message)


def line_of(container: object, key: object, default: int) -> int:
    """Line of `container[key]` (a mapping key or list index) where the parser recorded one."""
    lines = getattr(container, "lines", None)
    if isinstance(lines, dict):
        return lines.get(key, default) or default
    if isinstance(lines, list) and isinstance(key, int) and 0 <= key < len(lines):
        return lines[key] or default
    return default


def start_line(value: object, default: int) -> int:
    return getattr(value, "line", 0) or default


def describe(value: object) -> str:
    """Short, plain description of a wrongly typed value."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return f"a boolean ({str(value).lower()})"
    if isinstance(value, int | float):
        return f"a number ({value})"
    if isinstance(value, str):
        shown = value if len(value) <= 40 else value[:37] + "..."
        return f'a string ("{shown}")'
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    return type(value).__name__


def child(path: str, key: str | int) -> str:
    if isinstance(key, int):
        return f"{path}[{key}]"
    return f"{path}.{key}" if path else key


def get_map(obj: dict, key: str, path: str, rep: Reporter, line: int) -> dict | None:
    """obj[key] if it is a mapping; None if missing or null; an error (and None) otherwise."""
    value = obj.get(key)
    if value is None or isinstance(value, dict):
        return value
    rep.error(
        line_of(obj, key, line), f"{child(path, key)}: expected a mapping, got {describe(value)}"
    )
    return None


def get_list(obj: dict, key: str, path: str, rep: Reporter, line: int) -> list | None:
    value = obj.get(key)
    if value is None or isinstance(value, list):
        return value
    rep.error(
        line_of(obj, key, line), f"{child(path, key)}: expected a list, got {describe(value)}"
    )
    return None


def get_str(obj: dict, key: str, path: str, rep: Reporter, line: int) -> str | None:
    value = obj.get(key)
    if value is None or isinstance(value, str):
        return value
    rep.error(
        line_of(obj, key, line), f"{child(path, key)}: expected a string, got {describe(value)}"
    )
    return None


def get_int(obj: dict, key: str, path: str, rep: Reporter, line: int) -> int | None:
    value = obj.get(key)
    if value is None or (isinstance(value, int) and not isinstance(value, bool)):
        return value
    rep.error(
        line_of(obj, key, line), f"{child(path, key)}: expected an integer, got {describe(value)}"
    )
    return None


def get_bool(obj: dict, key: str, path: str, rep: Reporter, line: int) -> bool | None:
    value = obj.get(key)
    if value is None or isinstance(value, bool):
        return value
    rep.error(
        line_of(obj, key, line),
        f"{child(path, key)}: expected true or false, got {describe(value)}",
    )
    return None


def warn_unknown(obj: dict, known: Iterable[str], path: str, rep: Reporter, line: int) -> None:
    """Warn about fields the API would drop: a typo there silently changes what a policy means."""
    known = tuple(known)
    for key in obj:
        if key in known:
            continue
        where = f"in {path}" if path else "at the top level"
        hint = difflib.get_close_matches(str(key), known, n=1, cutoff=0.6)
        suggestion = f' (did you mean "{hint[0]}"?)' if hint else ""
        rep.warning(
            line_of(obj, key, line),
            f'unknown field "{key}" {where}{suggestion}; it is ignored, as the API server would drop it',
        )
