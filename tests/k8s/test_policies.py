"""NetworkPolicy documents → Policy: defaulting, rules with lines, and what the API would reject."""

from __future__ import annotations

import pytest

from netviz.k8s.model import IPBlock, LabelSelector, Peer, PortSpec, Requirement

from .helpers import errors, load, policy_doc, warnings


def one_policy(spec: str):
    cluster = load(policy_doc(spec))
    assert not cluster.errors, cluster.errors
    (policy,) = cluster.policies
    return policy


def rejected(spec: str) -> tuple[int, str]:
    """(line, message) of the single error of a policy that must be dropped."""
    cluster = load(policy_doc(spec))
    assert cluster.policies == ()
    (problem,) = errors(cluster)
    assert problem.kind == "NetworkPolicy" and problem.name == "p"
    return problem.source.line, problem.message


def test_it_reads_a_policy_with_rules_peers_and_ports_and_their_lines():
    policy = one_policy(
        """
        podSelector:
          matchLabels: {app: web}
        ingress:
        - from:
          - podSelector:
              matchExpressions:
              - {key: tier, operator: In, values: [a, b]}
            namespaceSelector: {}
          - ipBlock:
              cidr: 10.0.0.0/8
              except: [10.1.0.0/16]
          ports:
          - port: 80
          - {port: 8000, endPort: 8100, protocol: UDP}
          - port: http
        """
    )
    assert policy.id == "default/p"
    assert policy.source.line == 1 and policy.source.doc == 1
    assert policy.pod_selector == LabelSelector((("app", "web"),))
    (rule,) = policy.ingress
    assert rule.line == 10
    assert rule.peers == (
        Peer(
            pod_selector=LabelSelector((), (Requirement("tier", "In", frozenset({"a", "b"})),)),
            namespace_selector=LabelSelector(),
            line=11,
        ),
        Peer(ip_block=IPBlock("10.0.0.0/8", ("10.1.0.0/16",)), line=15),
    )
    assert rule.ports == (
        PortSpec("TCP", 80, None, 19),
        PortSpec("UDP", 8000, 8100, 20),
        PortSpec("TCP", "http", None, 21),
    )


def test_policy_text_is_the_documents_exact_source():
    text = "kind: Namespace\napiVersion: v1\nmetadata: {name: a}\n---\n" + policy_doc(
        "podSelector: {}"
    )
    cluster = load(text)
    (policy,) = cluster.policies
    assert policy.source.line == 5
    assert policy.text == policy_doc("podSelector: {}")


def test_missing_or_empty_from_and_ports_mean_everything():
    policy = one_policy(
        """
        podSelector: {}
        ingress:
        - {}
        - from: []
          ports: []
        """
    )
    assert [(r.peers, r.ports) for r in policy.ingress] == [((), ()), ((), ())]


def test_policy_types_default_to_ingress_only():
    assert one_policy("podSelector: {}").policy_types == {"ingress"}


def test_policy_types_default_adds_egress_when_egress_rules_exist():
    policy = one_policy("podSelector: {}\negress:\n- to: [{podSelector: {}}]")
    assert policy.policy_types == {"ingress", "egress"}


def test_empty_egress_list_does_not_add_egress_to_policy_types():
    assert one_policy("podSelector: {}\negress: []").policy_types == {"ingress"}


def test_explicit_policy_types_are_used_as_given_and_rules_they_leave_out_are_warned_about():
    cluster = load(policy_doc("podSelector: {}\npolicyTypes: [Egress]\ningress:\n- {}"))
    (policy,) = cluster.policies
    assert policy.policy_types == {"egress"}
    assert len(policy.ingress) == 1  # kept as written, the engine ignores it
    (warning,) = cluster.warnings
    assert warning.source.line == 9 and "never take effect" in warning.message


