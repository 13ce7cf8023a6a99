"""`manage.py entrypoints PATH...`: how the outside reaches each workload, and whether it may."""

from __future__ import annotations

from netviz.engine import Evaluator
from netviz.entry import entry_points
from netviz.formats.entry import render_entry_points
from netviz.web.management.commands import NetvizCommand


class Command(NetvizCommand):
    help = (
        "List the entry points from outside the cluster (LoadBalancer and NodePort Services, "
        "Ingress, Gateway API routes, OpenShift Routes) per workload, and whether the "
        "NetworkPolicies in PATH let that traffic in. Exit status as for analyze."
    )

    def add_arguments(self, parser):
        self.add_paths_argument(parser)
        parser.add_argument("--format", "-f", choices=("text", "json"), default="text")
        self.add_pods_argument(parser)
        self.add_output_argument(parser)

    def handle(self, *args, paths, format, output, verbosity, **options):
        cluster = self.load(paths, pods=options.get("pods", False))
        points = entry_points(cluster, Evaluator(cluster))
        self.report_problems(cluster, verbosity)
        self.emit(render_entry_points(points, format), output)
        self.finish(cluster)
