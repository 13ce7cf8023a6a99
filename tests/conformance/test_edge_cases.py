"""More corners of the API: selectors vs. external addresses, ignored directions, undeclared
namespaces, named ports towards ipBlocks, and workload kinds as endpoints."""

from __future__ import annotations

import pytest

from netviz.engine import Evaluator
from netviz.engine.ports import PortSet
from netviz.k8s import load_texts

from .e2e import (
    TruthTable,
    allowed_ports,
    assert_reachability,
    e2e_model,
    evaluate,
    external_ports,
    manifest,
    pod_yaml,
    run,
)

T = TruthTable.expect


def test_namespace_selector_for_all_does_not_cover_external_addresses():
    # `to: [{namespaceSelector: {}}]` is every pod; only a rule without `to` also means outside.
    ev = run(
        """
        apiVersion: networking.k8s.io/v1
        kind: NetworkPolicy
        metadata: {name: all-pods, namespace: x}
        spec:
          podSelector: {matchLabels: {pod: a}}
          policyTypes: [Egress]
          egress:
          - to:
            - namespaceSelector: {}
        ---
        apiVersion: networking.k8s.io/v1
        kind: NetworkPolicy
        metadata: {name: anywhere, namespace: x}
        spec:
          podSelector: {matchLabels: {pod: b}}
          policyTypes: [Egress]
          egress:
          - ports:
            - port: 80
        """
    )
    assert_reachability(ev, "TCP", 80, T())
    assert_reachability(ev, "TCP", 81, T(("x/b", "*", False)))
    analysis = ev.analysis()
    assert external_ports(analysis, "x/a[Pod]", "8.8.8.8").is_empty()
    assert external_ports(analysis, "x/a[Pod]", "2001:db8::1").is_empty()
    assert external_ports(analysis, "x/b[Pod]", "8.8.8.8") == PortSet.single("TCP", 80)
    assert external_ports(analysis, "x/b[Pod]", "2001:db8::1") == PortSet.single("TCP", 80)


def test_ipblock_for_all_ipv4_covers_neither_ipv6_nor_pods():
    ev = run(
        """
        apiVersion: networking.k8s.io/v1
        kind: NetworkPolicy
        metadata: {name: internet-v4, namespace: x}
        spec:
          podSelector: {matchLabels: {pod: a}}
          policyTypes: [Egress]
          egress:
          - to:
            - ipBlock: {cidr: 0.0.0.0/0}
        """
    )
    analysis = ev.analysis()
    assert external_ports(analysis, "x/a[Pod]", "8.8.8.8").is_all()
    assert external_ports(analysis, "x/a[Pod]", "255.255.255.255").is_all()
    assert external_ports(analysis, "x/a[Pod]", "2001:db8::1").is_empty()
    assert_reachability(ev, "TCP", 80, T(("x/a", "*", False)))


def test_rules_of_a_direction_not_in_policy_types_are_ignored():
    ev = run(
        """
        apiVersion: networking.k8s.io/v1
        kind: NetworkPolicy
        metadata: {name: egress-only, namespace: x}
        spec:
          podSelector: {matchLabels: {pod: a}}
          policyTypes: [Egress]
          ingress:
          - from:
            - podSelector: {matchLabels: {pod: b}}
          egress: []
        ---
        apiVersion: networking.k8s.io/v1
        kind: NetworkPolicy
        metadata: {name: ingress-only, namespace: y}
        spec:
          podSelector: {matchLabels: {pod: a}}
          policyTypes: [Ingress]
          ingress:
          - {}
          egress:
          - to:
            - podSelector: {matchLabels: {pod: b}}
        """
    )
    assert_reachability(ev, "TCP", 80, T(("x/a", "*", False)))
    assert not ev.explain("x/b[Pod]", "x/a[Pod]", None).ingress.isolated
    assert not ev.explain("y/a[Pod]", "z/c[Pod]", None).egress.isolated


