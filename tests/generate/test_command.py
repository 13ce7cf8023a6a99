"""`manage.py generate` as a user runs it, and the Django-free `netviz.generate.cli.main`."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from pathlib import Path

import yaml

from netviz.generate import cli

ROOT = Path(__file__).resolve().parents[2]
DEMO = ROOT / "netviz" / "web" / "demo"
BROKEN = ROOT / "tests" / "golden" / "broken" / "input"


def manage(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, str(ROOT / "manage.py"), *args],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=120,
    )


def test_it_writes_one_file_per_namespace_and_exits_0_when_the_check_passes(tmp_path):
    done = manage("generate", str(DEMO), "--output", str(tmp_path))
    assert done.returncode == 0, done.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "kube-system.yaml",
        "monitoring.yaml",
        "shop.yaml",
    ]
    assert "Check: exact." in done.stdout
    assert done.stderr == ""
    docs = list(yaml.safe_load_all((tmp_path / "shop.yaml").read_text()))
    assert all(d["kind"] == "NetworkPolicy" for d in docs)


def test_a_keep_file_from_analyze_keeps_only_its_connections(tmp_path):
    analyzed = manage("analyze", str(DEMO), "--format", "json")
    data = json.loads(analyzed.stdout)
    kept = [
        c
        for c in data["connections"]
        if c["src"] == "shop/backend[Deployment]" and c["dst"] == "shop/database[StatefulSet]"
    ]
    assert kept
    keep = tmp_path / "keep.json"
    keep.write_text(json.dumps({"connections": kept}))
    out = tmp_path / "out"
    done = manage("generate", str(DEMO), "--keep", str(keep), "-n", "shop", "-o", str(out))
    assert done.returncode == 0, done.stderr
    assert sorted(p.name for p in out.iterdir()) == ["shop.yaml"]
    names = [d["metadata"]["name"] for d in yaml.safe_load_all((out / "shop.yaml").read_text())]
    # The database's ingress and the backend's egress, with every pod's DNS (kept by default).
    assert names == [
        "default-deny",
        "allow-egress-backend",
        "allow-ingress-database",
        "allow-egress-database",
        "allow-egress-frontend",
    ]
    assert "DNS connection(s) to kube-dns kept" in done.stdout


def test_it_exits_1_when_documents_had_errors(tmp_path):
    done = manage("generate", str(BROKEN), "-o", str(tmp_path))
    assert done.returncode == 1
    assert "error" in done.stderr
    assert "Traceback" not in done.stderr


def test_it_exits_2_for_an_unknown_namespace_or_path(tmp_path):
    done = manage("generate", str(DEMO), "-n", "nothing", "-o", str(tmp_path))
    assert done.returncode == 2
    assert "no endpoint in namespace 'nothing'" in done.stderr
    done = manage("generate", "no/such/dir", "-o", str(tmp_path))
    assert done.returncode == 2
    assert done.stderr == "manage.py generate: error: no such file or directory: no/such/dir\n"
    done = manage("generate", str(DEMO))
    assert done.returncode == 2  # --output is required


def test_a_keep_file_that_is_not_json_is_a_usage_error(tmp_path):
    keep = tmp_path / "keep.json"
    keep.write_text("connections: nope")
    done = manage("generate", str(DEMO), "--keep", str(keep), "-o", str(tmp_path / "o"))
    assert done.returncode == 2
    assert "not JSON" in done.stderr


def test_an_unknown_endpoint_in_the_keep_file_is_reported_and_exits_1(tmp_path):
    keep = tmp_path / "keep.json"
    keep.write_text(json.dumps([{"src": "shop/nobody", "dst": "shop/backend", "ports": []}]))
    out, err = io.StringIO(), io.StringIO()
    status = cli.run(
        cli.parser().parse_args([str(DEMO), "--keep", str(keep), "-o", str(tmp_path / "o")]),
        out,
        err,
    )
    assert status == 1
    assert "connections[0]: unknown-endpoint" in err.getvalue()


def test_the_plain_entry_point_writes_the_same_files_as_manage_py(tmp_path):
    assert manage("generate", str(DEMO), "-o", str(tmp_path / "a")).returncode == 0
    assert cli.main([str(DEMO), "-o", str(tmp_path / "b")]) == 0
    for name in ("kube-system.yaml", "monitoring.yaml", "shop.yaml"):
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes()
