"""Named traps of the NetworkPolicy API, each with the manifest and the answer the API text gives."""

from __future__ import annotations

import ipaddress

from netviz.engine.ports import PortSet

from .e2e import (
    TruthTable,
    assert_reachability,
    e2e_model,
    evaluate,
    external_ports,
    manifest,
    pod_yaml,
    run,
)

T = TruthTable.expect
TCP = "TCP"


def _ports(ev, src: str, dst: str) -> PortSet:
    """Allowed ports src -> dst from the connection list, checked against explain()."""
    listed = PortSet.empty()
    for conn in ev.analysis().connections:
        if conn.src == src and conn.dst == dst:
            listed = listed | conn.ports
    explained = ev.explain(src, dst, None).allowed
    assert listed == explained, f"{src}->{dst}: connections say {listed}, explain says {explained}"
    return listed


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
    assert _ports(ev, "x/b[Pod]", "y/a[Pod]").is_all()


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
    assert _ports(ev, client, "x/a[Pod]") == PortSet.single(TCP, 8080)
    assert _ports(ev, client, "x/b[Pod]") == PortSet.single(TCP, 9090)
    assert _ports(ev, client, "x/c[Pod]").is_empty()

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
    assert _ports(ev, client, "x/a[Pod]") == PortSet.single(TCP, 8080)
    assert _ports(ev, client, "x/b[Pod]") == PortSet.single(TCP, 9090)
    assert _ports(ev, client, "x/c[Pod]").is_empty()
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
    assert _ports(ev, "y/a[Pod]", "x/a[Pod]") == expected
    assert str(expected) == "TCP 80,1000-2000; UDP 5000; SCTP 32000-32768"
    assert_reachability(ev, TCP, 81, T(("*", "x/a", False)))


def test_except_ranges():
    ev = run(
        """
        apiVersion: networking.k8s.io/v1
        kind: NetworkPolicy
        metadata: {name: ten-except-two, namespace: x}
        spec:
          podSelector: {matchLabels: {pod: a}}
          policyTypes: [Egress]
          egress:
          - to:
            - ipBlock:
                cidr: 10.0.0.0/8
                except: [10.1.0.0/16, 10.2.0.0/16, 10.1.5.0/24]
        """
    )
    analysis = ev.analysis()
    src = "x/a[Pod]"
    for ip in ("10.0.0.0", "10.0.255.255", "10.3.0.0", "10.200.1.1", "10.255.255.255"):
        assert external_ports(analysis, src, ip).is_all(), ip
    for ip in ("10.1.0.0", "10.1.5.5", "10.2.255.255", "9.255.255.255", "11.0.0.0"):
        assert external_ports(analysis, src, ip).is_empty(), ip
    # Ranges are where policies treat addresses alike: none straddles an except boundary.
    for r in analysis.externals:
        start, end = ipaddress.ip_address(r.start), ipaddress.ip_address(r.end)
        for edge in ("10.0.255.255", "10.2.255.255", "9.255.255.255", "10.255.255.255"):
            e = ipaddress.ip_address(edge)
            if start.version == e.version:
                assert not (start <= e < end), f"{r.id} straddles {edge}"


def test_ipv6_ipblock():
    ev = run(
        """
        apiVersion: networking.k8s.io/v1
        kind: NetworkPolicy
        metadata: {name: v6-only, namespace: x}
        spec:
          podSelector: {matchLabels: {pod: a}}
          policyTypes: [Egress]
          egress:
          - to:
            - ipBlock:
                cidr: 2001:db8::/32
                except: ["2001:db8:dead::/48"]
            ports:
            - port: 443
        """
    )
    analysis = ev.analysis()
    src = "x/a[Pod]"
    assert external_ports(analysis, src, "2001:db8::1") == PortSet.single(TCP, 443)
    assert external_ports(analysis, src, "2001:db8:ffff:ffff::1") == PortSet.single(TCP, 443)
    assert external_ports(analysis, src, "2001:db8:dead::1").is_empty()
    assert external_ports(analysis, src, "2001:db9::1").is_empty()
    assert external_ports(analysis, src, "32.1.13.184").is_empty()  # same bits as 2001:0db8
    assert external_ports(analysis, "x/b[Pod]", "2001:db8:dead::1").is_all()
    assert_reachability(ev, TCP, 80, T(("x/a", "*", False)))


