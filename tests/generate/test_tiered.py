"""Generating on input with cluster-scoped and Calico policies: only the NetworkPolicies are
replaced, the check evaluates the generated set with the rest, and the pairs NetworkPolicy cannot
shape are said: (a) keep entries denied before the NetworkPolicy tier, (b) connections not kept
that an admin rule still allows, (c) the Baseline tier no longer deciding for the scope."""

from __future__ import annotations

import json
from textwrap import dedent

import yaml

from netviz.engine import Evaluator
from netviz.engine.ports import PortSet
from netviz.generate import generate
from netviz.generate.kept import read_keep
from netviz.generate.words import summary
from netviz.k8s import load_texts
from netviz.whatif.jsonout import generated_json
from tests.generate.helpers import namespace, netpol, pod

WEB, DB, PROM = "shop/web[Pod]", "shop/db[Pod]", "monitoring/prom[Pod]"
PODS = [
    namespace("shop", {"team": "shop"}),
    namespace("monitoring", {"team": "mon"}),
    pod("shop", "web", {"app": "web"}, [(80, "TCP", None)]),
    pod("shop", "db", {"app": "db"}, [(5432, "TCP", None)]),
    pod("monitoring", "prom", {"app": "prom"}, [(9090, "TCP", None)]),
]
GUARD = """
apiVersion: policy.networking.k8s.io/v1alpha2
kind: ClusterNetworkPolicy
metadata: {name: guard}
spec:
  tier: Admin
  priority: 10
  subject: {namespaces: {matchLabels: {team: shop}}}
  ingress:
  - {name: scrape, action: Accept, from: [{namespaces: {matchLabels: {team: mon}}}]}
  - name: no-web-db
    action: Deny
    from: [{pods: {namespaceSelector: {}, podSelector: {matchLabels: {app: web}}}}]
"""
BASELINE = """
apiVersion: policy.networking.k8s.io/v1alpha1
kind: BaselineAdminNetworkPolicy
metadata: {name: default}
spec:
  subject: {namespaces: {matchLabels: {team: shop}}}
  ingress:
  - {name: let-monitoring-in, action: Allow, from: [{namespaces: {matchLabels: {team: mon}}}]}
  - {name: shop-closed, action: Deny, from: [{namespaces: {}}]}
"""
SECURITY = """
apiVersion: projectcalico.org/v3
kind: Tier
metadata: {name: security}
spec: {order: 100}
---
apiVersion: projectcalico.org/v3
kind: GlobalNetworkPolicy
metadata: {name: security.guard}
spec:
  tier: security
  order: 5
  selector: app == 'db'
  ingress:
  - action: Deny
    source: {selector: app == 'web'}
  - action: Allow
    source: {namespaceSelector: team == 'mon'}
  - action: Pass
"""


def load(*extra: str, docs=PODS):
    text = yaml.safe_dump_all(list(docs), sort_keys=False)
    for e in extra:
        text += "---\n" + dedent(e).lstrip("\n")
    cluster = load_texts([("input.yaml", text)])
    assert not cluster.errors, cluster.errors
    return cluster


def keep(cluster, *pairs):
    connections = [{"src": s, "dst": d} for s, d in pairs]
    return read_keep(json.dumps({"connections": connections}), Evaluator(cluster))


def listed(entries) -> set[tuple[str, str]]:
    return {(d.src, d.dst) for d in entries}


def test_it_keeps_the_cluster_scoped_policies_in_the_re_evaluation():
    # Generating for monitoring leaves shop's pairs as they are: the guard still denies
    # web → db there, and the check must see it (without the guard it would allow it: DIFFERS).
    cluster = load(GUARD)
    result = generate(cluster, namespace="monitoring")
    assert result.check.exact, summary(result, {})
    assert result.check.tiered
    assert (WEB, DB) not in result.selection.expected
    assert not Evaluator(regenerated(cluster, result)).explain(WEB, DB).is_allowed
    text = "\n".join(summary(result, {}))
    assert "Evaluated again with the workloads and the input's other policies" in text
    assert "DIFFERS" not in text


def test_a_kept_pair_an_admin_deny_decides_cannot_be_allowed_by_networkpolicy():
    """(a): the keep file lists web → db, which the Admin tier denies before NetworkPolicy."""
    cluster = load(GUARD)
    result = generate(cluster, keep(cluster, (WEB, DB), (DB, WEB)), namespace="shop")
    check = result.check
    assert check.exact
    assert listed(check.cannot_allow) == {(WEB, DB)}
    (entry,) = check.cannot_allow
    assert (entry.steps[0].policy, entry.steps[0].rule_name) == (
        "ClusterNetworkPolicy/guard",
        "no-web-db",
    )
    assert entry.steps[0].action == "deny"
    assert "not-allowed-now" not in [n.code for n in result.notes]  # said once, with its rule
    text = "\n".join(summary(result, {}))
    assert (
        "! shop/web[Pod] => shop/db[Pod] : All Connections  (cannot be allowed by NetworkPolicy: "
        "decided by [Admin] guard (10) ingress 'no-web-db' Deny (input.yaml:"
    ) in text
    data = generated_json(result)["check"]
    assert [(e["src"], e["dst"]) for e in data["cannot_allow"]] == [(WEB, DB)]
    assert data["cannot_allow"][0]["decided_by"][0]["rule_name"] == "no-web-db"
    assert data["cannot_allow"][0]["text"].startswith("cannot be allowed by NetworkPolicy")


