"""Typed lists as the API server returns them (PodList, ...) and kubectl's generic List."""

from __future__ import annotations

import json

import pytest

from netviz.k8s import load_texts

from .helpers import load

POD_LIST = """
apiVersion: v1
kind: PodList
metadata:
  resourceVersion: "1234"
items:
- metadata:
    name: a
    namespace: shop
    labels: {app: a}
  spec:
    containers:
    - name: main
      ports: [{containerPort: 8080, name: http}]
- metadata:
    name: b
    namespace: shop
  spec:
    containers: [{name: main}]
"""


def test_it_reads_pod_list_items_as_pods_without_kind_or_api_version():
    cluster = load(POD_LIST)
    assert cluster.problems == ()
    assert [(e.id, e.source.doc, e.source.line) for e in cluster.endpoints] == [
        ("shop/a[Pod]", 1, 6),
        ("shop/b[Pod]", 1, 14),
    ]
    assert cluster.endpoints[0].ports[0].name == "http"


@pytest.mark.parametrize(
    ("list_kind", "api", "item"),
    [
        ("NamespaceList", "v1", "- metadata: {name: shop, labels: {team: a}}\n"),
        (
            "NetworkPolicyList",
            "networking.k8s.io/v1",
            "- metadata: {name: deny, namespace: shop}\n  spec: {podSelector: {}}\n",
        ),
        (
            "DeploymentList",
            "apps/v1",
            "- metadata: {name: web, namespace: shop}\n"
            "  spec:\n    template:\n      metadata: {labels: {app: web}}\n"
            "      spec: {containers: [{name: c}]}\n",
        ),
    ],
)
def test_it_reads_the_items_of_each_typed_list_as_their_kind(list_kind, api, item):
    cluster = load(f"apiVersion: {api}\nkind: {list_kind}\nitems:\n{item}")
    assert cluster.errors == ()
    if list_kind == "NamespaceList":
        assert [n.name for n in cluster.namespaces if n.declared] == ["shop"]
    elif list_kind == "NetworkPolicyList":
        assert [p.id for p in cluster.policies] == ["shop/deny"]
    else:
        assert [e.id for e in cluster.endpoints] == ["shop/web[Deployment]"]


def test_an_error_in_a_typed_list_item_points_at_the_item_file_document_and_line():
    text = (
        "apiVersion: v1\nkind: Namespace\nmetadata: {name: x}\n---\n"
        + POD_LIST.lstrip().replace("name: b", "name: B_bad")
    )
    cluster = load(text)
    (error,) = cluster.errors
    assert (error.source.file, error.source.doc, error.source.line) == ("m.yaml", 2, 19)
    assert error.kind == "Pod" and 'metadata.name "B_bad"' in error.message
    assert [e.name for e in cluster.endpoints] == ["a"]


def test_an_item_that_names_its_own_kind_keeps_it():
    text = (
        "apiVersion: v1\nkind: List\nitems:\n"
        "- {apiVersion: v1, kind: Namespace, metadata: {name: shop}}\n"
        "- {apiVersion: v1, kind: Pod, metadata: {name: a, namespace: shop}}\n"
    )
    cluster = load(text)
    assert cluster.problems == ()
    assert [e.id for e in cluster.endpoints] == ["shop/a[Pod]"]


def test_items_of_a_generic_list_without_a_kind_are_still_errors():
    cluster = load("apiVersion: v1\nkind: List\nitems:\n- {apiVersion: v1, metadata: {name: a}}\n")
    (error,) = cluster.errors
    assert error.source.line == 4 and "has no kind" in error.message


def test_a_typed_list_in_json_is_read_with_the_lines_of_its_items():
    doc = {
        "apiVersion": "v1",
        "kind": "PodList",
        "items": [
            {"metadata": {"name": "a", "namespace": "shop"}, "spec": {"containers": []}},
            {"metadata": {"name": "b", "namespace": "shop"}, "spec": {"containers": []}},
        ],
    }
    cluster = load_texts([("pods.json", json.dumps(doc, indent=2))])
    assert cluster.problems == ()
    assert [(e.id, e.source.line) for e in cluster.endpoints] == [
        ("shop/a[Pod]", 5),
        ("shop/b[Pod]", 14),
    ]
