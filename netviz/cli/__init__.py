"""The `netviz` command line, without Django: `netviz analyze|explain|lint|diff|generate|check`.

Each command is a module with HELP, add_arguments(parser) and run(ctx, options); COMMANDS maps a
name to its module, and both `netviz` (netviz.cli.main) and the manage.py wrappers run them, so
their options and output are the same.
"""

from __future__ import annotations

import importlib
from types import ModuleType

COMMANDS: dict[str, str] = {
    "analyze": "netviz.cli.analyze",
    "explain": "netviz.cli.explain",
    "lint": "netviz.cli.lint",
    "diff": "netviz.cli.diff",
    "generate": "netviz.cli.generate",
    "check": "netviz.cli.check",
    "staged": "netviz.cli.staged",
}


def command(name: str) -> ModuleType:
    """The module of command `name` (imported on first use: each pulls in the engine)."""
    return importlib.import_module(COMMANDS[name])
