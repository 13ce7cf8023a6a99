"""The analyze and explain commands, byte for byte against tests/golden/<scenario>/expected.*.

After a reviewed change of output, `make golden` (NETVIZ_REGEN_GOLDEN=1) rewrites the files.
"""

from __future__ import annotations

import io
import json
import os
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from netviz.formats import CONNECTION_FORMATS

GOLDEN = Path(__file__).parent
REGENERATE = os.environ.get("NETVIZ_REGEN_GOLDEN") == "1"
SCENARIOS = sorted(p.parent.name for p in GOLDEN.glob("*/scenario.json"))


def _cases() -> list:
    cases = []
    for name in SCENARIOS:
        spec = json.loads((GOLDEN / name / "scenario.json").read_text())
        for fmt in CONNECTION_FORMATS:
            cases.append(
                pytest.param(
                    name, "analyze", ["--format", fmt], f"expected.{fmt}", id=f"{name}-{fmt}"
                )
            )
        for fmt in spec.get("entrypoints", []):
            expected = f"expected.entrypoints.{fmt}"
            cases.append(
                pytest.param(
                    name, "entrypoints", ["--format", fmt], expected, id=f"{name}-entry-{fmt}"
                )
            )
        for case, args in spec.get("explain", {}).items():
            fmt = args[args.index("--format") + 1] if "--format" in args else "text"
            expected = f"expected.explain-{case}.{fmt}"
            cases.append(pytest.param(name, "explain", args, expected, id=f"{name}-{case}"))
    return cases


def run(command: str, args: list[str]) -> tuple[str, str, int]:
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command(command, "input", *args, stdout=out, stderr=err)
        status = 0
    except CommandError as e:
        status = e.returncode
    return out.getvalue(), err.getvalue(), status


def compare(path: Path, actual: str) -> None:
    if REGENERATE:
        path.write_bytes(actual.encode())
        return
    assert path.exists(), f"{path} is missing: run `make golden` and review the new file"
    assert actual.encode() == path.read_bytes(), f"{path} differs: review, then `make golden`"


@pytest.mark.parametrize(("scenario", "command", "args", "expected"), _cases())
def test_output_matches_the_golden_file(scenario, command, args, expected, monkeypatch):
    # Paths are given relative to the scenario, so file names in the output are stable.
    monkeypatch.chdir(GOLDEN / scenario)
    stdout, stderr, status = run(command, args)
    spec = json.loads(Path("scenario.json").read_text())
    assert status == spec["exit_status"], stderr
    compare(Path(expected), stdout)
    if args == ["--format", "text"]:
        compare(Path("expected.stderr"), stderr)


def test_every_golden_file_belongs_to_a_case():
    expected = {(c.values[0], c.values[3]) for c in _cases()}
    expected |= {(name, "expected.stderr") for name in SCENARIOS}
    found = {(p.parent.name, p.name) for p in GOLDEN.glob("*/expected.*")}
    assert found <= expected, f"stale golden files: {sorted(found - expected)}"
