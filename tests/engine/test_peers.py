"""Peers: pod selector, namespace selector, both (AND) vs two peers (OR), {} vs missing."""

from __future__ import annotations

import pytest

from .build import ALL, NONE, allowed, block, evaluator, peer, pod, policy, rule, sel

NAMESPACES = [("x", {"team": "red"}), ("y", {"team": "blue"}), ("z", {})]
PODS = [
    pod("x", "web", app="web"),
    pod("x", "db", app="db"),
    pod("y", "web", app="web"),
    pod("y", "api", app="api"),
    pod("z", "web", app="web"),
]


def ingress_from(*peers):
    """x/db isolated for ingress, allowing only from the given peers."""
    ev = evaluator(PODS, [policy("x", "p", sel(app="db"), ingress=[rule(*peers)])], NAMESPACES)
    return {src for src in ("x/web", "y/web", "y/api", "z/web") if allowed(ev, src, "x/db") == ALL}


@pytest.mark.parametrize(
    ("peers", "expected"),
    [
        # pod selector only: pods of the policy's own namespace
        ((peer(sel(app="web")),), {"x/web"}),
        ((peer(sel()),), {"x/web"}),
        # namespace selector only: every pod of matching namespaces ({} = all namespaces)
        ((peer(nss=sel(team="blue")),), {"y/web", "y/api"}),
        ((peer(nss=sel()),), {"x/web", "y/web", "y/api", "z/web"}),
        ((peer(nss=sel(**{"kubernetes.io/metadata.name": "z"})),), {"z/web"}),
        # both in one peer: AND
        ((peer(sel(app="web"), sel(team="blue")),), {"y/web"}),
        ((peer(sel(app="web"), sel()),), {"x/web", "y/web", "z/web"}),
        # two peers: OR
        ((peer(sel(app="web")), peer(nss=sel(team="blue"))), {"x/web", "y/web", "y/api"}),
        # no peers at all: everyone
        ((), {"x/web", "y/web", "y/api", "z/web"}),
        # an ipBlock never matches pods
        ((block("0.0.0.0/0"),), set()),
    ],
)
def test_peer_matches(peers, expected):
    assert ingress_from(*peers) == expected


def test_egress_peers_match_destinations_the_same_way():
    ev = evaluator(
        PODS,
        [policy("x", "p", sel(app="web"), egress=[rule(peer(sel(app="api"), sel(team="blue")))])],
        NAMESPACES,
    )
    assert allowed(ev, "x/web", "y/api") == ALL
    assert allowed(ev, "x/web", "y/web") == NONE
    assert allowed(ev, "x/web", "x/db") == NONE


def test_a_namespace_known_only_by_reference_still_has_its_name_label():
    ev = evaluator(
        [pod("x", "a", app="a"), pod("ghost", "g")],
        [
            policy(
                "x",
                "p",
                sel(),
                ingress=[rule(peer(nss=sel(**{"kubernetes.io/metadata.name": "ghost"})))],
            )
        ],
    )
    assert allowed(ev, "ghost/g", "x/a") == ALL
