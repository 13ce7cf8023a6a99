"""Read manifests from paths or uploaded texts into a Cluster; never raises, reports Problems instead."""

from __future__ import annotations

import gc
import os
import sys
from contextlib import contextmanager
from dataclasses import dataclass

from netviz.k8s import builders
from netviz.k8s.model import Cluster, Problem, Source
from netviz.k8s.objects import ObjectReader, SourceText
from netviz.k8s.yamlsrc import (
    HAVE_LIBYAML,
    Budget,
    decode,
    parse_json_fallback,
    parse_text,
)

EXTENSIONS = (".yaml", ".yml", ".json")
STDIN = "<stdin>"
_MB = 1024 * 1024  # as the NETVIZ_MAX_UPLOAD_MB setting counts them


@dataclass(frozen=True)
class Limits:
    """Bounds on what is read; going over one is an error Problem, never an exception."""

    max_total_bytes: int = 20 * 1024 * 1024
    max_documents: int = 20_000
    max_aliases: int = 100  # YAML alias uses per file (alias bombs)
    max_depth: int = 64  # nesting depth
    max_nodes_per_document: int = 200_000


def load_paths(paths: list[str], limits: Limits | None = None, pods: bool = False) -> Cluster:
    """Files, directories (recursive .yaml/.yml/.json, sorted, hidden ones skipped), "-" for stdin.

    `pods`: every Pod is an endpoint of its own instead of being folded into its workload.
    """
    reader = _Reader(limits or Limits(), pods)
    with _no_gc():
        for path in paths:
            try:
                reader.add_path(path)
            except Exception as exc:  # noqa: BLE001 - hostile input must not crash the caller
                reader.file_problem(path, 0, f"could not be read: {type(exc).__name__}: {exc}")
        return reader.finish()


def load_texts(
    files: list[tuple[str, bytes | str]], limits: Limits | None = None, pods: bool = False
) -> Cluster:
    """Named texts, e.g. uploads: [(file name, bytes or str), ...]; `pods` as in load_paths."""
    reader = _Reader(limits or Limits(), pods)
    with _no_gc():
        for name, data in files:
            reader.add_text(name, data)
        return reader.finish()


