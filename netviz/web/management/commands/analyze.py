"""`manage.py analyze PATH...`: every allowed connection, in text, JSON, CSV, Markdown or DOT."""

from __future__ import annotations

import gc

from netviz.engine import Evaluator
from netviz.formats import CONNECTION_FORMATS, write_connections
from netviz.web.management.commands import NetvizCommand


class Command(NetvizCommand):
    help = (
        "Compute which endpoints may talk to which under the NetworkPolicies in PATH. "
        "Exit status: 0 clean input, 1 some documents had errors (result still printed), "
        "2 usage error."
    )

    def add_arguments(self, parser):
        self.add_paths_argument(parser)
        parser.add_argument(
            "--format",
            "-f",
            choices=CONNECTION_FORMATS,
            default="text",
            help="output format (default: text)",
        )
        self.add_pods_argument(parser)
        self.add_output_argument(parser)

    def handle(self, *args, paths, format, output, verbosity, **options):
        cluster = self.load(paths, pods=options.get("pods", False))
        analysis = Evaluator(cluster).analysis()
        if self._called_from_command_line:
            # Millions of long-lived objects now: keep the collector from rescanning them while
            # the output is built. Only in a process of our own (freezing is process-wide).
            gc.freeze()
        if format in ("json", "md"):
            problems = cluster.problems  # documents of their own: the problems travel inside them
        else:
            self.report_problems(cluster, verbosity)
            problems = []
        self.emit_parts(lambda fp: write_connections(analysis, problems, format, fp), output)
        self.finish(cluster)
