"""Checks on the ordered tiers (ClusterNetworkPolicy, AdminNetworkPolicy, BaselineAdminNetworkPolicy),
read through the engine's public view: rules that never decide anything, equal priorities whose
rules overlap, a Pass that changes nothing, an Admin Deny that blocks DNS, Baseline rules no pod
reaches, subjects and peers that match nothing."""

from __future__ import annotations

from collections.abc import Iterator

from netviz.engine.ports import PortSet
from netviz.findings.checks.base import finding, rule_key
from netviz.findings.checks.isolation import DNS_LABELS, DNS_NAMESPACE
from netviz.findings.facts import Facts
from netviz.findings.model import Finding, Subject
from netviz.k8s.tiermodel import AdminPolicy


def admin_subject(p, path: str = "", line: int = 0) -> Subject:
    src = p.source
    return Subject(
        p.kind, None, p.name, src.file if src else "", line or (src.line if src else 0), path
    )


def _admin(tp) -> bool:
    """A tier policy compiled from a cluster-scoped admin policy (not Calico's, whose own checks
    live in netviz.findings.checks.calico)."""
    return isinstance(tp.source, AdminPolicy)


def _rules(facts: Facts):
    """(tier, tier policy, direction, index, compiled rule) of every ordered-tier rule."""
    for tier in facts.view.program.tiers:
        if tier.union:
            continue
        for tp in tier.policies:
            if not _admin(tp):
                continue
            for direction, rules in tp.rules.items():
                for i, r in enumerate(rules):
                    yield tier, tp, direction, i, r


def _path(direction: str, i: int) -> str:
    return f"spec.{direction}[{i}]"


def check_subjects_and_peers(facts: Facts) -> Iterator[Finding]:
    """Admin/Baseline subjects that select no endpoint; peers that match nothing."""
    if not facts.endpoints:
        return
    pods = facts.pods
    for tp in facts.view.tiered_policies():
        if not _admin(tp):
            continue
        p = tp.source
        if not tp.selects.any():
            data = {"policy": p.id, "what": "subject"}
            yield finding("admin-matches-nothing", "warning", p.id, [admin_subject(p)], data)
        for direction in ("ingress", "egress"):
            for i, rule in enumerate(p.rules(direction)):
                for qi, peer in enumerate(rule.peers):
                    if peer.kind not in ("namespaces", "pods", "nodes"):
                        continue
                    mask = tp.rules[direction][i].peers[qi]
                    if mask.any() if peer.kind == "nodes" else mask[:pods].any():
                        continue
                    key = rule_key(
                        p.id, direction, i, f"{'from' if direction == 'ingress' else 'to'}[{qi}]"
                    )
                    data = {
                        "policy": p.id,
                        "what": f"{peer.kind} peer",
                        "rule": key.split(":", 1)[1],
                    }
                    subject = admin_subject(p, _path(direction, i), peer.line)
                    yield finding("admin-matches-nothing", "warning", key, [subject], data)


def check_never_decides(facts: Facts) -> Iterator[Finding]:
    """Rules that decide no pair: shadowed by earlier rules or priorities (their subject and
    peers do match), or with nothing to match."""
    if not facts.endpoints:
        return
    pairs = facts.ev.rule_pairs()
    for _tier, tp, direction, i, r in _rules(facts):
        if pairs.get(r.ref, 0):
            continue
        if not tp.selects.any() or not r.match.any():
            continue  # reported as matching nothing
        p = tp.source
        data = {"policy": p.id, "rule": f"{direction}[{i}]", "name": r.name, "action": r.action}
        key = rule_key(p.id, direction, i)
        subject = admin_subject(p, _path(direction, i), r.ref.line)
        yield finding("admin-rule-never-decides", "warning", key, [subject], data)


def _overlap(a, b) -> bool:
    if not (a.match & b.match).any():
        return False
    return bool(a.const & b.const) or bool(a.named) or bool(b.named)


