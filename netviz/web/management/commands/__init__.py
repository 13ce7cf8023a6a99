"""netviz's manage.py commands; NetvizCommand gives them the CLI's exit codes and error output.

The file-reading commands (analyze, explain, lint, diff, expect) are the `netviz` command's
(netviz.cli), run through CliCommand, so both give the same output.
Exit status: 0 clean input, 1 some documents had errors (the result is still printed), 2 usage error.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable
from types import ModuleType
from typing import NoReturn, TextIO

from django.core.management.base import (
    BaseCommand,
    CommandError,
    OutputWrapper,
    handle_default_options,
)

from netviz.cli import base as cli
from netviz.cli.base import EXIT_INPUT_ERRORS, EXIT_INTERNAL, EXIT_USAGE, LOCAL_LIMITS
from netviz.k8s.model import Cluster

__all__ = ["EXIT_INPUT_ERRORS", "EXIT_INTERNAL", "EXIT_USAGE", "LOCAL_LIMITS"]


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

    def execute(self, *args, **options):
        try:
            return super().execute(*args, **options)
        except cli.CliError as e:
            raise CommandError(str(e), returncode=e.returncode) from None

    def context(self) -> cli.Context:
        """The netviz.cli context of this run: its streams, and whether it owns the process."""
        return cli.Context(
            _Stdout(self.stdout), _Stdout(self.stderr), self._called_from_command_line
        )

    def add_paths_argument(self, parser: argparse.ArgumentParser) -> None:
        cli.add_paths_argument(parser)

    def add_pods_argument(self, parser: argparse.ArgumentParser) -> None:
        cli.add_pods_argument(parser)

    def add_output_argument(self, parser: argparse.ArgumentParser) -> None:
        cli.add_output_argument(parser)

    def load(self, paths: list[str], pods: bool = False) -> Cluster:
        """Read the manifests; a path that does not exist is a usage error, not an input error."""
        return cli.load(self.context(), paths, pods=pods)

    def report_problems(self, cluster: Cluster, verbosity: int) -> None:
        """Problems on stderr, one line each; warnings are left out at --verbosity 0."""
        cli.report_problems(self.context(), cluster, verbosity)

    def emit_parts(self, write: Callable[[TextIO], None], output: str | None) -> None:
        """Like emit, for output written in parts by `write(fp)`: big results are never one string."""
        cli.emit_parts(self.context(), write, output)

    def emit(self, text: str, output: str | None) -> None:
        cli.emit(self.context(), text, output)

    def finish(self, cluster: Cluster) -> None:
        cli.finish(cluster)


class CliCommand(NetvizCommand):
    """A manage.py twin of a netviz.cli command module (see `cli_command`)."""

    module: ModuleType

    def add_arguments(self, parser: argparse.ArgumentParser) -> None:
        self.module.add_arguments(parser)

    def handle(self, *args, **options) -> None:
        self.module.run(self.context(), argparse.Namespace(**options))


def cli_command(module: ModuleType) -> type[CliCommand]:
    """The Command class of manage.py for a netviz.cli command module."""
    return type("Command", (CliCommand,), {"module": module, "help": module.HELP})


class _Stdout:
    """The command's stdout as a file for formatters that write in parts."""

    def __init__(self, wrapper: OutputWrapper) -> None:
        self.wrapper = wrapper

    def write(self, text: str) -> int:
        self.wrapper.write(text, ending="")
        return len(text)
