"""Named traps of the NetworkPolicy API: selectors, rules, ports and policyTypes, each with the
manifest and the answer the API text gives."""

from __future__ import annotations

from netviz.engine.ports import PortSet

from .e2e import (
    TruthTable,
    allowed_ports,
    assert_reachability,
    e2e_model,
    evaluate,
    external_ports,
    manifest,
    run,
)

T = TruthTable.expect
TCP = "TCP"


def test_ingress_empty_list_vs_empty_rule():
    # ingress: [] and a missing ingress both allow nothing; ingress: [{}] allows everything.
    ev = run(
        """
        apiVersion: networking.k8s.io/v1
        kind: NetworkPolicy
        metadata: {name: empty-list, namespace: x}
        spec:
          podSelector: {matchLabels: {pod: a}}
          ingress: []
        ---
        apiVersion: networking.k8s.io/v1
        kind: NetworkPolicy
        metadata: {name: empty-rule, namespace: y}
        spec:
          podSelector: {matchLabels: {pod: a}}
          ingress:
          - {}
        ---
        apiVersion: networking.k8s.io/v1
        kind: NetworkPolicy
        metadata: {name: no-ingress-key, namespace: z}
        spec:
          podSelector: {matchLabels: {pod: a}}
        """
    )
    for proto in ("TCP", "UDP", "SCTP"):
        assert_reachability(ev, proto, 80, T(("*", "x/a", False), ("*", "z/a", False)))
    assert allowed_ports(ev, "x/b[Pod]", "y/a[Pod]").is_all()


def test_and_vs_or_peers():
    # One peer with both selectors is an AND; two peers are an OR (podSelector alone = own ns).
    ev = run(
        """
        apiVersion: networking.k8s.io/v1
        kind: NetworkPolicy
        metadata: {name: accidental-and, namespace: x}
        spec:
          podSelector: {matchLabels: {pod: a}}
          ingress:
          - from:
            - namespaceSelector: {matchLabels: {ns: "y"}}
              podSelector: {matchLabels: {pod: b}}
        ---
        apiVersion: networking.k8s.io/v1
        kind: NetworkPolicy
        metadata: {name: intended-or, namespace: x}
        spec:
          podSelector: {matchLabels: {pod: b}}
          ingress:
          - from:
            - namespaceSelector: {matchLabels: {ns: "y"}}
            - podSelector: {matchLabels: {pod: c}}
        """
    )
    expected = TruthTable.parse(
        """
        -   x/a x/b x/c y/a y/b y/c z/a z/b z/c
        x/a .   X   .   .   .   .   .   .   .
        x/b X   .   .   .   .   .   .   .   .
        x/c X   .   .   .   .   .   .   .   .
        y/a X   .   .   .   .   .   .   .   .
        y/b .   .   .   .   .   .   .   .   .
        y/c X   .   .   .   .   .   .   .   .
        z/a X   X   .   .   .   .   .   .   .
        z/b X   X   .   .   .   .   .   .   .
        z/c X   X   .   .   .   .   .   .   .
        """
    )
    assert_reachability(ev, TCP, 80, expected)


def test_notin_on_absent_key():
    # NotIn and DoesNotExist match a pod without the key; In and Exists do not.
    model = e2e_model(pod_labels={"x/b": {"tier": "frontend"}, "x/c": {"tier": "backend"}})
    policies = []
    for target, operator, values in (
        ("y/a", "NotIn", "[backend]"),
        ("y/b", "DoesNotExist", None),
        ("y/c", "Exists", None),
        ("z/a", "In", "[frontend]"),
    ):
        ns, pod = target.split("/")
        expr = f"{{key: tier, operator: {operator}" + (f", values: {values}}}" if values else "}")
        policies.append(
            f"""
            apiVersion: networking.k8s.io/v1
            kind: NetworkPolicy
            metadata: {{name: tier-{operator.lower()}, namespace: {ns}}}
            spec:
              podSelector: {{matchLabels: {{pod: {pod}}}}}
              ingress:
              - from:
                - namespaceSelector: {{}}
                  podSelector:
                    matchExpressions:
                    - {expr}
            """
        )
    ev = run("---".join(policies), model)
    expected = T(
        ("x/c", "y/a", False),
        ("x/b", "y/b", False),
        ("x/c", "y/b", False),
        ("*", "y/c", False),
        ("x/b", "y/c", True),
        ("x/c", "y/c", True),
        ("*", "z/a", False),
        ("x/b", "z/a", True),
    )
    assert_reachability(ev, TCP, 80, expected)

    # The same reading applies to the policy's own podSelector and to namespace selectors.
    model = e2e_model(
        pod_labels={"x/b": {"tier": "frontend"}, "x/c": {"tier": "backend"}},
        namespace_labels={"z": {"env": "prod"}},
    )
    ev = run(
        """
        apiVersion: networking.k8s.io/v1
        kind: NetworkPolicy
        metadata: {name: isolate-all-but-frontend, namespace: x}
        spec:
          podSelector:
            matchExpressions:
            - {key: tier, operator: NotIn, values: [frontend]}
          policyTypes: [Ingress]
        ---
        apiVersion: networking.k8s.io/v1
        kind: NetworkPolicy
        metadata: {name: from-non-prod, namespace: y}
        spec:
          podSelector: {matchLabels: {pod: a}}
          ingress:
          - from:
            - namespaceSelector:
                matchExpressions:
                - {key: env, operator: NotIn, values: [prod]}
        """,
        model,
    )
    expected = T(("*", "x/a", False), ("*", "x/c", False), ("z/*", "y/a", False))
    assert_reachability(ev, TCP, 80, expected)


