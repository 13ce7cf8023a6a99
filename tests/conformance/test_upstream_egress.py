"""Egress and ipBlock scenarios from upstream netpol e2e; ipBlocks aimed at pod IPs match no pod
here (project rule, caveat instead), so CIDR semantics are checked on external addresses."""

from __future__ import annotations

from .e2e import (
    TruthTable,
    assert_reachability,
    e2e_model,
    external_ports,
    ports_from_external,
    run,
)

T = TruthTable.expect


def test_deny_egress_from_one_pod():
    ev = run(
        """
        apiVersion: networking.k8s.io/v1
        kind: NetworkPolicy
        metadata: {name: deny-egress-pod-a, namespace: x}
        spec:
          podSelector: {matchLabels: {pod: a}}
          policyTypes: [Egress]
        """
    )
    assert_reachability(ev, "TCP", 80, T(("x/a", "*", False)))


def test_deny_egress_from_whole_namespace():
    ev = run(
        """
        apiVersion: networking.k8s.io/v1
        kind: NetworkPolicy
        metadata: {name: deny-egress-ns-x, namespace: x}
        spec:
          podSelector: {}
          policyTypes: [Egress]
          egress: []
        """
    )
    assert_reachability(ev, "TCP", 80, T(("x/*", "*", False)))


def test_ingress_and_egress_specified_together():
    ev = run(
        """
        apiVersion: networking.k8s.io/v1
        kind: NetworkPolicy
        metadata: {name: allow-client-a-via-pod-selector, namespace: x}
        spec:
          podSelector: {matchLabels: {pod: a}}
          policyTypes: [Egress, Ingress]
          ingress:
          - from:
            - podSelector: {matchLabels: {pod: b}}
          egress:
          - ports:
            - port: 80
        """
    )
    assert_reachability(ev, "TCP", 80, T(("*", "x/a", False), ("x/b", "x/a", True)))
    expected_81 = T(("*", "x/a", False), ("x/a", "*", False), ("x/b", "x/a", True))
    assert_reachability(ev, "TCP", 81, expected_81)


def test_client_egress_denies_even_when_server_ingress_allows():
    ev = run(
        """
        apiVersion: networking.k8s.io/v1
        kind: NetworkPolicy
        metadata: {name: allow-to-ns-y-pod-a, namespace: x}
        spec:
          podSelector: {matchLabels: {pod: a}}
          policyTypes: [Egress]
          egress:
          - to:
            - namespaceSelector: {matchLabels: {kubernetes.io/metadata.name: y}}
              podSelector: {matchLabels: {pod: a}}
        ---
        apiVersion: networking.k8s.io/v1
        kind: NetworkPolicy
        metadata: {name: allow-from-xa-on-ya-match-selector, namespace: y}
        spec:
          podSelector: {matchLabels: {pod: a}}
          ingress:
          - from:
            - namespaceSelector: {matchLabels: {kubernetes.io/metadata.name: x}}
              podSelector: {matchLabels: {pod: a}}
        ---
        apiVersion: networking.k8s.io/v1
        kind: NetworkPolicy
        metadata: {name: allow-from-xa-on-yb-match-selector, namespace: y}
        spec:
          podSelector: {matchLabels: {pod: b}}
          ingress:
          - from:
            - namespaceSelector: {matchLabels: {kubernetes.io/metadata.name: x}}
              podSelector: {matchLabels: {pod: a}}
        """
    )
    expected = T(
        ("x/a", "*", False),
        ("*", "y/a", False),
        ("x/a", "y/a", True),
        ("*", "y/b", False),
    )
    assert_reachability(ev, "TCP", 80, expected)


def test_egress_to_one_pod_in_other_namespace():
    ev = run(
        """
        apiVersion: networking.k8s.io/v1
        kind: NetworkPolicy
        metadata: {name: allow-to-ns-y-pod-a, namespace: x}
        spec:
          podSelector: {matchLabels: {pod: a}}
          policyTypes: [Egress]
          egress:
          - to:
            - namespaceSelector: {matchLabels: {kubernetes.io/metadata.name: y}}
              podSelector: {matchLabels: {pod: a}}
        """
    )
    assert_reachability(ev, "TCP", 80, T(("x/a", "*", False), ("x/a", "y/a", True)))


def test_egress_namespace_selector_not_in_with_default_label():
    ev = run(
        """
        apiVersion: networking.k8s.io/v1
        kind: NetworkPolicy
        metadata: {name: allow-ns-y-match-selector-for-immutable-ns-label, namespace: x}
        spec:
          podSelector: {matchLabels: {pod: a}}
          policyTypes: [Egress]
          egress:
          - to:
            - namespaceSelector:
                matchExpressions:
                - {key: kubernetes.io/metadata.name, operator: NotIn, values: ["y"]}
        """
    )
    assert_reachability(ev, "TCP", 80, T(("x/a", "y/*", False)))


def test_multiple_egress_policies_allow_all_takes_precedence():
    only_80 = """
        apiVersion: networking.k8s.io/v1
        kind: NetworkPolicy
        metadata: {name: allow-egress-port-80, namespace: x}
        spec:
          podSelector: {}
          policyTypes: [Egress]
          egress:
          - ports:
            - port: 80
        """
    assert_reachability(run(only_80), "TCP", 81, T(("x/*", "*", False)))
    allow_all = """
        ---
        apiVersion: networking.k8s.io/v1
        kind: NetworkPolicy
        metadata: {name: allow-egress, namespace: x}
        spec:
          podSelector: {}
          policyTypes: [Egress]
          egress:
          - {}
        """
    assert_reachability(run(only_80 + allow_all), "TCP", 81, T())


