"""The `netviz` console script (netviz.cli.main): same output as manage.py, no Django needed."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SHOP = ROOT / "tests" / "golden" / "shop" / "input"
BROKEN = ROOT / "tests" / "golden" / "broken" / "input"
LINT_SHOP = ROOT / "tests" / "findings" / "golden" / "shop" / "input"


def netviz(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "netviz.cli.main", *args],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=60,
    )


def manage(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, str(ROOT / "manage.py"), *args],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=60,
    )


@pytest.mark.parametrize(
    "args",
    [
        ["analyze", str(SHOP), "--format", "json"],
        ["analyze", str(BROKEN)],
        ["explain", str(SHOP), "--src", "shop/frontend", "--dst", "shop/api", "--port", "9000"],
        ["lint", str(LINT_SHOP), "--format", "md"],
        ["lint", str(LINT_SHOP), "--format", "sarif"],
        ["diff", str(BROKEN), str(SHOP), "--format", "md"],
    ],
    ids=["analyze-json", "analyze-errors", "explain", "lint-md", "lint-sarif", "diff-md"],
)
def test_it_prints_what_manage_py_prints_with_the_same_status(args):
    mine, theirs = netviz(*args), manage(*args)
    assert mine.returncode == theirs.returncode
    assert mine.stdout == theirs.stdout
    assert mine.stderr.replace(f"netviz {args[0]}:", f"manage.py {args[0]}:") == theirs.stderr


def test_it_runs_without_importing_django():
    code = (
        f"import sys; sys.argv = ['netviz', 'lint', {str(LINT_SHOP)!r}, '--format', 'json'];"
        "from netviz.cli.main import main; status = main();"
        "assert 'django' not in sys.modules, 'django imported'; sys.exit(status)"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, timeout=60
    )
    assert done.returncode == 1, done.stderr
    assert "django imported" not in done.stderr


def test_a_usage_error_names_the_netviz_command():
    done = netviz("analyze", "no/such/dir")
    assert done.returncode == 2
    assert done.stderr == "netviz analyze: error: no such file or directory: no/such/dir\n"


def test_an_unknown_command_is_a_usage_error_listing_the_commands():
    done = netviz("analyse", str(SHOP))
    assert done.returncode == 2
    assert "unknown command 'analyse'" in done.stderr
    for name in ("analyze", "explain", "lint", "diff", "generate", "check"):
        assert f"  {name} " in done.stderr


def test_generate_writes_what_manage_py_generate_writes(tmp_path):
    done = netviz("generate", str(SHOP), "--output", str(tmp_path / "a"))
    twin = manage("generate", str(SHOP), "--output", str(tmp_path / "b"))
    assert (done.returncode, done.stdout.replace(str(tmp_path / "a"), "DIR")) == (
        twin.returncode,
        twin.stdout.replace(str(tmp_path / "b"), "DIR"),
    )
    written = sorted(p.name for p in (tmp_path / "a").iterdir())
    assert written and written == sorted(p.name for p in (tmp_path / "b").iterdir())
    for name in written:
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes()
    bad = netviz("generate", str(SHOP), "--output", str(tmp_path), "--namespace", "nope")
    assert bad.returncode == 2 and "no endpoint in namespace 'nope'" in bad.stderr


def test_a_bad_flag_exits_2_with_argparse_usage():
    done = netviz("lint", str(SHOP), "--format", "xml")
    assert done.returncode == 2
    assert "invalid choice: 'xml'" in done.stderr and "usage: netviz lint" in done.stderr


def test_version_and_help():
    assert netviz("--version").stdout.startswith("netviz 0.")
    assert netviz("--help").returncode == 0
    assert netviz().returncode == 2


def test_diff_md_cuts_long_lists_and_links_the_review_when_given_a_base_url():
    done = netviz(
        "diff",
        str(BROKEN),
        str(SHOP),
        "--format",
        "md",
        "--limit",
        "2",
        "--base-url",
        "https://netviz.example/r/TOKEN",
    )
    assert done.returncode == 1  # BROKEN has errors; the diff is still printed
    md = done.stdout
    assert md.startswith(
        "## Connectivity diff\n\n[Open the review in netviz](https://netviz.example/r/TOKEN/)"
    )
    assert md.index("| connections |") < md.index("<details>")
    assert "<summary>Connections added (" in md
    assert "… and " in md and " more (`netviz diff --format json` lists them all)" in md
    assert (
        "](https://netviz.example/r/TOKEN/edge/kube-system~coredns~Deployment/monitoring~prometheus~Deployment/)"
        in md
    )
