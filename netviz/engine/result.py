"""What the engine answers, as data: endpoints, allowed connections, rule references, verdicts.

Formatters (netviz.formats) and the web app turn these into words; nothing here makes sentences
beyond short machine-stable codes.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from ipaddress import ip_address
from typing import Literal

from netviz.engine.ports import PortSet
from netviz.k8s.model import Direction, Endpoint, Policy


@dataclass(frozen=True)
class ExternalRange:
    """A range of addresses outside the cluster that every policy treats alike.

    `start`/`end` are the first and last address; `cidrs` the minimal CIDR cover of that range.
    `sets` names the Calico network sets holding it ("GlobalNetworkSet dns", "NetworkSet x/n").
    `domain`: set for a `domainNames` endpoint (netviz.engine.domains): the name pattern it
    stands for, no addresses (`version` 0, `start` = `end` = the pattern, no `cidrs`).
    """

    version: Literal[0, 4, 6]
    start: str
    end: str
    cidrs: tuple[str, ...]
    sets: tuple[str, ...] = field(default=(), compare=False)
    domain: str = ""

    @property
    def id(self) -> str:
        return self.domain or f"{self.start}-{self.end}"

    @property
    def sort_key(self) -> tuple:
        """The order every output lists externals in: ranges by address (v4 first), then
        domain endpoints by name."""
        if self.domain:
            return (1, 0, 0, self.domain)
        return (0, self.version, int(ip_address(self.start)), "")


@dataclass(frozen=True, order=True)
class RuleRef:
    """Names one rule (and, where it matters, the peer and port entry) of one policy.

    `peer_index` is None when the rule has no from/to (matches every peer), `port_index` None when
    the rule has no ports (matches every port). `file`/`line` locate the rule in its upload.
    """

    policy_namespace: str
    policy_name: str
    direction: Direction
    rule_index: int
    peer_index: int | None = None
    port_index: int | None = None
    file: str = ""
    line: int = 0
    # Set for rules of tiered (cluster-scoped) policies only; NetworkPolicy rules keep defaults.
    kind: str = "NetworkPolicy"
    tier: str = ""
    priority: int | None = None
    rule_name: str = ""
    action: str = "allow"

    @property
    def policy_id(self) -> str:
        if self.kind != "NetworkPolicy":
            return f"{self.kind}/{self.policy_name}"
        return f"{self.policy_namespace}/{self.policy_name}"

    def as_dict(self) -> dict:
        out = self._np_dict()
        if self.kind != "NetworkPolicy":
            out.update(
                kind=self.kind,
                tier=self.tier,
                priority=self.priority,
                rule_name=self.rule_name,
                action=self.action,
            )
        return out

    def _np_dict(self) -> dict:
        return {
            "policy": self.policy_id,
            "policy_namespace": self.policy_namespace,
            "policy_name": self.policy_name,
            "direction": self.direction,
            "rule_index": self.rule_index,
            "peer_index": self.peer_index,
            "port_index": self.port_index,
            "file": self.file,
            "line": self.line,
        }


# Short stable codes for caveats; formatters own the wording.
CaveatCode = Literal[
    "ipblock-matches-pod-ip",  # an ipBlock covers a pod's IP: plugins differ on whether it applies
    "host-network-pod",  # a hostNetwork pod: plugins differ on isolation and selector matching
    "self",  # explain(x, x) of a bare Pod: loopback, always allowed whatever the policies say
    "networks-may-cover-pods",  # a networks CIDR may hold pods whose IP the input does not give
    "domain-not-resolved",  # a domainNames endpoint: its names may resolve to addresses ipBlocks
    # or networks cover, which netviz cannot tell (DNS is not resolved)
    "domain-overlap",  # a wildcard domain endpoint leaves out the more specific patterns given
    "host-endpoint-without-ips",  # a Calico HostEndpoint by interfaceName only: no address
]


@dataclass(frozen=True)
class Caveat:
    """A place where the API leaves the verdict to the network plugin and the other reading differs."""

    code: CaveatCode
    endpoint: str  # endpoint id concerned
    policy: str | None = None  # policy id concerned, where one is
    rule: RuleRef | None = None
    detail: str = ""  # e.g. the pod IP or CIDR concerned

    def as_dict(self) -> dict:
        return {
            "code": self.code,
            "endpoint": self.endpoint,
            "policy": self.policy,
            "rule": self.rule.as_dict() if self.rule else None,
            "detail": self.detail,
        }


@dataclass(frozen=True)
class Grant:
    """One part of an allowed port set with the rules responsible on each side.

    `egress` / `ingress` is None when the source / destination is not isolated in that direction,
    else the rules that allow these ports.
    """

    ports: PortSet
    egress: tuple[RuleRef, ...] | None
    ingress: tuple[RuleRef, ...] | None


@dataclass(frozen=True)
class Connection:
    """An ordered pair of endpoints with something allowed between them."""

    src: str
    dst: str
    ports: PortSet
    grants: tuple[Grant, ...] = ()


@dataclass(frozen=True)
class RuleMiss:
    """Why one rule of an isolating policy did not allow the traffic asked about.

    reason: "peer" (no peer entry matches the other end), "port" (peer matches but no port entry
    covers the ports asked), "no-rules" (the policy has no rule for this direction).
    """

    rule_index: int | None
    reason: Literal["peer", "port", "no-rules"]
    line: int = 0


@dataclass(frozen=True)
class PolicyDenial:
    """An isolating policy that does not allow (some of) the traffic, and per rule, why."""

    policy: str
    file: str
    line: int
    misses: tuple[RuleMiss, ...]


@dataclass(frozen=True)
class DecisionStep:
    """One tier's part in a decision: the policy and rule that decided or passed, or the tier's
    default (`rule_index` None: "isolation" for NetworkPolicy, the tier default otherwise)."""

    tier: str  # "Admin", "NetworkPolicy", "Baseline" (Calico: its tier names)
    kind: str  # policy kind
    policy: str  # policy id: "ns/name" for namespaced kinds, "Kind/name" otherwise
    priority: int | None
    direction: Direction
    rule_index: int | None
    rule_name: str
    action: str  # "allow", "deny", "pass", or "isolation" (denied by the tier default)
    file: str = ""
    line: int = 0

    def as_dict(self) -> dict:
        return {
            "tier": self.tier,
            "kind": self.kind,
            "policy": self.policy,
            "priority": self.priority,
            "direction": self.direction,
            "rule_index": self.rule_index,
            "rule_name": self.rule_name,
            "action": self.action,
            "file": self.file,
            "line": self.line,
        }


@dataclass(frozen=True)
class Decision:
    """The decision path of some ports of one direction: the steps in order, then the verdict
    ("allow" or "deny"). No steps and "allow": no tier decided, the default allows."""

    ports: PortSet
    steps: tuple[DecisionStep, ...]
    verdict: Literal["allow", "deny"]

    def as_dict(self) -> dict:
        return {
            "ports": self.ports.as_json(),
            "steps": [s.as_dict() for s in self.steps],
            "verdict": self.verdict,
        }


@dataclass(frozen=True)
class DirectionVerdict:
    """One side's answer: egress of the source, or ingress of the destination."""

    direction: Direction
    isolated: bool
    allowed: PortSet  # ports this side allows (all when not isolated)
    allowed_by: tuple[tuple[RuleRef, PortSet], ...] = ()
    denied_by: tuple[PolicyDenial, ...] = ()
    caveats: tuple[Caveat, ...] = ()
    # The ordered decision path per port range; only filled when tiered policies are present.
    decisions: tuple[Decision, ...] = ()


