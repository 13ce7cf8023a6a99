"""Isolation: which policies isolate which pods, per direction, and what that does to traffic."""

from __future__ import annotations

from .build import ALL, NONE, allowed, evaluator, pod, policy, port, rule, sel, tcp

A, B = pod("x", "a", app="a"), pod("x", "b", app="b")
C = pod("y", "c", app="c")


def test_it_allows_everything_without_policies():
    ev = evaluator([A, B, C])
    assert allowed(ev, "x/a", "y/c") == ALL
    assert allowed(ev, "y/c", "x/b") == ALL
    # 6 pod pairs, and each pod to and from the whole IPv4 and the whole IPv6 range
    assert len(ev.analysis().connections) == 6 + 3 * 2 * 2


def test_a_policy_in_another_namespace_does_not_isolate():
    ev = evaluator([A, B, C], [policy("y", "deny", sel())])
    assert allowed(ev, "x/a", "x/b") == ALL
    assert allowed(ev, "x/a", "y/c") == NONE
    assert ev.explain("x/a", "x/b").ingress.isolated is False
    assert ev.explain("x/a", "y/c").ingress.isolated is True


def test_a_policy_selecting_nothing_isolates_nobody():
    ev = evaluator([A, B], [policy("x", "none", sel(app="zzz"))])
    assert allowed(ev, "x/a", "x/b") == ALL


def test_policy_types_without_rules_deny_that_direction_only():
    ev = evaluator([A, B, C], [policy("x", "no-egress", sel(app="a"), types={"egress"})])
    assert allowed(ev, "x/a", "x/b") == NONE
    assert allowed(ev, "x/b", "x/a") == ALL
    assert allowed(ev, "y/c", "x/a") == ALL


def test_rules_of_a_direction_not_in_policy_types_do_nothing():
    egress_only_rules = policy(
        "x", "p", sel(app="a"), ingress=[rule(ports=[port(80)])], egress=[rule()], types={"egress"}
    )
    ev = evaluator([A, B], [egress_only_rules])
    assert allowed(ev, "x/b", "x/a") == ALL  # ingress not isolated: its rule is ignored
    assert allowed(ev, "x/a", "x/b") == ALL  # egress isolated, but the rule allows all


def test_policies_are_additive():
    ev = evaluator(
        [A, B],
        [
            policy("x", "p80", sel(app="b"), ingress=[rule(ports=[port(80)])]),
            policy("x", "p443", sel(app="b"), ingress=[rule(ports=[port(443)])]),
        ],
    )
    assert allowed(ev, "x/a", "x/b") == tcp(80, 443)


def test_both_sides_must_allow():
    ev = evaluator(
        [A, B],
        [
            policy(
                "x", "eg", sel(app="a"), egress=[rule(ports=[port(80), port(81)])], types={"egress"}
            ),
            policy("x", "in", sel(app="b"), ingress=[rule(ports=[port(81), port(82)])]),
        ],
    )
    assert allowed(ev, "x/a", "x/b") == tcp(81)
