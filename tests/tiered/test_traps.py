"""Named traps of the tiered API, one test each, on the upstream-like layout (tests/tiered/model.py)."""

from __future__ import annotations

from netviz.engine.ports import PortSet
from netviz.k8s import load_texts

from .model import allowed, evaluate, external, model, pod, sts

TCP80, UDP53 = PortSet.single("TCP", 80), PortSet.single("UDP", 53)

NP_ALLOW_G_TO_H = """apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: allow-gryffindor, namespace: hufflepuff}
spec:
  podSelector: {}
  ingress: [{from: [{namespaceSelector: {matchLabels: {conformance-house: gryffindor}}}]}]
"""


def cnp(name, tier, priority, subject, ingress="", egress=""):
    body = f"""apiVersion: policy.networking.k8s.io/v1alpha2
kind: ClusterNetworkPolicy
metadata: {{name: {name}}}
spec:
  tier: {tier}
  priority: {priority}
  subject: {subject}
"""
    if ingress:
        body += "  ingress:\n" + ingress
    if egress:
        body += "  egress:\n" + egress
    return body


HUFFLEPUFF = "{namespaces: {matchLabels: {conformance-house: hufflepuff}}}"
FROM_G = "    from: [{namespaces: {matchLabels: {conformance-house: gryffindor}}}]\n"
# Two admin policies the web, browser and screenshot runs share: a Deny and a UDP Accept.
DENY_G = cnp("deny-g", "Admin", 5, HUFFLEPUFF, "  - name: deny-g\n    action: Deny\n" + FROM_G)
ACCEPT_R = cnp(
    "accept-r-dns",
    "Admin",
    7,
    HUFFLEPUFF,
    "  - name: dns\n    action: Accept\n"
    "    from: [{namespaces: {matchLabels: {conformance-house: ravenclaw}}}]\n"
    "    protocols: [{udp: {destinationPort: {number: 53}}}]\n",
)


def test_it_lets_an_admin_deny_override_a_networkpolicy_allow():
    deny = cnp("deny-g", "Admin", 5, HUFFLEPUFF, "  - name: deny-g\n    action: Deny\n" + FROM_G)
    ev = evaluate(NP_ALLOW_G_TO_H + "---\n" + deny)
    assert allowed(ev, sts("gryffindor"), sts("hufflepuff")).is_empty()
    assert not allowed(ev, sts("ravenclaw"), sts("gryffindor")).is_empty()


def test_it_lets_an_admin_accept_override_networkpolicy_isolation():
    accept = cnp(
        "accept-r-dns",
        "Admin",
        5,
        HUFFLEPUFF,
        "  - action: Accept\n"
        "    from: [{namespaces: {matchLabels: {conformance-house: ravenclaw}}}]\n"
        "    protocols: [{udp: {destinationPort: {number: 53}}}]\n",
    )
    ev = evaluate(NP_ALLOW_G_TO_H + "---\n" + accept)
    # ravenclaw is not allowed by the NetworkPolicy, which isolates hufflepuff: Accept wins on 53
    assert allowed(ev, sts("ravenclaw"), sts("hufflepuff")) == UDP53


def test_it_passes_to_networkpolicy():
    policies = (
        NP_ALLOW_G_TO_H
        + "---\n"
        + cnp("pass-g", "Admin", 1, HUFFLEPUFF, "  - action: Pass\n" + FROM_G)
        + "---\n"
        + cnp(
            "deny-all", "Admin", 2, HUFFLEPUFF, "  - action: Deny\n    from: [{namespaces: {}}]\n"
        )
    )
    ev = evaluate(policies)
    # Pass skips deny-all (same tier) and the NetworkPolicy allows gryffindor
    assert not allowed(ev, sts("gryffindor"), sts("hufflepuff")).is_empty()
    assert allowed(ev, sts("slytherin"), sts("hufflepuff")).is_empty()


def test_it_passes_to_baseline_where_no_networkpolicy_selects_the_pod():
    ravenclaw = "{namespaces: {matchLabels: {conformance-house: ravenclaw}}}"
    policies = (
        cnp("pass-g", "Admin", 1, ravenclaw, "  - action: Pass\n" + FROM_G)
        + "---\n"
        + cnp("baseline-deny", "Baseline", 1, ravenclaw, "  - action: Deny\n" + FROM_G)
    )
    ev = evaluate(policies)
    assert allowed(ev, sts("gryffindor"), sts("ravenclaw")).is_empty()
    assert not allowed(ev, sts("slytherin"), sts("ravenclaw")).is_empty()


def test_it_applies_the_first_matching_rule_of_a_policy():
    rules = (
        "  - name: accept-web\n    action: Accept\n"
        + FROM_G
        + "    protocols: [{tcp: {destinationPort: {number: 80}}}]\n"
        "  - name: deny-rest\n    action: Deny\n" + FROM_G
    )
    ev = evaluate(cnp("ordered", "Admin", 3, HUFFLEPUFF, rules))
    assert allowed(ev, sts("gryffindor"), sts("hufflepuff")) == TCP80


def test_it_orders_policies_by_priority():
    policies = (
        cnp("later-accept", "Admin", 20, HUFFLEPUFF, "  - action: Accept\n" + FROM_G)
        + "---\n"
        + cnp("first-deny", "Admin", 10, HUFFLEPUFF, "  - action: Deny\n" + FROM_G)
    )
    ev = evaluate(policies)
    assert allowed(ev, sts("gryffindor"), sts("hufflepuff")).is_empty()


