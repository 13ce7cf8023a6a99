"""The GitHub Action's script, run as action.yml runs it, on a repository with a base and a head.

The `Run netviz` step of action.yml is executed as GitHub would (bash -eo pipefail, its env with
the inputs filled in, $GITHUB_OUTPUT and $GITHUB_STEP_SUMMARY files); `netviz` on PATH is this
checkout's. The pull request changes a policy so that monitoring reaches the database.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from tests.cli.test_sarif import assert_sarif

ROOT = Path(__file__).resolve().parents[2]
SHOP = ROOT / "tests" / "golden" / "shop" / "input"
EXPECT = """\
expect:
  - name: only the API reaches the database
    deny: {from: {not: shop/api}, to: shop/postgres}
"""


def git(repo: Path, *args: str) -> str:
    done = subprocess.run(
        ["git", "-c", "user.name=t", "-c", "user.email=t@example.org", *args],
        cwd=repo,
        capture_output=True,
        text=True,
        check=True,
    )
    return done.stdout.strip()


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """origin (bare) with `main`, and a clone on a branch one commit ahead, like a PR checkout."""
    work = tmp_path / "work"
    shutil.copytree(SHOP, work / "k8s")
    (work / "netviz-expect.yaml").write_text(EXPECT)
    git(tmp_path, "init", "-q", "-b", "main", str(work))
    git(work, "add", ".")
    git(work, "commit", "-q", "-m", "base")
    git(tmp_path, "clone", "-q", "--bare", str(work), str(tmp_path / "origin.git"))
    git(work, "remote", "add", "origin", str(tmp_path / "origin.git"))
    git(work, "checkout", "-q", "-b", "feature")
    policies = work / "k8s" / "policies.yaml"
    # The change under review: postgres also accepts the monitoring namespace.
    policies.write_text(
        policies.read_text().replace(
            "        - podSelector:\n            matchLabels:\n              app: api\n"
            "      ports:\n        - protocol: TCP\n          port: 5432",
            "        - podSelector:\n            matchLabels:\n              app: api\n"
            "        - namespaceSelector:\n            matchLabels:\n              purpose: monitoring\n"
            "      ports:\n        - protocol: TCP\n          port: 5432",
        )
    )
    git(work, "commit", "-q", "-am", "monitoring reads the database")
    return work


def run_action_step(repo: Path, tmp_path: Path, **inputs: str) -> tuple[int, dict, Path]:
    action = yaml.safe_load((ROOT / "action.yml").read_text())
    step = next(s for s in action["runs"]["steps"] if s.get("id") == "netviz")
    defaults = {k: v.get("default", "") for k, v in action["inputs"].items()}
    values = {**defaults, **inputs}
    temp = tmp_path / "runner-temp"
    temp.mkdir(exist_ok=True)

    def fill(text: str) -> str:
        text = text.replace("${{ github.action_path }}", str(ROOT))
        text = text.replace("${{ runner.temp }}", str(temp))
        return re.sub(r"\$\{\{ inputs\.([\w-]+) \}\}", lambda m: values[m.group(1)], text)

    shim = tmp_path / "bin"
    shim.mkdir(exist_ok=True)
    (shim / "netviz").write_text(f'#!/bin/sh\nexec {sys.executable} -m netviz.cli.main "$@"\n')
    (shim / "netviz").chmod(0o755)
    output, summary = tmp_path / "github_output", tmp_path / "summary.md"
    output.write_text("")
    summary.write_text("")
    env = {
        **os.environ,
        **{k: fill(str(v)) for k, v in step["env"].items()},
        "PATH": f"{shim}{os.pathsep}{os.environ['PATH']}",
        "PYTHONPATH": str(ROOT),
        "GITHUB_OUTPUT": str(output),
        "GITHUB_STEP_SUMMARY": str(summary),
        "GITHUB_BASE_REF": "main",
    }
    script = tmp_path / "step.sh"
    script.write_text(fill(step["run"]))
    done = subprocess.run(
        ["bash", "--noprofile", "--norc", "-eo", "pipefail", str(script)],
        cwd=repo,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr  # the step records the status; a later step fails
    outputs = dict(line.split("=", 1) for line in output.read_text().splitlines())
    return (
        int(outputs["status"]),
        {"summary": summary.read_text(), **outputs},
        Path(outputs["reports"]),
    )


def test_the_action_fails_the_pr_and_reports_sarif_and_a_summary(repo, tmp_path):
    status, out, reports = run_action_step(repo, tmp_path, path="k8s", expect="netviz-expect.yaml")
    assert status == 1
    for name in ("lint.sarif", "check.sarif"):
        assert_sarif(json.loads((reports / name).read_text()))
    check = json.loads((reports / "check.sarif").read_text())["runs"][0]["results"]
    assert [r["partialFingerprints"]["netvizId/v1"] for r in check] == [
        "only the API reaches the database"
    ]
    summary = out["summary"]
    assert "## netviz lint" in summary and "## netviz check" in summary
    assert "❌ | only the API reaches the database" in summary
    assert "## Connectivity diff" in summary
    assert "| connections | 1 | 0 | 0 |" in summary  # the base came from origin/main
    assert "`monitoring/prometheus[Deployment]` | `shop/postgres[StatefulSet]`" in summary


def test_the_action_passes_once_the_change_is_fixed(repo, tmp_path):
    git(repo, "revert", "--no-edit", "HEAD")
    status, out, _ = run_action_step(repo, tmp_path, path="k8s", expect="netviz-expect.yaml")
    assert status == 0, out["summary"]
    assert "✅ | only the API reaches the database" in out["summary"]
    assert "| connections | 0 | 0 | 0 |" in out["summary"]


def test_a_baseline_in_the_repository_lets_lint_pass_on_known_findings(repo, tmp_path):
    status, _, _ = run_action_step(
        repo, tmp_path, path="k8s", lint="true", **{"fail-on": "warning"}
    )
    assert status == 1
    subprocess.run(
        [
            sys.executable,
            "-m",
            "netviz.cli.main",
            "lint",
            "k8s",
            "--write-baseline",
            "baseline.json",
        ],
        cwd=repo,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        check=True,
        capture_output=True,
    )
    status, out, _ = run_action_step(
        repo, tmp_path, path="k8s", baseline="baseline.json", **{"fail-on": "warning"}
    )
    assert status == 0, out["summary"]
    assert " accepted.**" in out["summary"]
