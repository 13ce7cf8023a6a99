"""Typed cluster-scoped policies of the `policy.networking.k8s.io` API, and Node objects.

ClusterNetworkPolicy (v1alpha2), AdminNetworkPolicy and BaselineAdminNetworkPolicy (v1alpha1) all
read into `AdminPolicy`: a tier (Admin before NetworkPolicy, Baseline after), a priority, a subject
and ordered rules whose action is "allow", "deny" or "pass" (the API's Accept/Allow, Deny, Pass).
Plain data as in `netviz.k8s.model`; the engine compiles these into its ordered decision model.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Literal

from netviz.k8s.model import IPBlock, LabelSelector, PortSpec, Source

AdminTier = Literal["Admin", "Baseline"]
RuleAction = Literal["allow", "deny", "pass"]
PeerKind = Literal["namespaces", "pods", "networks", "nodes", "domainNames"]

API_GROUP = "policy.networking.k8s.io"
CNP, ANP, BANP = "ClusterNetworkPolicy", "AdminNetworkPolicy", "BaselineAdminNetworkPolicy"
# Tie order of equal priorities inside a tier (documented in docs/tiered-policies.md): the newer
# API first, then by name. BANP has no priority: it sorts after every Baseline CNP.
KIND_ORDER = {CNP: 0, ANP: 1, BANP: 2}
BANP_PRIORITY = 1001


@dataclass(frozen=True)
class PodSet:
    """A subject or a namespaces/pods peer: pods of the namespaces `namespace_selector` matches,
    narrowed by `pod_selector` (None = every pod there, the `namespaces` form)."""

    namespace_selector: LabelSelector = LabelSelector()
    pod_selector: LabelSelector | None = None


@dataclass(frozen=True)
class AdminPeer:
    """One entry of `from` / `to`; exactly one kind is set, as the CRD requires."""

    kind: PeerKind
    pods: PodSet | None = None  # namespaces / pods
    networks: tuple[IPBlock, ...] = ()
    nodes: LabelSelector | None = None
    domains: tuple[str, ...] = ()
    line: int = 0


@dataclass(frozen=True)
class AdminRule:
    """One rule. `ports` None = every port of every protocol; named ports are expanded to one
    PortSpec per protocol (the API's named ports carry no protocol)."""

    action: RuleAction
    written: str  # the action as written: Accept, Allow, Deny, Pass
    name: str
    peers: tuple[AdminPeer, ...]
    ports: tuple[PortSpec, ...] | None = None
    line: int = 0


@dataclass(frozen=True)
class AdminPolicy:
    """A ClusterNetworkPolicy, AdminNetworkPolicy or BaselineAdminNetworkPolicy."""

    kind: str
    api_version: str
    name: str
    tier: AdminTier
    priority: int
    subject: PodSet
    ingress: tuple[AdminRule, ...] = ()
    egress: tuple[AdminRule, ...] = ()
    source: Source | None = None
    text: str = field(default="", compare=False, hash=False)

    @property
    def id(self) -> str:
        return f"{self.kind}/{self.name}"

    @property
    def sort_key(self) -> tuple[int, int, str]:
        """Order in the tier: priority, then the documented tie order (kind, name)."""
        return (self.priority, KIND_ORDER.get(self.kind, 9), self.name)

    def rules(self, direction: str) -> tuple[AdminRule, ...]:
        return self.ingress if direction == "ingress" else self.egress


@dataclass(frozen=True)
class NodeObject:
    """A v1 Node: its labels and InternalIP addresses (what `nodes` peers select)."""

    name: str
    labels: Mapping[str, str] = field(default_factory=dict, hash=False, compare=False)
    addresses: tuple[str, ...] = ()
    source: Source | None = None