def test_host_network_pod():
    model = e2e_model() + "---\n" + pod_yaml("x", "h", host_network=True)
    ev = run(
        """
        apiVersion: networking.k8s.io/v1
        kind: NetworkPolicy
        metadata: {name: deny-all, namespace: x}
        spec:
          podSelector: {}
          policyTypes: [Ingress, Egress]
        ---
        apiVersion: networking.k8s.io/v1
        kind: NetworkPolicy
        metadata: {name: from-every-pod, namespace: y}
        spec:
          podSelector: {matchLabels: {pod: a}}
          ingress:
          - from:
            - namespaceSelector: {}
        """,
        model,
    )
    pods = ("x/a", "x/h", "y/a", "y/b", "z/a")
    expected = TruthTable.parse(
        """
        -   x/a x/h y/a y/b z/a
        x/a .   X   X   X   X
        x/h X   .   X   .   .
        y/a X   .   .   .   .
        y/b X   .   .   .   .
        z/a X   .   .   .   .
        """
    )
    assert expected.pods == pods
    assert_reachability(ev, TCP, 80, expected)
    host = "x/h[Pod]"
    assert not ev.explain("y/b[Pod]", host, None).ingress.isolated
    assert not ev.explain(host, "z/a[Pod]", None).egress.isolated
    assert any(c.code == "host-network-pod" and c.endpoint == host for c in ev.analysis().caveats)


DEPLOYMENT = manifest(
    """
    apiVersion: apps/v1
    kind: Deployment
    metadata: {name: web, namespace: x}
    spec:
      replicas: 3
      selector: {matchLabels: {app: web}}
      template:
        metadata: {labels: {app: web}}
        spec:
          containers:
          - name: web
            ports:
            - {name: http, containerPort: 8080}
    ---
    apiVersion: v1
    kind: Pod
    metadata: {name: client, namespace: x, labels: {app: client}}
    spec:
      containers:
      - name: curl
    """
)


def test_deployment_with_replicas():
    web, client = "x/web[Deployment]", "x/client[Pod]"
    ev = evaluate(("app.yaml", DEPLOYMENT))
    web_endpoint = next(e for e in ev.analysis().endpoints if e.id == web)
    assert web_endpoint.replicas == 3
    # Replicas are distinct pods: web -> web is real traffic, listed, and open with no policy.
    assert ("TCP", 8080) in _ports(ev, web, web)

    only_client = manifest(
        """
        apiVersion: networking.k8s.io/v1
        kind: NetworkPolicy
        metadata: {name: web-from-client, namespace: x}
        spec:
          podSelector: {matchLabels: {app: web}}
          ingress:
          - from:
            - podSelector: {matchLabels: {app: client}}
            ports:
            - port: http
        """
    )
    ev = evaluate(("app.yaml", DEPLOYMENT), ("policy.yaml", only_client))
    assert _ports(ev, web, web).is_empty()
    assert not any(c.src == web and c.dst == web for c in ev.analysis().connections)
    assert _ports(ev, client, web) == PortSet.single(TCP, 8080)

    peers_too = only_client.replace(
        "app: client}}", "app: client}}\n    - podSelector: {matchLabels: {app: web}}"
    )
    assert peers_too.count("podSelector") == 3
    ev = evaluate(("app.yaml", DEPLOYMENT), ("policy.yaml", peers_too))
    assert _ports(ev, web, web) == PortSet.single(TCP, 8080)


def test_list_input():
    lists = manifest(
        """
        apiVersion: v1
        kind: List
        items:
        - apiVersion: v1
          kind: Pod
          metadata: {name: d, namespace: x, labels: {pod: d}}
          spec:
            containers:
            - name: c
              ports:
              - {containerPort: 80}
        - apiVersion: networking.k8s.io/v1
          kind: NetworkPolicy
          metadata: {name: deny-a, namespace: x}
          spec:
            podSelector: {matchLabels: {pod: a}}
        ---
        apiVersion: networking.k8s.io/v1
        kind: NetworkPolicyList
        items:
        - apiVersion: networking.k8s.io/v1
          kind: NetworkPolicy
          metadata: {name: deny-egress-b, namespace: y}
          spec:
            podSelector: {matchLabels: {pod: b}}
            policyTypes: [Egress]
        """
    )
    ev = evaluate(("model.yaml", e2e_model()), ("lists.yaml", lists))
    assert {p.id for p in ev.analysis().policies} == {"x/deny-a", "y/deny-egress-b"}
    assert_reachability(ev, TCP, 80, T(("*", "x/a", False), ("y/b", "*", False)))
    assert _ports(ev, "x/d[Pod]", "x/a[Pod]").is_empty()
    assert _ports(ev, "x/d[Pod]", "y/a[Pod]").is_all()
