"""The benchmark's synthetic clusters: seeded, of the requested size, and readable by netviz.k8s."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest
import yaml

from bench.generate import SIZES, Spec, generate, main, write
from netviz.k8s import load_paths


@pytest.fixture(scope="module")
def size_s(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("bench-s")
    write(SIZES["S"], out, seed=7)
    return out


@pytest.fixture(scope="module")
def docs_s(size_s) -> list[dict]:
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    files = sorted(size_s.glob("*.yaml"))
    return [d for f in files for d in yaml.load_all(f.read_text(), Loader=loader)]


def test_it_generates_identical_files_for_the_same_seed():
    assert generate(SIZES["S"], seed=7) == generate(SIZES["S"], seed=7)


def test_it_generates_a_different_cluster_for_another_seed():
    assert generate(SIZES["S"], seed=7) != generate(SIZES["S"], seed=8)


def test_it_writes_exactly_the_requested_counts(size_s, docs_s):
    kinds = Counter(d["kind"] for d in docs_s)
    workloads = sum(n for k, n in kinds.items() if k not in ("Namespace", "NetworkPolicy"))
    assert (kinds["Namespace"], workloads, kinds["NetworkPolicy"]) == (10, 100, 50)
    assert len(list(size_s.glob("*.yaml"))) == 10


def test_it_honours_a_custom_size():
    files = generate(Spec(namespaces=6, workloads=40, policies=30), seed=1)
    docs = [d for _, text in files for d in yaml.safe_load_all(text)]
    kinds = Counter(d["kind"] for d in docs)
    assert kinds["Namespace"] == 6
    assert kinds["NetworkPolicy"] == 30
    assert sum(kinds.values()) - 36 == 40


def test_the_reader_parses_size_s_without_problems(size_s):
    cluster = load_paths([str(size_s)])
    assert cluster.problems == ()
    assert len(cluster.namespaces) == 10
    assert len(cluster.endpoints) == 100
    assert len(cluster.policies) == 50


def test_size_s_uses_every_policy_pattern_the_issue_names(size_s, docs_s):
    text = "\n".join(f.read_text() for f in sorted(size_s.glob("*.yaml")))
    policies = [d for d in docs_s if d["kind"] == "NetworkPolicy"]
    specs = [p["spec"] for p in policies]
    assert any(s["podSelector"] == {} and not s.get("ingress") for s in specs)  # default deny
    assert any(p["metadata"]["name"] == "allow-dns" for p in policies)
    assert "k8s-app: kube-dns" in text and "kubernetes.io/metadata.name: kube-system" in text
    assert "endPort:" in text
    assert "except:" in text
    assert "::/0" in text or "2001:db8:" in text  # IPv6 ipBlock
    for op in ("In", "NotIn", "Exists", "DoesNotExist"):
        assert f"operator: {op}\n" in text
    assert "namespaceSelector:" in text
    assert "port: http\n" in text  # a named port in a policy


def test_named_ports_have_different_numbers_in_different_workloads(docs_s):
    numbers: dict[str, set[int]] = {}
    for d in docs_s:
        if d["kind"] in ("Deployment", "StatefulSet", "DaemonSet"):
            for c in d["spec"]["template"]["spec"]["containers"]:
                for p in c.get("ports", []):
                    numbers.setdefault(p["name"], set()).add(p["containerPort"])
    assert len(numbers["http"]) > 1
    assert len(numbers["metrics"]) > 1
    assert len(numbers["db"]) > 1


def test_the_command_line_writes_a_cluster(tmp_path):
    assert main(["--size", "S", "--seed", "7", "--out", str(tmp_path / "c")]) == 0
    assert sorted(p.name for p in (tmp_path / "c").iterdir()) == [
        name for name, _ in generate(SIZES["S"], seed=7)
    ]