@pytest.mark.parametrize(
    ("spec", "line", "fragment"),
    [
        # wrong types, with the field path
        ("podSelector: {}\ningress:\n- from: web", 9, "spec.ingress[0].from: expected a list"),
        (
            "podSelector: {}\ningress:\n- from:\n  - podSelector:\n      matchLabels: [a]",
            11,
            "spec.ingress[0].from[0].podSelector.matchLabels: expected a mapping",
        ),
        ("podSelector: {}\ningress: {from: []}", 8, "spec.ingress: expected a list"),
        ("podSelector: []", 7, "spec.podSelector: expected a mapping"),
        # peers
        ("podSelector: {}\ningress:\n- from:\n  - {}", 10, "empty peer"),
        (
            "podSelector: {}\negress:\n- to:\n  - ipBlock: {cidr: 10.0.0.0/8}\n    podSelector: {}",
            10,
            "ipBlock may not be combined",
        ),
        # CIDRs
        (
            "podSelector: {}\ningress:\n- from:\n  - ipBlock: {cidr: 10.0.0.0}",
            10,
            "/prefix is missing",
        ),
        (
            "podSelector: {}\ningress:\n- from:\n  - ipBlock: {cidr: 300.0.0.0/8}",
            10,
            "not a valid CIDR",
        ),
        (
            "podSelector: {}\ningress:\n- from:\n  - ipBlock:\n      cidr: 10.0.0.0/16\n      except:\n      - 10.0.0.0/8",
            13,
            "strictly inside",
        ),
        (
            "podSelector: {}\ningress:\n- from:\n  - ipBlock:\n      cidr: 10.0.0.0/16\n      except:\n      - 10.0.0.0/16",
            13,
            "strictly inside",
        ),
        (
            "podSelector: {}\ningress:\n- from:\n  - ipBlock:\n      cidr: 10.0.0.0/16\n      except:\n      - fd00::/64",
            13,
            "is IPv6 but cidr",
        ),
        # ports
        ("podSelector: {}\ningress:\n- ports:\n  - port: 0", 10, "0 is not between 1 and 65535"),
        ("podSelector: {}\ningress:\n- ports:\n  - port: 70000", 10, "not between 1 and 65535"),
        (
            "podSelector: {}\ningress:\n- ports:\n  - port: 90\n    endPort: 80",
            11,
            "80 is less than port 90",
        ),
        (
            "podSelector: {}\ningress:\n- ports:\n  - port: http\n    endPort: 80",
            11,
            "may not be used with a named port",
        ),
        ("podSelector: {}\ningress:\n- ports:\n  - endPort: 80", 10, "needs a numeric port"),
        ("podSelector: {}\ningress:\n- ports:\n  - protocol: tcp", 10, "upper case"),
        ("podSelector: {}\ningress:\n- ports:\n  - protocol: ICMP", 10, "is not supported"),
        ("podSelector: {}\ningress:\n- ports:\n  - port: Http", 10, "lowercase"),
        (
            "podSelector: {}\ningress:\n- ports:\n  - port: a-very-long-port-name",
            10,
            "15 characters",
        ),
        ("podSelector: {}\ningress:\n- ports:\n  - port: web--x", 10, "'--'"),
        ("podSelector: {}\ningress:\n- ports:\n  - port: -web", 10, "begin or end"),
        ("podSelector: {}\ningress:\n- ports:\n  - port: '80'", 10, "without quotes"),
        ("podSelector: {}\ningress:\n- ports:\n  - port: 80.5", 10, "expected a port number"),
        # selectors
        (
            "podSelector:\n  matchExpressions:\n  - {key: app, operator: Has}",
            9,
            "is not one of In, NotIn, Exists, DoesNotExist",
        ),
        (
            "podSelector:\n  matchExpressions:\n  - key: app\n    operator: In\n    values: []",
            11,
            "must not be empty when operator is In",
        ),
        (
            "podSelector:\n  matchExpressions:\n  - {key: app, operator: Exists, values: [x]}",
            9,
            "must be empty when operator is Exists",
        ),
        ("podSelector:\n  matchLabels:\n    -bad: x", 9, 'label key "-bad"'),
        ("podSelector:\n  matchLabels:\n    Example.COM/app: x", 9, "prefix"),
        ("podSelector:\n  matchLabels:\n    app: " + "x" * 64, 9, "63 characters"),
        ("podSelector:\n  matchLabels:\n    version: 1.0", 9, "label values must be strings"),
        # policy types
        ("podSelector: {}\npolicyTypes: [ingress]", 8, 'use "Ingress" or "Egress"'),
    ],
)
def test_it_rejects_what_the_api_server_rejects_with_the_line(spec, line, fragment):
    got_line, message = rejected(spec)
    assert fragment in message
    assert got_line == line, message


