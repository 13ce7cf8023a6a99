"""The one decision model every policy API compiles into: an ordered program of tiers.

Per direction (egress at the source, ingress at the destination) and per port atom:

    for tier in program.tiers:            # in order
        for policy in tier.policies:      # priority order, then the documented tie order
            if policy selects the subject for this direction: the tier applies
            for rule in policy.rules:     # in order
                first rule whose peer and port match decides:
                    ALLOW / DENY: final;  PASS: leave this tier;  LOG: go on
        tier applied, nothing decided:   default DENY_IF_SELECTED denies, PASS goes on
    after the last tier: ALLOW

A connection is allowed where both directions allow. NetworkPolicy v1 is the tier
"NetworkPolicy" (every rule ALLOW, so rule order cannot matter: the union of its rules); the
policy.networking.k8s.io Admin and Baseline tiers sit before and after it with default PASS.
Calico tiers fit as further tiers with their own default and LOG rules.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

import numpy as np

from netviz.engine.atoms import PortAtoms
from netviz.engine.result import RuleRef
from netviz.k8s.model import Direction, PortSpec

Action = Literal["allow", "deny", "pass", "log"]
ALLOW: Action = "allow"
DENY: Action = "deny"
PASS: Action = "pass"
LOG: Action = "log"
TierDefault = Literal["deny_if_selected", "pass"]
DENY_IF_SELECTED: TierDefault = "deny_if_selected"
PASS_ON: TierDefault = "pass"

ADMIN, NETWORK_POLICY, BASELINE = "Admin", "NetworkPolicy", "Baseline"


@dataclass(frozen=True)
class PolicyRef:
    """Names one policy in a tier: kind, name (and namespace for namespaced kinds), priority."""

    kind: str
    name: str
    tier: str
    namespace: str | None = None
    priority: int | None = None
    file: str = ""
    line: int = 0

    @property
    def id(self) -> str:
        return (
            f"{self.namespace}/{self.name}"
            if self.namespace is not None
            else f"{self.kind}/{self.name}"
        )


@dataclass
class TierRule:
    """One compiled rule: an action, the nodes its peers match, the port atoms it covers."""

    action: Action
    match: np.ndarray  # nodes matched by some peer
    const: int  # atoms of the numeric and whole-protocol port entries
    named: tuple[PortSpec, ...]  # named-port entries, resolved at each destination
    ref: RuleRef
    name: str = ""
    peers: tuple[np.ndarray, ...] | None = None  # per peer entry (None: the rule has no peers)

    def mask_at(self, atoms: PortAtoms, named: dict[tuple[str, str], int] | None) -> int:
        out = self.const
        for spec in self.named:
            out |= atoms.spec_mask(spec, named)
        return out


@dataclass
class TierPolicy:
    """One policy of a tier. `rules` holds only the directions it applies to."""

    ref: PolicyRef
    selects: np.ndarray  # pod classes it selects (never hostNetwork ones)
    on_nodes: np.ndarray  # the same over every node (external ranges never selected)
    rules: dict[Direction, list[TierRule]] = field(default_factory=dict)
    source: object = None  # the typed policy it was compiled from


@dataclass
class Tier:
    """Policies in evaluation order. `union`: every rule ALLOW and no LOG, so the tier's answer
    is the union of its rules (the NetworkPolicy tier); the engine then has a fast path."""

    name: str
    default: TierDefault
    policies: list[TierPolicy]
    union: bool = False

    def selected(self, direction: Direction, size: int) -> np.ndarray:
        """Nodes some policy of this tier selects for `direction` (where the tier applies)."""
        out = np.zeros(size, dtype=bool)
        for p in self.policies:
            if direction in p.rules:
                out |= p.on_nodes
        return out


@dataclass
class Program:
    tiers: list[Tier]
    size: int  # nodes (pod classes and external ranges) every mask is over

    @property
    def ordered(self) -> bool:
        """Whether any tier needs ordered evaluation (a NetworkPolicy-only program does not)."""
        return any(not t.union and t.policies for t in self.tiers)

    def rules(self, direction: Direction, ordered_only: bool = True):
        """Every (tier, policy, rule) for a direction, in evaluation order."""
        for tier in self.tiers:
            if ordered_only and tier.union:
                continue
            for p in tier.policies:
                for r in p.rules.get(direction, ()):
                    yield tier, p, r

    def tier(self, name: str) -> Tier | None:
        return next((t for t in self.tiers if t.name == name), None)
