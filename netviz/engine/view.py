"""The engine's public read-only view for findings and views: what each policy selects, which
nodes a peer matches, and the decision path of a pair, without reaching into the evaluator."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from netviz.engine.classes import Nodes
from netviz.engine.peers import Compiled, CompiledPolicy
from netviz.engine.program import Program, TierPolicy
from netviz.engine.result import Decision
from netviz.k8s.calico.model import CalicoPolicy
from netviz.k8s.tiermodel import AdminPolicy

if TYPE_CHECKING:
    from netviz.engine.evaluate import Evaluator


@dataclass(frozen=True)
class EngineView:
    """`classes`: endpoint classes (node indices 0..pods-1) and external ranges after them;
    `compiled`: NetworkPolicies with their matchers; `program`: every tier in evaluation order."""

    classes: Nodes
    compiled: Compiled
    program: Program
    evaluator: Evaluator

    @property
    def network_policies(self) -> list[CompiledPolicy]:
        return self.compiled.policies

    def tiered_policies(self) -> list[TierPolicy]:
        """Policies of the ordered tiers (Admin, Baseline, ...), in evaluation order. Only the
        cluster-scoped admin policies: Calico's compile to several tier policies each (see
        `calico_policies`), and host endpoints add some of their own."""
        return [
            p
            for t in self.program.tiers
            if not t.union
            for p in t.policies
            if isinstance(p.source, AdminPolicy)
        ]

    def calico_policies(self) -> list[TierPolicy]:
        """The tier policies compiled from Calico policies, in evaluation order (a policy's first
        one marks where it applies, the others hold its rules)."""
        return [
            p
            for t in self.program.tiers
            if not t.union
            for p in t.policies
            if isinstance(p.source, CalicoPolicy)
        ]

    def members(self, mask) -> list:
        """Endpoints of the pod classes set in a mask over nodes, sorted by id."""
        n = self.classes
        out = [n.endpoints[i] for c in mask[: n.pods].nonzero()[0].tolist() for i in n.members[c]]
        return sorted(out, key=lambda e: e.id)

    def selected_by(self, policy_id: str) -> list:
        """Endpoints a policy of any tier selects (NetworkPolicy "ns/name", others "Kind/name")."""
        for tier in self.program.tiers:
            for p in tier.policies:
                if p.ref.id == policy_id:
                    return self.members(p.on_nodes)
        raise KeyError(policy_id)

    def peer_endpoints(self, policy_id: str, direction: str, rule: int, peer: int) -> list:
        """Endpoints one peer of one rule matches (external ranges are not endpoints)."""
        for tier in self.program.tiers:
            for p in tier.policies:
                if p.ref.id == policy_id:
                    compiled = p.rules[direction][rule]
                    mask = compiled.match if compiled.peers is None else compiled.peers[peer]
                    return self.members(mask)
        raise KeyError(policy_id)

    def decision_path(
        self, src: str, dst: str
    ) -> tuple[tuple[Decision, ...], tuple[Decision, ...]]:
        """(egress decisions, ingress decisions) of a pair; empty for NetworkPolicy-only input."""
        exp = self.evaluator.explain(src, dst)
        return exp.egress.decisions, exp.ingress.decisions
