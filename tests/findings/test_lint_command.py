"""`manage.py lint` as CI runs it: a real subprocess, its exit status and its streams."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SHOP = ROOT / "tests" / "findings" / "golden" / "shop" / "input"
# Warnings only: no default deny in `quiet`, and its one pod is not isolated.
QUIET = """\
apiVersion: v1
kind: Namespace
metadata: {name: quiet}
---
apiVersion: v1
kind: Pod
metadata: {name: web, namespace: quiet, labels: {app: web}}
spec: {containers: [{name: c, image: i}]}
"""


def manage(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, str(ROOT / "manage.py"), "lint", *args],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=60,
    )


def test_it_exits_0_when_nothing_reaches_the_default_threshold(tmp_path):
    path = tmp_path / "ns.yaml"
    path.write_text(QUIET)
    done = manage(str(path))
    assert done.returncode == 0, done.stderr
    assert done.stdout.endswith("4 findings: 4 warning.\n")
    assert done.stderr == ""


def test_it_exits_1_when_a_finding_reaches_the_threshold(tmp_path):
    path = tmp_path / "ns.yaml"
    path.write_text(QUIET)
    done = manage(str(path), "--fail-on", "warning")
    assert done.returncode == 1
    assert done.stderr == "manage.py lint: 4 findings at or above warning\n"


def test_it_exits_1_on_a_danger_finding_and_gives_json_with_counts():
    done = manage(str(SHOP), "--format", "json")
    assert done.returncode == 1
    data = json.loads(done.stdout)
    assert data["counts"] == {"info": 3, "warning": 16, "danger": 1}
    assert data["findings"][0]["id"] == "egress-blocks-dns:shop"


def test_it_lints_the_valid_documents_and_exits_1_when_some_had_errors(tmp_path):
    path = tmp_path / "mixed.yaml"
    path.write_text(QUIET + "---\nkind: NetworkPolicy\nspec: [\n")
    done = manage(str(path), "--format", "json")
    assert done.returncode == 1
    data = json.loads(done.stdout)
    assert [f["check"] for f in data["findings"]] == [
        "namespace-without-default-deny-ingress",
        "namespace-without-default-deny-egress",
        "unprotected-ingress",
        "unprotected-egress",
    ]
    assert len(data["errors"]) == 1
    assert "the result covers the valid documents only" in done.stderr


def test_it_exits_2_for_an_unknown_threshold():
    done = manage(str(SHOP), "--fail-on", "critical")
    assert done.returncode == 2
    assert "invalid choice: 'critical'" in done.stderr
    assert done.stdout == ""


def test_it_exits_2_for_a_path_that_does_not_exist():
    done = manage("no/such/dir")
    assert done.returncode == 2
    assert done.stderr == "manage.py lint: error: no such file or directory: no/such/dir\n"


def test_it_leaves_out_skipped_checks_and_prints_fixes_at_verbosity_2(tmp_path):
    path = tmp_path / "ns.yaml"
    path.write_text(QUIET)
    done = manage(str(path), "--skip", "default-deny-egress", "-v", "2", "--fail-on", "warning")
    assert done.returncode == 1
    lines = done.stdout.splitlines()
    assert lines[0].endswith("[namespace-without-default-deny-ingress:quiet]")
    assert lines[1:4] == [
        "    apiVersion: networking.k8s.io/v1",
        "    kind: NetworkPolicy",
        "    metadata:",
    ]
    assert lines[-1] == "3 findings: 3 warning."


def test_it_exits_2_for_an_unknown_check_to_skip():
    done = manage(str(SHOP), "--skip", "no-such-check")
    assert done.returncode == 2
    assert "invalid choice: 'no-such-check'" in done.stderr


def test_the_findings_package_imports_without_django():
    code = "import sys, netviz.findings; assert 'django' not in sys.modules, 'django imported'"
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, timeout=60
    )
    assert done.returncode == 0, done.stderr
