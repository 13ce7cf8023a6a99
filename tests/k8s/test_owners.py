"""Workloads from pods: one endpoint per owner, split only where policies could tell pods apart."""

from __future__ import annotations

from netviz.k8s import load_texts

from .helpers import policy_doc


def pod(
    name: str,
    owner: str = "",
    labels: str = "app: web",
    ns: str = "shop",
    ip: str = "",
    ports: str = "[{containerPort: 8080, name: http}]",
) -> str:
    text = f"apiVersion: v1\nkind: Pod\nmetadata:\n  name: {name}\n  namespace: {ns}\n"
    text += f"  labels: {{{labels}}}\n"
    if owner:
        kind, owner_name = owner.split("/")
        text += (
            "  ownerReferences:\n  - {apiVersion: apps/v1, kind: "
            f"{kind}, name: {owner_name}, uid: x, controller: true, blockOwnerDeletion: true}}\n"
        )
    text += f"spec:\n  containers:\n  - name: main\n    ports: {ports}\n"
    if ip:
        text += f"status: {{podIP: {ip}, phase: Running}}\n"
    return text


def replica_set(name: str, owner: str, replicas: int, labels: str = "app: web") -> str:
    return (
        f"apiVersion: apps/v1\nkind: ReplicaSet\nmetadata:\n  name: {name}\n  namespace: shop\n"
        f"  ownerReferences: [{{kind: Deployment, name: {owner}, controller: true}}]\n"
        f"spec:\n  replicas: {replicas}\n  template:\n    metadata:\n      labels: {{{labels}}}\n"
        "    spec:\n      containers: [{name: main, ports: [{containerPort: 8080, name: http}]}]\n"
    )


DEPLOYMENT = (
    "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\n  namespace: shop\n"
    "spec:\n  replicas: 3\n  template:\n    metadata:\n      labels: {app: web}\n"
    "    spec:\n      containers: [{name: main, ports: [{containerPort: 8080, name: http}]}]\n"
)


def load(*docs: str, pods: bool = False):
    return load_texts([("m.yaml", "---\n".join(docs))], pods=pods)


def ids(cluster) -> list[str]:
    return [e.id for e in cluster.endpoints]


def hashed(i: int, rs_hash: str = "7d77fb55cc") -> str:
    return pod(
        f"web-{rs_hash}-p{i}",
        f"ReplicaSet/web-{rs_hash}",
        f"app: web, pod-template-hash: {rs_hash}",
        ip=f"10.0.0.{i + 1}",
    )


def test_it_folds_twelve_pods_of_an_absent_replica_set_into_their_deployment():
    cluster = load(*[hashed(i) for i in range(12)])
    assert cluster.problems == ()
    (web,) = cluster.endpoints
    assert web.id == "shop/web[Deployment]"
    assert web.replicas == 12
    assert web.labels == {"app": "web", "pod-template-hash": "7d77fb55cc"}
    assert [p.name for p in web.ports] == ["http"]
    assert web.pod_ips == tuple(f"10.0.0.{i + 1}" for i in range(12))
    assert web.source.line == 1


def test_a_replica_set_named_unlike_the_hash_stays_a_replica_set():
    cluster = load(pod("a", "ReplicaSet/web-abc", "app: web, pod-template-hash: zzz"))
    assert ids(cluster) == ["shop/web-abc[ReplicaSet]"]


def test_the_replica_sets_own_owner_reference_decides_when_it_is_in_the_input():
    # The ReplicaSet says its Deployment is "frontend", whatever its name looks like.
    cluster = load(
        replica_set("web-7d77fb55cc", "frontend", 2),
        hashed(0),
        hashed(1),
    )
    assert ids(cluster) == ["shop/frontend[Deployment]"]
    assert cluster.endpoints[0].replicas == 2


