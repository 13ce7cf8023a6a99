"""One pair's verdict as text and JSON, on hand-built explanations."""

from __future__ import annotations

import json
from dataclasses import replace

import pytest

from netviz.engine.ports import PortSet
from netviz.engine.result import Caveat, DirectionVerdict
from netviz.formats import explanation_to_json, render_explanation
from tests.formats.samples import allowed_explanation, denied_explanation


def test_text_for_an_allowed_pair_names_each_allowing_rule_with_file_and_line():
    assert render_explanation(allowed_explanation(), "text") == (
        "From:    shop/web[Deployment]\n"
        "To:      shop/api[Deployment]\n"
        "Asked:   TCP 8080\n"
        "Verdict: ALLOWED (TCP 8080)\n"
        "\n"
        "Egress from shop/web[Deployment]: allowed\n"
        "  allowed by:\n"
        "    - shop/web-egress egress rule 0, to[0], ports[1] (input/shop.yaml:31): TCP 8080\n"
        "\n"
        "Ingress to shop/api[Deployment]: allowed (no policy selects it for ingress)\n"
    )


def test_text_for_a_denied_pair_gives_each_isolating_policy_and_why_no_rule_matched():
    text = render_explanation(denied_explanation(), "text")
    assert text.splitlines()[2:4] == ["Asked:   all ports", "Verdict: DENIED"]
    assert text.split("\n\n")[2] == (
        "Ingress to shop/web[Deployment]: DENIED\n"
        "  no rule of these isolating policies allows it:\n"
        "    - shop/default-deny (input/shop.yaml:3) has no ingress rules, so it allows no "
        "ingress traffic\n"
        "    - shop/web-ingress (input/shop.yaml:50):\n"
        "        ingress rule 0 (line 57): no `from` entry matches shop/api[Deployment]\n"
        "        ingress rule 1 (line 62): a peer matches but its ports do not cover all ports\n"
    )


def test_text_says_partly_allowed_when_a_side_allows_only_some_of_the_ports_asked():
    e = allowed_explanation()
    asked = PortSet.single("TCP", 8080, 8081)
    e = replace(e, asked=asked)
    assert "Egress from shop/web[Deployment]: partly allowed (TCP 8080 of TCP 8080-8081)" in (
        render_explanation(e, "text")
    )


def test_json_has_verdict_ports_and_both_directions():
    data = explanation_to_json(allowed_explanation())
    assert data["allowed"] is True
    assert (data["src"], data["dst"]) == ("shop/web[Deployment]", "shop/api[Deployment]")
    assert data["ports"] == [{"protocol": "TCP", "port": 8080, "end_port": 8080}]
    egress = data["egress"]
    assert (egress["allowed"], egress["isolated"]) == (True, True)
    assert egress["allowed_by"] == [
        {
            "policy": "shop/web-egress",
            "policy_namespace": "shop",
            "policy_name": "web-egress",
            "direction": "egress",
            "rule_index": 0,
            "peer_index": 0,
            "port_index": 1,
            "file": "input/shop.yaml",
            "line": 31,
            "ports": [{"protocol": "TCP", "port": 8080, "end_port": 8080}],
        }
    ]
    assert data["ingress"]["isolated"] is False
    assert data["ingress"]["denied_by"] == [] and data["ingress"]["caveats"] == []


def test_json_denials_carry_policy_location_and_a_reason_per_rule():
    data = explanation_to_json(denied_explanation())
    assert data["allowed"] is False and data["ports"] == []
    ingress = data["ingress"]
    assert ingress["allowed"] is False
    assert [d["policy"] for d in ingress["denied_by"]] == ["shop/default-deny", "shop/web-ingress"]
    reasons = ingress["denied_by"][1]["reasons"]
    assert [(r["rule_index"], r["reason"], r["line"]) for r in reasons] == [
        (0, "peer", 57),
        (1, "port", 62),
    ]
    assert ingress["denied_by"][0]["reasons"][0]["reason"] == "no-rules"


def test_json_rendering_matches_the_dict_and_other_formats_are_refused():
    e = denied_explanation()
    assert json.loads(render_explanation(e, "json")) == explanation_to_json(e)
    with pytest.raises(ValueError):
        render_explanation(e, "csv")


def test_text_says_loopback_for_a_pod_to_itself_and_outside_for_an_address():
    loop = Caveat("self", "demo/web[Pod]", None, None, "a pod may always reach itself")
    side = DirectionVerdict("egress", True, PortSet.all(), caveats=(loop,))
    e = replace(
        denied_explanation(),
        src="demo/web[Pod]",
        dst="demo/web[Pod]",
        allowed=PortSet.all(),
        egress=side,
        ingress=replace(side, direction="ingress"),
    )
    lines = render_explanation(e, "text").splitlines()
    assert (
        "Egress from demo/web[Pod]: allowed (loopback: a pod always reaches itself, whatever the policies)"
        in lines
    )
    assert not any("caveat" in line for line in lines)
    outside = replace(allowed_explanation(), src="0.0.0.0-255.255.255.255")
    outside = replace(outside, egress=DirectionVerdict("egress", False, PortSet.all()))
    assert "Egress from 0.0.0.0-255.255.255.255: allowed (an address outside the cluster)" in (
        render_explanation(outside, "text").splitlines()
    )