def check_equal_priorities(facts: Facts) -> Iterator[Finding]:
    """Policies of one tier with the same priority whose subjects and rules overlap: the API
    leaves their order to the implementation."""
    for tier in facts.view.program.tiers:
        if tier.union:
            continue
        by_priority: dict[object, list] = {}
        for tp in tier.policies:
            if tp.ref.priority is not None and _admin(tp):
                by_priority.setdefault(tp.ref.priority, []).append(tp)
        for priority, group in by_priority.items():
            for x in range(len(group)):
                for y in range(x + 1, len(group)):
                    a, b = group[x], group[y]
                    if not (a.selects & b.selects).any():
                        continue
                    clash = [
                        d
                        for d in ("ingress", "egress")
                        if any(
                            _overlap(ra, rb) and ra.action != rb.action
                            for ra in a.rules.get(d, ())
                            for rb in b.rules.get(d, ())
                        )
                    ]
                    if not clash:
                        continue
                    data = {
                        "tier": tier.name,
                        "priority": priority,
                        "first": a.ref.id,
                        "second": b.ref.id,
                        "directions": clash,
                    }
                    key = f"{a.ref.id}~{b.ref.id}"
                    subjects = [admin_subject(a.source), admin_subject(b.source)]
                    yield finding("equal-priority-overlap", "warning", key, subjects, data)


def check_pass_changes_nothing(facts: Facts) -> Iterator[Finding]:
    """A Pass rule after which no later rule of its tier could match the passed traffic."""
    for tier in facts.view.program.tiers:
        if tier.union:
            continue
        for pi, tp in enumerate(tier.policies):
            if not _admin(tp):
                continue
            for direction, rules in tp.rules.items():
                for i, r in enumerate(rules):
                    if r.action != "pass":
                        continue
                    later = [(tp, x) for x in rules[i + 1 :]] + [
                        (q, x)
                        for q in tier.policies[pi + 1 :]
                        if (q.selects & tp.selects).any()
                        for x in q.rules.get(direction, ())
                    ]
                    if any(_overlap(r, x) for _, x in later):
                        continue
                    p = tp.source
                    data = {"policy": p.id, "rule": f"{direction}[{i}]", "name": r.name}
                    subject = admin_subject(p, _path(direction, i), r.ref.line)
                    key = rule_key(p.id, direction, i)
                    yield finding("pass-changes-nothing", "info", key, [subject], data)


def check_admin_dns(facts: Facts) -> Iterator[Finding]:
    """Admin/Baseline egress Deny rules that decide the cluster DNS away from a subject."""
    dns = [
        e
        for e in facts.by_namespace.get(DNS_NAMESPACE, [])
        if all(e.labels.get(k) == v for k, v in DNS_LABELS.items())
    ]
    if not dns:
        return
    asked = PortSet.single("UDP", 53) | PortSet.single("TCP", 53)
    for tp in facts.view.tiered_policies():
        if not _admin(tp) or not any(r.action == "deny" for r in tp.rules.get("egress", ())):
            continue
        members = facts.view.members(tp.on_nodes)
        if not members:
            continue
        blocked = set()
        exp = facts.ev.explain(members[0].id, dns[0].id, asked)
        for d in exp.egress.decisions:
            last = d.steps[-1] if d.steps else None
            if d.verdict == "deny" and last and last.policy == tp.ref.id:
                blocked.add(str(d.ports))
        if blocked:
            p = tp.source
            data = {
                "policy": p.id,
                "example": members[0].id,
                "dns": dns[0].id,
                "ports": sorted(blocked),
            }
            yield finding("admin-deny-blocks-dns", "danger", p.id, [admin_subject(p)], data)


def check_baseline_unreached(facts: Facts) -> Iterator[Finding]:
    """Baseline rules no pod reaches: NetworkPolicies select every pod of their subject for that
    direction, and the NetworkPolicy tier decides before Baseline."""
    tier = facts.view.program.tier("Baseline")
    np_tier = facts.view.program.tier("NetworkPolicy")
    if tier is None or np_tier is None:
        return
    for tp in tier.policies:
        if not tp.selects.any():
            continue
        for direction in tp.rules:
            selected = np_tier.selected(direction, len(tp.on_nodes))
            if (tp.on_nodes & ~selected).any():
                continue
            p = tp.source
            data = {"policy": p.id, "direction": direction}
            key = f"{p.id}:{direction}"
            yield finding("baseline-unreached", "info", key, [admin_subject(p)], data)