def test_an_undeclared_namespace_has_only_its_name_label():
    model = e2e_model() + "---\n" + pod_yaml("w", "d")
    ev = run(
        """
        apiVersion: networking.k8s.io/v1
        kind: NetworkPolicy
        metadata: {name: by-name, namespace: x}
        spec:
          podSelector: {matchLabels: {pod: a}}
          ingress:
          - from:
            - namespaceSelector: {matchLabels: {kubernetes.io/metadata.name: w}}
        ---
        apiVersion: networking.k8s.io/v1
        kind: NetworkPolicy
        metadata: {name: by-ns-label, namespace: x}
        spec:
          podSelector: {matchLabels: {pod: b}}
          ingress:
          - from:
            - namespaceSelector: {matchLabels: {ns: w}}
        """,
        model,
    )
    assert allowed_ports(ev, "w/d[Pod]", "x/a[Pod]").is_all()
    assert allowed_ports(ev, "w/d[Pod]", "x/b[Pod]").is_empty()
    assert_reachability(ev, "TCP", 80, T(("*", "x/a", False), ("*", "x/b", False)))


def test_a_named_port_towards_an_ip_block_opens_nothing():
    # A name is looked up in the destination pod's containers; an address outside has none.
    ev = run(
        """
        apiVersion: networking.k8s.io/v1
        kind: NetworkPolicy
        metadata: {name: out-by-name, namespace: x}
        spec:
          podSelector: {matchLabels: {pod: a}}
          policyTypes: [Egress]
          egress:
          - to:
            - ipBlock: {cidr: 0.0.0.0/0}
            ports:
            - port: serve-80-tcp
            - port: 443
        """
    )
    assert external_ports(ev.analysis(), "x/a[Pod]", "8.8.8.8") == PortSet.single("TCP", 443)
    assert_reachability(ev, "TCP", 80, T(("x/a", "*", False)))


WORKLOADS = manifest(
    """
    apiVersion: apps/v1
    kind: DaemonSet
    metadata: {name: agent, namespace: x}
    spec:
      selector: {matchLabels: {app: agent}}
      template:
        metadata: {labels: {app: agent}}
        spec:
          containers:
          - name: agent
            ports:
            - {containerPort: 9100, name: metrics}
    ---
    apiVersion: batch/v1
    kind: CronJob
    metadata: {name: nightly, namespace: x}
    spec:
      schedule: "0 3 * * *"
      jobTemplate:
        spec:
          template:
            metadata: {labels: {app: batch}}
            spec:
              restartPolicy: Never
              containers:
              - name: job
                ports:
                - {containerPort: 8080}
    ---
    apiVersion: apps/v1
    kind: StatefulSet
    metadata: {name: db, namespace: x}
    spec:
      replicas: 2
      serviceName: db
      selector: {matchLabels: {app: db}}
      template:
        metadata: {labels: {app: db}}
        spec:
          containers:
          - name: db
            ports:
            - {containerPort: 5432, name: pg}
    ---
    apiVersion: v1
    kind: Pod
    metadata: {name: client, namespace: x, labels: {app: client}}
    spec:
      containers:
      - name: c
    """
)


def test_workload_templates_are_endpoints_selected_by_their_pod_labels():
    policy = manifest(
        """
        apiVersion: networking.k8s.io/v1
        kind: NetworkPolicy
        metadata: {name: db-and-batch, namespace: x}
        spec:
          podSelector:
            matchExpressions:
            - {key: app, operator: In, values: [db, batch]}
          ingress:
          - from:
            - podSelector: {matchLabels: {app: agent}}
            ports:
            - port: pg
        """
    )
    ev = evaluate(("workloads.yaml", WORKLOADS), ("policy.yaml", policy))
    ids = {e.id: e for e in ev.analysis().endpoints}
    agent, job, db = "x/agent[DaemonSet]", "x/nightly[CronJob]", "x/db[StatefulSet]"
    assert {agent, job, db, "x/client[Pod]"} <= set(ids)
    assert ids[agent].replicas is None and ids[db].replicas == 2
    assert allowed_ports(ev, agent, db) == PortSet.single("TCP", 5432)
    assert allowed_ports(ev, agent, job).is_empty()  # no container port named pg there
    assert allowed_ports(ev, "x/client[Pod]", db).is_empty()
    assert allowed_ports(ev, db, db).is_empty()  # replica to replica is not from app=agent
    assert allowed_ports(ev, "x/client[Pod]", agent).is_all()


