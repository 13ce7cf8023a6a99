"""Port, named-port, protocol and endPort scenarios from upstream netpol e2e, TCP/UDP/SCTP."""

from __future__ import annotations

import pytest

from .e2e import TruthTable, assert_reachability, run

T = TruthTable.expect
PROTOCOLS = ("TCP", "UDP", "SCTP")


@pytest.mark.parametrize("proto", PROTOCOLS)
def test_default_deny_ingress_per_protocol(proto):
    ev = run(
        """
        apiVersion: networking.k8s.io/v1
        kind: NetworkPolicy
        metadata: {name: deny-all, namespace: x}
        spec:
          podSelector: {}
          policyTypes: [Ingress]
        """
    )
    assert_reachability(ev, proto, 80, T(("*", "x/*", False)))


@pytest.mark.parametrize("proto", PROTOCOLS)
def test_policy_based_on_ports_per_protocol(proto):
    ev = run(
        f"""
        apiVersion: networking.k8s.io/v1
        kind: NetworkPolicy
        metadata: {{name: allow-ingress-on-port-81-ns-x, namespace: x}}
        spec:
          podSelector: {{matchLabels: {{pod: a}}}}
          ingress:
          - from:
            - namespaceSelector: {{matchLabels: {{kubernetes.io/metadata.name: y}}}}
            ports:
            - {{port: 81, protocol: {proto}}}
        """
    )
    assert_reachability(ev, proto, 81, T(("*", "x/a", False), ("y/*", "x/a", True)))
    assert_reachability(ev, proto, 80, T(("*", "x/a", False)))
    other = next(p for p in PROTOCOLS if p != proto)
    assert_reachability(ev, other, 81, T(("*", "x/a", False)))


@pytest.mark.parametrize("proto", PROTOCOLS)
def test_pod_and_namespace_selector_per_protocol(proto):
    ev = run(
        """
        apiVersion: networking.k8s.io/v1
        kind: NetworkPolicy
        metadata: {name: allow-ns-y-pod-a-via-namespace-pod-selector, namespace: x}
        spec:
          podSelector: {matchLabels: {pod: a}}
          ingress:
          - from:
            - namespaceSelector: {matchLabels: {kubernetes.io/metadata.name: y}}
              podSelector: {matchLabels: {pod: a}}
        """
    )
    assert_reachability(ev, proto, 80, T(("*", "x/a", False), ("y/a", "x/a", True)))


STACKED_81 = """
    apiVersion: networking.k8s.io/v1
    kind: NetworkPolicy
    metadata: {name: allow-client-a-via-ns-selector, namespace: x}
    spec:
      podSelector: {matchLabels: {pod: a}}
      ingress:
      - from:
        - namespaceSelector: {matchLabels: {kubernetes.io/metadata.name: y}}
        ports:
        - {port: 81, protocol: TCP}
    """
STACKED_80 = """
    ---
    apiVersion: networking.k8s.io/v1
    kind: NetworkPolicy
    metadata: {name: allow-client-a-via-ns-selector-80, namespace: x}
    spec:
      podSelector: {matchLabels: {pod: a}}
      ingress:
      - from:
        - namespaceSelector: {matchLabels: {kubernetes.io/metadata.name: y}}
        ports:
        - {port: 80, protocol: TCP}
    """


def test_stacked_policies_before_second():
    ev = run(STACKED_81)
    assert_reachability(ev, "TCP", 81, T(("*", "x/a", False), ("y/*", "x/a", True)))
    assert_reachability(ev, "TCP", 80, T(("*", "x/a", False)))


def test_stacked_policies_after_second_unblocks_80():
    ev = run(STACKED_81 + STACKED_80)
    for port in (80, 81):
        assert_reachability(ev, "TCP", port, T(("*", "x/a", False), ("y/*", "x/a", True)))


def test_allow_all_policy_with_empty_rule():
    ev = run(
        """
        apiVersion: networking.k8s.io/v1
        kind: NetworkPolicy
        metadata: {name: allow-all, namespace: x}
        spec:
          podSelector: {}
          ingress:
          - {}
        """
    )
    for proto in PROTOCOLS:
        for port in (80, 81):
            assert_reachability(ev, proto, port, T())


def test_ingress_on_one_named_port():
    ev = run(
        """
        apiVersion: networking.k8s.io/v1
        kind: NetworkPolicy
        metadata: {name: allow-all, namespace: x}
        spec:
          podSelector: {}
          ingress:
          - ports:
            - port: serve-81-tcp
        """
    )
    assert_reachability(ev, "TCP", 81, T())
    assert_reachability(ev, "TCP", 80, T(("*", "x/*", False)))
    # The name is bound to TCP (the default protocol); UDP 81 is not opened by it.
    assert_reachability(ev, "UDP", 81, T(("*", "x/*", False)))


def test_ingress_from_namespace_on_one_named_port():
    ev = run(
        """
        apiVersion: networking.k8s.io/v1
        kind: NetworkPolicy
        metadata: {name: allow-client-a-via-ns-selector-80, namespace: x}
        spec:
          podSelector: {matchLabels: {pod: a}}
          ingress:
          - from:
            - namespaceSelector: {matchLabels: {kubernetes.io/metadata.name: y}}
            ports:
            - {port: serve-80-tcp, protocol: TCP}
        """
    )
    assert_reachability(ev, "TCP", 80, T(("*", "x/a", False), ("y/*", "x/a", True)))
    assert_reachability(ev, "TCP", 81, T(("*", "x/a", False)))