def test_cidr_with_host_bits_is_accepted_normalised_with_a_warning():
    policy = one_policy("podSelector: {}\ningress:\n- from:\n  - ipBlock: {cidr: 10.0.0.1/8}")
    assert policy.ingress[0].peers[0].ip_block == IPBlock("10.0.0.0/8")
    (warning,) = warnings(
        load(policy_doc("podSelector: {}\ningress:\n- from:\n  - ipBlock: {cidr: 10.0.0.1/8}"))
    )
    assert warning.source.line == 10 and "host bits" in warning.message


def test_an_ipv6_block_is_read():
    policy = one_policy(
        "podSelector: {}\negress:\n- to:\n  - ipBlock: {cidr: 'fd00::/48', except: ['fd00::/64']}"
    )
    assert policy.egress[0].peers[0].ip_block == IPBlock("fd00::/48", ("fd00::/64",))


def test_all_errors_of_a_policy_are_reported_and_other_documents_still_used():
    text = policy_doc("podSelector: {}\ningress:\n- ports:\n  - port: 0\n  - protocol: tcp") + (
        "---\n" + policy_doc("podSelector: {}", name="good")
    )
    cluster = load(text)
    assert [p.name for p in cluster.policies] == ["good"]
    assert [e.source.line for e in cluster.errors] == [10, 11]


@pytest.mark.parametrize(
    ("spec", "line", "field", "hint"),
    [
        ("podSelectr: {}", 7, "podSelectr", "podSelector"),
        ("podSelector: {}\ningress:\n- form: []", 9, "form", "from"),
        ("podSelector: {}\ningress:\n- to: []", 9, "to", None),
        (
            "podSelector: {}\negress:\n- to:\n  - podselector: {}\n    ipBlock: {cidr: 1.2.3.0/24}",
            10,
            "podselector",
            "podSelector",
        ),
        ("podSelector:\n  matchLabel: {a: b}", 8, "matchLabel", "matchLabels"),
        (
            "podSelector: {}\ningress:\n- ports:\n  - port: 80\n    protcol: UDP",
            11,
            "protcol",
            "protocol",
        ),
    ],
)
def test_unknown_fields_in_a_policy_are_warnings_naming_field_and_line(spec, line, field, hint):
    cluster = load(policy_doc(spec))
    found = [w for w in warnings(cluster) if f'unknown field "{field}"' in w.message]
    assert len(found) == 1, warnings(cluster)
    assert found[0].source.line == line
    if hint:
        assert f'did you mean "{hint}"' in found[0].message


def test_a_missing_pod_selector_selects_everything_with_a_warning():
    cluster = load(policy_doc("ingress: []"))
    (policy,) = cluster.policies
    assert policy.pod_selector.is_empty
    assert any("podSelector is missing" in w.message for w in cluster.warnings)


def test_a_null_rule_is_the_empty_rule_like_the_api_decodes_it():
    policy = one_policy("podSelector: {}\ningress:\n-\n- {}")
    assert [(r.peers, r.ports, r.line) for r in policy.ingress] == [((), (), 9), ((), (), 10)]


def test_policies_without_namespace_are_in_default_and_other_api_versions_are_ignored():
    text = policy_doc("podSelector: {}").replace("  namespace: default\n", "") + (
        "---\n"
        + policy_doc("podSelector: {}", name="old").replace(
            "networking.k8s.io/v1", "extensions/v1beta1"
        )
    )
    cluster = load(text)
    assert [p.id for p in cluster.policies] == ["default/p"]
    assert [(k, n) for k, n, _ in cluster.ignored] == [("NetworkPolicy", "default/old")]
    (warning,) = cluster.warnings
    assert (
        warning.message
        == "ignored: kind NetworkPolicy (apiVersion extensions/v1beta1) is not modelled"
    )


def test_a_policy_with_a_bad_name_is_rejected():
    cluster = load(policy_doc("podSelector: {}", name="Bad_Name"))
    assert cluster.policies == ()
    assert "metadata.name" in cluster.errors[0].message and cluster.errors[0].source.line == 4
