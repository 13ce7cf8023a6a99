"""Services, routes and owned pods of any shape: the reader, the entry points and the findings
answer with Problems, never an exception."""

from __future__ import annotations

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from netviz.engine import Evaluator
from netviz.entry import entry_points
from netviz.findings import run_checks
from netviz.k8s import load_texts

from .test_never_raises import check

KINDS = [
    ("v1", "Service"),
    ("networking.k8s.io/v1", "Ingress"),
    ("gateway.networking.k8s.io/v1", "Gateway"),
    ("gateway.networking.k8s.io/v1", "HTTPRoute"),
    ("gateway.networking.k8s.io/v1alpha2", "TCPRoute"),
    ("route.openshift.io/v1", "Route"),
    ("v1", "Pod"),
    ("apps/v1", "ReplicaSet"),
]
KEYS = [
    "type", "selector", "ports", "port", "targetPort", "nodePort", "protocol", "name",
    "clusterIP", "externalTrafficPolicy", "loadBalancerSourceRanges", "rules", "host", "http",
    "paths", "path", "backend", "service", "number", "defaultBackend", "ingressClassName",
    "listeners", "parentRefs", "namespace", "sectionName", "hostnames", "matches", "value",
    "backendRefs", "kind", "group", "to", "alternateBackends", "tls", "labels", "containers",
    "containerPort", "ownerReferences", "controller",
]  # fmt: skip
scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-5, 70000),
    st.sampled_from(["web", "http", "80", "Service", "LoadBalancer", "None", "10.0.0.0/8", "a"]),
    st.text(max_size=5),
)
values = st.recursive(
    scalars,
    lambda inner: st.one_of(
        st.lists(inner, max_size=3), st.dictionaries(st.sampled_from(KEYS), inner, max_size=5)
    ),
    max_leaves=25,
)
objects = st.tuples(st.sampled_from(KINDS), values, values).map(
    lambda t: {
        "apiVersion": t[0][0],
        "kind": t[0][1],
        "metadata": {"name": "web", "namespace": "shop", "labels": {"app": "web"}},
        "spec": t[1],
        "status": t[2],
    }
)


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(objects, min_size=1, max_size=5))
def test_any_service_route_or_pod_shape_never_raises_anywhere(docs):
    base = {
        "apiVersion": "v1",
        "kind": "Pod",
        "metadata": {"name": "p", "namespace": "shop", "labels": {"app": "web"}},
        "spec": {"containers": [{"name": "c", "ports": [{"containerPort": 80, "name": "http"}]}]},
    }
    cluster = load_texts([("fuzz.yaml", yaml.safe_dump_all([base, *docs]))])
    check(cluster)
    evaluator = Evaluator(cluster)
    entry_points(cluster, evaluator)
    run_checks(cluster, evaluator)
