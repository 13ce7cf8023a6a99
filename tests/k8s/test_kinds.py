"""Kinds → typed objects: namespaces, each workload kind, owner folding, duplicates, ignored kinds."""

from __future__ import annotations

import pytest

from netviz.k8s.model import ContainerPort

from .helpers import load, policy_doc

TEMPLATE = """
  template:
    metadata:
      labels: {app: web}
    spec:
      containers:
      - name: main
        ports:
        - {containerPort: 8080, name: http}
        - {containerPort: 53, protocol: UDP}
      - name: second
        ports: [{containerPort: 9090}]
      initContainers:
      - name: sidecar
        restartPolicy: Always
        ports: [{containerPort: 15001, name: proxy}]
      - name: init
        ports: [{containerPort: 1111}]
"""
PORTS = (
    ContainerPort(8080, "TCP", "http"),
    ContainerPort(53, "UDP", None),
    ContainerPort(9090, "TCP", None),
    ContainerPort(15001, "TCP", "proxy"),
)


def workload(kind: str, api: str, spec_extra: str = "", name: str = "web", ns: str = "shop") -> str:
    head = f"apiVersion: {api}\nkind: {kind}\nmetadata:\n  name: {name}\n  namespace: {ns}\n"
    if kind == "CronJob":
        body = "  schedule: '* * * * *'\n  jobTemplate:\n    spec:\n" + "\n".join(
            "    " + ln if ln else ln for ln in TEMPLATE.strip("\n").splitlines()
        )
        return head + "spec:\n" + body + "\n"
    return head + "spec:\n" + spec_extra + TEMPLATE.lstrip("\n")


@pytest.mark.parametrize(
    ("kind", "api", "extra", "replicas"),
    [
        ("Deployment", "apps/v1", "  replicas: 3\n", 3),
        ("Deployment", "apps/v1", "", 1),
        ("ReplicaSet", "apps/v1", "  replicas: 0\n", 0),
        ("ReplicationController", "v1", "", 1),
        ("StatefulSet", "apps/v1", "  replicas: 2\n", 2),
        ("DaemonSet", "apps/v1", "  replicas: 9\n", None),
        ("Job", "batch/v1", "  parallelism: 4\n", 4),
        ("Job", "batch/v1", "", 1),
        ("CronJob", "batch/v1", "", None),
    ],
)
def test_each_workload_kind_becomes_one_endpoint_from_its_pod_template(kind, api, extra, replicas):
    cluster = load(workload(kind, api, extra))
    assert cluster.problems == ()
    (endpoint,) = cluster.endpoints
    assert (endpoint.kind, endpoint.namespace, endpoint.name) == (kind, "shop", "web")
    assert endpoint.labels == {"app": "web"}
    assert endpoint.ports == PORTS
    assert endpoint.replicas == replicas
    assert endpoint.source.line == 1


def test_a_pod_is_an_endpoint_with_its_labels_ips_and_host_network():
    cluster = load(
        """
        apiVersion: v1
        kind: Pod
        metadata:
          name: p
          labels: {app: p}
        spec:
          hostNetwork: true
          containers:
          - ports: [{containerPort: 80}]
        status:
          hostIP: 192.168.0.9
          podIP: 10.0.0.1
          podIPs: [{ip: 10.0.0.1}, {ip: "fd00::1"}]
        """
    )
    (pod,) = cluster.endpoints
    assert (pod.kind, pod.namespace, pod.replicas, pod.host_network) == ("Pod", "default", 1, True)
    assert pod.labels == {"app": "p"}
    assert pod.ports == (ContainerPort(80),)
    assert pod.pod_ips == ("10.0.0.1", "fd00::1")
    assert pod.host_ip == "192.168.0.9"


def test_declared_namespaces_get_the_name_label_and_referenced_ones_are_added_undeclared():
    cluster = load(
        "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: shop\n  labels: {team: a}\n---\n"
        + workload("Deployment", "apps/v1", ns="other")
        + "---\n"
        + policy_doc("podSelector: {}", namespace="third")
        + "---\n"
        + "apiVersion: v1\nkind: Pod\nmetadata: {name: bare}\n"
    )
    assert [(n.name, n.declared) for n in cluster.namespaces] == [
        ("default", False),
        ("other", False),
        ("shop", True),
        ("third", False),
    ]
    assert [dict(n.labels) for n in cluster.namespaces] == [
        {"kubernetes.io/metadata.name": "default"},
        {"kubernetes.io/metadata.name": "other"},
        {"team": "a", "kubernetes.io/metadata.name": "shop"},
        {"kubernetes.io/metadata.name": "third"},
    ]
    assert cluster.namespaces[2].source.line == 1


def pod(name: str, ip: str, owner: str = "", labels: str = "{app: web}", ns: str = "shop") -> str:
    text = f"apiVersion: v1\nkind: Pod\nmetadata:\n  name: {name}\n  namespace: {ns}\n  labels: {labels}\n"
    if owner:
        kind, owner_name = owner.split("/")
        text += f"  ownerReferences:\n  - {{kind: {kind}, name: {owner_name}, controller: true}}\n"
    return text + f"status: {{podIP: {ip}}}\n"


