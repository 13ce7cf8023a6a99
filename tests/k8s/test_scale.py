"""The reader reads a large cluster whole: 5,000 workloads and 2,000 policies in one stream.

How fast is measured by `make bench`, not here.
"""

from __future__ import annotations

from netviz.k8s import Limits, load_texts

from .manifests import cluster_yaml


def test_it_reads_5000_workloads_and_2000_policies_without_a_problem():
    text = cluster_yaml(5000, 2000)
    cluster = load_texts([("big.yaml", text)], Limits(max_total_bytes=64 * 1024 * 1024))
    assert cluster.problems == ()
    assert (len(cluster.endpoints), len(cluster.policies), len(cluster.namespaces)) == (
        5000,
        2000,
        50,
    )
