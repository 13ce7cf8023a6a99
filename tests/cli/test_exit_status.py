"""The commands run as a user runs them: `manage.py` in a subprocess, exit status and streams."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SHOP = ROOT / "tests" / "golden" / "shop" / "input"
BROKEN = ROOT / "tests" / "golden" / "broken" / "input"


def manage(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, str(ROOT / "manage.py"), *args],
        input=stdin,
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=60,
    )


def test_it_exits_0_on_clean_input():
    done = manage("analyze", str(SHOP), "--format", "json")
    assert done.returncode == 0, done.stderr
    assert done.stderr == ""
    data = json.loads(done.stdout)
    assert data["errors"] == []
    assert data["connections"]


def test_it_exits_1_when_documents_had_errors_and_still_prints_the_result():
    done = manage("analyze", str(BROKEN))
    assert done.returncode == 1
    assert "demo/client[Pod] => demo/web[Pod] : TCP 80" in done.stdout.splitlines()
    assert ": error: " in done.stderr
    assert done.stderr.rstrip().endswith("the result covers the valid documents only")
    assert "Traceback" not in done.stderr


def test_it_exits_2_for_a_path_that_does_not_exist():
    done = manage("analyze", "no/such/dir")
    assert done.returncode == 2
    assert done.stderr == "manage.py analyze: error: no such file or directory: no/such/dir\n"
    assert done.stdout == ""


def test_it_exits_2_for_an_unknown_format():
    done = manage("analyze", str(SHOP), "--format", "yaml")
    assert done.returncode == 2
    assert "invalid choice: 'yaml'" in done.stderr
    assert "Traceback" not in done.stderr


def test_it_exits_2_for_an_unknown_endpoint():
    done = manage("explain", str(SHOP), "--src", "shop/nothing", "--dst", "shop/api")
    assert done.returncode == 2
    assert done.stderr.startswith("manage.py explain: error: ")
    assert "shop/nothing" in done.stderr
    assert "Traceback" not in done.stderr


def test_it_reads_manifests_from_stdin_given_a_dash():
    text = (BROKEN / "app.yaml").read_text()
    done = manage("analyze", "-", "--format", "csv", stdin=text)
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[0] == "src,dst,connection"
    assert "demo/client[Pod],demo/web[Pod],All Connections" in lines


def test_it_exits_1_on_documents_joined_without_a_separator_and_prints_the_rest(tmp_path):
    from tests.k8s.test_joined import BACKEND, DENY_ALL, NAMESPACE_AND_APP

    (tmp_path / "all.yaml").write_text(NAMESPACE_AND_APP + BACKEND + DENY_ALL)
    (tmp_path / "pods.yaml").write_text(
        "apiVersion: v1\nkind: Pod\nmetadata: {name: a, namespace: demo}\n"
    )
    done = manage("analyze", str(tmp_path))
    assert done.returncode == 1
    assert "two documents joined without `---`?" in done.stderr
    assert "demo/a[Pod]" in done.stdout


def test_pods_flag_shows_pods_one_by_one_on_analyze_explain_and_lint(tmp_path):
    from tests.web.test_real_inputs import PODS_OF_ONE_DEPLOYMENT

    (tmp_path / "pods.yaml").write_text(PODS_OF_ONE_DEPLOYMENT)
    folded = json.loads(manage("analyze", str(tmp_path), "-f", "json").stdout)
    assert [e["id"] for e in folded["endpoints"]][0] == "shop/web[Deployment]"
    assert sum("[" in e["id"] for e in folded["endpoints"]) == 1
    one_by_one = json.loads(manage("analyze", str(tmp_path), "-f", "json", "--pods").stdout)
    assert sum("[Pod]" in e["id"] for e in one_by_one["endpoints"]) == 3
    done = manage(
        "explain",
        str(tmp_path),
        "--pods",
        "--src",
        "shop/web-7d77fb55cc-0",
        "--dst",
        "shop/web-7d77fb55cc-1",
    )
    assert done.returncode == 0, done.stderr
    assert manage("lint", str(tmp_path), "--pods").returncode == 0
