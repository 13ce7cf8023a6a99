"""The decision paths' remembered lookups (the policies an endpoint is the subject of, peer
matches) against the plain path, on generated clusters with admin and with Calico policies: the
grants of every connection and sampled explanations are the same, also when the tables are
cleared many times over (a tiny MEMO_SIZE)."""

from __future__ import annotations

import random

import pytest

import netviz.engine.paths as paths_module
from bench.generate import DEFAULT_SEED, Spec, write
from netviz.engine import Evaluator
from netviz.k8s import load_paths


def grants_and_paths(cluster, memo: bool, pairs) -> tuple[list, list]:
    ev = Evaluator(cluster)
    ev._paths.memo = memo
    analysis = ev.analysis()
    grants = [(c.src, c.dst, c.grants) for c in analysis.connections]
    explained = [ev.explain(s, d) for s, d in pairs]
    return grants, explained


@pytest.mark.parametrize(
    "spec", [Spec(8, 160, 60, admin=40), Spec(8, 160, 60, calico=40)], ids=["admin", "calico"]
)
def test_remembered_lookups_give_the_plain_paths(spec, tmp_path, monkeypatch):
    write(spec, tmp_path, DEFAULT_SEED)
    cluster = load_paths([str(tmp_path)])
    assert not cluster.errors
    ids = [e.id for e in Evaluator(cluster).analysis().endpoints]
    rng = random.Random(7)
    pairs = [(rng.choice(ids), rng.choice(ids)) for _ in range(60)]
    plain = grants_and_paths(cluster, False, pairs)
    assert len(plain[0]) > 3000
    assert grants_and_paths(cluster, True, pairs) == plain
    monkeypatch.setattr(paths_module, "MEMO_SIZE", 7)  # cleared again and again
    assert grants_and_paths(cluster, True, pairs) == plain