@contextmanager
def _no_gc():
    """Pause the cycle collector: the parsed trees have no cycles, and with millions of young
    objects its repeated full passes cost more than the parsing itself."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


class _Reader(ObjectReader):
    """Files, directories and texts into documents, each handed to ObjectReader."""

    def __init__(self, limits: Limits, pods: bool = False) -> None:
        super().__init__(limits, pods)
        self.total_bytes = 0
        self.warned_parser = False

    # -- files -------------------------------------------------------------------------------

    def _remaining(self) -> int:
        return self.limits.max_total_bytes - self.total_bytes

    def _too_big(self, file: str, size: int | None = None) -> None:
        limit = self.limits.max_total_bytes
        shown = f" ({size / _MB:.1f} MB)" if size is not None else ""
        self.file_problem(
            file,
            0,
            f"not read: the input{shown} is over the {limit / _MB:g} MB limit for all files",
        )

    def add_path(self, path: str) -> None:
        if path == "-":
            stream = getattr(sys.stdin, "buffer", sys.stdin)
            data = stream.read(self._remaining() + 1)
            self._add_bounded(STDIN, data)
            return
        if os.path.isdir(path):
            for file in self._walk(path):
                self.add_file(file)
            return
        self.add_file(path)

    def _walk(self, top: str) -> list[str]:
        found: list[str] = []

        def on_error(exc: OSError) -> None:
            self.file_problem(exc.filename or top, 0, f"cannot read: {exc.strerror or exc}")

        for root, dirs, files in os.walk(top, onerror=on_error):
            dirs[:] = sorted(d for d in dirs if not d.startswith("."))
            chart = next((n for n in files if builders.is_chart(n)), None)
            if chart is not None:
                # A Helm chart: its templates are not manifests until rendered.
                path = os.path.join(root, chart)
                self.file_problem(path, 0, builders.chart_message(path))
                dirs[:] = []
                continue
            for name in sorted(files):
                if not name.startswith(".") and name.lower().endswith(EXTENSIONS):
                    found.append(os.path.join(root, name))
        # Lexical order by path components, as `kubectl apply -R` walks: a.yaml, b/x.yaml, c.yaml.
        return sorted(found, key=lambda p: os.path.relpath(p, top).split(os.sep))

    def add_file(self, path: str) -> None:
        try:
            size = os.stat(path).st_size
            if size > self._remaining():
                self._too_big(path, size)
                return
            with open(path, "rb") as fh:
                # Read at most one byte past the limit: the size may lie (special files, growth).
                data = fh.read(self._remaining() + 1)
        except OSError as exc:
            self.file_problem(path, 0, f"cannot read: {exc.strerror or exc}")
            return
        self._add_bounded(path, data)

    def _add_bounded(self, name: str, data: bytes | str) -> None:
        if len(data) > self._remaining():
            self._too_big(name)
            return
        self.add_text(name, data)

    def add_text(self, name: str, data: bytes | str) -> None:
        try:
            self._add_text(name, data)
        except Exception as exc:  # noqa: BLE001 - the last guard: never raise on any input
            self.file_problem(name, 0, f"could not be read: {type(exc).__name__}: {exc}")

    def _add_text(self, name: str, data: bytes | str) -> None:
        if not isinstance(data, bytes | str):
            self.file_problem(name, 0, f"not text: got {type(data).__name__}")
            return
        size = len(data) if isinstance(data, bytes) else len(data.encode("utf-8", "surrogatepass"))
        if size > self._remaining():
            self._too_big(name, size)
            return
        self.total_bytes += size
        if self.full:
            return
        text, reason, line = decode(data)
        if text is None:
            self.file_problem(name, line, f"not read: {reason}")
            return
        if builders.is_chart(name):
            self.file_problem(name, 0, builders.chart_message(name))
            return
        helm_line = builders.helm_action_line(text)
        if helm_line:
            self.file_problem(name, helm_line, builders.helm_template_message(name, helm_line), 1)
            return
        if not HAVE_LIBYAML and not self.warned_parser:
            self.warned_parser = True
            self.problems.append(
                Problem(
                    "warning",
                    "libyaml is not available: reading YAML with the slower pure-Python parser",
                    Source(name, 0, 0),
                )
            )
        limits = self.limits
        budget = Budget(
            limits.max_aliases,
            limits.max_depth,
            limits.max_nodes_per_document,
            max_documents=max(1, limits.max_documents - self.documents),
        )
        first = len(self.problems)
        json_mode = name.lower().endswith(".json")
        docs, errors = parse_text(text, budget, json_mode)
        if json_mode and errors:
            fallback_docs, fallback_errors = parse_json_fallback(text, budget)
            if not fallback_errors:
                docs, errors = fallback_docs, []
        for doc_index, line, message in errors:
            self.file_problem(name, line, message, doc_index)
        source_file = SourceText(text)
        kustomization = builders.is_kustomization(name)
        for doc in docs:
            for severity, line, message in doc.problems:
                self.problems.append(Problem(severity, message, Source(name, doc.index, line)))  # type: ignore[arg-type]
            if doc.value is None:
                continue
            if kustomization:
                severity, message = builders.kustomization_problem(name, doc.value)
                self.problems.append(Problem(severity, message, Source(name, doc.index, doc.line)))  # type: ignore[arg-type]
                continue
            self._object(
                doc.value, name, doc.index, doc.line, (doc.first_line, doc.last_line), source_file
            )
        # Syntax errors were collected apart from the documents: put the file's problems in order.
        self.problems[first:] = sorted(self.problems[first:], key=lambda p: p.source.doc)
