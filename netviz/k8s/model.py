"""Typed, immutable Kubernetes objects as the engine sees them, each with where it came from.

Everything here is plain data: no YAML, no evaluation, no Django. `netviz.k8s.load` makes these
from documents; `netviz.engine` evaluates them.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Literal

if TYPE_CHECKING:
    from netviz.k8s.calico.model import CalicoResources

Protocol = Literal["TCP", "UDP", "SCTP"]
PROTOCOLS: tuple[Protocol, ...] = ("TCP", "UDP", "SCTP")
Direction = Literal["ingress", "egress"]

# The label the API server puts on every namespace; namespace selectors may match on it.
NS_NAME_LABEL = "kubernetes.io/metadata.name"
Operator = Literal["In", "NotIn", "Exists", "DoesNotExist"]

# Kinds that become endpoints (a Pod not owned by a workload in the input is its own endpoint).
WORKLOAD_KINDS: tuple[str, ...] = (
    "Pod",
    "Deployment",
    "ReplicaSet",
    "ReplicationController",
    "StatefulSet",
    "DaemonSet",
    "Job",
    "CronJob",
)


@dataclass(frozen=True, order=True)
class Source:
    """Where a thing was written: file path as given, 1-based document index, 1-based line."""

    file: str
    doc: int
    line: int

    def __str__(self) -> str:
        return f"{self.file}:{self.line} (document {self.doc})"


@dataclass(frozen=True)
class Problem:
    """A parse or validation message about one document (or one field in it)."""

    severity: Literal["error", "warning"]
    message: str
    source: Source
    kind: str | None = None
    namespace: str | None = None
    name: str | None = None

    def as_dict(self) -> dict:
        return {
            "severity": self.severity,
            "message": self.message,
            "file": self.source.file,
            "doc": self.source.doc,
            "line": self.source.line,
            "kind": self.kind,
            "namespace": self.namespace,
            "name": self.name,
        }


@dataclass(frozen=True)
class Requirement:
    """One matchExpressions entry. `values` is empty for Exists / DoesNotExist."""

    key: str
    operator: Operator
    values: frozenset[str] = frozenset()


@dataclass(frozen=True)
class LabelSelector:
    """A metav1.LabelSelector. The empty selector (no labels, no expressions) selects everything."""

    match_labels: tuple[tuple[str, str], ...] = ()
    match_expressions: tuple[Requirement, ...] = ()

    @property
    def is_empty(self) -> bool:
        return not self.match_labels and not self.match_expressions


@dataclass(frozen=True)
class ContainerPort:
    """A declared container port; `name` is what named ports in policies refer to."""

    port: int
    protocol: Protocol = "TCP"
    name: str | None = None


@dataclass(frozen=True)
class Namespace:
    """A namespace; `declared` is False for one only referenced by other objects.

    `labels` always includes `kubernetes.io/metadata.name`.
    """

    name: str
    labels: Mapping[str, str] = field(default_factory=dict, hash=False, compare=False)
    declared: bool = True
    source: Source | None = None


@dataclass(frozen=True)
class Endpoint:
    """A set of pods that behave alike: a workload's pod template, or a bare Pod.

    `labels` are the pod (template) labels. `replicas` is None where the count is not fixed
    (DaemonSet, or not known). `pod_ips` and `host_ip` come from a Pod's status when given.
    `service_account` is spec.serviceAccountName, "default" when not written.
    """

    kind: str
    namespace: str
    name: str
    labels: Mapping[str, str] = field(default_factory=dict, hash=False, compare=False)
    ports: tuple[ContainerPort, ...] = ()
    replicas: int | None = 1
    host_network: bool = False
    pod_ips: tuple[str, ...] = ()
    host_ip: str | None = None
    source: Source | None = None
    service_account: str = "default"

    @property
    def id(self) -> str:
        return f"{self.namespace}/{self.name}[{self.kind}]"


@dataclass(frozen=True)
class IPBlock:
    """An ipBlock peer: `cidr` minus each of `excepts` (normalised CIDR strings, v4 or v6)."""

    cidr: str
    excepts: tuple[str, ...] = ()


@dataclass(frozen=True)
class Peer:
    """One entry of `from` / `to`.

    Either `ip_block` is set, or at least one of the selectors is (the API rejects an empty peer).
    pod_selector only: pods of the policy's namespace. namespace_selector only: every pod of the
    matching namespaces. Both: pods matching pod_selector in namespaces matching namespace_selector.
    """

    pod_selector: LabelSelector | None = None
    namespace_selector: LabelSelector | None = None
    ip_block: IPBlock | None = None
    line: int = 0


@dataclass(frozen=True)
class PortSpec:
    """One entry of `ports`. `port` None means every port of the protocol; a str is a named port.

    `end_port` only with a numeric `port`: the inclusive range port..end_port.
    """

    protocol: Protocol = "TCP"
    port: int | str | None = None
    end_port: int | None = None
    line: int = 0


@dataclass(frozen=True)
class Rule:
    """One ingress or egress rule. Empty `peers` = every peer; empty `ports` = every port."""

    peers: tuple[Peer, ...] = ()
    ports: tuple[PortSpec, ...] = ()
    line: int = 0


@dataclass(frozen=True)
class Policy:
    """A networking.k8s.io/v1 NetworkPolicy with `policy_types` already defaulted.

    `ingress` / `egress` hold the rules (a missing list and `[]` both mean no rule). Rules of a
    direction not in `policy_types` are kept as written but never take effect.
    """

    namespace: str
    name: str
    pod_selector: LabelSelector
    policy_types: frozenset[Direction]
    ingress: tuple[Rule, ...] = ()
    egress: tuple[Rule, ...] = ()
    source: Source | None = None
    text: str = field(default="", compare=False, hash=False)
    # String-valued metadata.annotations (netviz.dev/accept and its reason are read from here).
    annotations: Mapping[str, str] = field(default_factory=dict, compare=False, hash=False)

    @property
    def id(self) -> str:
        return f"{self.namespace}/{self.name}"

    def rules(self, direction: Direction) -> tuple[Rule, ...]:
        return self.ingress if direction == "ingress" else self.egress


@dataclass(frozen=True)
class ServicePort:
    """One entry of a Service's `ports`. `target` is a number or a container port name."""

    port: int
    protocol: Protocol = "TCP"
    target: int | str = 0  # 0: the same number as `port` (the API's default)
    name: str | None = None
    node_port: int | None = None

    @property
    def target_port(self) -> int | str:
        return self.target or self.port


