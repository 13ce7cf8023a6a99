"""SARIF 2.1.0 and JUnit output of lint and check, checked for what code scanning and CI read.

No JSON-schema validator is installed, so `assert_sarif` checks by hand the properties SARIF
2.1.0 requires (§3.13 sarifLog, §3.14 run, §3.18-3.19 tool/driver, §3.49 reportingDescriptor,
§3.27 result, §3.28 location, §3.29-3.30 physicalLocation/region, §3.35 suppression), and the
ones GitHub code scanning needs on top (rule help, a location with a line, fingerprints).
"""

from __future__ import annotations

import json
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parents[2]
LINT_SHOP = ROOT / "tests" / "findings" / "golden" / "shop" / "input"
LEVELS = {"none", "note", "warning", "error"}


def _text(obj: object, where: str) -> None:
    assert isinstance(obj, dict) and isinstance(obj.get("text"), str) and obj["text"], where


def assert_sarif(log: dict) -> None:
    assert log["version"] == "2.1.0"
    assert isinstance(log.get("$schema", ""), str)
    assert isinstance(log["runs"], list) and log["runs"]
    for run in log["runs"]:
        driver = run["tool"]["driver"]
        assert isinstance(driver["name"], str) and driver["name"]
        rules = driver.get("rules", [])
        ids = [r["id"] for r in rules]
        assert len(ids) == len(set(ids)), "rule ids are unique"
        for rule in rules:
            assert isinstance(rule["id"], str) and rule["id"]
            _text(rule["shortDescription"], f"{rule['id']}.shortDescription")
            _text(rule["fullDescription"], f"{rule['id']}.fullDescription")
            _text(rule["help"], f"{rule['id']}.help")
            assert rule["defaultConfiguration"]["level"] in LEVELS
        for result in run["results"]:
            _text(result["message"], "result.message")
            assert result["level"] in LEVELS
            assert rules[result["ruleIndex"]]["id"] == result["ruleId"]
            fingerprints = result["partialFingerprints"]
            assert fingerprints and all(isinstance(v, str) and v for v in fingerprints.values())
            for location in result["locations"]:
                physical = location["physicalLocation"]
                uri = physical["artifactLocation"]["uri"]
                assert isinstance(uri, str) and uri and " " not in uri
                assert urlsplit(uri).scheme in ("", "file")
                if "region" in physical:
                    assert isinstance(physical["region"]["startLine"], int)
                    assert physical["region"]["startLine"] >= 1
            for suppression in result.get("suppressions", []):
                assert suppression["kind"] in ("inSource", "external")
                assert isinstance(suppression["justification"], str)


def netviz(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "netviz.cli.main", *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        timeout=60,
    )


def test_lint_sarif_passes_the_structural_check_with_one_result_per_finding():
    done = netviz("lint", "tests/findings/golden/shop/input", "--format", "sarif")
    assert done.returncode == 1  # the shop has a danger finding
    log = json.loads(done.stdout)
    assert_sarif(log)
    (run,) = log["runs"]
    findings = json.loads(netviz("lint", str(LINT_SHOP), "--format", "json").stdout)["findings"]
    assert [r["partialFingerprints"]["netvizId/v1"] for r in run["results"]] == [
        f["id"] for f in findings
    ]
    first = run["results"][0]
    assert (first["ruleId"], first["level"]) == ("egress-blocks-dns", "error")
    assert first["locations"][0]["physicalLocation"] == {
        "artifactLocation": {"uri": "tests/findings/golden/shop/input/policies.yaml"},
        "region": {"startLine": 39},
    }
    levels = {r["level"] for r in run["results"]}
    assert levels == {"error", "warning", "note"}
    used = {r["ruleId"] for r in run["results"]}
    assert {r["id"] for r in run["tool"]["driver"]["rules"]} == used


def test_accepted_findings_are_suppressed_in_sarif_and_skipped_in_junit(tmp_path):
    baseline = tmp_path / "b.json"
    netviz("lint", str(LINT_SHOP), "--write-baseline", str(baseline))
    data = json.loads(baseline.read_text())
    data["accepted"][0]["reason"] = "known, ticket NET-1"
    baseline.write_text(json.dumps(data))
    done = netviz("lint", str(LINT_SHOP), "--format", "sarif", "--baseline", str(baseline))
    assert done.returncode == 0
    log = json.loads(done.stdout)
    assert_sarif(log)
    results = log["runs"][0]["results"]
    assert all(r["suppressions"][0]["kind"] == "external" for r in results)
    reasons = {r["suppressions"][0]["justification"] for r in results}
    assert reasons == {"known, ticket NET-1", "in the baseline"}

    junit = netviz("lint", str(LINT_SHOP), "-f", "junit", "--baseline", str(baseline)).stdout
    suite = ET.fromstring(junit).find("testsuite")
    assert suite.get("failures") == "0" and suite.get("skipped") == suite.get("tests") == "20"


def test_lint_junit_fails_the_cases_at_or_above_the_threshold():
    done = netviz("lint", str(LINT_SHOP), "--format", "junit", "--fail-on", "warning")
    suite = ET.fromstring(done.stdout).find("testsuite")
    assert (suite.get("tests"), suite.get("failures")) == ("20", "17")
    case = suite.find("testcase")
    assert case.get("classname") == "netviz.lint.egress-blocks-dns"
    assert case.get("name") == "egress-blocks-dns:shop"
    assert case.get("line") == "39"


def test_every_check_has_rule_help():
    from netviz.findings.checks import CHECK_IDS
    from netviz.findings.help import CHECK_HELP

    assert set(CHECK_HELP) == set(CHECK_IDS)


def test_a_finding_no_manifest_declares_is_located_at_the_input_path(tmp_path):
    # The namespace is only referenced by the pod, so its finding has no file of its own.
    (tmp_path / "pod.yaml").write_text(
        "apiVersion: v1\nkind: Pod\nmetadata: {name: web, namespace: quiet}\n"
        "spec: {containers: [{name: c, image: i}]}\n"
    )
    log = json.loads(netviz("lint", str(tmp_path / "pod.yaml"), "--format", "sarif").stdout)
    assert_sarif(log)
    results = log["runs"][0]["results"]
    namespace = next(r for r in results if r["ruleId"].startswith("namespace-without"))
    assert namespace["locations"][0]["physicalLocation"]["artifactLocation"]["uri"].endswith(
        "pod.yaml"
    )
    assert all(r["locations"] for r in results)
