"""Named traps about addresses and endpoints: except ranges, IPv6, hostNetwork pods,
workload replicas, and List input."""

from __future__ import annotations

import ipaddress

from netviz.engine.ports import PortSet

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
TCP = "TCP"


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
    assert ("TCP", 8080) in allowed_ports(ev, web, web)

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
    assert allowed_ports(ev, web, web).is_empty()
    assert not any(c.src == web and c.dst == web for c in ev.analysis().connections)
    assert allowed_ports(ev, client, web) == PortSet.single(TCP, 8080)

    peers_too = only_client.replace(
        "app: client}}", "app: client}}\n    - podSelector: {matchLabels: {app: web}}"
    )
    assert peers_too.count("podSelector") == 3
    ev = evaluate(("app.yaml", DEPLOYMENT), ("policy.yaml", peers_too))
    assert allowed_ports(ev, web, web) == PortSet.single(TCP, 8080)


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
    assert allowed_ports(ev, "x/d[Pod]", "x/a[Pod]").is_empty()
    assert allowed_ports(ev, "x/d[Pod]", "y/a[Pod]").is_all()
