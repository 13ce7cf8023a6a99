"""Resolving names: ids, ns/name, kinds, IPs, CIDRs, and helpful errors."""

from __future__ import annotations

import pytest

from netviz.engine import UnknownEndpoint
from netviz.k8s.model import Endpoint

from .build import block, evaluator, pod, policy, rule, sel

WEB = pod("shop", "web", kind="Deployment", app="web")
WEB_SVC = pod("shop", "web", kind="StatefulSet", app="web2")
API = Endpoint("Pod", "shop", "api", {"app": "api"}, pod_ips=("10.0.0.7",))
NODE = Endpoint("DaemonSet", "kube-system", "agent", {}, host_network=True, host_ip="192.168.0.9")
EV = evaluator(
    [WEB, WEB_SVC, API, NODE],
    [policy("shop", "p", sel(), ingress=[rule(block("10.0.0.0/8"))])],
)


@pytest.mark.parametrize(
    ("ref", "expected"),
    [
        ("shop/api", "shop/api[Pod]"),
        ("shop/api[Pod]", "shop/api[Pod]"),
        ("shop/web[deployment]", "shop/web[Deployment]"),
        (" shop/api ", "shop/api[Pod]"),
        ("10.0.0.7", "shop/api[Pod]"),
        ("192.168.0.9", "kube-system/agent[DaemonSet]"),
        ("10.9.9.9", "10.0.0.0-10.255.255.255"),
        ("10.1.0.0/16", "10.0.0.0-10.255.255.255"),
        ("::1", "::-ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff"),
        ("0.0.0.0-9.255.255.255", "0.0.0.0-9.255.255.255"),
    ],
)
def test_it_resolves(ref, expected):
    assert EV.resolve(ref) == expected


def test_it_reports_ambiguity():
    with pytest.raises(UnknownEndpoint) as err:
        EV.resolve("shop/web")
    assert "shop/web[Deployment]" in str(err.value) and "shop/web[StatefulSet]" in str(err.value)
    assert err.value.ambiguous


def test_it_suggests_close_matches():
    with pytest.raises(UnknownEndpoint, match=r"shop/api\[Pod\]"):
        EV.resolve("shop/apo")


def test_a_cidr_across_ranges_is_not_one_endpoint():
    with pytest.raises(UnknownEndpoint):
        EV.resolve("8.0.0.0/6")


def test_endpoint_returns_the_object():
    assert EV.endpoint("shop/api[Pod]") is API
    assert EV.endpoint("10.0.0.0-10.255.255.255").cidrs == ("10.0.0.0/8",)
    with pytest.raises(LookupError):
        EV.endpoint("nope")
