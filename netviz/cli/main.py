"""`netviz COMMAND ...`: the console script. Every failure ends as one line on stderr.

Exit status as the manage.py commands: 0 fine, 1 input errors or a failed gate, 2 usage error,
3 internal error (with --traceback, the traceback instead).
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence

import netviz
from netviz.cli import COMMANDS, command
from netviz.cli.base import EXIT_INTERNAL, EXIT_USAGE, CliError, Context


def _common(parser: argparse.ArgumentParser) -> None:
    # The options Django gives every manage.py command that ours read.
    parser.add_argument(
        "-v",
        "--verbosity",
        type=int,
        choices=(0, 1, 2, 3),
        default=1,
        help="0 errors only on stderr, 1 warnings too (default), 2 and 3 more detail",
    )
    parser.add_argument(
        "--traceback", action="store_true", help="show the traceback of an internal error"
    )


def _usage() -> str:
    lines = ["usage: netviz COMMAND [options]   (netviz COMMAND --help for its options)", ""]
    for name in COMMANDS:
        first = command(name).HELP.split(". ")[0].split(": ")[0].rstrip(".")
        lines.append(f"  {name:<9} {first}")
    return "\n".join(lines) + "\n"


def parser_for(name: str) -> argparse.ArgumentParser:
    module = command(name)
    parser = argparse.ArgumentParser(prog=f"netviz {name}", description=module.HELP)
    module.add_arguments(parser)
    _common(parser)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    if not args:
        sys.stderr.write(_usage())
        return EXIT_USAGE
    if args[0] in ("-h", "--help", "help"):
        sys.stdout.write(_usage())
        return 0
    if args[0] == "--version":
        sys.stdout.write(f"netviz {netviz.__version__}\n")
        return 0
    name = args[0]
    if name not in COMMANDS:
        sys.stderr.write(f"netviz: error: unknown command {name!r}\n" + _usage())
        return EXIT_USAGE
    parser = parser_for(name)
    options = parser.parse_args(args[1:])  # argparse prints usage and exits 2 on bad flags
    ctx = Context(sys.stdout, sys.stderr, own_process=True)
    try:
        command(name).run(ctx, options)
    except CliError as e:
        sys.stdout.flush()
        sys.stderr.write(f"{parser.prog}: {e}\n")
        return e.returncode
    except BrokenPipeError:
        # The reader went away (`| head`): stop quietly, and keep Python from complaining at exit.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    except KeyboardInterrupt:
        return 130
    except Exception as e:
        if options.traceback:
            raise
        sys.stderr.write(
            f"{parser.prog}: internal error: {type(e).__name__}: {e} "
            "(run again with --traceback for details)\n"
        )
        return EXIT_INTERNAL
    sys.stdout.flush()
    return 0


def run() -> None:
    """The console script's entry point."""
    sys.exit(main())


if __name__ == "__main__":
    run()
