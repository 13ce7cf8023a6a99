"""Redundant rules and policies, from the engine's sets: removing them changes no verdict here.

A rule is redundant when, for every pod its policy selects, every (peer, port) it allows is also
allowed by the other rules that apply to that pod. Rules are taken away one at a time, last
first, so of two identical rules only the later one is reported and the rest still cover it.
"""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np

from netviz.engine.peers import CompiledPolicy, CompiledRule
from netviz.findings.checks.base import finding, rule_key
from netviz.findings.facts import Facts, policy_subject, rule_path
from netviz.k8s.model import Direction

Named = dict[tuple[str, str], int] | None


def _describe(r: CompiledRule) -> str:
    return f"{r.ref.policy_id} {r.direction}[{r.index}]"


class _Cover:
    """Per direction: which policies isolate each pod class, and named-port groups of nodes."""

    def __init__(self, facts: Facts, direction: Direction) -> None:
        self.facts = facts
        self.direction = direction
        self.atoms = facts.compiled.atoms
        self.named: list[Named] = facts.nodes.named
        self.policies: list[CompiledPolicy] = facts.compiled.isolating(direction)
        self.selects = (
            np.array([cp.selects for cp in self.policies], dtype=bool)
            if self.policies
            else np.zeros((0, facts.pods), dtype=bool)
        )
        sig: dict[tuple, int] = {}
        self.named_group = np.array(
            [sig.setdefault(tuple(sorted((d or {}).items())), len(sig)) for d in self.named],
            dtype=np.int64,
        )
        self.group_named: dict[int, Named] = {}
        for node, g in enumerate(self.named_group.tolist()):
            self.group_named.setdefault(g, self.named[node])

    def targets(self, cp: CompiledPolicy) -> list[tuple[int, list[int]]]:
        """(a representative pod class, the policies isolating it) per group of alike classes."""
        seen: dict[tuple, int] = {}
        out = []
        for c in np.flatnonzero(cp.selects).tolist():
            who = tuple(np.flatnonzero(self.selects[:, c]).tolist())
            key = (who, self.named_group[c] if self.direction == "ingress" else 0)
            if key not in seen:
                seen[key] = c
                out.append((c, list(who)))
        return out

    def node_groups(self, r: CompiledRule, target: int) -> list[tuple[np.ndarray, Named]]:
        """Peer nodes of a rule, split by the named ports its port entries resolve against."""
        if self.direction == "ingress":
            return [(r.match, self.named[target])]
        out = []
        for g in np.unique(self.named_group[r.match]).tolist():
            out.append((r.match & (self.named_group == g), self.group_named[g]))
        return out

    def covered(
        self, r: CompiledRule, others: list[CompiledRule], target: int, by: set[str]
    ) -> bool | None:
        """True when `others` allow all `r` allows at `target`; None when `r` allows nothing."""
        allows = False
        for nodes, named in self.node_groups(r, target):
            mask = r.mask_at(self.atoms, named)
            if not mask or not nodes.any():
                continue
            allows = True
            parts: dict[int, list[CompiledRule]] = {mask: []}
            for o in others:
                m = o.mask_at(self.atoms, named) & mask
                if not m or not (o.match & nodes).any():
                    continue
                nxt: dict[int, list[CompiledRule]] = {}
                for part, rules in parts.items():
                    if part & m:
                        nxt[part & m] = [*rules, o]
                    if part & ~m:
                        nxt[part & ~m] = rules
                parts = nxt
            for rules in parts.values():
                cov = np.zeros_like(nodes)
                for o in rules:
                    cov |= o.match
                if (nodes & ~cov).any():
                    return False
                by.update(_describe(o) for o in rules)
        return True if allows else None


def _redundant_rules(facts: Facts, idle: set[int]) -> dict[int, tuple[CompiledRule, list[str]]]:
    """id(rule) → (rule, what covers it) for every redundant effective rule.

    Rules that allow nothing at all here are added to `idle` (other checks report them).
    """
    out: dict[int, tuple[CompiledRule, list[str]]] = {}
    for direction in ("ingress", "egress"):
        cover = _Cover(facts, direction)
        rules = [(i, r) for i, cp in enumerate(cover.policies) for r in cp.rules[direction]]
        for pi, r in reversed(rules):
            by: set[str] = set()
            verdicts = []
            for target, who in cover.targets(cover.policies[pi]):
                others = [
                    o
                    for q in who
                    for o in cover.policies[q].rules[direction]
                    if o is not r and id(o) not in out
                ]
                verdicts.append(cover.covered(r, others, target, by))
                if verdicts[-1] is False:
                    break
            if False in verdicts:
                continue
            if True in verdicts:
                out[id(r)] = (r, sorted(by))
            else:
                idle.add(id(r))
    return out


def _redundant_policies(facts: Facts, gone_rules: set[int]) -> dict[str, list[str]]:
    """Policy id → the policies that isolate its pods instead, for removable policies."""
    out: dict[str, list[str]] = {}
    cps = facts.compiled_policies
    by_namespace: dict[str, list[CompiledPolicy]] = {}
    for cp in cps:  # a policy only ever selects pods of its own namespace
        by_namespace.setdefault(cp.policy.namespace, []).append(cp)
    for cp in reversed(cps):
        p = cp.policy
        if not cp.rules or not cp.selects.any():
            continue
        if p.pod_selector.is_empty and not any(cp.rules.values()):
            continue  # a plain default deny is the guard we recommend, even when others cover it
        if any(id(r) not in gone_rules for rules in cp.rules.values() for r in rules):
            continue
        by: set[str] = set()
        for direction in cp.rules:
            isolating = np.zeros_like(cp.selects)
            for other in by_namespace[p.namespace]:
                q = other.policy
                if other is cp or q.id in out or direction not in other.rules:
                    continue
                # A namespace-wide guard also isolates pods created later: only another one can
                # stand in for it.
                if p.pod_selector.is_empty and not q.pod_selector.is_empty:
                    continue
                if (other.selects & cp.selects).any():
                    isolating |= other.selects
                    by.add(q.id)
            if (cp.selects & ~isolating).any():
                break
        else:
            out[p.id] = sorted(by)
    return out


def check_redundant(facts: Facts) -> Iterator:
    idle: set[int] = set()
    rules = _redundant_rules(facts, idle)
    policies = _redundant_policies(facts, set(rules) | idle)
    for cp in facts.compiled_policies:
        p = cp.policy
        if p.id in policies:
            data = {"policy": p.id, "isolated_by": policies[p.id]}
            yield finding("redundant-policy", "info", p.id, [policy_subject(p)], data)
            continue
        for direction, compiled in sorted(cp.rules.items()):
            for r in compiled:
                if id(r) not in rules:
                    continue
                data = {
                    "policy": p.id,
                    "direction": direction,
                    "rule": r.index,
                    "covered_by": rules[id(r)][1],
                }
                subject = policy_subject(p, rule_path(direction, r.index), r.rule.line)
                key = rule_key(p.id, direction, r.index)
                yield finding("redundant-rule", "info", key, [subject], data)
