"""`netviz analyze PATH...`: every allowed connection, in text, JSON, CSV, Markdown or DOT."""

from __future__ import annotations

import argparse
import gc

from netviz.cli.base import (
    Context,
    add_output_argument,
    add_paths_argument,
    add_pods_argument,
    emit_parts,
    finish,
    load,
    report_problems,
)
from netviz.engine import Evaluator
from netviz.formats import CONNECTION_FORMATS, write_connections

HELP = (
    "Compute which endpoints may talk to which under the NetworkPolicies in PATH. "
    "Exit status: 0 clean input, 1 some documents had errors (result still printed), "
    "2 usage error."
)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add_paths_argument(parser)
    parser.add_argument(
        "--format",
        "-f",
        choices=CONNECTION_FORMATS,
        default="text",
        help="output format (default: text)",
    )
    add_pods_argument(parser)
    add_output_argument(parser)


def run(ctx: Context, opts: argparse.Namespace) -> None:
    cluster = load(ctx, opts.paths, pods=opts.pods)
    analysis = Evaluator(cluster).analysis()
    if ctx.own_process:
        # Millions of long-lived objects now: keep the collector from rescanning them while
        # the output is built. Only in a process of our own (freezing is process-wide).
        gc.freeze()
    if opts.format in ("json", "md"):
        problems = cluster.problems  # documents of their own: the problems travel inside them
    else:
        report_problems(ctx, cluster, opts.verbosity)
        problems = []
    emit_parts(ctx, lambda fp: write_connections(analysis, problems, opts.format, fp), opts.output)
    finish(cluster)
