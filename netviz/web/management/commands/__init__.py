"""netviz's manage.py commands; NetvizCommand gives them the CLI's exit codes and error output.

Exit status: 0 clean input, 1 some documents had errors (the result is still printed), 2 usage error.
"""

from __future__ import annotations

import argparse
import dataclasses
import os
import sys
from collections.abc import Callable
from typing import NoReturn, TextIO

from django.core.management.base import (
    BaseCommand,
    CommandError,
    OutputWrapper,
    handle_default_options,
)

from netviz.formats import describe_problem
from netviz.k8s import Limits, load_paths
from netviz.k8s.model import Cluster

EXIT_INPUT_ERRORS = 1
EXIT_USAGE = 2
EXIT_INTERNAL = 3

# Local files are the user's own: no upload caps on size or document count (an XL cluster has
# 25,000 documents), but the alias, depth and per-document node limits stay (YAML bombs).
LOCAL_LIMITS = dataclasses.replace(Limits(), max_total_bytes=1 << 30, max_documents=1_000_000)


class UsageError(CommandError):
    """Bad flags, an unknown endpoint, a missing path: the user must change the command."""

    def __init__(self, message: str) -> None:
        super().__init__(f"error: {message}", returncode=EXIT_USAGE)


class InputHadErrors(CommandError):
    """Raised after the output is written, so the result stands but the status says it is partial."""

    def __init__(self, count: int) -> None:
        noun = "error" if count == 1 else "errors"
        super().__init__(
            f"{count} {noun} in the input; the result covers the valid documents only",
            returncode=EXIT_INPUT_ERRORS,
        )


class NetvizCommand(BaseCommand):
    # These commands read files, not the database: no checks, so they start fast anywhere.
    requires_system_checks: list[str] = []
    requires_migrations_checks = False

    def create_parser(self, prog_name: str, subcommand: str, **kwargs) -> argparse.ArgumentParser:
        parser = super().create_parser(prog_name, subcommand, **kwargs)
        if not getattr(parser, "called_from_command_line", False):
            # In-process (call_command) Django turns argparse errors into status 1; ours are 2.
            def error(message: str) -> NoReturn:
                raise UsageError(message)

            parser.error = error  # type: ignore[method-assign]
        return parser

    def run_from_argv(self, argv: list[str]) -> None:
        """Django's run_from_argv, but every failure ends as one line on stderr, never a traceback."""
        self._called_from_command_line = True
        parser = self.create_parser(argv[0], argv[1])
        options = parser.parse_args(argv[2:])  # argparse prints usage and exits 2 on bad flags
        cmd_options = vars(options)
        args = cmd_options.pop("args", ())
        handle_default_options(options)
        try:
            self.execute(*args, **cmd_options)
        except CommandError as e:
            if options.traceback:
                raise
            self.stderr.write(f"{parser.prog}: {e}")
            sys.exit(e.returncode)
        except BrokenPipeError:
            # The reader went away (`| head`): stop quietly, and keep Python from complaining at exit.
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
            sys.exit(0)
        except KeyboardInterrupt:
            sys.exit(130)
        except Exception as e:
            if options.traceback:
                raise
            self.stderr.write(
                f"{parser.prog}: internal error: {type(e).__name__}: {e} "
                "(run again with --traceback for details)"
            )
            sys.exit(EXIT_INTERNAL)

    def add_paths_argument(self, parser: argparse.ArgumentParser) -> None:
        parser.add_argument(
            "paths",
            nargs="+",
            metavar="PATH",
            help="manifest file, directory (read recursively: .yaml, .yml, .json) or - for stdin",
        )

    def add_pods_argument(self, parser: argparse.ArgumentParser) -> None:
        parser.add_argument(
            "--pods",
            action="store_true",
            help="show pods one by one instead of folding them into the workload that owns them",
        )

    def add_output_argument(self, parser: argparse.ArgumentParser) -> None:
        parser.add_argument(
            "--output", "-o", metavar="FILE", help="write the result to FILE instead of stdout"
        )

    def load(self, paths: list[str], pods: bool = False) -> Cluster:
        """Read the manifests; a path that does not exist is a usage error, not an input error."""
        for path in paths:
            if path != "-" and not os.path.exists(path):
                raise UsageError(f"no such file or directory: {path}")
        cluster = load_paths(list(paths), LOCAL_LIMITS, pods=pods)
        if not cluster.endpoints and not cluster.policies and not cluster.errors:
            # Most likely a wrong path or glob in a pipeline: say so rather than pass silently.
            self.stderr.write(
                f"warning: no workloads or NetworkPolicies found in {', '.join(paths)}"
            )
        return cluster

    def report_problems(self, cluster: Cluster, verbosity: int) -> None:
        """Problems on stderr, one line each; warnings are left out at --verbosity 0."""
        for problem in sorted(cluster.problems, key=lambda p: (p.source, p.message)):
            if problem.severity == "error" or verbosity > 0:
                self.stderr.write(describe_problem(problem))

    def emit_parts(self, write: Callable[[TextIO], None], output: str | None) -> None:
        """Like emit, for output written in parts by `write(fp)`: big results are never one string."""
        if output is None:
            write(_Stdout(self.stdout))
            return
        try:
            with open(output, "w", encoding="utf-8", newline="\n") as f:
                write(f)
        except OSError as e:
            raise UsageError(f"cannot write {output}: {e.strerror or e}") from None

    def emit(self, text: str, output: str | None) -> None:
        if output is None:
            self.stdout.write(text, ending="")
            return
        try:
            with open(output, "w", encoding="utf-8", newline="\n") as f:
                f.write(text)
        except OSError as e:
            raise UsageError(f"cannot write {output}: {e.strerror or e}") from None

    def finish(self, cluster: Cluster) -> None:
        if cluster.errors:
            raise InputHadErrors(len(cluster.errors))


class _Stdout:
    """The command's stdout as a file for formatters that write in parts."""

    def __init__(self, wrapper: OutputWrapper) -> None:
        self.wrapper = wrapper

    def write(self, text: str) -> int:
        self.wrapper.write(text, ending="")
        return len(text)