def test_a_kubectl_get_all_dump_gives_one_endpoint_per_workload():
    cluster = load(
        DEPLOYMENT,
        replica_set("web-7d77fb55cc", "web", 3),
        replica_set("web-5f6b9c8d4", "web", 0),  # the previous revision, scaled to 0
        *[hashed(i) for i in range(3)],
        pod("db-0", "StatefulSet/db", "app: db, statefulset.kubernetes.io/pod-name: db-0"),
        pod("db-1", "StatefulSet/db", "app: db, statefulset.kubernetes.io/pod-name: db-1"),
        pod("static-node1", "Node/node1", "app: static"),
        pod("bare", "", "app: bare"),
    )
    assert cluster.problems == ()
    assert ids(cluster) == [
        "shop/web[Deployment]",
        "shop/db[StatefulSet]",
        "shop/static-node1[Pod]",
        "shop/bare[Pod]",
    ]
    web, db = cluster.endpoints[:2]
    assert (web.replicas, db.replicas) == (3, 2)
    assert web.pod_ips == ("10.0.0.1", "10.0.0.2", "10.0.0.3")
    assert db.labels == {"app": "db"}  # the per-pod label is left out: no selector looks at it


def test_pods_of_one_owner_with_different_labels_are_split_with_a_warning_that_says_why():
    cluster = load(
        pod("web-a", "ReplicaSet/web-1", "app: web, version: v1"),
        pod("web-b", "ReplicaSet/web-1", "app: web, version: v1"),
        pod("web-c", "ReplicaSet/web-1", "app: web, version: v2"),
    )
    assert ids(cluster) == ["shop/web-1[ReplicaSet]", "shop/web-1@web-c[ReplicaSet]"]
    assert [e.replicas for e in cluster.endpoints] == [2, 1]
    (warning,) = cluster.warnings
    assert warning.message == (
        "pods of ReplicaSet shop/web-1 are not all alike: labels differ (version: "
        '"v1" vs "v2"). Policies could treat them differently, so pod web-c and those like '
        "it are shown apart as shop/web-1@web-c[ReplicaSet]"
    )
    assert (warning.source.doc, warning.kind, warning.name) == (3, "Pod", "web-c")


def test_pods_of_one_owner_with_different_named_ports_are_split():
    cluster = load(
        pod("web-a", "StatefulSet/web"),
        pod("web-b", "StatefulSet/web", ports="[{containerPort: 9090, name: http}]"),
    )
    assert ids(cluster) == ["shop/web[StatefulSet]", "shop/web@web-b[StatefulSet]"]
    (warning,) = cluster.warnings
    assert "named ports differ (http 8080/TCP vs http 9090/TCP)" in warning.message


def test_a_rollout_with_two_hashes_is_one_endpoint_unless_a_policy_selects_the_hash():
    pods = [hashed(0, "aaaa1"), hashed(1, "bbbb2")]
    assert ids(load(*pods)) == ["shop/web[Deployment]"]
    by_hash = policy_doc(
        "podSelector:\n  matchLabels: {pod-template-hash: aaaa1}\n", namespace="shop"
    )
    cluster = load(*pods, by_hash)
    assert ids(cluster) == ["shop/web[Deployment]", "shop/web@web-bbbb2-p1[Deployment]"]


def test_statefulset_pods_are_told_apart_when_a_policy_selects_one_by_name():
    pods = [
        pod(f"db-{i}", "StatefulSet/db", f"app: db, statefulset.kubernetes.io/pod-name: db-{i}")
        for i in range(3)
    ]
    only_db0 = policy_doc(
        "podSelector:\n  matchLabels: {statefulset.kubernetes.io/pod-name: db-0}\n",
        namespace="shop",
    )
    cluster = load(*pods, only_db0)
    assert ids(cluster) == [
        "shop/db[StatefulSet]",
        "shop/db@db-1[StatefulSet]",
        "shop/db@db-2[StatefulSet]",
    ]
    assert cluster.endpoints[0].labels["statefulset.kubernetes.io/pod-name"] == "db-0"


def test_pods_one_by_one_leave_out_the_workloads_they_stand_for():
    cluster = load(
        DEPLOYMENT,
        replica_set("web-7d77fb55cc", "web", 2),
        hashed(0),
        hashed(1),
        DEPLOYMENT.replace("name: web", "name: idle"),
        pods=True,
    )
    assert ids(cluster) == [
        "shop/web-7d77fb55cc-p0[Pod]",
        "shop/web-7d77fb55cc-p1[Pod]",
        "shop/idle[Deployment]",
    ]


def test_without_pods_or_owners_the_endpoints_are_as_before():
    cluster = load(DEPLOYMENT, pod("bare", "", "app: bare"))
    assert ids(cluster) == ["shop/web[Deployment]", "shop/bare[Pod]"]
    assert cluster.endpoints[0].replicas == 3