@dataclass(frozen=True)
class Explanation:
    """Why `src` may or may not reach `dst`, restricted to `asked` ports (all when not given)."""

    src: str
    dst: str
    asked: PortSet
    allowed: PortSet  # egress.allowed & ingress.allowed & asked
    egress: DirectionVerdict
    ingress: DirectionVerdict

    @property
    def is_allowed(self) -> bool:
        return not self.allowed.is_empty()


@dataclass
class Analysis:
    """The whole answer for one input. Endpoint ids are `Endpoint.id` or `ExternalRange.id`."""

    endpoints: list[Endpoint] = field(default_factory=list)
    externals: list[ExternalRange] = field(default_factory=list)
    policies: list[Policy] = field(default_factory=list)
    connections: list[Connection] = field(default_factory=list)
    caveats: list[Caveat] = field(default_factory=list)
    # ClusterNetworkPolicy / AdminNetworkPolicy / BaselineAdminNetworkPolicy, in evaluation order
    # (Admin tier by priority, then Baseline); empty for NetworkPolicy-only input.
    tiered_policies: list = field(default_factory=list)
    # Every connection of the input: TCP, UDP and SCTP, plus the other protocols where the
    # input names them (PortAtoms.universe()). A pair is allowed on "all" only if it has this.
    universe: PortSet = field(default_factory=PortSet.all)
