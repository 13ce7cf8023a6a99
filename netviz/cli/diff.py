"""`netviz diff OLD_PATH NEW_PATH`: what a change of manifests does to connectivity."""

from __future__ import annotations

import argparse

from netviz.cli.base import (
    Context,
    InputHadErrors,
    add_output_argument,
    emit,
    load,
    report_problems,
)
from netviz.diff import DIFF_FORMATS, compare, render_diff, snapshot
from netviz.diff.tiered import tiered_snapshot
from netviz.engine import Evaluator

HELP = (
    "Compare the connectivity allowed by the manifests in OLD_PATH with that in NEW_PATH: "
    "connections added, removed and changed, endpoints and policies added, removed or "
    "changed. Exit status: 0 clean input, 1 some documents had errors (diff still printed), "
    "2 usage error."
)
# A pull-request comment must stay readable (and under GitHub's 65,536 characters).
MD_LIMIT = 50


def _limit(text: str) -> int:
    if not text.isdigit():
        raise argparse.ArgumentTypeError(f"expected a number of rows (0: no limit): {text!r}")
    return int(text)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("old", metavar="OLD_PATH", help="file or directory before the change")
    parser.add_argument("new", metavar="NEW_PATH", help="file or directory after the change")
    parser.add_argument(
        "--format", "-f", choices=DIFF_FORMATS, default="text", help="default: text"
    )
    parser.add_argument(
        "--base-url",
        metavar="URL",
        help="md: the review page of NEW_PATH in netviz (https://host/r/TOKEN/), to link it "
        "and each pair's explanation",
    )
    parser.add_argument(
        "--limit",
        type=_limit,
        default=MD_LIMIT,
        metavar="N",
        help=f"md: at most N rows per list, then a count (default: {MD_LIMIT}; 0: all)",
    )
    add_output_argument(parser)


def run(ctx: Context, opts: argparse.Namespace) -> None:
    before, after = load(ctx, [opts.old]), load(ctx, [opts.new])
    report_problems(ctx, before, opts.verbosity)
    report_problems(ctx, after, opts.verbosity)
    diff = compare(_snapshot(before), _snapshot(after))
    emit(ctx, render_diff(diff, opts.format, opts.base_url, opts.limit or None), opts.output)
    errors = len(before.errors) + len(after.errors)
    if errors:
        raise InputHadErrors(errors)


def _snapshot(cluster):
    evaluator = Evaluator(cluster)
    return snapshot(evaluator.analysis(), cluster, tiered_snapshot(evaluator))
