"""The NetworkPolicy fast path (union of allows) against the general ordered path, on one input.

Test helpers that build an Evaluator call `checked()`, so every input the fast path takes in the
conformance and engine suites is also run through the ordered decision path, rule by rule.
"""

from __future__ import annotations

from netviz.engine import Evaluator
from netviz.k8s.model import Cluster


def connections(ev: Evaluator) -> list[tuple[str, str, str]]:
    return [(c.src, c.dst, str(c.ports)) for c in ev.analysis().connections]


def assert_paths_agree(cluster: Cluster, fast: Evaluator | None = None) -> None:
    fast = fast or Evaluator(cluster)
    want = connections(fast)
    for mode in ("general", "ordered"):
        got = connections(Evaluator(cluster, mode=mode))
        assert got == want, f"{mode} path differs from the fast path"


def checked(cluster: Cluster) -> Evaluator:
    """Evaluator(cluster), after checking that both paths give the same connections."""
    ev = Evaluator(cluster)
    if not cluster.admin_policies:
        assert ev.mode == ""
        assert_paths_agree(cluster, ev)
    return ev
