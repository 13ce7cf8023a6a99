"""`manage.py lint PATH...`: best-practice findings, with an exit status a CI job can gate on."""

from __future__ import annotations

from django.core.management.base import CommandError

from netviz.engine import Evaluator
from netviz.findings import SEVERITIES, at_or_above, run_checks
from netviz.findings.checks import check_names
from netviz.findings.render import FORMATS, render_json, render_markdown, render_text
from netviz.formats import describe_problem
from netviz.web.management.commands import NetvizCommand

EXIT_FINDINGS = 1


class FindingsAtThreshold(CommandError):
    def __init__(self, count: int, threshold: str, errors: int) -> None:
        message = f"{count} finding{'s' if count != 1 else ''} at or above {threshold}"
        if errors:
            message += f"; {errors} error{'s' if errors != 1 else ''} in the input (skipped)"
        super().__init__(message, returncode=EXIT_FINDINGS)


class Command(NetvizCommand):
    help = (
        "Report what a reviewer should worry about in the NetworkPolicies in PATH. "
        "Exit status: 0 nothing at or above --fail-on, 1 findings at or above it or documents "
        "with errors (the valid ones are still linted), 2 usage error. "
        "--verbosity 2 prints each suggested fix under its finding."
    )

    def add_arguments(self, parser):
        self.add_paths_argument(parser)
        parser.add_argument(
            "--format", "-f", choices=FORMATS, default="text", help="output format (default: text)"
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
        self.add_pods_argument(parser)
        self.add_output_argument(parser)

    def handle(self, *args, paths, format, fail_on, skip, output, verbosity, **options):
        cluster = self.load(paths, pods=options.get("pods", False))
        findings = run_checks(cluster, Evaluator(cluster), skip=skip)
        if format == "json":
            text = render_json(findings, cluster.problems)
        elif format == "md":
            problems = sorted(cluster.problems, key=lambda p: (p.source, p.message))
            text = render_markdown(findings, [describe_problem(p) for p in problems])
        else:
            self.report_problems(cluster, verbosity)
            text = render_text(findings, fixes=verbosity > 1)
        self.emit(text, output)
        failing = [f for f in findings if at_or_above(f.severity, fail_on)]
        if failing:
            raise FindingsAtThreshold(len(failing), fail_on, len(cluster.errors))
        self.finish(cluster)
