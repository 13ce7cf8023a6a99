"""Ingress scenarios from upstream netpol e2e (network_policy.go), run on all nine pods with the
cells upstream leaves out written from the API."""

from __future__ import annotations

from .e2e import TruthTable, assert_reachability, e2e_model, run

T = TruthTable.expect


def test_no_policies_allow_everything():
    ev = run("")
    for proto in ("TCP", "UDP", "SCTP"):
        assert_reachability(ev, proto, 80, T())


def test_default_deny_ingress():
    ev = run(
        """
        apiVersion: networking.k8s.io/v1
        kind: NetworkPolicy
        metadata: {name: deny-ingress, namespace: x}
        spec:
          podSelector: {}
          policyTypes: [Ingress]
        """
    )
    expected = TruthTable.parse(
        """
        -   x/a x/b x/c y/a y/b y/c z/a z/b z/c
        x/a .   X   X   .   .   .   .   .   .
        x/b X   .   X   .   .   .   .   .   .
        x/c X   X   .   .   .   .   .   .   .
        y/a X   X   X   .   .   .   .   .   .
        y/b X   X   X   .   .   .   .   .   .
        y/c X   X   X   .   .   .   .   .   .
        z/a X   X   X   .   .   .   .   .   .
        z/b X   X   X   .   .   .   .   .   .
        z/c X   X   X   .   .   .   .   .   .
        """
    )
    assert_reachability(ev, "TCP", 80, expected)
    assert_reachability(ev, "UDP", 81, expected)


def test_default_deny_all():
    ev = run(
        """
        apiVersion: networking.k8s.io/v1
        kind: NetworkPolicy
        metadata: {name: deny-all, namespace: x}
        spec:
          podSelector: {}
          policyTypes: [Ingress, Egress]
        """
    )
    assert_reachability(ev, "TCP", 80, T(("*", "x/*", False), ("x/*", "*", False)))


def test_allow_from_pod_in_same_namespace_by_pod_selector():
    ev = run(
        """
        apiVersion: networking.k8s.io/v1
        kind: NetworkPolicy
        metadata: {name: x-a-allows-x-b, namespace: x}
        spec:
          podSelector: {matchLabels: {pod: a}}
          ingress:
          - from:
            - podSelector: {matchLabels: {pod: b}}
        """
    )
    assert_reachability(ev, "TCP", 80, T(("*", "x/a", False), ("x/b", "x/a", True)))


def test_allow_ingress_for_one_target_over_namespace_deny():
    ev = run(
        """
        apiVersion: networking.k8s.io/v1
        kind: NetworkPolicy
        metadata: {name: deny-all, namespace: x}
        spec:
          podSelector: {}
          policyTypes: [Ingress]
        ---
        apiVersion: networking.k8s.io/v1
        kind: NetworkPolicy
        metadata: {name: allow-all-to-a, namespace: x}
        spec:
          podSelector: {matchLabels: {pod: a}}
          ingress:
          - from:
            - podSelector: {}
              namespaceSelector: {}
        """
    )
    assert_reachability(ev, "TCP", 80, T(("*", "x/*", False), ("*", "x/a", True)))


def test_allow_from_all_namespaces_with_empty_namespace_selector():
    ev = run(
        """
        apiVersion: networking.k8s.io/v1
        kind: NetworkPolicy
        metadata: {name: allow-from-another-ns, namespace: x}
        spec:
          podSelector: {matchLabels: {pod: a}}
          ingress:
          - from:
            - namespaceSelector: {matchLabels: {}}
        """
    )
    assert_reachability(ev, "TCP", 80, T())


def test_allow_only_from_other_namespace_by_metadata_name_label():
    # kubernetes.io/metadata.name is not in the model YAML: the reader must add it.
    ev = run(
        """
        apiVersion: networking.k8s.io/v1
        kind: NetworkPolicy
        metadata: {name: allow-client-a-via-ns-selector, namespace: x}
        spec:
          podSelector: {matchLabels: {pod: a}}
          ingress:
          - from:
            - namespaceSelector:
                matchLabels: {kubernetes.io/metadata.name: y}
        """
    )
    assert_reachability(ev, "TCP", 80, T(("x/*", "x/a", False), ("z/*", "x/a", False)))


def test_pod_selector_match_expressions_in():
    ev = run(
        """
        apiVersion: networking.k8s.io/v1
        kind: NetworkPolicy
        metadata: {name: x-a-allows-x-b, namespace: x}
        spec:
          podSelector: {matchLabels: {pod: a}}
          ingress:
          - from:
            - podSelector:
                matchExpressions:
                - {key: pod, operator: In, values: [b]}
        """
    )
    assert_reachability(ev, "TCP", 80, T(("*", "x/a", False), ("x/b", "x/a", True)))


