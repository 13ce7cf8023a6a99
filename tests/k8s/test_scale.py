"""The reader keeps up with a large cluster: 5,000 workloads and 2,000 policies in one stream."""

from __future__ import annotations

import time

from netviz.k8s import Limits, load_texts

from .manifests import cluster_yaml


def test_it_reads_5000_workloads_and_2000_policies_in_a_few_seconds():
    text = cluster_yaml(5000, 2000)
    started = time.perf_counter()
    cluster = load_texts([("big.yaml", text)], Limits(max_total_bytes=64 * 1024 * 1024))
    elapsed = time.perf_counter() - started
    assert cluster.problems == ()
    assert (len(cluster.endpoints), len(cluster.policies), len(cluster.namespaces)) == (
        5000,
        2000,
        50,
    )
    # About 3 s on a developer machine for these 8.7 MB; generous to stay stable on slow CI.
    assert elapsed < 20, f"{len(text) / 1e6:.1f} MB took {elapsed:.1f} s"
