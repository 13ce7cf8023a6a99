"""YAML and JSON text → documents of plain dicts and lists that remember their source lines.

Built from libyaml's event stream with an explicit stack, so depth, alias use and expanded size are
counted as we go and hostile input ends in a Problem, never an exception or a blown stack.
"""

from __future__ import annotations

import codecs
import json
import re
import threading
from collections import OrderedDict
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field

import yaml
from yaml.events import (
    AliasEvent,
    DocumentEndEvent,
    DocumentStartEvent,
    MappingEndEvent,
    MappingStartEvent,
    ScalarEvent,
    SequenceEndEvent,
    SequenceStartEvent,
    StreamEndEvent,
)
from yaml.nodes import ScalarNode

try:
    from yaml import CSafeLoader as _Loader

    HAVE_LIBYAML = True
except ImportError:  # pragma: no cover - depends on how PyYAML was built
    from yaml import SafeLoader as _Loader  # type: ignore[assignment]

    HAVE_LIBYAML = False


class LMap(dict):
    """A mapping with `line` (where it starts) and `lines` (key → line of that key)."""

    __slots__ = ("line", "lines")

    def __init__(self, line: int = 0) -> None:
        super().__init__()
        self.line = line
        self.lines: dict = {}


class LList(list):
    """A list with `line` (where it starts) and `lines` (index → line of that item)."""

    __slots__ = ("line", "lines")

    def __init__(self, line: int = 0) -> None:
        super().__init__()
        self.line = line
        self.lines: list[int] = []


@dataclass
class Doc:
    """One document of a file. `value` is None for an empty document (or one that failed)."""

    index: int
    line: int
    value: object = None
    first_line: int = 0  # source lines first_line..last_line hold the document's content
    last_line: int = 0
    problems: list[tuple[str, int, str]] = field(default_factory=list)  # (severity, line, message)
    rejected: bool = False  # the API server would refuse it (duplicate keys): value stays None


@dataclass
class Budget:
    """Limits that span one file (aliases) or one document (nodes, depth)."""

    max_aliases: int
    max_depth: int
    max_nodes: int
    max_documents: int = 1_000_000  # documents per file, empty ones included
    aliases_used: int = 0
    documents_seen: int = 0  # by the last parse, empty ones included


class _Abort(Exception):
    """The current document breaks a limit or is malformed; it is dropped with this message."""

    def __init__(self, line: int, message: str) -> None:
        super().__init__(message)
        self.line = line
        self.message = message


_MERGE = object()  # a `<<` key
_RESOLVERS = yaml.resolver.Resolver.yaml_implicit_resolvers
_CONSTRUCTOR = yaml.constructor.SafeConstructor()
_BOOLS = yaml.constructor.SafeConstructor.bool_values
_TAG = "tag:yaml.org,2002:"
_MAX_SYNTAX_ERRORS = 100
_MAX_DOC_PROBLEMS = 50
# Line breaks as libyaml counts them, so that our line numbers and its marks agree.
LINE_BREAK = re.compile("\r\n|[\r\n\x85\u2028\u2029]")
_DOC_SEPARATOR = re.compile("(?:^|(?<=[\r\n\x85\u2028\u2029]))---(?=[ \t\r\n\x85\u2028\u2029]|\\Z)")


def _convert(tag: str, value: str) -> object:
    if tag == _TAG + "null":
        return None
    if tag == _TAG + "bool":
        return _BOOLS.get(value.lower(), value)
    if tag == _TAG + "int":
        if value.isdigit() and (value[0] != "0" or value == "0"):
            return int(value)  # the common case, without the constructor's overhead
        return _CONSTRUCTOR.construct_yaml_int(ScalarNode(tag, value))
    if tag == _TAG + "float":
        return _CONSTRUCTOR.construct_yaml_float(ScalarNode(tag, value))
    if tag == _TAG + "merge":
        return _MERGE
    # Timestamps, binary and `=` stay text: Kubernetes reads these fields as strings.
    return value


def _resolve_yaml(ev: ScalarEvent) -> object:
    tag = ev.tag
    value = ev.value
    if tag is None or tag == "!":
        if ev.style or not ev.implicit[0]:
            return value
        for res_tag, regexp in _RESOLVERS.get(value[:1], ()):
            if regexp.match(value):
                return _convert(res_tag, value)
        return value
    if tag in (_TAG + "null", _TAG + "bool", _TAG + "int", _TAG + "float"):
        try:
            return _convert(tag, value)
        except (ValueError, TypeError):
            return value
    return value


