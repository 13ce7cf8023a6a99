"""`python -m netviz.cli COMMAND ...`: the same as the `netviz` console script."""

from netviz.cli.main import run

run()