def test_egress_dns_like_ports_only():
    # The usual "deny all egress but DNS": 53 on UDP and TCP to anyone.
    ev = run(
        """
        apiVersion: networking.k8s.io/v1
        kind: NetworkPolicy
        metadata: {name: allow-dns-only, namespace: x}
        spec:
          podSelector: {}
          policyTypes: [Egress]
          egress:
          - ports:
            - {protocol: UDP, port: 53}
            - {protocol: TCP, port: 53}
        """
    )
    analysis = ev.analysis()
    assert_reachability(ev, "TCP", 80, T(("x/*", "*", False)))
    assert_reachability(ev, "UDP", 80, T(("x/*", "*", False)))
    for conn in analysis.connections:
        if conn.src.startswith("x/"):
            assert ("UDP", 53) in conn.ports and ("TCP", 53) in conn.ports, conn
            assert ("UDP", 54) not in conn.ports and ("SCTP", 53) not in conn.ports, conn
    assert ("UDP", 53) in external_ports(analysis, "x/a[Pod]", "8.8.8.8")
    assert ("TCP", 443) not in external_ports(analysis, "x/a[Pod]", "8.8.8.8")
    assert ("TCP", 443) in external_ports(analysis, "y/a[Pod]", "8.8.8.8")


def test_egress_to_pod_ip_cidr_matches_no_pod_but_warns():
    # Upstream expects x/a -> y/b allowed; netviz's rule: ipBlock never matches pod IPs.
    model = e2e_model(pod_ips={"y/a": "10.244.1.10", "y/b": "10.244.1.11"})
    ev = run(
        """
        apiVersion: networking.k8s.io/v1
        kind: NetworkPolicy
        metadata: {name: allow-client-a-via-cidr-egress-rule, namespace: x}
        spec:
          podSelector: {matchLabels: {pod: a}}
          policyTypes: [Egress]
          egress:
          - to:
            - ipBlock: {cidr: 10.244.1.11/32}
        """,
        model,
    )
    assert_reachability(ev, "TCP", 80, T(("x/a", "*", False)))
    analysis = ev.analysis()
    codes = {(c.code, c.endpoint) for c in analysis.caveats}
    assert ("ipblock-matches-pod-ip", "y/b[Pod]") in codes, analysis.caveats
    assert ("ipblock-matches-pod-ip", "y/a[Pod]") not in codes


def test_egress_cidr_with_except_against_external_addresses():
    ev = run(
        """
        apiVersion: networking.k8s.io/v1
        kind: NetworkPolicy
        metadata: {name: allow-client-a-via-cidr-egress-rule, namespace: x}
        spec:
          podSelector: {matchLabels: {pod: a}}
          policyTypes: [Egress]
          egress:
          - to:
            - ipBlock:
                cidr: 192.168.0.0/16
                except: [192.168.10.0/24]
        """
    )
    analysis = ev.analysis()
    src = "x/a[Pod]"
    for ip in ("192.168.0.0", "192.168.9.255", "192.168.11.0", "192.168.255.255"):
        assert external_ports(analysis, src, ip).is_all(), ip
    for ip in ("192.168.10.0", "192.168.10.77", "192.168.10.255", "192.167.255.255", "1.1.1.1"):
        assert external_ports(analysis, src, ip).is_empty(), ip
    # x/b is not selected: it reaches every address.
    assert external_ports(analysis, "x/b[Pod]", "192.168.10.77").is_all()


def test_overlapping_ipblocks_allow_what_either_allows():
    # Upstream: "an IP overlapping both IPBlock.CIDR and IPBlock.Except is allowed" when a
    # second rule names it.
    ev = run(
        """
        apiVersion: networking.k8s.io/v1
        kind: NetworkPolicy
        metadata: {name: allow-big-cidr-except-one, namespace: x}
        spec:
          podSelector: {matchLabels: {pod: a}}
          policyTypes: [Egress]
          egress:
          - to:
            - ipBlock: {cidr: 203.0.113.0/24, except: [203.0.113.7/32]}
        ---
        apiVersion: networking.k8s.io/v1
        kind: NetworkPolicy
        metadata: {name: allow-the-one, namespace: x}
        spec:
          podSelector: {matchLabels: {pod: a}}
          policyTypes: [Egress]
          egress:
          - to:
            - ipBlock: {cidr: 203.0.113.7/32}
            ports:
            - port: 443
        """
    )
    analysis = ev.analysis()
    assert external_ports(analysis, "x/a[Pod]", "203.0.113.6").is_all()
    assert str(external_ports(analysis, "x/a[Pod]", "203.0.113.7")) == "TCP 443"
    assert external_ports(analysis, "x/a[Pod]", "203.0.114.1").is_empty()


def test_ingress_from_external_cidr():
    ev = run(
        """
        apiVersion: networking.k8s.io/v1
        kind: NetworkPolicy
        metadata: {name: allow-from-office, namespace: x}
        spec:
          podSelector: {matchLabels: {pod: a}}
          ingress:
          - from:
            - ipBlock: {cidr: 198.51.100.0/24, except: [198.51.100.128/25]}
            ports:
            - port: 80
        """
    )
    analysis = ev.analysis()
    assert str(ports_from_external(analysis, "198.51.100.1", "x/a[Pod]")) == "TCP 80"
    assert ports_from_external(analysis, "198.51.100.200", "x/a[Pod]").is_empty()
    assert ports_from_external(analysis, "198.51.101.1", "x/a[Pod]").is_empty()
    assert ports_from_external(analysis, "198.51.100.200", "x/b[Pod]").is_all()
    assert_reachability(ev, "TCP", 80, T(("*", "x/a", False)))
