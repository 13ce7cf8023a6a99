"""The reader folds pods into their owner unless a selector could tell them apart: the subject
and peer selectors of ClusterNetworkPolicy / AdminNetworkPolicy count as NetworkPolicy's do."""

from __future__ import annotations

from tests.k8s.test_owners import ids, load, pod

DB_PODS = [
    pod(f"db-{i}", "StatefulSet/db", f"app: db, statefulset.kubernetes.io/pod-name: db-{i}")
    for i in range(3)
]
SPLIT = ["shop/db[StatefulSet]", "shop/db@db-1[StatefulSet]", "shop/db@db-2[StatefulSet]"]


def cnp(subject_pods: str, ingress_peer_pods: str = "{}") -> str:
    return f"""\
apiVersion: policy.networking.k8s.io/v1alpha2
kind: ClusterNetworkPolicy
metadata: {{name: by-pod}}
spec:
  tier: Admin
  priority: 3
  subject:
    pods:
      namespaceSelector: {{}}
      podSelector: {subject_pods}
  ingress:
  - action: Deny
    from:
    - pods:
        namespaceSelector: {{}}
        podSelector: {ingress_peer_pods}
"""


def test_it_tells_statefulset_pods_apart_when_an_admin_subject_selects_one_by_name():
    subject = "{matchLabels: {statefulset.kubernetes.io/pod-name: db-0}}"
    cluster = load(*DB_PODS, cnp(subject))
    assert ids(cluster) == SPLIT
    assert cluster.endpoints[0].labels["statefulset.kubernetes.io/pod-name"] == "db-0"


def test_it_tells_statefulset_pods_apart_when_an_admin_peer_selects_one_by_name():
    peer = "{matchExpressions: [{key: statefulset.kubernetes.io/pod-name, operator: Exists}]}"
    cluster = load(*DB_PODS, cnp("{matchLabels: {app: db}}", peer))
    assert ids(cluster) == SPLIT


def test_it_keeps_one_endpoint_when_admin_selectors_look_at_no_per_pod_label():
    cluster = load(*DB_PODS, cnp("{matchLabels: {app: db}}", "{matchLabels: {app: web}}"))
    assert ids(cluster) == ["shop/db[StatefulSet]"]
