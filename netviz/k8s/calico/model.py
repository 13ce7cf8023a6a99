"""Typed, immutable Calico resources as read from projectcalico.org/v3 or crd.projectcalico.org/v1.

Plain data like netviz.k8s.model: selectors are kept as their text plus the parsed AST, so
explanations can show what was written while the compiler works on the tree.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Literal

from netviz.k8s.calico.selector import Node
from netviz.k8s.model import Direction, Policy, Source

Action = Literal["Allow", "Deny", "Pass", "Log"]
ACTIONS: tuple[Action, ...] = ("Allow", "Deny", "Pass", "Log")
TierAction = Literal["Deny", "Pass"]

# Protocol names Calico's v3 API accepts (case-sensitive) and the IP protocol numbers they mean.
PROTOCOL_NUMBERS: dict[str, int] = {
    "TCP": 6,
    "UDP": 17,
    "ICMP": 1,
    "ICMPv6": 58,
    "SCTP": 132,
    "UDPLite": 136,
}
PROTOCOL_NAMES: dict[int, str] = {v: k for k, v in PROTOCOL_NUMBERS.items()}
# Protocols for which a rule may give ports (numorstring.Protocol.SupportsPorts): not UDPLite.
PORT_PROTOCOLS = frozenset({6, 17, 132})

POLICY_KINDS = ("NetworkPolicy", "GlobalNetworkPolicy")
STAGED_KINDS = ("StagedNetworkPolicy", "StagedGlobalNetworkPolicy", "StagedKubernetesNetworkPolicy")
DEFAULT_TIER = "default"
DEFAULT_TIER_ORDER = 1_000_000.0
K8S_POLICY_ORDER = 1000.0
# Tiers Calico creates itself, with the order and default action it fixes for them.
BUILTIN_TIERS: dict[str, tuple[float, TierAction]] = {
    DEFAULT_TIER: (DEFAULT_TIER_ORDER, "Deny"),
    "kube-admin": (1000.0, "Pass"),
    "kube-baseline": (10_000_000.0, "Pass"),
    "adminnetworkpolicy": (1000.0, "Pass"),  # the ANP tier of Calico 3.29-3.31
    "baselineadminnetworkpolicy": (10_000_000.0, "Pass"),
}

# The labels Calico gives endpoints and the prefixes under which it exposes namespace and
# service-account labels to selectors (libcalico-go conversion constants).
LABEL_NAMESPACE = "projectcalico.org/namespace"
LABEL_ORCHESTRATOR = "projectcalico.org/orchestrator"
LABEL_SERVICE_ACCOUNT = "projectcalico.org/serviceaccount"
LABEL_NAME = "projectcalico.org/name"
NAMESPACE_PREFIX = "pcns."
SERVICE_ACCOUNT_PREFIX = "pcsa."


@dataclass(frozen=True)
class Selector:
    """A selector as written (`text`) and parsed (`node`); `line` is where it was written."""

    text: str
    node: Node
    line: int = 0


@dataclass(frozen=True)
class PortMatch:
    """One entry of ports / notPorts: a number, an inclusive range first..last, or a name."""

    first: int = 0
    last: int = 0
    name: str | None = None
    line: int = 0

    def __str__(self) -> str:
        if self.name is not None:
            return self.name
        return str(self.first) if self.first == self.last else f"{self.first}:{self.last}"


@dataclass(frozen=True)
class ServiceAccountMatch:
    """serviceAccounts: {names, selector}; both given means both must hold."""

    names: tuple[str, ...] = ()
    selector: Selector | None = None
    line: int = 0


@dataclass(frozen=True)
class ServiceMatch:
    """services: {name, namespace}: the endpoints (and ports) of a Kubernetes Service."""

    name: str
    namespace: str | None = None
    line: int = 0


@dataclass(frozen=True)
class EntityRule:
    """A rule's source or destination. Every field given must match (they are ANDed)."""

    nets: tuple[str, ...] = ()
    not_nets: tuple[str, ...] = ()
    selector: Selector | None = None
    not_selector: Selector | None = None
    namespace_selector: Selector | None = None
    ports: tuple[PortMatch, ...] = ()
    not_ports: tuple[PortMatch, ...] = ()
    service_accounts: ServiceAccountMatch | None = None
    services: ServiceMatch | None = None
    line: int = 0

    @property
    def is_empty(self) -> bool:
        return self == EntityRule(line=self.line)


@dataclass(frozen=True)
class ICMPMatch:
    """icmp / notICMP: `code` only with `type` (the validator requires it)."""

    type: int | None = None
    code: int | None = None
    line: int = 0


@dataclass(frozen=True)
class CalicoRule:
    """One ingress or egress rule, in order. `protocol` / `not_protocol` are IP protocol numbers."""

    action: Action
    index: int
    protocol: int | None = None
    not_protocol: int | None = None
    icmp: ICMPMatch | None = None
    not_icmp: ICMPMatch | None = None
    ip_version: int | None = None
    source: EntityRule = EntityRule()
    destination: EntityRule = EntityRule()
    http: bool = False  # an http match was given: application layer, not modelled
    name: str | None = None  # metadata.annotations["name"] or similar, for explanations
    line: int = 0


