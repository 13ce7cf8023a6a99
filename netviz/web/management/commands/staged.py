"""`manage.py staged PATH...`: Calico staged policies as what-ifs (netviz.cli.staged, as
`netviz staged`)."""

from netviz.cli import staged
from netviz.web.management.commands import cli_command

Command = cli_command(staged)
