"""`netviz staged PATH...`: what enforcing each Calico staged policy would change."""

from __future__ import annotations

import argparse

from netviz.cli.base import (
    Context,
    add_output_argument,
    add_paths_argument,
    emit,
    finish,
    load,
    report_problems,
)
from netviz.diff import DIFF_FORMATS
from netviz.diff.staged import render_staged, staged_diffs

HELP = (
    "For each Calico staged policy (StagedNetworkPolicy, StagedGlobalNetworkPolicy, "
    "StagedKubernetesNetworkPolicy) in PATH, the connections enforcing it would add, remove "
    "or change, against what is enforced now. Exit status: 0 clean input, 1 some documents "
    "had errors (the result is still printed), 2 usage error."
)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add_paths_argument(parser)
    parser.add_argument(
        "--format", "-f", choices=DIFF_FORMATS, default="text", help="default: text"
    )
    add_output_argument(parser)


def run(ctx: Context, opts: argparse.Namespace) -> None:
    cluster = load(ctx, opts.paths)
    report_problems(ctx, cluster, opts.verbosity)
    emit(ctx, render_staged(staged_diffs(cluster), opts.format), opts.output)
    finish(cluster)
