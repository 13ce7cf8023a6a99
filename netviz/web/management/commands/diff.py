"""`manage.py diff OLD_PATH NEW_PATH`: a change of manifests (netviz.cli.diff, as `netviz diff`)."""

from netviz.cli import diff
from netviz.web.management.commands import cli_command

Command = cli_command(diff)
