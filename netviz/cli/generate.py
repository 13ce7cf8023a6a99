"""`netviz generate PATH [--keep FILE] [--namespace NS] --output DIR`: policies from workloads.

The generator lives in netviz.generate (issue 15). Until it is wired in here, the command is
registered with its options but says it is not available (exit 2).
"""

from __future__ import annotations

import argparse
import importlib.util

from netviz.cli.base import Context, UsageError, add_paths_argument

HELP = (
    "Generate NetworkPolicies that allow what the workloads in PATH need. "
    "Exit status: 0 written, 1 some documents had errors, 2 usage error."
)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add_paths_argument(parser)
    parser.add_argument("--keep", metavar="FILE", help="policies to keep as they are")
    parser.add_argument("--namespace", metavar="NS", help="only this namespace")
    parser.add_argument("--output", "-o", metavar="DIR", help="where to write the policies")


def run(ctx: Context, opts: argparse.Namespace) -> None:
    if importlib.util.find_spec("netviz.generate") is None:
        raise UsageError("generate is not available in this netviz (no netviz.generate module)")
    raise UsageError("generate is not wired into the netviz command yet; use `manage.py generate`")
