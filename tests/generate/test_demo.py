"""The demo app generated: golden YAML files, byte for byte, and the check exact.

After a reviewed change of output, `make golden` (NETVIZ_REGEN_GOLDEN=1) rewrites the files.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from netviz.generate import generate
from netviz.k8s import load_paths

DEMO = Path(__file__).resolve().parents[2] / "netviz" / "web" / "demo"
GOLDEN = Path(__file__).parent / "golden" / "demo"
REGENERATE = os.environ.get("NETVIZ_REGEN_GOLDEN") == "1"


@pytest.fixture(scope="module")
def result():
    return generate(load_paths([str(DEMO)]))


def test_it_reproduces_the_demo_exactly(result):
    assert result.check.exact, result.check.difference
    assert sorted(result.files) == ["kube-system.yaml", "monitoring.yaml", "shop.yaml"]


@pytest.mark.parametrize("name", ["kube-system.yaml", "monitoring.yaml", "shop.yaml"])
def test_it_writes_the_golden_files(result, name):
    path = GOLDEN / name
    if REGENERATE:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(result.files[name], encoding="utf-8")
    assert result.files[name] == path.read_text(encoding="utf-8")


def test_the_database_is_reached_only_by_the_backend(result):
    shop = result.files["shop.yaml"]
    block = shop[shop.index("name: allow-ingress-database") :].split("---")[0]
    assert "app: backend" in block
    assert "port: 5432" in block
    assert "app: frontend" not in block