def test_namespace_selector_match_expressions_in():
    ev = run(
        """
        apiVersion: networking.k8s.io/v1
        kind: NetworkPolicy
        metadata: {name: allow-ns-y-match-selector, namespace: x}
        spec:
          podSelector: {matchLabels: {pod: a}}
          ingress:
          - from:
            - namespaceSelector:
                matchExpressions:
                - {key: ns, operator: In, values: ["y"]}
        """
    )
    assert_reachability(ev, "TCP", 80, T(("*", "x/a", False), ("y/*", "x/a", True)))


def test_pod_selector_or_namespace_selector():
    ev = run(
        """
        apiVersion: networking.k8s.io/v1
        kind: NetworkPolicy
        metadata: {name: allow-ns-y-match-selector, namespace: x}
        spec:
          podSelector: {matchLabels: {pod: a}}
          ingress:
          - from:
            - namespaceSelector:
                matchExpressions:
                - {key: kubernetes.io/metadata.name, operator: NotIn, values: [x]}
            - podSelector: {matchLabels: {pod: b}}
        """
    )
    assert_reachability(ev, "TCP", 80, T(("x/c", "x/a", False)))


def test_pod_selector_and_namespace_selector():
    ev = run(
        """
        apiVersion: networking.k8s.io/v1
        kind: NetworkPolicy
        metadata: {name: allow-ns-y-podselector-and-nsselector, namespace: x}
        spec:
          podSelector: {matchLabels: {pod: a}}
          ingress:
          - from:
            - namespaceSelector:
                matchExpressions:
                - {key: kubernetes.io/metadata.name, operator: NotIn, values: [x]}
              podSelector: {matchLabels: {pod: b}}
        """
    )
    expected = T(("*", "x/a", False), ("y/b", "x/a", True), ("z/b", "x/a", True))
    assert_reachability(ev, "TCP", 80, expected)


def test_multiple_pod_and_namespace_selectors():
    ev = run(
        """
        apiVersion: networking.k8s.io/v1
        kind: NetworkPolicy
        metadata: {name: allow-ns-y-z-pod-b-c, namespace: x}
        spec:
          podSelector: {matchLabels: {pod: a}}
          ingress:
          - from:
            - namespaceSelector:
                matchExpressions:
                - {key: kubernetes.io/metadata.name, operator: NotIn, values: [x]}
              podSelector:
                matchExpressions:
                - {key: pod, operator: In, values: [b, c]}
        """
    )
    # Upstream has no z/b, z/c; they match both selectors just as y/b, y/c do.
    expected = TruthTable.parse(
        """
        -   x/a x/b x/c y/a y/b y/c z/a z/b z/c
        x/a .   .   .   .   .   .   .   .   .
        x/b X   .   .   .   .   .   .   .   .
        x/c X   .   .   .   .   .   .   .   .
        y/a X   .   .   .   .   .   .   .   .
        y/b .   .   .   .   .   .   .   .   .
        y/c .   .   .   .   .   .   .   .   .
        z/a X   .   .   .   .   .   .   .   .
        z/b .   .   .   .   .   .   .   .   .
        z/c .   .   .   .   .   .   .   .   .
        """
    )
    assert_reachability(ev, "TCP", 80, expected)


def test_any_of_several_pod_selectors():
    ev = run(
        """
        apiVersion: networking.k8s.io/v1
        kind: NetworkPolicy
        metadata: {name: allow-ns-x-pod-b-c, namespace: x}
        spec:
          podSelector: {matchLabels: {pod: a}}
          ingress:
          - from:
            - podSelector: {matchLabels: {pod: b}}
            - podSelector: {matchLabels: {pod: c}}
        """
    )
    expected = T(("*", "x/a", False), ("x/b", "x/a", True), ("x/c", "x/a", True))
    assert_reachability(ev, "TCP", 80, expected)


def test_only_from_one_pod_in_other_namespace():
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
    assert_reachability(ev, "TCP", 80, T(("*", "x/a", False), ("y/a", "x/a", True)))


def test_deny_ingress_from_other_namespaces_with_empty_pod_selector_peer():
    ev = run(
        """
        apiVersion: networking.k8s.io/v1
        kind: NetworkPolicy
        metadata: {name: deny-empty-policy, namespace: x}
        spec:
          podSelector: {}
          ingress:
          - from:
            - podSelector: {matchLabels: {}}
        """
    )
    assert_reachability(ev, "TCP", 80, T(("y/*", "x/*", False), ("z/*", "x/*", False)))


