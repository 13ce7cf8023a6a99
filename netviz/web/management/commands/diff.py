"""`manage.py diff OLD_PATH NEW_PATH`: what a change of manifests does to connectivity."""

from __future__ import annotations

from netviz.diff import DIFF_FORMATS, compare, render_diff, snapshot
from netviz.diff.tiered import tiered_snapshot
from netviz.engine import Evaluator
from netviz.web.management.commands import InputHadErrors, NetvizCommand


class Command(NetvizCommand):
    help = (
        "Compare the connectivity allowed by the manifests in OLD_PATH with that in NEW_PATH: "
        "connections added, removed and changed, endpoints and policies added, removed or "
        "changed. Exit status: 0 clean input, 1 some documents had errors (diff still printed), "
        "2 usage error."
    )

    def add_arguments(self, parser):
        parser.add_argument("old", metavar="OLD_PATH", help="file or directory before the change")
        parser.add_argument("new", metavar="NEW_PATH", help="file or directory after the change")
        parser.add_argument(
            "--format", "-f", choices=DIFF_FORMATS, default="text", help="default: text"
        )
        self.add_output_argument(parser)

    def handle(self, *args, old, new, format, output, verbosity, **options):
        before, after = self.load([old]), self.load([new])
        self.report_problems(before, verbosity)
        self.report_problems(after, verbosity)
        diff = compare(
            _snapshot(before),
            _snapshot(after),
        )
        self.emit(render_diff(diff, format), output)
        errors = len(before.errors) + len(after.errors)
        if errors:
            raise InputHadErrors(errors)


def _snapshot(cluster):
    evaluator = Evaluator(cluster)
    return snapshot(evaluator.analysis(), cluster, tiered_snapshot(evaluator))
