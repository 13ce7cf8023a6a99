"""Hostile and malformed Calico documents: a located error or warning, never an exception."""

from __future__ import annotations

import itertools

import pytest

from netviz.engine import Evaluator
from netviz.k8s import load_texts
from tests.conformance.randomized import to_yaml

JUNK = (None, 0, -1, 1.5, True, "", "x", "a ==", [], [1], {}, {"a": 1}, "é" * 3, "9" * 40)
GOOD = {
    "apiVersion": "projectcalico.org/v3",
    "kind": "GlobalNetworkPolicy",
    "metadata": {"name": "p"},
    "spec": {
        "order": 1,
        "selector": "all()",
        "types": ["Ingress", "Egress"],
        "ingress": [
            {
                "action": "Allow",
                "protocol": "TCP",
                "source": {"selector": "a == 'b'", "nets": ["10.0.0.0/8"]},
                "destination": {"ports": [80, "8000:8080"], "notPorts": ["metrics"]},
            }
        ],
        "egress": [{"action": "Deny", "protocol": "ICMP", "icmp": {"type": 8, "code": 0}}],
    },
}
PATHS = (
    ("spec",),
    ("spec", "order"),
    ("spec", "selector"),
    ("spec", "types"),
    ("spec", "ingress"),
    ("spec", "ingress", 0),
    ("spec", "ingress", 0, "action"),
    ("spec", "ingress", 0, "protocol"),
    ("spec", "ingress", 0, "source"),
    ("spec", "ingress", 0, "source", "selector"),
    ("spec", "ingress", 0, "source", "nets"),
    ("spec", "ingress", 0, "destination", "ports"),
    ("spec", "ingress", 0, "destination", "notPorts"),
    ("spec", "egress", 0, "icmp"),
    ("spec", "egress", 0, "icmp", "type"),
    ("metadata",),
    ("metadata", "name"),
)


def _with(path, value):
    import copy

    doc = copy.deepcopy(GOOD)
    target = doc
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = value
    return doc


@pytest.mark.parametrize(("path", "value"), list(itertools.product(PATHS, JUNK)))
def test_a_junk_value_anywhere_is_reported_never_raised(path, value):
    cluster = load_texts([("c.yaml", to_yaml([_with(path, value)]))])
    for p in cluster.problems:
        assert p.source.file == "c.yaml" and p.source.doc == 1
        # The reader's last guard turns an exception into "could not be read": none here.
        assert "could not be read" not in p.message, p.message
    Evaluator(cluster).analysis()  # whatever was kept evaluates


@pytest.mark.parametrize(
    "kind",
    ["Tier", "NetworkSet", "GlobalNetworkSet", "HostEndpoint", "StagedKubernetesNetworkPolicy"],
)
@pytest.mark.parametrize("spec", JUNK)
def test_other_kinds_with_a_junk_spec_never_raise(kind, spec):
    doc = {
        "apiVersion": "projectcalico.org/v3",
        "kind": kind,
        "metadata": {"name": "n", "namespace": "x"},
        "spec": spec,
    }
    cluster = load_texts([("c.yaml", to_yaml([doc]))])
    assert not any("could not be read" in p.message for p in cluster.problems), cluster.problems
    Evaluator(cluster).analysis()
