"""`netviz check --expect`: a violated statement fails the pipeline, fixing the policy passes it."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from netviz.engine import Evaluator
from netviz.expect import check, parse_expectations
from netviz.k8s import load_paths
from tests.cli.test_sarif import assert_sarif

ROOT = Path(__file__).resolve().parents[2]
SHOP = ROOT / "tests" / "golden" / "shop" / "input"

EXPECT = """\
expect:
  - name: the frontend calls the API
    allow: {from: shop/frontend, to: shop/api, ports: [TCP 9000]}
  - name: nothing outside the shop reaches the API
    deny:
      from: {not: shop/*}
      to: shop/api
  - name: no outside address reaches the database
    deny: {from: external, to: {labels: {tier: db}}}
"""


def netviz(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "netviz.cli.main", *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        timeout=60,
        env={**os.environ, "PYTHONPATH": str(ROOT)},  # netviz from this checkout, any cwd
    )


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    shutil.copytree(SHOP, tmp_path / "k8s")
    (tmp_path / "netviz-expect.yaml").write_text(EXPECT)
    return tmp_path


def test_it_fails_on_a_violated_expectation_and_passes_once_the_policy_is_fixed(repo):
    done = netviz("check", "k8s", "--expect", "netviz-expect.yaml", cwd=repo)
    assert done.returncode == 1
    assert done.stderr == "netviz check: 1 of 3 expectations failed\n"
    lines = done.stdout.splitlines()
    assert lines[0] == (
        "netviz-expect.yaml:2: passed: the frontend calls the API: "
        "allow shop/frontend -> shop/api on TCP 9000"
    )
    assert lines[1] == (
        "netviz-expect.yaml:4: failed: 1 pair allowed: nothing outside the shop reaches the API: "
        "deny not shop/* -> shop/api"
    )
    assert (
        lines[2]
        == "    monitoring/prometheus[Deployment] -> shop/api[Deployment] (allows TCP 9090)"
    )
    assert (
        lines[3] == "        egress of the source: not isolated (no policy selects it for egress)"
    )
    assert lines[4] == (
        "        ingress of the destination: allowed by shop/api ingress rule 1, from[0], "
        "ports[0] (k8s/policies.yaml:85)"
    )
    assert lines[-1] == "3 expectations: 2 passed, 1 failed."

    # The fix: metrics only from the shop's own namespace.
    policies = repo / "k8s" / "policies.yaml"
    text = policies.read_text()
    assert text.count("purpose: monitoring") == 1
    policies.write_text(text.replace("purpose: monitoring", "team: shop"))
    fixed = netviz("check", "k8s", "--expect", "netviz-expect.yaml", cwd=repo)
    assert fixed.returncode == 0, fixed.stdout
    assert fixed.stdout.endswith("3 expectations: 3 passed, 0 failed.\n")
    assert fixed.stderr == ""


def test_a_broken_allow_names_the_policies_that_isolate_without_allowing():
    (s,) = parse_expectations(
        "expect: [{allow: {from: shop/frontend, to: shop/api, ports: 8080}}]", "e.yaml"
    )
    (outcome,) = check(Evaluator(load_paths([str(SHOP)])), [s])
    assert not outcome.passed and outcome.count == 1
    (v,) = outcome.violations
    assert (v.src, v.dst, str(v.ports)) == (
        "shop/frontend[Deployment]",
        "shop/api[Deployment]",
        "TCP 8080",
    )
    by_side = {(r.direction, r.policy) for r in v.reasons}
    assert ("egress", "shop/frontend") in by_side and ("ingress", "shop/api") in by_side


def test_a_side_that_matches_nothing_fails_rather_than_passing_as_no_pair(repo):
    (repo / "e.yaml").write_text("expect: [{deny: {from: shop/frontnd, to: shop/api}}]\n")
    done = netviz("check", "k8s", "--expect", "e.yaml", cwd=repo)
    assert done.returncode == 1
    assert "failed: `from` matches no endpoint of the input" in done.stdout


def test_it_shows_the_first_pairs_and_counts_the_rest(repo):
    (repo / "e.yaml").write_text("expect: [{deny: {from: external, to: '*/*', ports: 22}}]\n")
    done = netviz("check", "k8s", "--expect", "e.yaml", "--format", "json", cwd=repo)
    (item,) = json.loads(done.stdout)["expectations"]
    assert item["count"] == 12 and len(item["pairs"]) == 5
    assert "    … and 7 more" in netviz("check", "k8s", "--expect", "e.yaml", cwd=repo).stdout


def test_a_bad_expectations_file_is_a_usage_error_with_every_line(repo):
    (repo / "e.yaml").write_text("expect:\n  - deny: {from: a/b}\n  - nope: 1\n")
    done = netviz("check", "k8s", "--expect", "e.yaml", cwd=repo)
    assert done.returncode == 2
    assert done.stderr.splitlines() == [
        "error: e.yaml:2: expect[0].deny: to is missing (expected from, to and optional ports)",
        "netviz check: error: e.yaml:3: expect[1]: unknown key 'nope' (expected allow, deny, name)",
    ]
    assert done.stdout == ""
    missing = netviz("check", "k8s", "--expect", "none.yaml", cwd=repo)
    assert missing.returncode == 2 and "cannot read expectations none.yaml" in missing.stderr


def test_sarif_and_junit_point_at_the_statement(repo):
    sarif = netviz("check", "k8s", "--expect", "netviz-expect.yaml", "-f", "sarif", cwd=repo)
    assert sarif.returncode == 1
    assert_sarif(json.loads(sarif.stdout))
    (run,) = json.loads(sarif.stdout)["runs"]
    (result,) = run["results"]
    assert result["ruleId"] == "expect-deny"
    assert result["locations"][0]["physicalLocation"] == {
        "artifactLocation": {"uri": "netviz-expect.yaml"},
        "region": {"startLine": 4},
    }
    assert result["partialFingerprints"] == {
        "netvizId/v1": "nothing outside the shop reaches the API"
    }
    junit = netviz("check", "k8s", "--expect", "netviz-expect.yaml", "-f", "junit", cwd=repo)
    suite = ET.fromstring(junit.stdout).find("testsuite")
    assert (suite.get("tests"), suite.get("failures")) == ("3", "1")
    failed = [c for c in suite.iter("testcase") if c.find("failure") is not None]
    assert [c.get("name") for c in failed] == ["nothing outside the shop reaches the API"]
    assert "shop/api ingress rule 1" in failed[0].find("failure").text


def test_manage_py_expect_is_the_same_command(repo):
    args = ["k8s", "--expect", "netviz-expect.yaml"]
    mine = netviz("check", *args, cwd=repo)
    theirs = subprocess.run(
        [sys.executable, str(ROOT / "manage.py"), "expect", *args],
        capture_output=True,
        text=True,
        cwd=repo,
        timeout=60,
    )
    assert (theirs.returncode, theirs.stdout) == (mine.returncode, mine.stdout)
    assert theirs.stderr == "manage.py expect: 1 of 3 expectations failed\n"