def _resolve_json(ev: ScalarEvent) -> object:
    if ev.style or not ev.implicit[0]:
        return ev.value
    try:
        return json.loads(ev.value)
    except ValueError:
        return ev.value


def decode(data: bytes | str) -> tuple[str | None, str, int]:
    """(text, "", 0), or (None, reason, line). UTF-8 with or without BOM, BOM-marked UTF-16/32."""
    if isinstance(data, str):
        text = data
    else:
        try:
            if data.startswith((codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE)):
                text = data.decode("utf-32")
            elif data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
                text = data.decode("utf-16")
            else:
                text = data.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            line = data.count(b"\n", 0, exc.start) + 1
            return None, "not UTF-8 text (is this a binary file?)", line
    if "\x00" in text:
        line = text.count("\n", 0, text.index("\x00")) + 1
        return None, "contains NUL characters (is this a binary file?)", line
    try:
        text.encode("utf-8")
    except UnicodeEncodeError as exc:
        line = text.count("\n", 0, exc.start) + 1
        return None, "contains characters that cannot be encoded (lone surrogates)", line
    return text, "", 0


class _Frame:
    __slots__ = (
        "container",
        "key",
        "key_line",
        "anchor",
        "start_nodes",
        "merges",
        "bad_key",
        "flow",
        "joint",
        "items",
    )

    def __init__(self, container, anchor, start_nodes, flow, root=False):
        self.container = container
        self.key = None  # pending mapping key; None = expecting a key
        self.key_line = 0
        self.anchor = anchor
        self.start_nodes = start_nodes
        self.merges: list = []
        self.bad_key = False
        self.flow = flow
        # The document's top mapping: line where the last "joined without ---" was reported (0 =
        # none yet), or None for any other mapping.
        self.joint: int | None = 0 if root else None
        self.items = False  # the `items` list of a top mapping: each item gets its own budget


