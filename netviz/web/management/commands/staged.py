"""`manage.py staged PATH...`: what enforcing each Calico staged policy would change."""

from __future__ import annotations

from netviz.diff import DIFF_FORMATS
from netviz.diff.staged import render_staged, staged_diffs
from netviz.web.management.commands import InputHadErrors, NetvizCommand


class Command(NetvizCommand):
    help = (
        "For each Calico staged policy (StagedNetworkPolicy, StagedGlobalNetworkPolicy, "
        "StagedKubernetesNetworkPolicy) in PATH, the connections enforcing it would add, remove "
        "or change, against what is enforced now. Exit status: 0 clean input, 1 some documents "
        "had errors (the result is still printed), 2 usage error."
    )

    def add_arguments(self, parser):
        parser.add_argument("paths", nargs="+", metavar="PATH", help="files, directories or -")
        parser.add_argument(
            "--format", "-f", choices=DIFF_FORMATS, default="text", help="default: text"
        )
        self.add_output_argument(parser)

    def handle(self, *args, paths, format, output, verbosity, **options):
        cluster = self.load(paths)
        self.report_problems(cluster, verbosity)
        self.emit(render_staged(staged_diffs(cluster), format), output)
        if cluster.errors:
            raise InputHadErrors(len(cluster.errors))