@dataclass(frozen=True)
class CalicoPolicy:
    """A NetworkPolicy, GlobalNetworkPolicy or one of the staged kinds, with `types` defaulted.

    `namespace` is None for the global kinds. `order` None means "no order" (sorted last).
    `types_defaulted` says the types were not written and came from Calico's defaulting.
    For a StagedKubernetesNetworkPolicy, `k8s` is the networking.k8s.io/v1 policy it stages.
    `caveats` name what the policy does that netviz does not model.
    """

    kind: str
    namespace: str | None
    name: str
    tier: str = DEFAULT_TIER
    order: float | None = None
    selector: Selector | None = None
    namespace_selector: Selector | None = None
    service_account_selector: Selector | None = None
    types: frozenset[Direction] = frozenset({"ingress"})
    types_defaulted: bool = False
    ingress: tuple[CalicoRule, ...] = ()
    egress: tuple[CalicoRule, ...] = ()
    do_not_track: bool = False
    pre_dnat: bool = False
    apply_on_forward: bool = False
    staged_action: str | None = None  # Set, Delete, Learn, Ignore for staged kinds
    k8s: Policy | None = None
    api_version: str = "projectcalico.org/v3"
    source: Source | None = None
    text: str = field(default="", compare=False, hash=False)
    caveats: tuple[str, ...] = ()

    @property
    def is_global(self) -> bool:
        return self.namespace is None

    @property
    def staged(self) -> bool:
        return self.kind.startswith("Staged")

    @property
    def id(self) -> str:
        return self.name if self.namespace is None else f"{self.namespace}/{self.name}"

    @property
    def sort_key(self) -> tuple[float, str]:
        """Felix's order within a tier: order (none = +inf, last), then the policy key's name."""
        return (float("inf") if self.order is None else self.order, self.id)

    def rules(self, direction: Direction) -> tuple[CalicoRule, ...]:
        return self.ingress if direction == "ingress" else self.egress


@dataclass(frozen=True)
class Tier:
    """A Tier. `declared` is False for one not in the input; `valid` is False for one that
    Calico would not know either (not built in, only named by policies)."""

    name: str
    order: float | None
    default_action: TierAction = "Deny"
    declared: bool = True
    valid: bool = True
    source: Source | None = None

    @property
    def sort_key(self) -> tuple[bool, bool, float, str]:
        """Felix's TierLess: valid tiers first; with an order before without; order; name."""
        order = self.order if self.order is not None else 0.0
        return (not self.valid, self.order is None, order, self.name)


@dataclass(frozen=True)
class NetworkSet:
    """A NetworkSet (namespaced) or GlobalNetworkSet (`namespace` None): labelled CIDRs."""

    namespace: str | None
    name: str
    nets: tuple[str, ...]
    labels: Mapping[str, str] = field(default_factory=dict, hash=False, compare=False)
    source: Source | None = None

    @property
    def kind(self) -> str:
        return "GlobalNetworkSet" if self.namespace is None else "NetworkSet"

    @property
    def id(self) -> str:
        return self.name if self.namespace is None else f"{self.namespace}/{self.name}"


@dataclass(frozen=True)
class EndpointPort:
    """A HostEndpoint's named port."""

    name: str
    port: int
    protocol: str = "TCP"


@dataclass(frozen=True)
class HostEndpoint:
    """A HostEndpoint: a host interface (or IPs) that only GlobalNetworkPolicies select."""

    name: str
    node: str
    interface_name: str | None = None
    expected_ips: tuple[str, ...] = ()
    labels: Mapping[str, str] = field(default_factory=dict, hash=False, compare=False)
    profiles: tuple[str, ...] = ()
    ports: tuple[EndpointPort, ...] = ()
    source: Source | None = None


@dataclass(frozen=True)
class ServiceAccount:
    """A v1 ServiceAccount: its labels feed serviceAccountSelector and serviceAccounts.selector."""

    namespace: str
    name: str
    labels: Mapping[str, str] = field(default_factory=dict, hash=False, compare=False)
    source: Source | None = None


@dataclass(frozen=True)
class Profile:
    """A Profile: `labels_to_apply` are added to every endpoint that has the profile (pods have
    kns.<namespace> and ksa.<namespace>.<service account>; host endpoints list theirs)."""

    name: str
    labels_to_apply: Mapping[str, str] = field(default_factory=dict, hash=False, compare=False)
    source: Source | None = None


@dataclass(frozen=True)
class CalicoResources:
    """Every Calico resource read; staged policies are kept apart from the enforced ones."""

    tiers: tuple[Tier, ...] = ()
    policies: tuple[CalicoPolicy, ...] = ()
    staged: tuple[CalicoPolicy, ...] = ()
    network_sets: tuple[NetworkSet, ...] = ()
    host_endpoints: tuple[HostEndpoint, ...] = ()
    service_accounts: tuple[ServiceAccount, ...] = ()
    profiles: tuple[Profile, ...] = ()

    def profile_labels(self, names: tuple[str, ...]) -> dict[str, str]:
        """The labels the named profiles apply, an earlier profile's winning over a later's
        (an endpoint's own labels then win over them all)."""
        by_name = {p.name: p for p in self.profiles}
        out: dict[str, str] = {}
        for name in reversed(names):
            found = by_name.get(name)
            if found is not None:
                out.update(found.labels_to_apply)
        return out

    def host_labels(self, host: HostEndpoint) -> dict[str, str]:
        """A host endpoint's labels: its profiles' labelsToApply under its own."""
        return {**self.profile_labels(host.profiles), **host.labels}

    def pod_profile_labels(self, namespace: str, account: str) -> dict[str, str]:
        """What a pod's profiles apply (Calico gives it kns.<ns> and ksa.<ns>.<account>)."""
        if not self.profiles:
            return {}
        return self.profile_labels((f"kns.{namespace}", f"ksa.{namespace}.{account}"))

    @property
    def is_empty(self) -> bool:
        return not (
            self.tiers
            or self.policies
            or self.staged
            or self.network_sets
            or self.host_endpoints
            or self.service_accounts
            or self.profiles
        )
