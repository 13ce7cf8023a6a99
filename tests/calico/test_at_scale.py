"""The vectorised Calico program against the scalar decision path on a generated cluster
(bench's generator with Calico policies in tiers), computed in many small blocks so every
batch boundary and the per-tier subject restriction of Decider.compose are crossed."""

from __future__ import annotations

import random

import pytest

import netviz.engine.matrix as matrix_module
from bench.generate import DEFAULT_SEED, Spec, write
from netviz.engine import Evaluator
from netviz.engine.ports import PortSet
from netviz.k8s import load_paths

PAIRS = 150


@pytest.fixture(scope="module")
def evaluated(tmp_path_factory):
    root = tmp_path_factory.mktemp("bench-calico")
    write(Spec(12, 240, 80, calico=60), root, DEFAULT_SEED)
    cluster = load_paths([str(root)])
    assert not cluster.errors
    saved = matrix_module.BLOCK_BYTES
    matrix_module.BLOCK_BYTES = 4096  # a few ingress rows per block
    try:
        ev = Evaluator(cluster)
        analysis = ev.analysis()
    finally:
        matrix_module.BLOCK_BYTES = saved
    return ev, analysis


def test_the_calico_program_agrees_with_the_decision_path_on_a_sample(evaluated):
    ev, analysis = evaluated
    assert ev.program.ordered and ev.matrix._block_rows < len(ev.matrix.is_rep) // 4
    allowed = {(c.src, c.dst): c.ports for c in analysis.connections}
    ids = sorted(e.id for e in analysis.endpoints)
    rng = random.Random(DEFAULT_SEED)
    open_pairs = sorted(k for k in allowed if k[0] in ids and k[1] in ids and k[0] != k[1])
    pairs = rng.sample(open_pairs, min(len(open_pairs), PAIRS // 2))
    pairs += [tuple(rng.sample(ids, 2)) for _ in range(PAIRS // 2)]
    wrong = []
    for src, dst in pairs:
        got = allowed.get((src, dst), PortSet.empty())
        want = ev.explain(src, dst).allowed
        if got != want:
            wrong.append(f"{src} -> {dst}: matrix {got}, decision path {want}")
    assert not wrong, "\n".join(wrong[:10])


def test_blocks_do_not_change_the_answer(evaluated):
    ev, analysis = evaluated
    whole = Evaluator(ev.cluster).analysis()
    assert [(c.src, c.dst, c.ports) for c in whole.connections] == [
        (c.src, c.dst, c.ports) for c in analysis.connections
    ]


def test_the_compose_shortcuts_equal_the_plain_path(evaluated, monkeypatch):
    import netviz.engine.decide as decide

    ev, analysis = evaluated
    monkeypatch.setattr(decide, "SKIP_ENDS", False)
    monkeypatch.setattr(decide, "FULL_SHARE", 0.0)
    monkeypatch.setattr(matrix_module, "BLOCK_BYTES", 4096)
    plain = Evaluator(ev.cluster).analysis()
    assert [(c.src, c.dst, c.ports) for c in plain.connections] == [
        (c.src, c.dst, c.ports) for c in analysis.connections
    ]
