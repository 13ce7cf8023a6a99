"""domainNames peers: each name pattern is an external endpoint of its own, one test per rule
(the API's DomainName text; overlapping patterns; what reaches a domain endpoint and what not)."""

from __future__ import annotations

import json

from netviz.engine.domains import covers, holder
from netviz.engine.ports import PortSet
from netviz.formats import render_connections
from netviz.k8s import load_texts

from .model import allowed, evaluate, model, sts
from .test_traps import HUFFLEPUFF, cnp

TCP443 = PortSet.single("TCP", 443)


RAVENCLAW = "{namespaces: {matchLabels: {conformance-house: ravenclaw}}}"


def accept(*patterns: str, subject: str = HUFFLEPUFF) -> str:
    """An Admin CNP (priority 10) letting `subject` reach the patterns on TCP 443."""
    listed = ", ".join(f"'{p}'" for p in patterns)
    return cnp(
        "allow-api",
        "Admin",
        10,
        subject,
        egress=f"  - name: api\n    action: Accept\n    to: [{{domainNames: [{listed}]}}]\n"
        "    protocols: [{tcp: {destinationPort: {number: 443}}}]\n",
    )


def egress_np(namespace: str, to: str) -> str:
    """A NetworkPolicy isolating every pod of `namespace` for egress with one rule."""
    return f"""apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {{name: egress, namespace: {namespace}}}
spec:
  podSelector: {{}}
  policyTypes: [Egress]
  egress: [{to}]
"""


def test_the_api_examples_of_exact_and_wildcard_names():
    # From the DomainName type: an exact name matches only itself; '*' matches one or more
    # whole labels, as a prefix only, and never the bare suffix.
    assert holder("kubernetes.io", ["kubernetes.io"]) == "kubernetes.io"
    for name in ("www.kubernetes.io", "blog.kubernetes.io", "my-kubernetes.io", "wikipedia.org"):
        assert holder(name, ["kubernetes.io"]) is None
    assert holder("blog.kubernetes.io", ["blog.kubernetes.io"]) == "blog.kubernetes.io"
    assert holder("www.kubernetes.io", ["blog.kubernetes.io"]) is None
    for name in ("www.kubernetes.io", "blog.kubernetes.io", "latest.blog.kubernetes.io"):
        assert holder(name, ["*.kubernetes.io"]) == "*.kubernetes.io"
    for name in ("kubernetes.io", "wikipedia.org", "my-kubernetes.io"):
        assert holder(name, ["*.kubernetes.io"]) is None


def test_a_name_belongs_to_the_most_specific_pattern():
    patterns = ["*.example.com", "*.eu.example.com", "api.example.com"]
    assert holder("api.example.com", patterns) == "api.example.com"
    assert holder("db.eu.example.com", patterns) == "*.eu.example.com"
    assert holder("www.example.com", patterns) == "*.example.com"
    assert holder("API.Example.COM.", patterns) == "api.example.com"  # DNS ignores case


def test_a_wildcard_peer_covers_narrower_endpoints_and_an_exact_peer_only_itself():
    assert covers("*.example.com", "api.example.com")
    assert covers("*.example.com", "*.eu.example.com")
    assert covers("*.example.com", "*.example.com")
    assert not covers("*.example.com", "example.com")
    assert not covers("api.example.com", "*.example.com")
    assert not covers("*.eu.example.com", "*.example.com")
    assert not covers("*.example.com", "api.example.org")


def test_it_makes_one_endpoint_per_pattern_after_normalising_case_and_the_trailing_dot():
    ev = evaluate(accept("API.example.com.", "api.example.com", "*.example.com"))
    domains = [x for x in ev.analysis().externals if x.domain]
    assert [x.id for x in domains] == ["*.example.com", "api.example.com"]
    assert all(x.cidrs == () for x in domains)


