"""The kubectl-style fixtures (tests/golden/kubectl-*, gateway-api; made by dumps/make_dumps.py)
read as the real thing: one endpoint per workload, YAML dump and typed JSON lists alike."""

from __future__ import annotations

from pathlib import Path

from netviz.engine import Evaluator
from netviz.entry import entry_points
from netviz.k8s import load_paths

GOLDEN = Path(__file__).resolve().parents[1] / "golden"


def read(name: str):
    cluster = load_paths([str(GOLDEN / name / "input")])
    return cluster, Evaluator(cluster)


def test_a_kubectl_get_all_dump_gives_exactly_one_endpoint_per_workload():
    cluster, _ = read("kubectl-dump")
    assert cluster.errors == () and cluster.warnings == ()
    assert [(e.id, e.replicas) for e in cluster.endpoints] == [
        ("ingress-nginx/ingress-nginx-controller[Deployment]", 2),
        ("shop/frontend[Deployment]", 3),
        ("shop/api[Deployment]", 2),
        ("shop/postgres[StatefulSet]", 2),
    ]
    assert len(cluster.endpoints[1].pod_ips) == 3


def test_the_typed_json_lists_give_the_same_connections_and_entry_points_as_the_yaml_dump():
    results = []
    for name in ("kubectl-dump", "kubectl-typed-json"):
        cluster, ev = read(name)
        assert cluster.problems == ()
        connections = [(c.src, c.dst, str(c.ports)) for c in ev.analysis().connections]
        points = [
            {k: v for k, v in p.as_dict().items() if k not in ("file", "line")}
            for p in entry_points(cluster, ev)
        ]
        results.append((connections, points))
    assert results[0] == results[1]
    assert len(results[0][1]) == 4


def test_the_gateway_api_setup_has_its_routes_as_entry_points():
    cluster, ev = read("gateway-api")
    verdicts = {(p.endpoint, p.via): p.verdict for p in entry_points(cluster, ev)}
    assert verdicts == {
        ("infra/edge-istio[Deployment]", "LoadBalancer"): "allowed",
        ("store/web[Deployment]", "HTTPRoute"): "allowed",
        ("store/orders[Deployment]", "GRPCRoute"): "blocked",
    }