def test_named_port_with_protocol_udp():
    ev = run(
        """
        apiVersion: networking.k8s.io/v1
        kind: NetworkPolicy
        metadata: {name: allow-udp-81-by-name, namespace: x}
        spec:
          podSelector: {}
          ingress:
          - ports:
            - {port: serve-81-udp, protocol: UDP}
        """
    )
    assert_reachability(ev, "UDP", 81, T())
    assert_reachability(ev, "TCP", 81, T(("*", "x/*", False)))
    assert_reachability(ev, "UDP", 80, T(("*", "x/*", False)))


def test_named_port_with_mismatched_protocol_matches_nothing():
    # serve-81-udp is a UDP port; asking for it on TCP names no port of any pod.
    ev = run(
        """
        apiVersion: networking.k8s.io/v1
        kind: NetworkPolicy
        metadata: {name: wrong-protocol-for-name, namespace: x}
        spec:
          podSelector: {}
          ingress:
          - ports:
            - {port: serve-81-udp, protocol: TCP}
        """
    )
    for proto in PROTOCOLS:
        assert_reachability(ev, proto, 81, T(("*", "x/*", False)))


def test_egress_on_one_named_port():
    ev = run(
        """
        apiVersion: networking.k8s.io/v1
        kind: NetworkPolicy
        metadata: {name: allow-egress, namespace: x}
        spec:
          podSelector: {}
          policyTypes: [Egress]
          egress:
          - ports:
            - port: serve-80-tcp
        """
    )
    assert_reachability(ev, "TCP", 80, T())
    assert_reachability(ev, "TCP", 81, T(("x/*", "*", False)))


def test_ingress_any_port_of_one_protocol():
    ev = run(
        """
        apiVersion: networking.k8s.io/v1
        kind: NetworkPolicy
        metadata: {name: allow-ingress-by-proto, namespace: x}
        spec:
          podSelector: {matchLabels: {pod: a}}
          ingress:
          - ports:
            - protocol: TCP
        """
    )
    assert_reachability(ev, "TCP", 80, T())
    assert_reachability(ev, "TCP", 81, T())
    assert_reachability(ev, "UDP", 80, T(("*", "x/a", False)))
    assert_reachability(ev, "SCTP", 81, T(("*", "x/a", False)))


def test_sctp_rule_is_not_read_as_tcp():
    ev = run(
        """
        apiVersion: networking.k8s.io/v1
        kind: NetworkPolicy
        metadata: {name: deny-ingress, namespace: x}
        spec:
          podSelector: {}
          policyTypes: [Ingress]
        ---
        apiVersion: networking.k8s.io/v1
        kind: NetworkPolicy
        metadata: {name: allow-only-sctp-ingress-on-port-81, namespace: x}
        spec:
          podSelector: {matchLabels: {pod: a}}
          ingress:
          - ports:
            - {port: 81, protocol: SCTP}
        """
    )
    assert_reachability(ev, "TCP", 81, T(("*", "x/*", False)))
    assert_reachability(ev, "SCTP", 81, T(("*", "x/*", False), ("*", "x/a", True)))


def test_sctp_only_policy_still_isolates_for_tcp():
    ev = run(
        """
        apiVersion: networking.k8s.io/v1
        kind: NetworkPolicy
        metadata: {name: allow-only-sctp-ingress-on-port-80, namespace: x}
        spec:
          podSelector: {matchLabels: {pod: a}}
          ingress:
          - ports:
            - {port: 80, protocol: SCTP}
        """
    )
    assert_reachability(ev, "TCP", 81, T(("*", "x/a", False)))
    assert_reachability(ev, "TCP", 80, T(("*", "x/a", False)))
    assert_reachability(ev, "SCTP", 80, T())


def test_udp_only_policy_does_not_allow_tcp():
    ev = run(
        """
        apiVersion: networking.k8s.io/v1
        kind: NetworkPolicy
        metadata: {name: allow-only-udp-ingress-on-port-81, namespace: x}
        spec:
          podSelector: {matchLabels: {pod: a}}
          ingress:
          - ports:
            - {port: 81, protocol: UDP}
        """
    )
    assert_reachability(ev, "TCP", 81, T(("*", "x/a", False)))
    assert_reachability(ev, "UDP", 81, T())


def test_port_range_with_end_port_covers_both_ports():
    ev = run(
        """
        apiVersion: networking.k8s.io/v1
        kind: NetworkPolicy
        metadata: {name: allow-80-to-81, namespace: x}
        spec:
          podSelector: {matchLabels: {pod: a}}
          ingress:
          - from:
            - namespaceSelector: {matchLabels: {ns: "y"}}
            ports:
            - {protocol: TCP, port: 80, endPort: 81}
        """
    )
    for port in (80, 81):
        assert_reachability(ev, "TCP", port, T(("*", "x/a", False), ("y/*", "x/a", True)))
    assert_reachability(ev, "UDP", 80, T(("*", "x/a", False)))


def test_port_range_with_end_port_starting_above_80():
    ev = run(
        """
        apiVersion: networking.k8s.io/v1
        kind: NetworkPolicy
        metadata: {name: egress-81-to-90, namespace: x}
        spec:
          podSelector: {}
          policyTypes: [Egress]
          egress:
          - ports:
            - {protocol: UDP, port: 81, endPort: 90}
        """
    )
    assert_reachability(ev, "UDP", 81, T())
    assert_reachability(ev, "UDP", 80, T(("x/*", "*", False)))
    assert_reachability(ev, "TCP", 81, T(("x/*", "*", False)))
