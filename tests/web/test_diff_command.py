"""`manage.py diff OLD_PATH NEW_PATH`: the same diff as the web page, from files."""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
from pathlib import Path

from django.conf import settings

from tests.web import manifests
from tests.web.base import V1_FILES, V2_FILES


def write(folder: Path, files) -> Path:
    folder.mkdir()
    for name, content in files:
        (folder / name).write_text(content)
    return folder


def diff(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "manage.py", "diff", *args],
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
    )


def test_it_prints_the_connectivity_change_as_text():
    with tempfile.TemporaryDirectory() as tmp:
        old, new = write(Path(tmp, "old"), V1_FILES), write(Path(tmp, "new"), V2_FILES)
        result = diff(str(old), str(new))
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[:3] == [
        "Connections: 0 added, 3 removed, 1 changed",
        "Endpoints: 0 added, 0 removed, 0 changed",
        "Policies: 1 added, 0 removed, 1 changed",
    ]
    assert (
        "  ~ shop/web[Pod] -> shop/api[Pod]  TCP 8080 => TCP 8080,9090 (gained TCP 9090)" in lines
    )
    assert "  - 0.0.0.0/0 -> shop/web[Pod]  All Connections" in lines


def test_it_prints_json_and_markdown():
    with tempfile.TemporaryDirectory() as tmp:
        old, new = write(Path(tmp, "old"), V1_FILES), write(Path(tmp, "new"), V2_FILES)
        data = json.loads(diff(str(old), str(new), "--format", "json").stdout)
        md = diff(str(old), str(new), "--format", "md").stdout
    assert data["summary"]["policies_added"] == 1
    assert data["policies"]["added"] == ["shop/web-deny-ingress"]
    assert md.startswith("## Connectivity diff\n")


def test_input_errors_give_status_1_and_still_print_the_diff():
    with tempfile.TemporaryDirectory() as tmp:
        old = write(Path(tmp, "old"), V1_FILES)
        new = write(Path(tmp, "new"), [*V1_FILES, ("bad.yaml", manifests.BROKEN)])
        result = diff(str(old), str(new))
    assert result.returncode == 1
    assert "bad.yaml" in result.stderr
    assert "Endpoints: 1 added" in result.stdout


def test_a_missing_path_is_a_usage_error():
    result = diff("/no/such/dir", "/no/such/other")
    assert result.returncode == 2
    assert "no such file or directory" in result.stderr