def names(cluster) -> list[str]:
    return [e.id for e in cluster.endpoints]


def test_pods_fold_into_their_deployment_through_a_replica_set_in_the_input():
    rs = (
        "apiVersion: apps/v1\nkind: ReplicaSet\nmetadata:\n  name: web-5d4\n  namespace: shop\n"
        "  ownerReferences: [{kind: Deployment, name: web}]\n" + "spec:\n" + TEMPLATE.lstrip("\n")
    )
    text = "---\n".join(
        [
            workload("Deployment", "apps/v1", "  replicas: 2\n"),
            rs,
            pod("web-5d4-a", "10.0.0.1", "ReplicaSet/web-5d4"),
            pod("web-5d4-b", "10.0.0.2", "ReplicaSet/web-5d4"),
        ]
    )
    cluster = load(text)
    assert names(cluster) == ["shop/web[Deployment]"]
    assert cluster.endpoints[0].pod_ips == ("10.0.0.1", "10.0.0.2")
    assert cluster.endpoints[0].replicas == 2


def test_pods_fold_into_their_deployment_when_the_replica_set_is_not_in_the_input():
    text = (
        workload("Deployment", "apps/v1")
        + "---\n"
        + pod(
            "web-5d4-a",
            "10.0.0.1",
            "ReplicaSet/web-5d4",
            labels="{app: web, pod-template-hash: 5d4}",
        )
    )
    cluster = load(text)
    assert names(cluster) == ["shop/web[Deployment]"]
    assert cluster.endpoints[0].pod_ips == ("10.0.0.1",)


def test_pods_fold_into_statefulsets_daemonsets_and_cronjobs_via_jobs():
    text = "---\n".join(
        [
            workload("StatefulSet", "apps/v1", name="db"),
            pod("db-0", "10.0.0.5", "StatefulSet/db"),
            workload("DaemonSet", "apps/v1", name="agent"),
            pod("agent-x", "10.0.0.6", "DaemonSet/agent"),
            workload("CronJob", "batch/v1", name="nightly"),
            "apiVersion: batch/v1\nkind: Job\nmetadata:\n  name: nightly-2890\n  namespace: shop\n"
            "  ownerReferences: [{kind: CronJob, name: nightly}]\nspec:\n" + TEMPLATE.lstrip("\n"),
            pod("nightly-2890-q", "10.0.0.7", "Job/nightly-2890"),
            pod("nightly-2891-r", "10.0.0.8", "Job/nightly-2891"),
        ]
    )
    cluster = load(text)
    assert names(cluster) == [
        "shop/db[StatefulSet]",
        "shop/agent[DaemonSet]",
        "shop/nightly[CronJob]",
    ]
    assert [e.pod_ips for e in cluster.endpoints] == [
        ("10.0.0.5",),
        ("10.0.0.6",),
        ("10.0.0.7", "10.0.0.8"),
    ]


def test_pods_whose_owner_is_absent_become_that_owner_in_their_own_namespace():
    text = "---\n".join(
        [
            workload("Deployment", "apps/v1"),
            pod("orphan", "10.0.0.1", "ReplicaSet/other-abc"),
            pod("elsewhere", "10.0.0.2", "StatefulSet/web", ns="other"),
        ]
    )
    assert names(load(text)) == [
        "shop/web[Deployment]",
        "shop/other-abc[ReplicaSet]",
        "other/web[StatefulSet]",
    ]


def test_a_duplicate_object_replaces_the_earlier_one_with_a_warning_naming_both():
    text = (
        workload("Deployment", "apps/v1", "  replicas: 1\n")
        + "---\n"
        + workload("Deployment", "apps/v1", "  replicas: 5\n")
    )
    cluster = load(text)
    (endpoint,) = cluster.endpoints
    assert endpoint.replicas == 5
    (warning,) = cluster.warnings
    assert warning.source.doc == 2
    assert warning.message == (
        "duplicate Deployment shop/web: m.yaml:26 (document 2) replaces m.yaml:1 (document 1)"
    )


def test_other_kinds_are_ignored_with_a_warning():
    cluster = load(
        "apiVersion: argoproj.io/v1alpha1\nkind: Rollout\nmetadata: {name: s, namespace: shop}\n---\n"
        "apiVersion: projectcalico.org/v3\nkind: IPPool\nmetadata: {name: c}\n---\n"
        "apiVersion: extensions/v1beta1\nkind: Deployment\nmetadata: {name: old}\n"
    )
    assert cluster.endpoints == () and cluster.policies == ()
    assert [(k, n, s.doc) for k, n, s in cluster.ignored] == [
        ("Rollout", "shop/s", 1),
        ("IPPool", "c", 2),
        ("Deployment", "old", 3),
    ]
    assert [w.message for w in cluster.warnings] == [
        "ignored: kind Rollout (apiVersion argoproj.io/v1alpha1) is not modelled",
        "ignored: kind IPPool (apiVersion projectcalico.org/v3) is not modelled",
        "ignored: kind Deployment (apiVersion extensions/v1beta1) is not modelled",
    ]


