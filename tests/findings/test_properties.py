"""Properties on random clusters: the checks never crash, and what they call redundant is."""

from __future__ import annotations

from dataclasses import replace

from hypothesis import HealthCheck, given, settings

from netviz.engine import Evaluator
from netviz.findings import blast_radius, exposure, run_checks
from netviz.k8s import load_texts
from netviz.k8s.model import Cluster
from tests.conformance.randomized import cluster_files, clusters

SETTINGS = settings(
    max_examples=80,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


def connections(evaluator: Evaluator, probes: set[str]) -> set[tuple[str, str, str]]:
    """Allowed connections, with external ranges named by probe addresses: taking out an
    ipBlock re-cuts the ranges without changing what any address may do."""
    analysis = evaluator.analysis()
    pods = {e.id for e in analysis.endpoints}
    ports = {(c.src, c.dst): str(c.ports) for c in analysis.connections}
    out = {(s, d, p) for (s, d), p in ports.items() if s in pods and d in pods}
    for ip in probes:
        ext = evaluator.resolve(ip)
        for pod in pods:
            out.add((ip, pod, ports.get((ext, pod), "-")))
            out.add((pod, ip, ports.get((pod, ext), "-")))
    return out


def without(cluster: Cluster, findings) -> Cluster:
    """The cluster with every redundant policy and rule the findings name taken out."""
    gone_policies = {f.data["policy"] for f in findings if f.check == "redundant-policy"}
    gone_rules = {
        (f.data["policy"], f.data["direction"], f.data["rule"])
        for f in findings
        if f.check == "redundant-rule"
    }
    kept = []
    for p in cluster.policies:
        if p.id in gone_policies:
            continue
        kept.append(
            replace(
                p,
                ingress=tuple(
                    r for i, r in enumerate(p.ingress) if (p.id, "ingress", i) not in gone_rules
                ),
                egress=tuple(
                    r for i, r in enumerate(p.egress) if (p.id, "egress", i) not in gone_rules
                ),
            )
        )
    return replace(cluster, policies=tuple(kept))


@SETTINGS
@given(clusters(max_policies=6, max_pods=4))
def test_removing_everything_called_redundant_changes_no_connection(c):
    cluster = load_texts(cluster_files(c))
    evaluator = Evaluator(cluster)
    findings = run_checks(cluster, evaluator)
    after = Evaluator(without(cluster, findings))
    probes = {x.start for x in evaluator.externals} | {x.start for x in after.externals}
    assert connections(after, probes) == connections(evaluator, probes)
    # The rest of the API answers on the same input without raising.
    for x in exposure(evaluator):
        blast_radius(evaluator, x.endpoint)
        blast_radius(evaluator, x.endpoint, reverse=True)