def test_an_unkept_pair_an_admin_accept_decides_stays_allowed_and_is_said():
    """(b): monitoring → shop is not kept, but the Admin Accept decides before NetworkPolicy."""
    cluster = load(GUARD)
    result = generate(cluster, keep(cluster, (DB, WEB)), namespace="shop")
    check = result.check
    assert check.exact, summary(result, {})
    assert listed(check.stays_allowed) == {(PROM, WEB), (PROM, DB)}
    for entry in check.stays_allowed:
        assert [(s.policy, s.rule_name, s.action) for s in entry.steps] == [
            ("ClusterNetworkPolicy/guard", "scrape", "allow")
        ]
    # The generated NetworkPolicies themselves do not let monitoring in: only the admin rule does.
    ingress = [p for p in result.plan.policies if p.purpose == "ingress"]
    assert all(PROM not in json.dumps(p.manifest) for p in ingress)
    text = "\n".join(summary(result, {}))
    assert "plus 2 that other policies decide" in text
    assert (
        "~ monitoring/prom[Pod] => shop/web[Pod] : All Connections  (stays allowed: decided by "
        "[Admin] guard (10) ingress 'scrape' Accept (input.yaml:"
    ) in text
    data = generated_json(result)["check"]
    assert sorted((e["src"], e["dst"]) for e in data["stays_allowed"]) == [(PROM, DB), (PROM, WEB)]
    assert data["extra"] == [] and data["missing"] == []


def test_the_baseline_tier_no_longer_decides_where_the_default_deny_selects():
    """(c): the baseline lets monitoring in and closes shop to the rest, but only where no
    NetworkPolicy selects; the generated default deny selects every shop pod, so the baseline's
    Allow of an unkept pair is gone (not "stays allowed"), and a keep entry the baseline denies
    is one NetworkPolicy could allow (not "cannot be allowed"): it is only not allowed now."""
    cluster = load(BASELINE)
    now = Evaluator(cluster)
    assert now.explain(PROM, WEB).is_allowed and not now.explain(DB, WEB).is_allowed
    result = generate(cluster, keep(cluster, (PROM, DB), (DB, WEB)), namespace="shop")
    check = result.check
    assert check.exact, summary(result, {})
    assert check.stays_allowed == [] and check.cannot_allow == []
    assert "not-allowed-now" in [n.code for n in result.notes]  # db → web: the baseline's Deny
    after = Evaluator(regenerated(cluster, result))
    assert not after.explain(PROM, WEB).is_allowed  # the baseline's Allow no longer applies
    assert after.explain(PROM, DB, PortSet.single("TCP", 5432)).is_allowed
    (decision,) = after.explain(PROM, WEB).ingress.decisions
    assert [s.tier for s in decision.steps] == ["NetworkPolicy"]


def test_a_calico_globalnetworkpolicy_deny_before_the_default_tier_cannot_be_overridden():
    cluster = load(SECURITY)
    result = generate(cluster, keep(cluster, (WEB, DB), (DB, WEB)), namespace="shop")
    check = result.check
    assert check.exact, summary(result, {})
    (entry,) = check.cannot_allow
    assert (entry.src, entry.dst) == (WEB, DB)
    step = entry.steps[0]
    assert (step.tier, step.policy, step.rule_index, step.action) == (
        "security",
        "GlobalNetworkPolicy/security.guard",
        0,
        "deny",
    )
    # Monitoring → db: the security tier's Allow decides before the default tier.
    assert (PROM, DB) in listed(check.stays_allowed)
    assert (PROM, WEB) not in listed(check.stays_allowed)  # web is not the GNP's subject
    text = "\n".join(summary(result, {}))
    assert "cannot be allowed by NetworkPolicy: decided by [security] security.guard (5" in text


def test_a_calico_deny_after_the_kubernetes_policies_is_not_final_for_networkpolicy():
    """In Calico's default tier a Kubernetes NetworkPolicy sits at order 1000: a Deny at order
    2000 only decides what no NetworkPolicy allowed, so a keep entry it denies could be allowed."""
    late = """
    apiVersion: projectcalico.org/v3
    kind: GlobalNetworkPolicy
    metadata: {name: late}
    spec:
      order: 2000
      selector: app == 'db'
      ingress:
      - action: Deny
        source: {selector: app == 'web'}
    """
    cluster = load(late)
    result = generate(cluster, keep(cluster, (WEB, DB)), namespace="shop")
    assert result.check.exact and result.check.cannot_allow == []
    assert "not-allowed-now" in [n.code for n in result.notes]


