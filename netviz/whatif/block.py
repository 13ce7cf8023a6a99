""" "Block this": the rules that grant an allowed pair, and what else would close if each were
removed. A pair is blocked once every granting rule of one side is gone (or changed): the answer
lists both sides, each rule alone, and each side's rules together."""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from netviz.engine import Evaluator
from netviz.engine.ports import PortSet
from netviz.engine.result import RuleRef
from netviz.generate.pairs import connectivity
from netviz.k8s.model import Direction, Policy
from netviz.whatif.allow import _pair_ports
from netviz.whatif.effects import Entry, effect, with_policies, without


@dataclass(frozen=True)
class RuleRemoval:
    """One granting rule: the asked ports it grants, and removing it alone."""

    ref: RuleRef  # peer_index / port_index: the entry that matched
    ports: PortSet  # of the asked pair's allowed ports, what this rule grants
    blocks: bool  # removed alone, the pair has none of the asked ports left
    left: PortSet  # the asked ports still allowed without it
    closes: list[Entry] = field(default_factory=list)  # other pairs losing ports


@dataclass(frozen=True)
class SideRemoval:
    """One side of the pair: its granting rules; `isolated` False means no rule of that side
    can be removed (nothing isolates it), only a new policy selecting it would block there."""

    direction: Direction
    subject: str
    isolated: bool
    rules: list[RuleRemoval] = field(default_factory=list)
    closes: list[Entry] = field(default_factory=list)  # every rule of this side removed at once


@dataclass(frozen=True)
class BlockPlan:
    src: str
    dst: str
    asked: PortSet
    allowed: PortSet  # of the asked ports, what is allowed now
    sides: list[SideRemoval] = field(default_factory=list)

    @property
    def is_allowed(self) -> bool:
        return not self.allowed.is_empty()


def _remove(policies: list[Policy], refs: set[tuple[str, Direction, int]]) -> list[Policy]:
    out = []
    for p in policies:
        drop = {i for pid, d, i in refs if pid == p.id and d == "ingress"}
        drop_e = {i for pid, d, i in refs if pid == p.id and d == "egress"}
        if drop or drop_e:
            p = replace(
                p,
                ingress=tuple(r for i, r in enumerate(p.ingress) if i not in drop),
                egress=tuple(r for i, r in enumerate(p.egress) if i not in drop_e),
            )
        out.append(p)
    return out


def block(ev: Evaluator, src: str, dst: str, asked: PortSet | None = None) -> BlockPlan:
    """What it takes to block one pair (ids or anything Evaluator.resolve takes)."""
    src_id, dst_id = ev.resolve(src), ev.resolve(dst)
    asked = ev.universe() if asked is None else asked
    explanation = ev.explain(src_id, dst_id, asked)
    plan = BlockPlan(src_id, dst_id, asked, explanation.allowed)
    if not plan.is_allowed:
        return plan
    before = connectivity(ev.analysis())
    policies = list(ev.cluster.policies)
    for verdict, subject in ((explanation.egress, src_id), (explanation.ingress, dst_id)):
        side = SideRemoval(verdict.direction, subject, verdict.isolated)
        plan.sides.append(side)
        if not verdict.isolated:
            continue
        grants: dict[tuple[str, Direction, int], tuple[RuleRef, PortSet]] = {}
        for ref, ports in verdict.allowed_by:
            key = (ref.policy_id, ref.direction, ref.rule_index)
            ports = ports & explanation.allowed
            if not ports:
                continue
            found = grants.get(key)
            grants[key] = (found[0], found[1] | ports) if found else (ref, ports)
        for key, (ref, ports) in sorted(grants.items()):
            result = effect(before, with_policies(ev.cluster, _remove(policies, {key})))
            left = _pair_ports(result.after, src_id, dst_id) & asked
            closes = without(result.closed, src_id, dst_id, asked)
            side.rules.append(RuleRemoval(ref, ports, left.is_empty(), left, closes))
        if grants:
            result = effect(before, with_policies(ev.cluster, _remove(policies, set(grants))))
            side.closes.extend(without(result.closed, src_id, dst_id, asked))
    return plan
