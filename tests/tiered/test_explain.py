"""Explanations of tiered input carry the decision path per direction (JSON `decisions`, text)."""

from __future__ import annotations

import json

from netviz.formats.explain import render_explanation_json, render_explanation_text

from .model import evaluate, sts
from .test_traps import FROM_G, HUFFLEPUFF, NP_ALLOW_G_TO_H, cnp

PASS_THEN_NP = (
    NP_ALLOW_G_TO_H
    + "---\n"
    + cnp("guardrails", "Admin", 10, HUFFLEPUFF, "  - name: pass-g\n    action: Pass\n" + FROM_G)
)


def test_it_prints_the_path_from_an_admin_pass_to_the_networkpolicy_allow():
    ev = evaluate(PASS_THEN_NP)
    text = render_explanation_text(ev.explain(sts("gryffindor"), sts("hufflepuff")))
    assert (
        "    - All Connections: [Admin] guardrails (10) ingress 'pass-g' Pass → "
        "[NetworkPolicy] hufflepuff/allow-gryffindor ingress[0] Allow → allowed"
    ) in text


def test_it_adds_a_decisions_list_per_direction_and_keeps_every_key():
    ev = evaluate(PASS_THEN_NP)
    data = json.loads(render_explanation_json(ev.explain(sts("gryffindor"), sts("hufflepuff"))))
    ingress = data["ingress"]
    for key in ("allowed", "isolated", "ports", "allowed_by", "denied_by", "caveats"):
        assert key in ingress
    (decision,) = ingress["decisions"]
    assert decision["verdict"] == "allow"
    assert [(s["tier"], s["policy"], s["rule_name"], s["action"]) for s in decision["steps"]] == [
        ("Admin", "ClusterNetworkPolicy/guardrails", "pass-g", "pass"),
        ("NetworkPolicy", "hufflepuff/allow-gryffindor", "", "allow"),
    ]
    (egress,) = data["egress"]["decisions"]
    assert (egress["steps"], egress["verdict"]) == ([], "allow")
    assert egress["path"] == "no tier decided: allowed"


def test_it_names_the_deny_rule_or_the_isolating_networkpolicy():
    deny = cnp(
        "deny-dns",
        "Admin",
        1,
        HUFFLEPUFF,
        "  - name: no-dns\n    action: Deny\n"
        + FROM_G
        + "    protocols: [{udp: {destinationPort: {number: 53}}}]\n",
    )
    ev = evaluate(NP_ALLOW_G_TO_H + "---\n" + deny)
    paths = [
        d.steps[-1] for d in ev.explain(sts("gryffindor"), sts("hufflepuff")).ingress.decisions
    ]
    assert [(s.policy, s.action) for s in paths] == [
        ("ClusterNetworkPolicy/deny-dns", "deny"),
        ("hufflepuff/allow-gryffindor", "allow"),
    ]
    ev = evaluate(NP_ALLOW_G_TO_H)
    assert not ev.explain(sts("ravenclaw"), sts("hufflepuff")).ingress.decisions  # NP only


def test_the_public_view_answers_selection_peers_and_paths():
    ev = evaluate(PASS_THEN_NP)
    view = ev.view()
    assert [e.id for e in view.selected_by("ClusterNetworkPolicy/guardrails")] == [
        "hufflepuff/hufflepuff-0[StatefulSet]",
        "hufflepuff/hufflepuff-1[StatefulSet]",
        "hufflepuff/hufflepuff-pod[Pod]",
    ]
    peers = view.peer_endpoints("ClusterNetworkPolicy/guardrails", "ingress", 0, 0)
    assert {e.namespace for e in peers} == {"gryffindor"}
    egress, ingress = view.decision_path(sts("gryffindor"), sts("hufflepuff"))
    assert [s.action for s in ingress[0].steps] == ["pass", "allow"]