def test_networkpolicy_only_input_keeps_its_check_text_and_json():
    docs = [*PODS, netpol("shop", "db-in", {"matchLabels": {"app": "db"}}, ["Ingress"])]
    cluster = load(docs=docs)
    result = generate(cluster, namespace="shop")
    assert not result.check.tiered
    assert set(generated_json(result)["check"]) == {"exact", "extra", "missing", "errors"}
    lines = summary(result, {})
    kept = len(result.selection.kept)
    assert lines[-1] == (
        "Check: exact. Evaluated again with the workloads, the generated policies allow "
        f"exactly the {kept} kept connection(s) and nothing else."
    )


def regenerated(cluster, result):
    from netviz.generate import regenerated_cluster

    new, problems = regenerated_cluster(cluster, result)
    assert not problems
    assert new.admin_policies == cluster.admin_policies and new.calico == cluster.calico
    return new


def test_the_command_prints_both_lists_and_exits_0(tmp_path, capsys):
    from netviz.generate import cli

    manifests = tmp_path / "in.yaml"
    text = yaml.safe_dump_all(list(PODS), sort_keys=False) + "---\n" + dedent(GUARD).lstrip()
    manifests.write_text(text)
    keep_file = tmp_path / "keep.json"
    keep_file.write_text(
        json.dumps({"connections": [{"src": WEB, "dst": DB}, {"src": DB, "dst": WEB}]})
    )
    status = cli.main(
        [str(manifests), "-o", str(tmp_path / "out"), "--keep", str(keep_file), "-n", "shop"]
    )
    out = capsys.readouterr()
    assert status == 0, out.err
    assert "Stays allowed whatever NetworkPolicy says (not kept): 2" in out.out
    assert "Cannot be allowed by NetworkPolicy (kept or listed): 1" in out.out
    assert "~ monitoring/prom[Pod] => shop/db[Pod]" in out.out
    assert "! shop/web[Pod] => shop/db[Pod]" in out.out


def test_a_calico_pass_that_skips_the_networkpolicies_leaves_the_baseline_final():
    """A Pass in `default` before order 1000 skips the Kubernetes NetworkPolicies: the Baseline
    Deny after it then decides whatever NetworkPolicy says (usually the baseline is not final)."""
    skip = """
    apiVersion: projectcalico.org/v3
    kind: GlobalNetworkPolicy
    metadata: {name: skip}
    spec:
      order: 500
      selector: app == 'web'
      ingress:
      - action: Pass
        source: {selector: app == 'db'}
    """
    cluster = load(BASELINE, skip)
    result = generate(cluster, keep(cluster, (DB, WEB), (PROM, WEB)), namespace="shop")
    check = result.check
    assert check.exact, summary(result, {})
    (entry,) = check.cannot_allow
    assert (entry.src, entry.dst) == (DB, WEB)
    assert (entry.steps[0].rule_name, entry.steps[0].action) == ("shop-closed", "deny")


def test_admin_accepts_to_addresses_and_domains_stay_allowed_piece_by_piece():
    out = """
    apiVersion: policy.networking.k8s.io/v1alpha1
    kind: AdminNetworkPolicy
    metadata: {name: egress}
    spec:
      priority: 5
      subject: {namespaces: {matchLabels: {team: shop}}}
      egress:
      - name: to-partner
        action: Allow
        to: [{networks: [203.0.113.0/24]}]
      - name: to-api
        action: Allow
        to: [{domainNames: [api.example.com]}]
    """
    cluster = load(out)
    everything = generate(cluster, namespace="shop")
    assert everything.check.exact, summary(everything, {})
    # Kept now, but a domain endpoint as a source is one no NetworkPolicy rule can name: said.
    unnamed = {(d.src, d.dst) for d in everything.check.cannot_allow}
    assert unnamed == {("api.example.com", WEB), ("api.example.com", DB)}
    assert {d.reason for d in everything.check.cannot_allow} == {"domain-name"}
    text = "\n".join(summary(everything, {}))
    assert "a domainNames endpoint, which no NetworkPolicy rule can name" in text

    result = generate(cluster, keep(cluster, (DB, WEB)), namespace="shop")
    assert result.check.exact, summary(result, {})
    stays = result.check.stays_allowed
    assert {d.steps[0].rule_name for d in stays} == {"to-partner", "to-api"}
    assert (WEB, "api.example.com") in {(d.src, d.dst) for d in stays}
    pieces = [d.dst for d in stays if not isinstance(d.dst, str)]
    assert pieces and all(p.cidrs() == ["203.0.113.0/24"] for p in pieces)