def test_explain_on_an_open_pair_echoes_the_asked_ports():
    ev = run("")
    asked = PortSet.single("UDP", 5000, 5010) | PortSet.single("TCP", 22)
    exp = ev.explain("x/a[Pod]", "z/c[Pod]", asked)
    assert exp.allowed == asked and exp.asked == asked
    assert not exp.egress.isolated and not exp.ingress.isolated
    assert exp.egress.denied_by == () and exp.ingress.denied_by == ()


def test_a_cidr_with_host_bits_means_its_network():
    ev = run(
        """
        apiVersion: networking.k8s.io/v1
        kind: NetworkPolicy
        metadata: {name: sloppy-cidr, namespace: x}
        spec:
          podSelector: {matchLabels: {pod: a}}
          policyTypes: [Egress]
          egress:
          - to:
            - ipBlock: {cidr: 192.168.1.77/24}
        """
    )
    analysis = ev.analysis()
    assert external_ports(analysis, "x/a[Pod]", "192.168.1.1").is_all()
    assert external_ports(analysis, "x/a[Pod]", "192.168.1.255").is_all()
    assert external_ports(analysis, "x/a[Pod]", "192.168.2.1").is_empty()


# Each case: the spec body, and the field the error must name.
REJECTED = {
    "end-port-with-named-port": ("ingress: [{ports: [{port: http, endPort: 90}]}]", "endPort"),
    "end-port-below-port": ("ingress: [{ports: [{port: 90, endPort: 80}]}]", "endPort"),
    "end-port-without-port": ("ingress: [{ports: [{endPort: 80}]}]", "endPort"),
    "ip-block-with-selector": (
        "egress: [{to: [{ipBlock: {cidr: 10.0.0.0/8}, podSelector: {}}]}]",
        "to[0]",
    ),
    "except-outside-cidr": (
        "egress: [{to: [{ipBlock: {cidr: 10.0.0.0/8, except: [11.0.0.0/16]}}]}]",
        "except",
    ),
    "in-without-values": (
        "ingress: [{from: [{podSelector: {matchExpressions: [{key: a, operator: In}]}}]}]",
        "values",
    ),
    "exists-with-values": (
        "ingress: [{from: [{podSelector: {matchExpressions: [{key: a, operator: Exists, "
        "values: [b]}]}}]}]",
        "values",
    ),
    "unknown-operator": (
        "ingress: [{from: [{podSelector: {matchExpressions: [{key: a, operator: Equals, "
        "values: [b]}]}}]}]",
        "operator",
    ),
    "unknown-protocol": ("ingress: [{ports: [{protocol: ICMP, port: 80}]}]", "protocol"),
    "empty-peer": ("ingress: [{from: [{}]}]", "from[0]"),
    "port-out-of-range": ("ingress: [{ports: [{port: 70000}]}]", "port"),
    "lowercase-protocol": ("ingress: [{ports: [{protocol: tcp, port: 80}]}]", "protocol"),
    "lowercase-policy-type": ("policyTypes: [ingress]", "policyTypes"),
}


@pytest.mark.parametrize("case", sorted(REJECTED))
def test_a_policy_the_api_server_rejects_is_reported_as_an_error(case):
    text = manifest(
        """
        apiVersion: networking.k8s.io/v1
        kind: NetworkPolicy
        metadata: {name: bad, namespace: x}
        spec:
          podSelector: {}
          BODY
        """
    ).replace("BODY", REJECTED[case][0])
    cluster = load_texts([("model.yaml", e2e_model()), ("policy.yaml", text)])
    errors = cluster.errors
    assert errors, f"{case} was accepted:\n{text}"
    assert all(p.source.file == "policy.yaml" for p in errors), [p.as_dict() for p in errors]
    assert all(1 <= p.source.line <= text.count("\n") + 1 for p in errors)
    assert any(REJECTED[case][1] in p.message for p in errors), [p.message for p in errors]


