"""`manage.py analyze PATH...`: every allowed connection (netviz.cli.analyze, as `netviz analyze`)."""

from netviz.cli import analyze
from netviz.web.management.commands import cli_command

Command = cli_command(analyze)
