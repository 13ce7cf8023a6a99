"""`cat *.yaml > all.yaml`: files that start with a comment and no `---` merge into one mapping."""

from __future__ import annotations

from netviz.k8s import load_texts

NAMESPACE_AND_APP = """\
# Copyright the demo authors. The namespace and its frontend.
apiVersion: v1
kind: Namespace
metadata:
  name: demo
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: frontend
  namespace: demo
spec:
  template:
    metadata:
      labels: {app: frontend}
    spec:
      containers: [{name: main, ports: [{containerPort: 8080}]}]
"""
BACKEND = """\
# Copyright the demo authors. The backend.
apiVersion: apps/v1
kind: Deployment
metadata:
  name: backend
  namespace: demo
spec:
  template:
    metadata:
      labels: {app: backend}
    spec:
      containers: [{name: main}]
"""
DENY_ALL = """\
# Copyright the demo authors. Default deny.
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: deny-all
  namespace: demo
spec:
  podSelector: {}
"""


def test_it_says_documents_were_joined_without_a_separator_once_per_joint():
    joined = NAMESPACE_AND_APP + BACKEND + DENY_ALL
    cluster = load_texts([("all.yaml", joined)])
    errors = cluster.errors
    assert [(e.source.doc, e.source.line) for e in errors] == [(2, 19), (2, 31)]
    assert all("two documents joined without `---`?" in e.message for e in errors)
    assert 'duplicate key "apiVersion" at the top of the document (first at line 7)' in (
        errors[0].message
    )
    assert "starts near line 19" in errors[0].message
    # The joined document is refused as the API server would; the rest is still read.
    assert [n.name for n in cluster.namespaces] == ["demo"]
    assert cluster.endpoints == () and cluster.policies == ()


def test_the_same_files_read_one_by_one_have_no_error():
    cluster = load_texts([("a.yaml", NAMESPACE_AND_APP), ("b.yaml", BACKEND), ("c.yaml", DENY_ALL)])
    assert cluster.errors == ()
    assert [e.name for e in cluster.endpoints] == ["frontend", "backend"]


def test_a_duplicate_key_inside_a_document_is_not_called_a_joint():
    text = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: a\n  labels: {x: '1', x: '2'}\n"
    (error,) = load_texts([("p.yaml", text)]).errors
    assert "joined" not in error.message and 'duplicate key "x"' in error.message
