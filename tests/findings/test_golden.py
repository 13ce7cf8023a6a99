"""`manage.py lint`, byte for byte against tests/findings/golden/<scenario>/expected.*.

After a reviewed change of output, `make golden` (NETVIZ_REGEN_GOLDEN=1) rewrites the files.
"""

from __future__ import annotations

import io
import json
import os
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from netviz.findings.render import FORMATS

GOLDEN = Path(__file__).parent / "golden"
REGENERATE = os.environ.get("NETVIZ_REGEN_GOLDEN") == "1"
SCENARIOS = sorted(p.parent.name for p in GOLDEN.glob("*/scenario.json"))


def run(args: list[str]) -> tuple[str, str, int]:
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command("lint", "input", *args, stdout=out, stderr=err)
        status = 0
    except CommandError as e:
        err.write(f"{e}\n")
        status = e.returncode
    return out.getvalue(), err.getvalue(), status


def compare(path: Path, actual: str) -> None:
    if REGENERATE:
        path.write_bytes(actual.encode())
        return
    assert path.exists(), f"{path} is missing: run `make golden` and review the new file"
    assert actual.encode() == path.read_bytes(), f"{path} differs: review, then `make golden`"


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("scenario", SCENARIOS)
def test_lint_output_matches_the_golden_file(scenario, fmt, monkeypatch):
    # Paths are given relative to the scenario, so file names in the output are stable.
    monkeypatch.chdir(GOLDEN / scenario)
    spec = json.loads(Path("scenario.json").read_text())
    stdout, stderr, status = run(["--format", fmt])
    assert status == spec["exit_status"], stderr
    compare(Path(f"expected.{fmt}"), stdout)
    if fmt == "text":
        compare(Path("expected.stderr"), stderr)


def test_every_golden_file_belongs_to_a_case():
    expected = {(s, f"expected.{fmt}") for s in SCENARIOS for fmt in (*FORMATS, "stderr")}
    found = {(p.parent.name, p.name) for p in GOLDEN.glob("*/expected.*")}
    assert found <= expected, f"stale golden files: {sorted(found - expected)}"