class _Builder:
    """Turns the events of one chunk of text into Docs; `line_offset` maps chunk lines to file lines."""

    def __init__(self, budget: Budget, json_mode: bool, line_offset: int, doc_base: int) -> None:
        self.budget = budget
        self.resolve = _resolve_json if json_mode else _resolve_yaml
        self.offset = line_offset
        self.doc_index = doc_base
        self.docs: list[Doc] = []
        self.current: Doc | None = None
        self.truncated = 0  # line where reading stopped at budget.max_documents

    def run(self, get_event) -> None:
        budget = self.budget
        max_depth, max_nodes = budget.max_depth, budget.max_nodes
        offset = self.offset
        resolve = self.resolve
        stack: list[_Frame] = []
        anchors: dict[str, tuple[object, int]] = {}
        nodes = last_line = 0
        skipping = done = False
        doc: Doc | None = None
        root: list = []
        top: _Frame | None = None
        top_map = False
        while not done:
            try:
                while True:
                    ev = get_event()
                    cls = ev.__class__
                    if skipping and cls is not DocumentEndEvent and cls is not StreamEndEvent:
                        continue
                    if cls is ScalarEvent:
                        nodes += 1
                        line = ev.start_mark.line + 1 + offset
                        if nodes > max_nodes:
                            raise _Abort(line, f"has more than {max_nodes} values")
                        end = ev.end_mark
                        last_line = end.line + offset + (1 if end.column else 0)
                        if top_map and top.key is None:
                            value = ev.value
                            top.key = (
                                _MERGE
                                if value == "<<" and not ev.style and ev.tag is None
                                else value
                            )
                            top.key_line = line
                            if ev.anchor:
                                anchors[ev.anchor] = (value, 1)
                            continue
                        value = ev.value
                        if ev.tag is not None or (not ev.style and value[:1] in _RESOLVERS):
                            value = resolve(ev)
                        if ev.anchor:
                            anchors[ev.anchor] = (value, 1)
                        if top_map:
                            self._put(top, doc, value)
                        elif top is not None:
                            top.container.append(value)
                            top.container.lines.append(line)
                        elif not root:
                            root.append(value)
                            doc.first_line = doc.line = line
                    elif cls is MappingStartEvent or cls is SequenceStartEvent:
                        nodes += 1
                        line = ev.start_mark.line + 1 + offset
                        if len(stack) >= max_depth:
                            raise _Abort(line, f"nested more than {max_depth} levels deep")
                        if nodes > max_nodes:
                            raise _Abort(line, f"has more than {max_nodes} values")
                        container = LMap(line) if cls is MappingStartEvent else LList(line)
                        items_list = False
                        if top_map and top.key is None:
                            # A mapping or list used as a key: Kubernetes objects never do this.
                            top.bad_key = True
                            top.key = ""
                            top.key_line = line
                            doc.problems.append(
                                ("error", line, "a mapping key is not a plain value")
                            )
                        elif top_map:
                            items_list = top.joint is not None and top.key == "items"
                            self._put(top, doc, container)
                        elif top is not None:
                            if top.items:
                                # Each item of a List has the value budget of a document: what
                                # `kubectl get -o yaml` prints for a whole cluster is one document.
                                nodes = 1
                            top.container.append(container)
                            top.container.lines.append(line)
                        elif not root:
                            root.append(container)
                            doc.first_line = doc.line = line
                        top = _Frame(container, ev.anchor, nodes, bool(ev.flow_style), not stack)
                        top.items = items_list and cls is SequenceStartEvent
                        top_map = cls is MappingStartEvent
                        stack.append(top)
                    elif cls is MappingEndEvent or cls is SequenceEndEvent:
                        frame = stack.pop()
                        if frame.flow:
                            end = ev.end_mark
                            last_line = end.line + offset + (1 if end.column else 0)
                        if frame.merges:
                            self._merge(frame, doc)
                        if frame.anchor:
                            size = max(1, nodes - frame.start_nodes + 1)
                            anchors[frame.anchor] = (frame.container, size)
                        top = stack[-1] if stack else None
                        top_map = top is not None and isinstance(top.container, dict)
                    elif cls is AliasEvent:
                        line = ev.start_mark.line + 1 + offset
                        end = ev.end_mark
                        last_line = end.line + offset + (1 if end.column else 0)
                        budget.aliases_used += 1
                        if budget.aliases_used > budget.max_aliases:
                            raise _Abort(line, f"uses more than {budget.max_aliases} YAML aliases")
                        target = anchors.get(ev.anchor)
                        if target is None:
                            raise _Abort(
                                line, f"uses alias *{ev.anchor}, which has no anchor before it"
                            )
                        value, size = target
                        nodes += size
                        if nodes > max_nodes:
                            raise _Abort(
                                line, f"expands to more than {max_nodes} values (alias bomb?)"
                            )
                        if top_map and top.key is None:
                            if isinstance(value, dict | list):
                                raise _Abort(line, "has a mapping key that is not a plain value")
                            top.key = value if isinstance(value, str) else str(value)
                            top.key_line = line
                        elif top_map:
                            self._put(top, doc, value)
                        elif top is not None:
                            top.container.append(value)
                            top.container.lines.append(line)
                        elif not root:
                            root.append(value)
                            doc.first_line = doc.line = line
                    elif cls is DocumentStartEvent:
                        self.doc_index += 1
                        if self.doc_index > budget.max_documents:
                            # Even empty documents cost memory: stop rather than pile them up.
                            self.truncated = ev.start_mark.line + 1 + offset
                            return
                        doc = Doc(self.doc_index, ev.start_mark.line + 1 + offset)
                        self.current = doc
                        stack, anchors, root = [], {}, []
                        nodes = last_line = 0
                        skipping = top_map = False
                        top = None
                    elif cls is DocumentEndEvent:
                        if doc is not None:
                            if not skipping and root and not doc.rejected:
                                doc.value = root[0]
                                doc.last_line = max(last_line, doc.first_line)
                            self.docs.append(doc)
                        doc = self.current = None
                        skipping = False
                    elif cls is StreamEndEvent:
                        done = True
                        break
            except _Abort as exc:
                doc.problems.append(("error", exc.line, f"document {exc.message}; it is not used"))
                skipping = True
                root, stack, top, top_map = [], [], None, False

    @staticmethod
    def _put(frame: _Frame, doc: Doc, value: object) -> None:
        container = frame.container
        key = frame.key
        frame.key = None
        if frame.bad_key:
            frame.bad_key = False
            return
        if key is _MERGE:
            frame.merges.append((value, frame.key_line))
            return
        if key in container:
            _duplicate(frame, doc, key)
        container[key] = value
        container.lines[key] = frame.key_line

    @staticmethod
    def _merge(frame: _Frame, doc: Doc) -> None:
        # YAML merge keys: explicit keys win, then earlier merged mappings over later ones.
        target = frame.container
        for value, line in frame.merges:
            sources = value if isinstance(value, list) else [value]
            for src in sources:
                if not isinstance(src, dict):
                    doc.problems.append(("error", line, "`<<` must merge a mapping"))
                    continue
                for k, v in src.items():
                    if k not in target:
                        target[k] = v
                        target.lines[k] = getattr(src, "lines", {}).get(k, line)


