"""`manage.py expect PATH... --expect FILE`: `netviz check` (Django's own `check` takes the name)."""

from netviz.cli import check
from netviz.web.management.commands import cli_command

Command = cli_command(check)