NAMED_PORT_PODS = manifest(
    """
    apiVersion: v1
    kind: Pod
    metadata: {name: a, namespace: x, labels: {pod: a}}
    spec:
      containers:
      - name: web
        ports:
        - {name: http, containerPort: 8080}
        - {containerPort: 9090}
    ---
    apiVersion: v1
    kind: Pod
    metadata: {name: b, namespace: x, labels: {pod: b}}
    spec:
      containers:
      - name: web
        ports:
        - {name: http, containerPort: 9090}
        - {containerPort: 8080}
    ---
    apiVersion: v1
    kind: Pod
    metadata: {name: c, namespace: x, labels: {pod: c}}
    spec:
      containers:
      - name: web
        ports:
        - {name: metrics, containerPort: 8080}
    ---
    apiVersion: v1
    kind: Pod
    metadata: {name: client, namespace: y, labels: {pod: client}}
    spec:
      containers:
      - name: curl
    """
)


def test_named_port_on_only_some_pods():
    # A named port resolves per destination pod; a pod without the name opens nothing.
    ingress = manifest(
        """
        apiVersion: networking.k8s.io/v1
        kind: NetworkPolicy
        metadata: {name: allow-http, namespace: x}
        spec:
          podSelector: {}
          ingress:
          - ports:
            - port: http
        """
    )
    ev = evaluate(("pods.yaml", NAMED_PORT_PODS), ("policy.yaml", ingress))
    client = "y/client[Pod]"
    assert allowed_ports(ev, client, "x/a[Pod]") == PortSet.single(TCP, 8080)
    assert allowed_ports(ev, client, "x/b[Pod]") == PortSet.single(TCP, 9090)
    assert allowed_ports(ev, client, "x/c[Pod]").is_empty()

    egress = manifest(
        """
        apiVersion: networking.k8s.io/v1
        kind: NetworkPolicy
        metadata: {name: egress-http, namespace: y}
        spec:
          podSelector: {}
          policyTypes: [Egress]
          egress:
          - ports:
            - port: http
        """
    )
    ev = evaluate(("pods.yaml", NAMED_PORT_PODS), ("policy.yaml", egress))
    assert allowed_ports(ev, client, "x/a[Pod]") == PortSet.single(TCP, 8080)
    assert allowed_ports(ev, client, "x/b[Pod]") == PortSet.single(TCP, 9090)
    assert allowed_ports(ev, client, "x/c[Pod]").is_empty()
    assert external_ports(ev.analysis(), client, "8.8.8.8").is_empty()


def test_policy_in_other_namespace_does_not_isolate():
    ev = run(
        """
        apiVersion: networking.k8s.io/v1
        kind: NetworkPolicy
        metadata: {name: deny-pod-a, namespace: y}
        spec:
          podSelector: {matchLabels: {pod: a}}
          policyTypes: [Ingress, Egress]
        """
    )
    assert_reachability(ev, TCP, 80, T(("*", "y/a", False), ("y/a", "*", False)))
    verdict = ev.explain("y/b[Pod]", "x/a[Pod]", None)
    assert not verdict.ingress.isolated and not verdict.egress.isolated


def test_policy_selecting_nothing():
    ev = run(
        """
        apiVersion: networking.k8s.io/v1
        kind: NetworkPolicy
        metadata: {name: selects-no-pod, namespace: x}
        spec:
          podSelector:
            matchExpressions:
            - {key: pod, operator: In, values: [nobody]}
          policyTypes: [Ingress, Egress]
        """
    )
    for proto in ("TCP", "UDP", "SCTP"):
        assert_reachability(ev, proto, 81, T())


def test_egress_without_policy_types():
    # policyTypes defaults to Ingress plus Egress when egress rules exist: the pod is also
    # ingress-isolated with no ingress rule. `egress: []` is no rule, so it adds no Egress.
    ev = run(
        """
        apiVersion: networking.k8s.io/v1
        kind: NetworkPolicy
        metadata: {name: egress-to-b, namespace: x}
        spec:
          podSelector: {matchLabels: {pod: a}}
          egress:
          - to:
            - podSelector: {matchLabels: {pod: b}}
        ---
        apiVersion: networking.k8s.io/v1
        kind: NetworkPolicy
        metadata: {name: empty-egress-list, namespace: y}
        spec:
          podSelector: {matchLabels: {pod: a}}
          egress: []
        """
    )
    expected = T(
        ("*", "x/a", False),
        ("x/a", "*", False),
        ("x/a", "x/b", True),
        ("*", "y/a", False),
    )
    assert_reachability(ev, TCP, 80, expected)
    types = {p.id: p.policy_types for p in ev.analysis().policies}
    assert types == {
        "x/egress-to-b": frozenset({"ingress", "egress"}),
        "y/empty-egress-list": frozenset({"ingress"}),
    }


def test_end_port_range():
    ev = run(
        """
        apiVersion: networking.k8s.io/v1
        kind: NetworkPolicy
        metadata: {name: ranges, namespace: x}
        spec:
          podSelector: {matchLabels: {pod: a}}
          ingress:
          - ports:
            - {port: 1000, endPort: 2000}
            - {port: 80}
            - {protocol: UDP, port: 5000, endPort: 5000}
            - {protocol: SCTP, port: 32000, endPort: 32768}
        """
    )
    expected = PortSet.single(TCP, 80) | PortSet.single(TCP, 1000, 2000)
    expected = expected | PortSet.single("UDP", 5000) | PortSet.single("SCTP", 32000, 32768)
    assert allowed_ports(ev, "y/a[Pod]", "x/a[Pod]") == expected
    assert str(expected) == "TCP 80,1000-2000; UDP 5000; SCTP 32000-32768"
    assert_reachability(ev, TCP, 81, T(("*", "x/a", False)))
