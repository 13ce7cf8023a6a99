"""`pip install` of a checkout gives a `netviz` command that needs no Django.

A real install into a fresh virtualenv: the checkout is built into a wheel (setuptools, as
`pip install .` builds it), the wheel is installed with its dependencies from the package index,
and the installed `netviz analyze` must print what `manage.py analyze` prints. About 30 s (most
of it unpacking numpy); `-m "not install"` leaves it out.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SHOP = ROOT / "tests" / "golden" / "shop" / "input"

pytestmark = pytest.mark.install


def pip(venv_python: Path, *args: str) -> None:
    # The shared venv's pip drives the new venv (--python): no ensurepip, seconds saved.
    done = subprocess.run(
        [sys.executable, "-m", "pip", "--python", str(venv_python), *args],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stdout + done.stderr


def test_pip_install_of_the_checkout_gives_netviz_matching_manage_py(tmp_path):
    started = time.monotonic()
    src = tmp_path / "src"
    src.mkdir()
    # What the package is built from (a copy, so the build leaves nothing in the checkout).
    shutil.copy(ROOT / "pyproject.toml", src)
    shutil.copy(ROOT / "README.md", src)
    shutil.copytree(ROOT / "netviz", src / "netviz", ignore=shutil.ignore_patterns("__pycache__"))
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    python = venv / "bin" / "python"
    pip(python, "install", "-q", "setuptools>=77")
    pip(python, "wheel", "-q", "--no-deps", "--no-build-isolation", "-w", str(tmp_path), str(src))
    (wheel,) = tmp_path.glob("netviz-*.whl")
    names = zipfile.ZipFile(wheel).namelist()
    assert "netviz/cli/main.py" in names and "netviz/web/demo/01-namespaces.yaml" in names
    assert not any(n.startswith("tests/") for n in names)
    entry_points = next(n for n in names if n.endswith("entry_points.txt"))
    assert "netviz = netviz.cli.main:run" in zipfile.ZipFile(wheel).read(entry_points).decode()
    pip(python, "install", "-q", str(wheel))
    built = time.monotonic() - started

    installed = subprocess.run(
        [str(venv / "bin" / "netviz"), "analyze", str(SHOP), "--format", "json"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    reference = subprocess.run(
        [sys.executable, str(ROOT / "manage.py"), "analyze", str(SHOP), "--format", "json"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert installed.returncode == reference.returncode == 0, installed.stderr
    assert installed.stdout == reference.stdout
    no_django = subprocess.run([str(python), "-c", "import django"], capture_output=True)
    assert no_django.returncode != 0, "the CLI install must not pull in Django"
    lint = subprocess.run(
        [str(venv / "bin" / "netviz"), "lint", str(SHOP), "--format", "sarif"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert lint.returncode in (0, 1) and '"version": "2.1.0"' in lint.stdout, lint.stderr
    print(f"fresh venv + build + install: {built:.1f} s")