def test_an_admin_accept_reaches_the_domain_over_networkpolicy_isolation():
    policies = egress_np("hufflepuff", "{to: [{ipBlock: {cidr: 0.0.0.0/0}}]}")
    ev = evaluate(policies + "---\n" + accept("api.example.com"))
    # The NetworkPolicy's ipBlock does not reach the domain; the Accept does, on TCP 443 only.
    assert allowed(ev, sts("hufflepuff"), "api.example.com") == TCP443
    assert allowed(ev, sts("gryffindor"), "api.example.com").is_all()  # not isolated


def test_ipblocks_never_reach_a_domain_endpoint():
    policies = egress_np(
        "hufflepuff", "{to: [{ipBlock: {cidr: 0.0.0.0/0}}, {ipBlock: {cidr: '::/0'}}]}"
    )
    ev = evaluate(policies + "---\n" + accept("api.example.com", subject=RAVENCLAW))
    assert allowed(ev, sts("hufflepuff"), "api.example.com").is_empty()
    assert allowed(ev, sts("hufflepuff"), ev.resolve("8.8.8.8")).is_all()


def test_a_networks_deny_does_not_reach_a_domain_endpoint():
    deny = cnp(
        "deny-world",
        "Admin",
        20,
        HUFFLEPUFF,
        egress="  - action: Deny\n    to: [{networks: [0.0.0.0/0, '::/0']}]\n",
    )
    ev = evaluate(accept("api.example.com") + "---\n" + deny)
    # Nothing denies the domain's other ports: DNS is not resolved, so the caveat says they may
    # still be denied where the name resolves into 0.0.0.0/0.
    assert allowed(ev, sts("hufflepuff"), "api.example.com").is_all()
    assert allowed(ev, sts("hufflepuff"), ev.resolve("8.8.8.8")).is_empty()
    exp = ev.explain(sts("hufflepuff"), "api.example.com")
    assert "domain-not-resolved" in {c.code for c in exp.egress.caveats}


def test_an_egress_rule_without_to_reaches_a_domain_endpoint():
    ev = evaluate(egress_np("hufflepuff", "{ports: [{port: 443}]}") + "---\n" + accept("x.io"))
    assert allowed(ev, sts("hufflepuff"), "x.io") == TCP443
    assert allowed(ev, sts("slytherin"), "x.io").is_all()  # egress-unisolated: anywhere


def test_a_wildcard_rule_reaches_the_more_specific_endpoints_too():
    deny_all = cnp(
        "deny-rest",
        "Admin",
        20,
        HUFFLEPUFF,
        egress="  - action: Deny\n    to: [{pods: {namespaceSelector: {}, podSelector: {}}}]\n",
    )
    other = cnp(
        "exact-only",
        "Admin",
        30,
        RAVENCLAW,
        egress="  - action: Accept\n    to: [{domainNames: [api.example.com]}]\n",
    )
    isolate = egress_np("hufflepuff", "{to: [{podSelector: {}}]}")
    isolate += "---\n" + egress_np("ravenclaw", "{to: [{podSelector: {}}]}")
    ev = evaluate("---\n".join([isolate, accept("*.example.com"), deny_all, other]))
    # hufflepuff's wildcard Accept covers both endpoints; ravenclaw's exact Accept only its own
    assert allowed(ev, sts("hufflepuff"), "*.example.com") == TCP443
    assert allowed(ev, sts("hufflepuff"), "api.example.com") == TCP443
    assert allowed(ev, sts("ravenclaw"), "api.example.com").is_all()
    assert allowed(ev, sts("ravenclaw"), "*.example.com").is_empty()


def test_overlapping_patterns_carry_a_caveat_naming_the_carved_out_names():
    ev = evaluate(accept("*.example.com", "api.example.com"))
    caveats = {(c.code, c.endpoint): c.detail for c in ev.analysis().caveats}
    assert caveats[("domain-overlap", "*.example.com")] == "api.example.com"
    assert ("domain-not-resolved", "api.example.com") in caveats
    assert ("domain-overlap", "api.example.com") not in caveats


def test_a_name_resolves_to_the_endpoint_holding_it():
    ev = evaluate(accept("*.example.com", "api.example.com"))
    assert ev.resolve("www.example.com") == "*.example.com"
    assert ev.resolve("api.example.com") == "api.example.com"
    exp = ev.explain(sts("hufflepuff"), "v2.api.example.com")
    assert exp.dst == "*.example.com"


