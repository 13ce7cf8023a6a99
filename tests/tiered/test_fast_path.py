"""The NetworkPolicy union fast path equals the general ordered path on inputs large enough to
cross the ingress block boundaries, on the golden inputs and on a benchmark cluster."""

from __future__ import annotations

from pathlib import Path

import pytest

from bench.generate import SIZES, write
from netviz.engine import Evaluator, matrix
from netviz.k8s import load_paths
from tests.engine.synthetic import synthetic_cluster

from .crosscheck import assert_paths_agree, connections

GOLDEN = Path(__file__).resolve().parent.parent / "golden"


def test_it_agrees_on_a_synthetic_cluster_computed_in_many_ingress_blocks():
    cluster = synthetic_cluster(namespaces=12, apps=8)
    want = connections(Evaluator(cluster))
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(matrix, "BLOCK_BYTES", 4096)  # a few ingress rows per block
        for mode in ("general", "ordered"):
            assert connections(Evaluator(cluster, mode=mode)) == want


@pytest.mark.parametrize("case", sorted(p.name for p in GOLDEN.iterdir() if p.is_dir()))
def test_it_agrees_on_the_golden_inputs(case):
    inputs = [str(p) for p in sorted((GOLDEN / case).glob("input*"))] or [str(GOLDEN / case)]
    assert_paths_agree(load_paths(inputs))


def test_it_agrees_on_the_small_benchmark_cluster(tmp_path):
    write(SIZES["S"], tmp_path, seed=3)
    assert_paths_agree(load_paths([str(tmp_path)]))


def test_on_tiered_input_the_union_step_equals_the_networkpolicy_tier_run_rule_by_rule(tmp_path):
    from dataclasses import replace

    write(replace(SIZES["S"], admin=40), tmp_path, seed=5)
    cluster = load_paths([str(tmp_path)])
    assert cluster.admin_policies and not cluster.errors
    want = connections(Evaluator(cluster))
    assert connections(Evaluator(cluster, mode="general")) == want
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(matrix, "BLOCK_BYTES", 2048)  # many ingress blocks
        assert connections(Evaluator(cluster)) == want
