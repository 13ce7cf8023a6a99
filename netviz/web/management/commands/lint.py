"""`manage.py lint PATH...`: best-practice findings (netviz.cli.lint, as `netviz lint`)."""

from netviz.cli import lint
from netviz.web.management.commands import cli_command

Command = cli_command(lint)