_OBJECT_KEYS = ("apiVersion", "kind", "metadata")


def _duplicate(frame: _Frame, doc: Doc, key: object) -> None:
    """A duplicate mapping key: the API server's strict decoding refuses the object, so do we.

    At the top of a document, a second apiVersion, kind or metadata almost always means two
    manifests were concatenated without `---` (`cat *.yaml`): said once per joint, not per key.
    """
    doc.rejected = True
    first = frame.container.lines[key]
    line = frame.key_line
    if frame.joint is not None:
        if first < frame.joint:
            return  # a later key of a joint already reported
        if key in _OBJECT_KEYS:
            frame.joint = line
            message = (
                f'duplicate key "{key}" at the top of the document (first at line {first}): two '
                f"documents joined without `---`? Put a line `---` before the manifest that "
                f"starts near line {line}; the joined document is not used"
            )
            if len(doc.problems) < _MAX_DOC_PROBLEMS:
                doc.problems.append(("error", line, message))
            return
    if len(doc.problems) < _MAX_DOC_PROBLEMS:
        doc.problems.append(
            (
                "error",
                line,
                f'duplicate key "{key}" (first at line {first}): the API server refuses '
                "duplicate fields, so the document is not used",
            )
        )


def _yaml_error_line(exc: yaml.YAMLError) -> int:
    mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
    return mark.line + 1 if mark is not None else 0


def _yaml_error_text(exc: yaml.YAMLError) -> str:
    parts = [getattr(exc, "context", None), getattr(exc, "problem", None)]
    text = ", ".join(p for p in parts if p)
    return text or str(exc).splitlines()[0]


class ParseMemo:
    """parse_text() results kept by text and limits, at most `size` of them (least recently used
    go first): a draft re-read on each keystroke parses only the file being edited. The documents
    are shared between readers, which only read them."""

    def __init__(self, size: int) -> None:
        self.size = size
        self._items: OrderedDict[tuple, tuple[list[Doc], list, int, int, int]] = OrderedDict()
        self._lock = threading.Lock()

    def parse(self, text: str, budget: Budget, json_mode: bool) -> tuple[list[Doc], list]:
        # The documents a file may still have (what the files before it left of the input's
        # limit) is not in the key: a parse that stopped short of its limit is the same under
        # any limit at least as high as the documents it saw.
        limits = (budget.max_aliases, budget.max_depth, budget.max_nodes)
        key = (text, json_mode, limits, budget.aliases_used)
        cap = budget.max_documents
        with self._lock:
            found = self._items.get(key)
            # Kept as (docs, errors, aliases used, limit, documents seen); seen over the limit
            # means it stopped there, and is the same only under the same limit.
            if found is not None and (found[3] == cap or found[4] <= min(found[3], cap)):
                self._items.move_to_end(key)
            else:
                found = None
        if found is None:
            docs, errors = _parse_text(text, budget, json_mode)
            found = (docs, errors, budget.aliases_used, cap, budget.documents_seen)
            with self._lock:
                self._items[key] = found
                while len(self._items) > self.size:
                    self._items.popitem(last=False)
        else:
            budget.aliases_used, budget.documents_seen = found[2], found[4]
        return list(found[0]), list(found[1])


_memo: ContextVar[ParseMemo | None] = ContextVar("netviz_parse_memo", default=None)


@contextmanager
def parses_kept(memo: ParseMemo) -> Iterator[None]:
    """parse_text() answers from `memo` in this block (this thread or task only)."""
    token = _memo.set(memo)
    try:
        yield
    finally:
        _memo.reset(token)


def parse_text(
    text: str, budget: Budget, json_mode: bool = False
) -> tuple[list[Doc], list[tuple[int, int, str]]]:
    """Documents of `text`, and syntax errors as (doc index, line, message); from the ParseMemo
    of an enclosing parses_kept() when there is one."""
    memo = _memo.get()
    if memo is not None:
        return memo.parse(text, budget, json_mode)
    return _parse_text(text, budget, json_mode)


