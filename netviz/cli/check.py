"""`netviz check PATH... --expect FILE`: fail the pipeline when an expectation no longer holds.

Exit status: 0 every expectation holds, 1 one does not (or documents had errors), 2 usage error
or an expectations file that cannot be read (every problem with its file and line on stderr).
"""

from __future__ import annotations

import argparse

from netviz.cli.base import (
    EXIT_GATE,
    CliError,
    Context,
    UsageError,
    add_output_argument,
    add_paths_argument,
    emit,
    finish,
    load,
    read_text,
    report_problems,
)
from netviz.cli.reports import ReportResult, ReportRule, TestCase, junit, sarif
from netviz.engine import Evaluator
from netviz.expect import ExpectationsInvalid, Outcome, check, parse_expectations
from netviz.expect.render import (
    describe_reason,
    pair_line,
    render_json,
    render_markdown,
    render_text,
    verdict,
)
from netviz.formats.connections import ordered_problems

CHECK_FORMATS = ("text", "json", "md", "sarif", "junit")
HELP = (
    "Check the expectations in --expect FILE (allow/deny statements) against the connectivity "
    "of the manifests in PATH. Exit status: 0 all hold, 1 some do not or documents had errors, "
    "2 usage error or a bad expectations file."
)
RULES = [
    ReportRule(
        "expect-allow",
        "An expected connection is not allowed.",
        "The statement says these endpoints must be able to connect. Each pair lists the "
        "policies that isolate an end without a rule for it: add a rule, or fix the statement.",
        "error",
    ),
    ReportRule(
        "expect-deny",
        "A connection expected to be denied is allowed.",
        "The statement says these endpoints must not be able to connect. Each pair lists the "
        "rules that allow it (or the side that no policy isolates): narrow them, or add a "
        "default-deny policy.",
        "error",
    ),
]


class ExpectationsFailed(CliError):
    def __init__(self, failed: int, total: int, errors: int) -> None:
        message = f"{failed} of {total} expectation{'s' if total != 1 else ''} failed"
        if errors:
            message += f"; {errors} error{'s' if errors != 1 else ''} in the input (skipped)"
        super().__init__(message, EXIT_GATE)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add_paths_argument(parser)
    parser.add_argument(
        "--expect",
        required=True,
        metavar="FILE",
        help="expectations (YAML): allow/deny statements, see the README's CI section",
    )
    parser.add_argument(
        "--format",
        "-f",
        choices=CHECK_FORMATS,
        default="text",
        help="output format (default: text)",
    )
    add_output_argument(parser)


def _details(o: Outcome) -> list[str]:
    lines = []
    for v in o.violations:
        lines.append(pair_line(v, o.statement.kind))
        lines += [f"  {describe_reason(r)}" for r in v.reasons]
    if o.count > len(o.violations):
        lines.append(f"… and {o.count - len(o.violations)} more")
    return lines


def check_sarif(outcomes: list[Outcome]) -> str:
    results = []
    for o in outcomes:
        if o.passed:
            continue
        s = o.statement
        message = "; ".join([f"{s.name or s.text}: {verdict(o)}", *_details(o)])
        results.append(ReportResult(f"expect-{s.kind}", "error", message, s.file, s.line, s.id))
    return sarif(RULES, results)


def check_junit(outcomes: list[Outcome]) -> str:
    cases = [
        TestCase(
            classname=f"netviz.check.{o.statement.kind}",
            name=o.statement.name or o.statement.text,
            file=o.statement.file,
            line=o.statement.line,
            failure=None if o.passed else verdict(o),
            details=tuple(_details(o)),
        )
        for o in outcomes
    ]
    return junit("netviz check", cases)


def run(ctx: Context, opts: argparse.Namespace) -> None:
    text = read_text(opts.expect, "expectations")
    try:
        statements = parse_expectations(text, opts.expect)
    except ExpectationsInvalid as e:
        # Every problem, so one run fixes the file; the last one ends the command (exit 2).
        for error in e.errors[:-1]:
            ctx.warn(f"error: {error}")
        raise UsageError(str(e.errors[-1])) from None
    cluster = load(ctx, opts.paths)
    outcomes = check(Evaluator(cluster), statements)
    fmt = opts.format
    if fmt == "json":
        problems = [p.as_dict() for p in ordered_problems(cluster.problems, "error")]
        problems += [p.as_dict() for p in ordered_problems(cluster.problems, "warning")]
        out = render_json(outcomes, problems)
    else:
        report_problems(ctx, cluster, opts.verbosity)
        if fmt == "md":
            out = render_markdown(outcomes)
        elif fmt == "sarif":
            out = check_sarif(outcomes)
        elif fmt == "junit":
            out = check_junit(outcomes)
        else:
            out = render_text(outcomes)
    emit(ctx, out, opts.output)
    failed = sum(1 for o in outcomes if not o.passed)
    if failed:
        raise ExpectationsFailed(failed, len(outcomes), len(cluster.errors))
    finish(cluster)