@dataclass(frozen=True)
class Service:
    """A v1 Service. `selector` None: no selector (endpoints managed by hand, none resolved).

    `type` is ClusterIP, NodePort, LoadBalancer or ExternalName; `headless` is clusterIP None.
    """

    namespace: str
    name: str
    type: str = "ClusterIP"
    selector: tuple[tuple[str, str], ...] | None = None
    ports: tuple[ServicePort, ...] = ()
    headless: bool = False
    external_name: str | None = None
    external_traffic_policy: str = "Cluster"
    source_ranges: tuple[str, ...] = ()
    source: Source | None = None
    node_ports: bool = True  # a LoadBalancer gets node ports unless allocateLoadBalancerNodePorts

    @property
    def id(self) -> str:
        return f"{self.namespace}/{self.name}[Service]"


@dataclass(frozen=True)
class Backend:
    """What a route sends to: a Service (by name) and its port (number, name, or None = any)."""

    namespace: str
    service: str
    port: int | str | None = None
    line: int = 0


@dataclass(frozen=True)
class RouteRule:
    """One host/path of an entry route and where it goes. `host`/`path` None: any."""

    backend: Backend
    host: str | None = None
    path: str | None = None
    line: int = 0


@dataclass(frozen=True)
class Route:
    """An entry from outside: Ingress, HTTPRoute, GRPCRoute, TLSRoute, TCPRoute or OpenShift Route.

    `class_name` is the Ingress class; `parents` the Gateways (namespace, name, listener section
    or None) a Gateway API route attaches to.
    """

    kind: str
    namespace: str
    name: str
    rules: tuple[RouteRule, ...] = ()
    class_name: str | None = None
    parents: tuple[tuple[str, str, str | None], ...] = ()
    tls: bool = False
    source: Source | None = None

    @property
    def id(self) -> str:
        return f"{self.namespace}/{self.name}[{self.kind}]"


@dataclass(frozen=True)
class Listener:
    """A Gateway listener and which routes it accepts (`allowedRoutes`).

    `namespaces` is Same (the API's default), All or Selector (then `selector` decides); `kinds`
    empty means the kinds its protocol takes.
    """

    name: str
    port: int
    protocol: str
    hostname: str | None = None
    namespaces: str = "Same"
    selector: LabelSelector | None = None
    kinds: tuple[str, ...] = ()


@dataclass(frozen=True)
class Gateway:
    """A Gateway API Gateway: where routes attach, with its class and listeners."""

    namespace: str
    name: str
    class_name: str = ""
    listeners: tuple[Listener, ...] = ()
    source: Source | None = None

    @property
    def id(self) -> str:
        return f"{self.namespace}/{self.name}[Gateway]"


@dataclass(frozen=True)
class Cluster:
    """Everything usable that was read, plus every problem met while reading it.

    `ignored` lists (kind, namespace/name, Source) of documents of kinds netviz does not model.
    `calico` holds the Calico resources read (netviz.k8s.calico.model.CalicoResources), or None.
    """

    namespaces: tuple[Namespace, ...] = ()
    endpoints: tuple[Endpoint, ...] = ()
    policies: tuple[Policy, ...] = ()
    problems: tuple[Problem, ...] = ()
    ignored: tuple[tuple[str, str, Source], ...] = ()
    # ClusterNetworkPolicy / AdminNetworkPolicy / BaselineAdminNetworkPolicy (netviz.k8s.tiermodel)
    admin_policies: tuple = ()
    nodes: tuple = ()  # NodeObject, from kind: Node
    services: tuple[Service, ...] = ()
    routes: tuple[Route, ...] = ()
    gateways: tuple[Gateway, ...] = ()
    calico: CalicoResources | None = None

    @property
    def errors(self) -> tuple[Problem, ...]:
        return tuple(p for p in self.problems if p.severity == "error")

    @property
    def warnings(self) -> tuple[Problem, ...]:
        return tuple(p for p in self.problems if p.severity == "warning")
