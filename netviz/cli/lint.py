"""`netviz lint PATH...`: best-practice findings, with an exit status a CI job can gate on.

Accepted findings (a `netviz.dev/accept` annotation on the policy, or `--baseline FILE`) are
still listed, marked with their reason, but never fail the run.
"""

from __future__ import annotations

import argparse
import os

from netviz.cli.base import (
    EXIT_GATE,
    CliError,
    Context,
    UsageError,
    add_output_argument,
    add_paths_argument,
    add_pods_argument,
    emit,
    finish,
    load,
    read_text,
    report_problems,
)
from netviz.cli.reports import ReportResult, ReportRule, TestCase, junit, sarif
from netviz.engine import Evaluator
from netviz.findings import SEVERITIES, Finding, at_or_above, run_checks
from netviz.findings.accept import (
    Acceptance,
    BaselineError,
    accepted,
    annotation_notes,
    read_baseline,
    write_baseline,
)
from netviz.findings.checks import CHECK_IDS, check_names
from netviz.findings.help import check_help
from netviz.findings.render import (
    FORMATS,
    accepted_note,
    render_json,
    render_markdown,
    render_text,
    where,
)
from netviz.formats import describe_problem

LINT_FORMATS = (*FORMATS, "sarif", "junit")
SARIF_LEVEL = {"danger": "error", "warning": "warning", "info": "note"}

HELP = (
    "Report what a reviewer should worry about in the NetworkPolicies in PATH. "
    "Exit status: 0 nothing at or above --fail-on, 1 findings at or above it or documents "
    "with errors (the valid ones are still linted), 2 usage error. "
    "--verbosity 2 prints each suggested fix under its finding. Findings accepted by a "
    "netviz.dev/accept annotation or by --baseline are shown but never fail."
)


class FindingsAtThreshold(CliError):
    def __init__(self, count: int, threshold: str, errors: int) -> None:
        message = f"{count} finding{'s' if count != 1 else ''} at or above {threshold}"
        if errors:
            message += f"; {errors} error{'s' if errors != 1 else ''} in the input (skipped)"
        super().__init__(message, EXIT_GATE)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add_paths_argument(parser)
    parser.add_argument(
        "--format", "-f", choices=LINT_FORMATS, default="text", help="output format (default: text)"
    )
    parser.add_argument(
        "--fail-on",
        choices=SEVERITIES,
        default="danger",
        help="exit 1 when a finding of this severity or above exists (default: danger)",
    )
    parser.add_argument(
        "--skip",
        action="append",
        default=[],
        choices=check_names(),
        metavar="CHECK",
        help="leave out a check (repeatable); e.g. --skip unprotected-egress",
    )
    parser.add_argument(
        "--baseline",
        metavar="FILE",
        help="accept the findings FILE lists (by id; written by --write-baseline): only new "
        "findings fail",
    )
    parser.add_argument(
        "--write-baseline",
        metavar="FILE",
        help="write every current finding to FILE as accepted (keeping the reasons FILE or "
        "--baseline gives), then report against it",
    )
    add_pods_argument(parser)
    add_output_argument(parser)


def _baseline(path: str | None) -> dict[str, str] | None:
    if path is None:
        return None
    try:
        return read_baseline(read_text(path, "baseline"))
    except BaselineError as e:
        raise UsageError(f"{path}: {e}") from None


def _write_baseline(path: str, findings: list[Finding], old: dict[str, str] | None) -> dict:
    """Write the baseline; the run then reports against it (so it passes, as after a merge)."""
    text = write_baseline(findings, old)
    try:
        with open(path, "w", encoding="utf-8", newline="\n") as f:
            f.write(text)
    except OSError as e:
        raise UsageError(f"cannot write {path}: {e.strerror or e}") from None
    return read_baseline(text)


def lint_rules() -> list[ReportRule]:
    return [ReportRule(c, *check_help(c)) for c in CHECK_IDS]


def lint_sarif(
    findings: list[Finding], accepted_: dict[str, Acceptance], fallback_file: str = ""
) -> str:
    """`fallback_file` locates findings about things no manifest declares (a namespace only
    referenced): code scanning wants a location for every result."""
    results = []
    for f in findings:
        subject = next((s for s in f.subjects if s.file), None)
        acceptance = accepted_.get(f.id)
        results.append(
            ReportResult(
                rule=f.check,
                level=SARIF_LEVEL[f.severity],
                message=f.message if subject else f"{where(f)}: {f.message}",
                file=subject.file if subject else fallback_file,
                line=subject.line if subject else 0,
                fingerprint=f.id,
                accepted=acceptance.reason if acceptance else None,
                accepted_in_source=bool(acceptance and acceptance.by != "baseline"),
            )
        )
    return sarif(lint_rules(), results)


def lint_junit(findings: list[Finding], accepted_: dict[str, Acceptance], fail_on: str) -> str:
    cases = []
    for f in findings:
        subject = next((s for s in f.subjects if s.file), None)
        acceptance = accepted_.get(f.id)
        failing = acceptance is None and at_or_above(f.severity, fail_on)
        cases.append(
            TestCase(
                classname=f"netviz.lint.{f.check}",
                name=f.id,
                file=subject.file if subject else "",
                line=subject.line if subject else 0,
                failure=f"{f.severity}: {f.message}" if failing else None,
                skipped=accepted_note(acceptance) if acceptance else None,
                details=(f"{where(f)}: {f.severity}: {f.message}",),
            )
        )
    return junit("netviz lint", cases)


def run(ctx: Context, opts: argparse.Namespace) -> None:
    cluster = load(ctx, opts.paths, pods=opts.pods)
    baseline = _baseline(opts.baseline)
    findings = run_checks(cluster, Evaluator(cluster), skip=opts.skip)
    if opts.write_baseline:
        old = baseline
        if old is None and os.path.exists(opts.write_baseline):
            old = _baseline(opts.write_baseline)  # keep the reasons written there
        baseline = _write_baseline(opts.write_baseline, findings, old)
    accepted_ = accepted(findings, cluster.policies, baseline)
    fmt = opts.format
    if fmt == "json":
        text = render_json(findings, cluster.problems, accepted_)
    elif fmt == "md":
        problems = sorted(cluster.problems, key=lambda p: (p.source, p.message))
        text = render_markdown(findings, [describe_problem(p) for p in problems], accepted_)
    elif fmt == "sarif":
        report_problems(ctx, cluster, opts.verbosity)
        text = lint_sarif(findings, accepted_, next((p for p in opts.paths if p != "-"), ""))
    elif fmt == "junit":
        report_problems(ctx, cluster, opts.verbosity)
        text = lint_junit(findings, accepted_, opts.fail_on)
    else:
        report_problems(ctx, cluster, opts.verbosity)
        text = render_text(findings, fixes=opts.verbosity > 1, accepted=accepted_)
    for note in annotation_notes(cluster.policies):
        ctx.warn(note)
    emit(ctx, text, opts.output)
    failing = [
        f for f in findings if f.id not in accepted_ and at_or_above(f.severity, opts.fail_on)
    ]
    if failing:
        raise FindingsAtThreshold(len(failing), opts.fail_on, len(cluster.errors))
    finish(cluster)
