"""`netviz generate PATH... --output DIR [--keep FILE] [--namespace NS] [--no-dns]`:
least-privilege NetworkPolicies, checked by evaluating them again (netviz.generate does the work).
"""

from __future__ import annotations

import argparse

from netviz.cli.base import CliError, Context, UsageError, add_paths_argument
from netviz.generate import cli as generate_cli

HELP = (
    "Write NetworkPolicies (one YAML file per namespace in DIR) allowing exactly the "
    "connections allowed now, or those of --keep FILE, and check them by evaluating them "
    "again. Exit status: 0 the check passes, 1 it differs or documents had errors, "
    "2 usage error."
)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add_paths_argument(parser)
    generate_cli.add_options(parser)


def run(ctx: Context, opts: argparse.Namespace) -> None:
    try:
        outcome = generate_cli.execute(
            opts.paths,
            opts.output,
            opts.keep,
            opts.namespace,
            opts.dns,
            ctx.stdout,
            ctx.stderr,
            opts.verbosity,
        )
    except generate_cli.Usage as e:
        raise UsageError(str(e)) from None
    if outcome.status:
        raise CliError(outcome.message, outcome.status)
