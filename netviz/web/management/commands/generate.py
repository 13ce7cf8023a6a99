"""`manage.py generate PATH... --output DIR`: least-privilege NetworkPolicies, checked.

The work is netviz.generate.cli's (no Django); this wraps it in the commands' exit codes.
"""

from __future__ import annotations

from django.core.management.base import CommandError

from netviz.generate import cli
from netviz.web.management.commands import NetvizCommand, UsageError, _Stdout


class Command(NetvizCommand):
    help = (
        "Write NetworkPolicies (one YAML file per namespace in DIR) allowing exactly the "
        "connections allowed now, or those of --keep FILE, and check them by evaluating them "
        "again. Exit status: 0 the check passes, 1 it differs or documents had errors, "
        "2 usage error."
    )

    def add_arguments(self, parser):
        self.add_paths_argument(parser)
        cli.add_options(parser)

    def handle(self, *args, paths, output, keep, namespace, dns, verbosity, **options):
        try:
            outcome = cli.execute(
                paths,
                output,
                keep,
                namespace,
                dns,
                _Stdout(self.stdout),
                _Stdout(self.stderr),
                verbosity,
            )
        except cli.Usage as e:
            raise UsageError(str(e)) from None
        if outcome.status:
            raise CommandError(outcome.message, returncode=outcome.status)
