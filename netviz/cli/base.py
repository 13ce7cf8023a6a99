"""What every command shares: exit codes, errors, reading the manifests, writing the result.

No Django: the `netviz` console script and the manage.py wrappers both run these commands.
Exit status: 0 clean input, 1 some documents had errors (the result is still printed) or a gate
failed (findings, expectations), 2 usage error, 3 internal error.
"""

from __future__ import annotations

import argparse
import dataclasses
import os
from collections.abc import Callable
from dataclasses import dataclass
from typing import TextIO

from netviz.formats import describe_problem
from netviz.k8s import Limits, load_paths
from netviz.k8s.model import Cluster

EXIT_GATE = 1
EXIT_INPUT_ERRORS = 1
EXIT_USAGE = 2
EXIT_INTERNAL = 3

# Local files are the user's own: no upload caps on size or document count (an XL cluster has
# 25,000 documents), but the alias, depth and per-document node limits stay (YAML bombs).
LOCAL_LIMITS = dataclasses.replace(Limits(), max_total_bytes=1 << 30, max_documents=1_000_000)


class CliError(Exception):
    """Ends the command with `returncode`; the message is one line on stderr."""

    def __init__(self, message: str, returncode: int) -> None:
        super().__init__(message)
        self.returncode = returncode


class UsageError(CliError):
    """Bad flags, an unknown endpoint, a missing path: the user must change the command."""

    def __init__(self, message: str) -> None:
        super().__init__(f"error: {message}", EXIT_USAGE)


class InputHadErrors(CliError):
    """Raised after the output is written, so the result stands but the status says it is partial."""

    def __init__(self, count: int) -> None:
        noun = "error" if count == 1 else "errors"
        super().__init__(
            f"{count} {noun} in the input; the result covers the valid documents only",
            EXIT_INPUT_ERRORS,
        )


@dataclass
class Context:
    """Where a command writes, and whether it runs in a process of its own (not in-process)."""

    stdout: TextIO
    stderr: TextIO
    own_process: bool = False

    def warn(self, line: str) -> None:
        self.stderr.write(line + "\n")


def add_paths_argument(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "paths",
        nargs="+",
        metavar="PATH",
        help="manifest file, directory (read recursively: .yaml, .yml, .json) or - for stdin",
    )


def add_pods_argument(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--pods",
        action="store_true",
        help="show pods one by one instead of folding them into the workload that owns them",
    )


def add_output_argument(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--output", "-o", metavar="FILE", help="write the result to FILE instead of stdout"
    )


def load(ctx: Context, paths: list[str], pods: bool = False) -> Cluster:
    """Read the manifests; a path that does not exist is a usage error, not an input error."""
    for path in paths:
        if path != "-" and not os.path.exists(path):
            raise UsageError(f"no such file or directory: {path}")
    cluster = load_paths(list(paths), LOCAL_LIMITS, pods=pods)
    if not cluster.endpoints and not cluster.policies and not cluster.errors:
        # Most likely a wrong path or glob in a pipeline: say so rather than pass silently.
        ctx.warn(f"warning: no workloads or NetworkPolicies found in {', '.join(paths)}")
    return cluster


def report_problems(ctx: Context, cluster: Cluster, verbosity: int) -> None:
    """Problems on stderr, one line each; warnings are left out at --verbosity 0."""
    for problem in sorted(cluster.problems, key=lambda p: (p.source, p.message)):
        if problem.severity == "error" or verbosity > 0:
            ctx.warn(describe_problem(problem))


def emit_parts(ctx: Context, write: Callable[[TextIO], None], output: str | None) -> None:
    """Like emit, for output written in parts by `write(fp)`: big results are never one string."""
    if output is None:
        write(ctx.stdout)
        return
    try:
        with open(output, "w", encoding="utf-8", newline="\n") as f:
            write(f)
    except OSError as e:
        raise UsageError(f"cannot write {output}: {e.strerror or e}") from None


def emit(ctx: Context, text: str, output: str | None) -> None:
    emit_parts(ctx, lambda fp: fp.write(text), output)


def read_text(path: str, what: str) -> str:
    """A small input file of the command (expectations, baseline): missing means a usage error."""
    try:
        with open(path, encoding="utf-8") as f:
            return f.read()
    except OSError as e:
        raise UsageError(f"cannot read {what} {path}: {e.strerror or e}") from None
    except UnicodeDecodeError:
        raise UsageError(f"cannot read {what} {path}: not UTF-8 text") from None


def finish(cluster: Cluster) -> None:
    if cluster.errors:
        raise InputHadErrors(len(cluster.errors))