def test_an_admin_network_policy_v1alpha1_reads_domain_names_too():
    anp = """apiVersion: policy.networking.k8s.io/v1alpha1
kind: AdminNetworkPolicy
metadata: {name: anp-api}
spec:
  priority: 3
  subject: {namespaces: {matchLabels: {conformance-house: hufflepuff}}}
  egress:
  - {action: Allow, to: [{domainNames: ['*.example.org']}], ports: [{portNumber: {protocol: TCP, port: 443}}]}
"""
    policies = egress_np("hufflepuff", "{to: [{podSelector: {}}]}") + "---\n" + anp
    ev = evaluate(policies)
    assert allowed(ev, sts("hufflepuff"), "*.example.org") == TCP443


def test_outputs_show_domain_endpoints_by_name():
    cluster = load_texts([("model.yaml", model()), ("p.yaml", accept("api.example.com"))])
    from netviz.engine import Evaluator

    analysis = Evaluator(cluster).analysis()
    doc = json.loads(render_connections(analysis, cluster.problems, "json"))
    (domain,) = [e for e in doc["endpoints"] if e.get("domain")]
    assert domain == {
        "id": "api.example.com",
        "kind": "External",
        "cidrs": [],
        "domain": "api.example.com",
    }
    assert doc["endpoints"][-1] == domain  # after the address ranges
    assert '"api.example.com" [label="api.example.com", shape=ellipse];' in render_connections(
        analysis, cluster.problems, "dot"
    )
    text = render_connections(analysis, cluster.problems, "text")
    assert f"{sts('hufflepuff')} => api.example.com : All Connections" in text
    assert "api.example.com is a domainNames pattern; netviz does not resolve DNS" in text


def test_a_diff_compares_domain_endpoints_by_name():
    from netviz.diff.compare import compare
    from netviz.diff.snapshot import snapshot
    from netviz.diff.tiered import tiered_snapshot
    from netviz.engine import Evaluator

    def snap(policies: str) -> dict:
        cluster = load_texts([("model.yaml", model()), ("p.yaml", policies)])
        ev = Evaluator(cluster)
        return snapshot(ev.analysis(), cluster, tiered_snapshot(ev))

    isolate = egress_np("hufflepuff", "{to: [{podSelector: {}}]}") + "---\n"
    diff = compare(
        snap(isolate + accept("api.example.com")), snap(isolate + accept("*.example.com"))
    )
    added = {(c["src"], c["dst"]) for c in diff["connections"]["added"]}
    removed = {(c["src"], c["dst"]) for c in diff["connections"]["removed"]}
    assert (sts("hufflepuff"), "*.example.com") in added
    assert (sts("hufflepuff"), "api.example.com") in removed
    assert all(
        "dst_cidrs" not in c for c in diff["connections"]["added"] if c["dst"] == "*.example.com"
    )


def test_lint_counts_domain_names_apart_from_address_ranges():
    from netviz.findings import run_checks

    ev = evaluate(accept("api.example.com", "*.example.org"))
    (found,) = [
        f
        for f in run_checks(ev.cluster, ev, only=["unprotected-egress"])
        if f.data["endpoint"] == sts("slytherin")
    ]
    assert found.data["domain_names"] == 2
    assert found.data["external_ranges"] == 2  # 0.0.0.0/0 and ::/0
    assert ", 2 external address ranges and 2 domain names, on every port" in found.message


def test_generate_leaves_domain_endpoints_out_with_a_note():
    from netviz.generate import generate

    policies = egress_np("hufflepuff", "{to: [{podSelector: {}}]}") + "---\n"
    cluster = load_texts(
        [("model.yaml", model()), ("p.yaml", policies + accept("api.example.com"))]
    )
    result = generate(cluster, namespace="hufflepuff")
    notes = [n for n in result.plan.notes if n.code == "domain-names"]
    assert [n.endpoints for n in notes] == [("api.example.com",)]
    assert "api.example.com" not in "".join(result.files.values())
