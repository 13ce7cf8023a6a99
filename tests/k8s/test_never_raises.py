"""Whatever is uploaded, the reader answers with a Cluster and Problems, never an exception."""

from __future__ import annotations

import json

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from netviz.k8s import load_texts
from netviz.k8s.model import Cluster

KINDS = ["Pod", "Deployment", "CronJob", "Namespace", "NetworkPolicy", "List", "PodList", "Service"]
KEYS = [
    "apiVersion", "kind", "metadata", "name", "namespace", "labels", "spec", "template",
    "containers", "ports", "containerPort", "podSelector", "namespaceSelector", "ipBlock",
    "cidr", "except", "ingress", "egress", "from", "to", "port", "endPort", "protocol",
    "policyTypes", "matchLabels", "matchExpressions", "key", "operator", "values", "items",
    "status", "podIP", "ownerReferences", "replicas", "jobTemplate",
]  # fmt: skip

scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-70000, 70000),
    st.floats(allow_nan=False),
    st.sampled_from(KINDS + ["v1", "apps/v1", "networking.k8s.io/v1", "TCP", "10.0.0.1/8", "In"]),
    st.text(max_size=8),
)
values = st.recursive(
    scalars,
    lambda inner: st.one_of(
        st.lists(inner, max_size=4),
        st.dictionaries(st.sampled_from(KEYS), inner, max_size=5),
    ),
    max_leaves=30,
)


def check(cluster: Cluster) -> None:
    assert isinstance(cluster, Cluster)
    for problem in cluster.problems:
        assert problem.source.file and problem.message
        # The reader's last guard turns a bug into this message; inputs must not reach it.
        assert "could not be read" not in problem.message, problem


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(values, min_size=1, max_size=4))
def test_any_structure_of_kubernetes_like_fields_never_raises(docs):
    text = yaml.safe_dump_all(docs)
    check(load_texts([("fuzz.yaml", text), ("fuzz.json", json.dumps(docs[0]))]))


@settings(max_examples=150, deadline=None)
@given(st.binary(max_size=300))
def test_any_bytes_never_raise(data):
    check(load_texts([("fuzz.yaml", data), ("fuzz.json", data)]))


@settings(max_examples=150, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("{}[]-:&*!|>'\"#%@`,?<= \n\tab01")), max_size=120))
def test_any_yaml_punctuation_never_raises(text):
    check(load_texts([("fuzz.yaml", text)]))