@pytest.mark.parametrize(
    ("change", "line", "fragment"),
    [
        (("containerPort: 8080", "containerPort: 70000"), 15, "70000 is not between 1 and 65535"),
        (("containerPort: 8080", "containerPort: http"), 15, "containerPort: expected an integer"),
        (("protocol: UDP", "protocol: udp"), 16, "is not one of TCP, UDP, SCTP"),
        (("name: http", "name: HTTP"), 15, '"HTTP" must contain only lowercase'),
        (("replicas: 3", "replicas: -1"), 7, "-1 is negative"),
        (("replicas: 3", "replicas: two"), 7, "expected an integer"),
        (("labels: {app: web}", "labels: {version: 1.0}"), 10, "label values must be strings"),
        (("labels: {app: web}", "labels: {app: true}"), 10, "label values must be strings"),
    ],
)
def test_an_invalid_entry_drops_only_that_entry_with_an_error_and_line(change, line, fragment):
    text = workload("Deployment", "apps/v1", "  replicas: 3\n").replace(*change, 1)
    cluster = load(text)
    (endpoint,) = cluster.endpoints
    assert endpoint.id == "shop/web[Deployment]"
    (error,) = cluster.errors
    assert "is left out, the rest of the Deployment is used" in error.message
    assert fragment in error.message
    assert (error.source.line, error.kind, error.name) == (line, "Deployment", error.name)


def test_an_invalid_name_drops_the_whole_object():
    text = workload("Deployment", "apps/v1").replace("name: web", "name: Web_1", 1)
    cluster = load(text)
    assert cluster.endpoints == ()
    (error,) = cluster.errors
    assert 'metadata.name "Web_1"' in error.message and "left out" not in error.message
    assert error.source.line == 4


def test_a_port_with_a_name_but_no_container_port_is_dropped_and_the_rest_kept():
    text = workload("Deployment", "apps/v1").replace(
        "- {containerPort: 8080, name: http}", "- {name: http}", 1
    )
    cluster = load(text)
    (endpoint,) = cluster.endpoints
    assert endpoint.ports == PORTS[1:]
    (error,) = cluster.errors
    assert error.message == (
        "spec.template.spec.containers[0].ports[0].containerPort is missing; "
        'the port "http" is left out, the rest of the Deployment is used'
    )
    assert (error.source.file, error.source.doc, error.source.line) == ("m.yaml", 1, 14)


def test_a_container_that_is_not_a_mapping_is_dropped_and_the_others_kept():
    text = workload("Deployment", "apps/v1").replace(
        "      - name: second\n        ports: [{containerPort: 9090}]\n",
        "      - just-a-string\n",
        1,
    )
    cluster = load(text)
    (endpoint,) = cluster.endpoints
    assert 9090 not in [p.port for p in endpoint.ports] and endpoint.ports[0].port == 8080
    (error,) = cluster.errors
    assert "containers[1]: expected a mapping" in error.message
    assert "the container is left out" in error.message


def test_an_invalid_entry_leaves_the_objects_connections_in_the_analysis():
    from netviz.engine import Evaluator

    bad_port = workload("Deployment", "apps/v1").replace("containerPort: 53", "name: dns", 1)
    other = workload("Deployment", "apps/v1", name="client")
    cluster = load(bad_port + "---\n" + other)
    assert len(cluster.errors) == 1
    pairs = {(c.src, c.dst) for c in Evaluator(cluster).analysis().connections}
    assert ("shop/client[Deployment]", "shop/web[Deployment]") in pairs


def test_a_workload_without_a_pod_template_is_an_error():
    cluster = load(
        "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: d}\nspec: {replicas: 1}\n"
    )
    assert cluster.endpoints == ()
    assert "spec.template is missing" in cluster.errors[0].message


def test_namespace_labels_that_are_not_strings_are_an_error_and_only_that_label_is_dropped():
    cluster = load(
        "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: a\n  labels:\n    v: 1.0\n    t: x\n"
    )
    assert [(n.name, dict(n.labels)) for n in cluster.namespaces] == [
        ("a", {"t": "x", "kubernetes.io/metadata.name": "a"})
    ]
    (error,) = cluster.errors
    assert error.source.line == 6 and 'quote it "1.0"' in error.message


def test_invalid_pod_ips_in_status_are_warnings_and_skipped():
    cluster = load(
        "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nstatus:\n  podIP: 10.0.0.300\n  hostIP: x\n"
    )
    (endpoint,) = cluster.endpoints
    assert endpoint.pod_ips == () and endpoint.host_ip is None
    assert [w.source.line for w in cluster.warnings] == [5, 6]


def test_a_bad_label_on_a_policy_drops_the_label_and_keeps_the_policy():
    text = policy_doc("podSelector: {}\n").replace(
        "  namespace: default\n", "  namespace: default\n  labels: {team: 1.5}\n"
    )
    cluster = load(text)
    assert [p.id for p in cluster.policies] == ["default/p"]
    (error,) = cluster.errors
    assert "the label is left out, the rest of the NetworkPolicy is used" in error.message
