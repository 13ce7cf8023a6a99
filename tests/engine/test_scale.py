"""Scale by design: equivalent workloads collapse into classes, and the result stays exact."""

from __future__ import annotations

import random
import time

from netviz.engine import Evaluator
from netviz.engine.ports import PortSet

from . import reference
from .synthetic import synthetic_cluster


def test_equivalent_workloads_are_computed_once_and_answers_match_the_reference():
    cluster = synthetic_cluster(namespaces=40, apps=15)
    started = time.process_time()
    ev = Evaluator(cluster)
    analysis = ev.analysis()
    elapsed = time.process_time() - started
    assert len(analysis.endpoints) == 600
    # web apps differ by their own policy; api and db apps of a namespace all behave alike:
    # 5 web classes + 1 api + 1 db per namespace
    pod_classes = set(ev.matrix.node_class[: ev.nodes.pods].tolist())
    assert len(pod_classes) == 40 * 7
    listed = {(c.src, c.dst): c.ports for c in analysis.connections}
    rnd = random.Random(1)
    for _ in range(300):
        a, b = rnd.sample(list(cluster.endpoints), 2)
        want = reference.allowed(cluster, a, b)
        assert listed.get((a.id, b.id), PortSet.empty()) == want, (a.id, b.id)
    assert elapsed < 60  # generous: catches a per-pair Python loop, not a slow machine
    from tests.tiered.crosscheck import assert_paths_agree

    assert_paths_agree(cluster, ev)