def test_selectors_never_match_a_host_network_destination():
    model = e2e_model() + "---\n" + pod_yaml("x", "h", host_network=True)
    ev = run(
        """
        apiVersion: networking.k8s.io/v1
        kind: NetworkPolicy
        metadata: {name: to-own-namespace, namespace: x}
        spec:
          podSelector: {matchLabels: {pod: a}}
          policyTypes: [Egress]
          egress:
          - to:
            - podSelector: {}
        """,
        model,
    )
    assert allowed_ports(ev, "x/a[Pod]", "x/b[Pod]").is_all()
    assert allowed_ports(ev, "x/a[Pod]", "x/h[Pod]").is_empty()
    assert allowed_ports(ev, "x/h[Pod]", "x/a[Pod]").is_all()


def test_objects_without_a_namespace_live_in_default():
    pods = manifest(
        """
        apiVersion: v1
        kind: Pod
        metadata: {name: a, labels: {pod: a}}
        spec:
          containers: [{name: c}]
        ---
        apiVersion: v1
        kind: Pod
        metadata: {name: b, labels: {pod: b}}
        spec:
          containers: [{name: c}]
        ---
        apiVersion: networking.k8s.io/v1
        kind: NetworkPolicy
        metadata: {name: deny-a}
        spec:
          podSelector: {matchLabels: {pod: a}}
        """
    )
    ev = evaluate(("default.yaml", pods))
    assert allowed_ports(ev, "default/b[Pod]", "default/a[Pod]").is_empty()
    assert allowed_ports(ev, "default/a[Pod]", "default/b[Pod]").is_all()


def test_a_policy_without_pod_selector_selects_every_pod_of_its_namespace():
    # podSelector is a struct, not a pointer, in the Go API: left out, it is the empty selector.
    text = manifest(
        """
        apiVersion: networking.k8s.io/v1
        kind: NetworkPolicy
        metadata: {name: no-selector, namespace: x}
        spec:
          policyTypes: [Ingress]
        """
    )
    cluster = load_texts([("model.yaml", e2e_model()), ("policy.yaml", text)])
    assert not cluster.errors, [p.as_dict() for p in cluster.errors]
    ev = Evaluator(cluster)
    assert_reachability(ev, "TCP", 80, T(("*", "x/*", False)))


def test_named_ports_resolve_per_pod_even_when_labels_are_identical():
    twins = manifest(
        """
        apiVersion: v1
        kind: Pod
        metadata: {name: one, namespace: x, labels: {app: web}}
        spec:
          containers:
          - {name: c, ports: [{name: http, containerPort: 8080}]}
        ---
        apiVersion: v1
        kind: Pod
        metadata: {name: two, namespace: x, labels: {app: web}}
        spec:
          containers:
          - {name: c, ports: [{name: http, containerPort: 9090}]}
        ---
        apiVersion: v1
        kind: Pod
        metadata: {name: three, namespace: x, labels: {app: web}}
        spec:
          containers:
          - {name: c, ports: [{name: http, containerPort: 8080, protocol: UDP}]}
        ---
        apiVersion: v1
        kind: Pod
        metadata: {name: client, namespace: y, labels: {app: web}}
        spec:
          containers: [{name: c}]
        ---
        apiVersion: networking.k8s.io/v1
        kind: NetworkPolicy
        metadata: {name: http-in, namespace: x}
        spec:
          podSelector: {matchLabels: {app: web}}
          ingress:
          - ports: [{port: http}]
        ---
        apiVersion: networking.k8s.io/v1
        kind: NetworkPolicy
        metadata: {name: http-out, namespace: y}
        spec:
          podSelector: {}
          policyTypes: [Egress]
          egress:
          - ports: [{port: http, protocol: UDP}, {port: http}]
        """
    )
    ev = evaluate(("twins.yaml", twins))
    client = "y/client[Pod]"
    assert allowed_ports(ev, client, "x/one[Pod]") == PortSet.single("TCP", 8080)
    assert allowed_ports(ev, client, "x/two[Pod]") == PortSet.single("TCP", 9090)
    # three's http is UDP; the ingress rule names it with the default protocol TCP.
    assert allowed_ports(ev, client, "x/three[Pod]").is_empty()
    assert allowed_ports(ev, "x/one[Pod]", "x/two[Pod]") == PortSet.single("TCP", 9090)
    assert allowed_ports(ev, "x/two[Pod]", "x/one[Pod]") == PortSet.single("TCP", 8080)
