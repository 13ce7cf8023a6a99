"""Every best-practice check by name, and `run_checks` that runs them in a deterministic order."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from netviz.engine import Evaluator
from netviz.findings.checks import (
    broad,
    calico,
    dead,
    entry,
    isolation,
    plugin,
    ports,
    redundant,
    tiered,
)
from netviz.findings.facts import Facts
from netviz.findings.model import RANK, Finding
from netviz.k8s.model import Cluster


@dataclass(frozen=True)
class Check:
    """A group of finding `checks` computed together by `run`, with a one-line `title`."""

    name: str
    title: str
    checks: tuple[str, ...]
    run: Callable[[Facts], Iterable[Finding]]


CHECKS: tuple[Check, ...] = (
    Check(
        "default-deny-ingress",
        "Namespaces without a default-deny for ingress",
        ("namespace-without-default-deny-ingress",),
        isolation.check_default_deny_ingress,
    ),
    Check(
        "default-deny-egress",
        "Namespaces without a default-deny for egress",
        ("namespace-without-default-deny-egress",),
        isolation.check_default_deny_egress,
    ),
    Check(
        "unprotected-ingress",
        "Endpoints no policy isolates for ingress",
        ("unprotected-ingress",),
        isolation.check_unprotected_ingress,
    ),
    Check(
        "unprotected-egress",
        "Endpoints no policy isolates for egress",
        ("unprotected-egress",),
        isolation.check_unprotected_egress,
    ),
    Check(
        "dns",
        "Egress isolation that blocks DNS",
        ("egress-blocks-dns",),
        isolation.check_dns,
    ),
    Check(
        "policy-selects-nothing",
        "Policies that select no endpoint",
        ("policy-selects-nothing",),
        dead.check_policy_selects_nothing,
    ),
    Check(
        "peer-matches-nothing",
        "Peers that match no endpoint or namespace",
        ("peer-matches-nothing",),
        dead.check_peer_matches_nothing,
    ),
    Check(
        "rule-never-matches",
        "Rules that can never match",
        ("rule-never-matches",),
        dead.check_rule_never_matches,
    ),
    Check(
        "redundant",
        "Redundant rules and policies",
        ("redundant-rule", "redundant-policy"),
        redundant.check_redundant,
    ),
    Check(
        "broad",
        "Overly broad allows",
        (
            "ingress-from-anywhere",
            "ingress-from-internet",
            "ingress-from-all-namespaces",
            "egress-to-anywhere",
        ),
        broad.check_broad,
    ),
    Check(
        "named-port-undefined",
        "Named ports the destinations do not define",
        ("named-port-undefined",),
        ports.check_named_ports,
    ),
    Check(
        "port-not-listening",
        "Ports no destination listens on",
        ("port-not-listening",),
        ports.check_unused_ports,
    ),
    Check(
        "admin-matches-nothing",
        "Admin and Baseline subjects or peers that match nothing",
        ("admin-matches-nothing",),
        tiered.check_subjects_and_peers,
    ),
    Check(
        "admin-rule-never-decides",
        "Admin and Baseline rules that never decide anything",
        ("admin-rule-never-decides",),
        tiered.check_never_decides,
    ),
    Check(
        "equal-priority-overlap",
        "Equal priorities with overlapping rules",
        ("equal-priority-overlap",),
        tiered.check_equal_priorities,
    ),
    Check(
        "pass-changes-nothing",
        "Pass rules that change nothing",
        ("pass-changes-nothing",),
        tiered.check_pass_changes_nothing,
    ),
    Check(
        "admin-deny-blocks-dns",
        "Admin Deny rules that block DNS",
        ("admin-deny-blocks-dns",),
        tiered.check_admin_dns,
    ),
    Check(
        "baseline-unreached",
        "Baseline rules no pod reaches",
        ("baseline-unreached",),
        tiered.check_baseline_unreached,
    ),
    Check(
        "network-plugin-dependent",
        "Verdicts that depend on the network plugin",
        ("network-plugin-dependent",),
        plugin.check_plugin_dependent,
    ),
    Check(
        "calico-rule-unreachable",
        "Calico rules after an unconditional Allow, Deny or Pass",
        ("calico-rule-unreachable",),
        calico.check_unreachable_rules,
    ),
    Check(
        "calico-order-missing",
        "Calico policies without order in a tier where order decides",
        ("calico-order-missing",),
        calico.check_missing_order,
    ),
    Check(
        "calico-tier-end-deny",
        "Calico tiers whose end denies what their policies do not mention",
        ("calico-tier-end-deny",),
        calico.check_tier_end_deny,
    ),
    Check(
        "calico-selector-matches-nothing",
        "Calico selectors that parse but match nothing",
        ("calico-selector-matches-nothing",),
        calico.check_selectors_match_nothing,
    ),
    Check(
        "calico-gnp-denies-dns",
        "GlobalNetworkPolicies that deny DNS",
        ("calico-gnp-denies-dns",),
        calico.check_gnp_denies_dns,
    ),
    Check(
        "exposed-but-blocked",
        "Workloads exposed by a Service or route that the policies block",
        ("exposed-but-blocked",),
        entry.check_exposed_but_blocked,
    ),
    Check(
        "service-target-port-undeclared",
        "Service target ports no container declares",
        ("service-target-port-undeclared",),
        entry.check_target_ports,
    ),
    Check(
        "route-to-nothing",
        "Routes to Services that select nothing",
        ("route-to-nothing",),
        entry.check_routes_to_nothing,
    ),
    Check(
        "port-without-service",
        "Policy ports no Service exposes",
        ("port-without-service",),
        entry.check_ports_without_service,
    ),
)

CHECK_IDS: tuple[str, ...] = tuple(c for check in CHECKS for c in check.checks)
_ORDER = {c: i for i, c in enumerate(CHECK_IDS)}


def finding_key(f: Finding) -> tuple:
    """Most severe first, then by check, then by id."""
    return (-RANK[f.severity], _ORDER.get(f.check, len(_ORDER)), f.check, f.id)


def run_checks(
    cluster: Cluster,
    evaluator: Evaluator,
    only: Sequence[str] | None = None,
    skip: Sequence[str] = (),
) -> list[Finding]:
    """Every finding, sorted by finding_key; `only` / `skip` name checks (Check.name or a
    finding's `check`) to keep or leave out."""
    facts = Facts.of(cluster, evaluator)

    def wanted(*names: str) -> bool:
        return (only is None or any(n in only for n in names)) and not any(n in skip for n in names)

    out: dict[str, Finding] = {}
    for check in CHECKS:
        if not any(wanted(check.name, c) for c in check.checks):
            continue
        for f in check.run(facts):
            if wanted(check.name, f.check):
                out.setdefault(f.id, f)
    return sorted(out.values(), key=finding_key)


def check_names() -> list[str]:
    """Every name `only` and `skip` accept."""
    return sorted({c.name for c in CHECKS} | set(CHECK_IDS))