def test_it_reads_v1alpha1_and_v1alpha2_side_by_side():
    anp = """apiVersion: policy.networking.k8s.io/v1alpha1
kind: AdminNetworkPolicy
metadata: {name: anp-deny-dns}
spec:
  priority: 1
  subject: {namespaces: {matchLabels: {conformance-house: hufflepuff}}}
  ingress:
  - action: Deny
    from: [{namespaces: {matchLabels: {conformance-house: gryffindor}}}]
    ports: [{namedPort: dns}]
---
apiVersion: policy.networking.k8s.io/v1alpha1
kind: BaselineAdminNetworkPolicy
metadata: {name: default}
spec:
  subject: {namespaces: {}}
  ingress:
  - action: Deny
    from: [{namespaces: {matchLabels: {conformance-house: slytherin}}}]
"""
    accept = cnp(
        "accept-web",
        "Admin",
        1,
        HUFFLEPUFF,
        "  - action: Accept\n" + FROM_G + "    protocols: [{destinationNamedPort: web}]\n",
    )
    ev = evaluate(anp + "---\n" + accept)
    got = allowed(ev, sts("gryffindor"), sts("hufflepuff"))
    assert TCP80.issubset(got) and not (UDP53 & got)  # CNP Accept web; ANP Deny dns
    assert allowed(ev, sts("slytherin"), sts("ravenclaw")).is_empty()  # BANP, nothing selects
    assert not allowed(ev, sts("ravenclaw"), sts("slytherin")).is_empty()


def test_it_matches_networks_over_a_pod_with_a_known_ip():
    gryffindor = "{namespaces: {matchLabels: {conformance-house: gryffindor}}}"
    deny = cnp(
        "deny-net",
        "Admin",
        1,
        gryffindor,
        egress="  - action: Deny\n    to: [{networks: [10.10.2.0/24]}]\n",
    )
    ev = evaluate(deny)
    assert allowed(ev, sts("gryffindor"), pod("hufflepuff")).is_empty()  # 10.10.2.5 inside
    assert not allowed(ev, sts("gryffindor"), sts("hufflepuff")).is_empty()  # IP unknown
    assert external(ev, sts("gryffindor"), "10.10.2.77").is_empty()
    assert not external(ev, sts("gryffindor"), "8.8.8.8").is_empty()


def test_it_never_makes_a_host_network_pod_a_subject():
    forest = "{namespaces: {matchLabels: {conformance-house: forbidden-forest}}}"
    ev = evaluate(
        cnp("deny-all", "Admin", 1, forest, "  - action: Deny\n    from: [{namespaces: {}}]\n")
    )
    agent = "forbidden-forest/node-agent[DaemonSet]"
    assert not allowed(ev, sts("gryffindor"), agent).is_empty()
    assert allowed(ev, sts("gryffindor"), sts("forbidden-forest")).is_empty()


def test_it_reports_crd_validation_errors_with_file_document_and_line():
    bad = cnp("bad", "Admin", 1001, HUFFLEPUFF, "  - action: Allow\n" + FROM_G)
    cluster = load_texts([("model.yaml", model()), ("bad.yaml", bad + "---\n" + NP_ALLOW_G_TO_H)])
    errors = [(p.source.file, p.source.doc, p.source.line, p.message) for p in cluster.errors]
    assert ("bad.yaml", 1, 6, "spec.priority: 1001 is not between 0 and 1000") in errors
    assert (
        "bad.yaml",
        1,
        9,
        'spec.ingress[0].action: "Allow" is not a ClusterNetworkPolicy action; use Accept, Deny, Pass',
    ) in errors
    assert len(cluster.policies) == 1 and not cluster.admin_policies  # the rest is analysed


def test_it_gives_a_caveat_where_networks_may_cover_a_pod_whose_ip_is_unknown():
    gryffindor = "{namespaces: {matchLabels: {conformance-house: gryffindor}}}"
    deny = cnp(
        "deny-net",
        "Admin",
        1,
        gryffindor,
        egress="  - action: Deny\n    to: [{networks: [10.0.0.0/8]}]\n",
    )
    ev = evaluate(deny)
    caveats = ev.explain(sts("gryffindor"), sts("hufflepuff")).egress.caveats
    assert [(c.code, c.policy, c.detail) for c in caveats] == [
        ("networks-may-cover-pods", "ClusterNetworkPolicy/deny-net", "10.0.0.0/8")
    ]
    assert not ev.explain(sts("gryffindor"), pod("hufflepuff")).egress.caveats  # IP known
    assert any(c.code == "networks-may-cover-pods" for c in ev.analysis().caveats)


NODE = """apiVersion: v1
kind: Node
metadata: {name: worker-1, labels: {node-role.kubernetes.io/worker: ""}}
status:
  addresses:
  - {type: InternalIP, address: 10.20.0.5}
  - {type: Hostname, address: worker-1}
"""


def test_it_matches_nodes_peers_by_the_internal_ip_of_node_objects():
    gryffindor = "{namespaces: {matchLabels: {conformance-house: gryffindor}}}"
    deny = cnp(
        "deny-nodes",
        "Admin",
        1,
        gryffindor,
        egress="  - action: Deny\n    to: [{nodes: {matchExpressions: "
        "[{key: node-role.kubernetes.io/worker, operator: Exists}]}}]\n",
    )
    ev = evaluate(NODE + "---\n" + deny)
    assert external(ev, sts("gryffindor"), "10.20.0.5").is_empty()
    assert not external(ev, sts("gryffindor"), "10.20.0.6").is_empty()
    cluster = load_texts([("model.yaml", model()), ("p.yaml", deny)])
    assert any("nodes peers match nothing" in p.message for p in cluster.warnings)
