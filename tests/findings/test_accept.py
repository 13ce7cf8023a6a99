"""Accepted findings: a netviz.dev/accept annotation or a baseline; only new findings fail."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from netviz.findings.accept import BaselineError, read_baseline

ROOT = Path(__file__).resolve().parents[2]

APP = """\
apiVersion: v1
kind: Namespace
metadata: {name: web}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: front, namespace: web}
spec:
  selector: {matchLabels: {app: front}}
  template:
    metadata: {labels: {app: front}}
    spec: {containers: [{name: c, image: i, ports: [{containerPort: 80}]}]}
"""
PUBLIC = """\
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: public
  namespace: web
  annotations:
{annotations}spec:
  podSelector: {{matchLabels: {{app: front}}}}
  policyTypes: [Ingress]
  ingress:
    - from: [{{ipBlock: {{cidr: 0.0.0.0/0}}}}]
      ports: [{{port: 80}}]
"""
ACCEPTING = (
    "    netviz.dev/accept: ingress-from-internet\n"
    "    netviz.dev/accept-reason: the shop front is public by design\n"
)
# A second workload nobody isolates: a new unprotected-ingress finding.
NEW_WORKLOAD = """\
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: admin, namespace: web}
spec:
  selector: {matchLabels: {app: admin}}
  template:
    metadata: {labels: {app: admin}}
    spec: {containers: [{name: c, image: i}]}
"""
INTERNET = "ingress-from-internet:web/public:ingress[0].from[0]"


def lint(path: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "netviz.cli.main", "lint", str(path), *args],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=60,
    )


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "app.yaml"
    path.write_text(text)
    return path


def test_an_annotated_policy_accepts_its_finding_which_stays_listed_with_the_reason(tmp_path):
    path = write(tmp_path, APP + PUBLIC.format(annotations=ACCEPTING))
    done = lint(path, "--format", "json")
    data = json.loads(done.stdout)
    found = {f["id"]: f for f in data["findings"]}
    assert found[INTERNET]["accepted"] == {
        "reason": "the shop front is public by design",
        "by": "annotation on web/public",
    }
    assert data["accepted_count"] == 1
    assert all("accepted" not in f for i, f in found.items() if i != INTERNET)
    text = lint(path).stdout
    line = next(ln for ln in text.splitlines() if INTERNET in ln)
    assert line.endswith(
        "[accepted (annotation on web/public): the shop front is public by design]"
    )


def test_an_accepted_finding_does_not_fail_lint_but_the_same_one_unaccepted_does(tmp_path):
    skip = ["--skip", "default-deny-ingress", "--skip", "default-deny-egress"]
    skip += ["--skip", "unprotected-egress", "--fail-on", "warning"]
    bare = write(tmp_path, APP + PUBLIC.format(annotations="    x: y\n"))
    assert lint(bare, *skip).returncode == 1
    accepted = write(tmp_path, APP + PUBLIC.format(annotations=ACCEPTING))
    done = lint(accepted, *skip)
    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stdout.endswith("1 finding: 1 warning. 1 accepted.\n")


def test_an_accept_annotation_without_a_reason_accepts_nothing_and_says_so(tmp_path):
    path = write(tmp_path, APP + PUBLIC.format(annotations="    netviz.dev/accept: broad\n"))
    done = lint(path, "--format", "json")
    assert "accepted_count" not in json.loads(done.stdout)
    assert "has netviz.dev/accept but no netviz.dev/accept-reason: nothing accepted" in done.stderr


def test_a_check_group_name_accepts_every_check_of_the_group(tmp_path):
    annotations = "    netviz.dev/accept: broad\n    netviz.dev/accept-reason: public\n"
    path = write(tmp_path, APP + PUBLIC.format(annotations=annotations))
    data = json.loads(lint(path, "--format", "json").stdout)
    assert [f["id"] for f in data["findings"] if "accepted" in f] == [INTERNET]


def test_a_baseline_accepts_what_it_lists_and_only_a_new_finding_fails(tmp_path):
    path = write(tmp_path, APP + PUBLIC.format(annotations="    x: y\n"))
    baseline = tmp_path / "baseline.json"
    assert lint(path, "--fail-on", "warning").returncode == 1
    written = lint(path, "--fail-on", "warning", "--write-baseline", str(baseline))
    assert written.returncode == 0, written.stderr
    ids = {item["id"] for item in json.loads(baseline.read_text())["accepted"]}
    assert INTERNET in ids

    again = lint(path, "--fail-on", "warning", "--baseline", str(baseline), "--format", "json")
    assert again.returncode == 0, again.stderr
    data = json.loads(again.stdout)
    assert data["accepted_count"] == len(data["findings"]) == len(ids)
    assert data["findings"][0]["accepted"] == {"reason": "in the baseline", "by": "baseline"}

    path.write_text(APP + PUBLIC.format(annotations="    x: y\n") + NEW_WORKLOAD)
    new = lint(path, "--fail-on", "warning", "--baseline", str(baseline))
    assert new.returncode == 1
    failing = [ln for ln in new.stdout.splitlines()[:-1] if "[accepted" not in ln]
    assert [ln.rsplit(" [", 1)[1] for ln in failing] == [
        "unprotected-ingress:web/admin[Deployment]]",
        "unprotected-egress:web/admin[Deployment]]",
    ]
    assert new.stdout.endswith("6 findings: 6 warning. 4 accepted.\n")
    assert new.stderr == "netviz lint: 2 findings at or above warning\n"


def test_rewriting_a_baseline_keeps_the_reasons_written_in_it(tmp_path):
    path = write(tmp_path, APP + PUBLIC.format(annotations="    x: y\n"))
    baseline = tmp_path / "baseline.json"
    lint(path, "--write-baseline", str(baseline))
    data = json.loads(baseline.read_text())
    for item in data["accepted"]:
        item["reason"] = "agreed in review #12"
    baseline.write_text(json.dumps(data))
    lint(path, "--write-baseline", str(baseline))
    reasons = {item["reason"] for item in json.loads(baseline.read_text())["accepted"]}
    assert reasons == {"agreed in review #12"}
    shown = lint(path, "--baseline", str(baseline)).stdout
    assert "[accepted (baseline): agreed in review #12]" in shown


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("{", "line 1: not JSON"),
        ("[]", 'expected {"version": 1'),
        ('{"version": 2, "accepted": []}', "version 2"),
        ('{"version": 1, "accepted": [{"reason": "x"}]}', "accepted[0]"),
    ],
)
def test_a_malformed_baseline_is_refused_with_what_is_wrong(text, message):
    with pytest.raises(BaselineError, match=message.replace("[", r"\[").replace("{", r"\{")):
        read_baseline(text)


def test_a_malformed_or_missing_baseline_file_is_a_usage_error(tmp_path):
    path = write(tmp_path, APP)
    done = lint(path, "--baseline", str(tmp_path / "missing.json"))
    assert done.returncode == 2
    assert "cannot read baseline" in done.stderr
    bad = tmp_path / "bad.json"
    bad.write_text("{")
    done = lint(path, "--baseline", str(bad))
    assert done.returncode == 2
    assert done.stderr.startswith(f"netviz lint: error: {bad}: line 1: not JSON")