def test_multiple_ingress_policies_allow_all_takes_precedence():
    only_80 = """
        apiVersion: networking.k8s.io/v1
        kind: NetworkPolicy
        metadata: {name: allow-ingress-port-80, namespace: x}
        spec:
          podSelector: {}
          ingress:
          - ports:
            - port: 80
        """
    assert_reachability(run(only_80), "TCP", 81, T(("*", "x/*", False)))
    assert_reachability(run(only_80), "TCP", 80, T())
    with_allow_all = (
        only_80
        + """
        ---
        apiVersion: networking.k8s.io/v1
        kind: NetworkPolicy
        metadata: {name: allow-ingress, namespace: x}
        spec:
          podSelector: {}
          ingress:
          - {}
        """
    )
    assert_reachability(run(with_allow_all), "TCP", 81, T())


UPDATED_POLICY_ALLOW_ALL = """
    apiVersion: networking.k8s.io/v1
    kind: NetworkPolicy
    metadata: {name: allow-all-mutate-to-deny-all, namespace: x}
    spec:
      podSelector: {}
      ingress:
      - {}
    """


def test_updated_policy_before_allows_all():
    assert_reachability(run(UPDATED_POLICY_ALLOW_ALL), "TCP", 81, T())


def test_updated_policy_after_denies_all():
    denied = UPDATED_POLICY_ALLOW_ALL.replace("  ingress:\n      - {}", "  ingress: []")
    assert "ingress: []" in denied
    assert_reachability(run(denied), "TCP", 81, T(("*", "x/*", False)))


NS_LABEL_POLICY = """
    apiVersion: networking.k8s.io/v1
    kind: NetworkPolicy
    metadata: {name: allow-client-a-via-ns-selector, namespace: x}
    spec:
      podSelector: {matchLabels: {pod: a}}
      ingress:
      - from:
        - namespaceSelector: {matchLabels: {ns2: updated}}
    """


def test_updated_namespace_label_before():
    assert_reachability(run(NS_LABEL_POLICY), "TCP", 80, T(("*", "x/a", False)))


def test_updated_namespace_label_after():
    model = e2e_model(namespace_labels={"y": {"ns2": "updated"}})
    ev = run(NS_LABEL_POLICY, model)
    assert_reachability(ev, "TCP", 80, T(("*", "x/a", False), ("y/*", "x/a", True)))


POD_LABEL_POLICY = """
    apiVersion: networking.k8s.io/v1
    kind: NetworkPolicy
    metadata: {name: allow-client-a-via-pod-selector, namespace: x}
    spec:
      podSelector: {matchLabels: {pod: a}}
      ingress:
      - from:
        - podSelector: {matchLabels: {pod: b, pod2: updated}}
    """


def test_updated_pod_label_before():
    assert_reachability(run(POD_LABEL_POLICY), "TCP", 80, T(("*", "x/a", False)))


def test_updated_pod_label_after():
    ev = run(POD_LABEL_POLICY, e2e_model(pod_labels={"x/b": {"pod2": "updated"}}))
    assert_reachability(ev, "TCP", 80, T(("*", "x/a", False), ("x/b", "x/a", True)))


ISOLATE_BY_LABEL = """
    apiVersion: networking.k8s.io/v1
    kind: NetworkPolicy
    metadata: {name: deny-ingress-via-label-selector, namespace: x}
    spec:
      podSelector: {matchLabels: {target: isolated}}
      policyTypes: [Ingress]
    """


def test_deny_ingress_to_updated_pod_before():
    assert_reachability(run(ISOLATE_BY_LABEL), "TCP", 80, T())


def test_deny_ingress_to_updated_pod_after():
    ev = run(ISOLATE_BY_LABEL, e2e_model(pod_labels={"x/a": {"target": "isolated"}}))
    assert_reachability(ev, "TCP", 80, T(("*", "x/a", False)))


def test_ingress_and_egress_are_controlled_independently():
    allow_egress = """
        apiVersion: networking.k8s.io/v1
        kind: NetworkPolicy
        metadata: {name: allow-egress-for-target, namespace: x}
        spec:
          podSelector: {matchLabels: {pod: a}}
          policyTypes: [Egress]
          egress:
          - {}
        """
    assert_reachability(run(allow_egress), "TCP", 80, T())
    deny_ingress = """
        ---
        apiVersion: networking.k8s.io/v1
        kind: NetworkPolicy
        metadata: {name: deny-ingress-via-label-selector, namespace: x}
        spec:
          podSelector: {matchLabels: {pod: a}}
          policyTypes: [Ingress]
        """
    assert_reachability(run(allow_egress + deny_ingress), "TCP", 80, T(("*", "x/a", False)))