def _parse_text(
    text: str, budget: Budget, json_mode: bool = False
) -> tuple[list[Doc], list[tuple[int, int, str]]]:
    """Documents of `text`, and syntax errors as (doc index, line, message).

    After a syntax error, reading resumes at the next `---` line so one broken document does not
    hide the rest of the file.
    """
    docs: list[Doc] = []
    errors: list[tuple[int, int, str]] = []
    offset = 0  # lines before the chunk
    pos = 0  # characters before the chunk
    doc_base = 0
    while True:
        builder = _Builder(budget, json_mode, offset, doc_base)
        try:
            loader = _Loader(text[pos:] if pos else text)
            try:
                builder.run(loader.get_event)
            finally:
                loader.dispose()
            docs.extend(builder.docs)
            budget.documents_seen = builder.doc_index
            if builder.truncated:
                message = f"more than {budget.max_documents} documents: the rest is not read"
                errors.append((builder.doc_index, builder.truncated, message))
            return docs, errors
        except yaml.YAMLError as exc:
            docs.extend(builder.docs)
            budget.documents_seen = builder.doc_index
            line = _yaml_error_line(exc) + offset
            index = builder.current.index if builder.current else builder.doc_index + 1
            errors.append((index, line, f"YAML syntax error: {_yaml_error_text(exc)}"))
            if len(errors) >= _MAX_SYNTAX_ERRORS:
                errors.append(
                    (index, line, "too many syntax errors; the rest of the file is not read")
                )
                return docs, errors
            resume = _next_separator(text, pos, line - offset)
            if resume is None:
                return docs, errors
            pos = resume
            offset = len(LINE_BREAK.findall(text, 0, pos))
            doc_base = index


def _next_separator(text: str, pos: int, lines: int) -> int | None:
    """Position of the first `---` line from line `lines` (1-based) after `pos`, never `pos` itself."""
    start = pos
    if lines > 1:
        for count, match in enumerate(LINE_BREAK.finditer(text, pos), start=2):
            pos = match.end()
            if count == lines:
                break
        else:
            return None
    # The error is often reported at the `---` that starts the next document: resume right there.
    match = _DOC_SEPARATOR.search(text, pos)
    if match and match.start() == start:
        match = _DOC_SEPARATOR.search(text, start + 1)
    return match.start() if match else None


def from_plain(value: object, line: int = 1, depth: int = 0, max_depth: int = 64) -> object:
    """Wrap json.loads output in LMap/LList with every line set to `line`."""
    if depth > max_depth:
        raise _Abort(line, f"nested more than {max_depth} levels deep")
    if isinstance(value, dict):
        out = LMap(line)
        for k, v in value.items():
            out[k] = from_plain(v, line, depth + 1, max_depth)
            out.lines[k] = line
        return out
    if isinstance(value, list):
        out_list = LList(line)
        for v in value:
            out_list.append(from_plain(v, line, depth + 1, max_depth))
            out_list.lines.append(line)
        return out_list
    return value


class _DuplicateKey(ValueError):
    pass


def _unique_keys(pairs: list) -> dict:
    out = dict(pairs)
    if len(out) != len(pairs):
        seen: set = set()
        for key, _ in pairs:
            if key in seen:
                raise _DuplicateKey(key)
            seen.add(key)
    return out


def parse_json_fallback(text: str, budget: Budget) -> tuple[list[Doc], list[tuple[int, int, str]]]:
    """A JSON file libyaml could not read: json.loads it, every line being 1."""
    try:
        value = json.loads(text, object_pairs_hook=_unique_keys)
    except _DuplicateKey as exc:
        message = f'duplicate key "{exc.args[0]}": the API server refuses duplicate fields'
        return [], [(1, 1, message + ", so the document is not used")]
    except json.JSONDecodeError as exc:
        return [], [(1, exc.lineno, f"JSON syntax error: {exc.msg}")]
    except (ValueError, RecursionError):
        return [], [(1, 1, "JSON could not be read (too deeply nested?)")]
    doc = Doc(1, 1, first_line=1, last_line=text.count("\n") + 1)
    try:
        doc.value = from_plain(value, 1, 0, budget.max_depth)
    except _Abort as exc:
        doc.problems.append(("error", exc.line, f"document {exc.message}; it is not used"))
    return [doc], []
