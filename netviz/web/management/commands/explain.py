"""`manage.py explain PATH... --src A --dst B` (netviz.cli.explain, as `netviz explain`)."""

from netviz.cli import explain
from netviz.cli.explain import asked_ports, port_range
from netviz.web.management.commands import cli_command

Command = cli_command(explain)

__all__ = ["Command", "asked_ports", "port_range"]
