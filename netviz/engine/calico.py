"""Calico resources → tiers of the ordered Program, with Calico's selector scoping.

Every endpoint is seen through the labels Calico gives it: a pod's labels plus
projectcalico.org/{namespace,orchestrator,serviceaccount}, its namespace's labels as pcns.* and
its service account's as pcsa.* (the profile labels it inherits); a NetworkSet's labels plus its
namespace (and pcns.*); a GlobalNetworkSet's labels alone. Selectors match pods by those labels,
and address ranges by the network sets (CIDRs) they select.

How an entity rule's selector fields combine (libcalico-go updateprocessors, getEndpointSelector):

| policy     | namespaceSelector | selector / serviceAccounts / notSelector | endpoints matched               |
|------------|-------------------|------------------------------------------|---------------------------------|
| namespaced | -                 | none                                     | everything, outside included    |
| namespaced | -                 | any of them (even notSelector alone)     | the policy's namespace only     |
| namespaced | set               | any                                      | namespaces it matches (pcns.*)  |
| global     | -                 | none, or notSelector alone               | everything, outside included    |
| global     | -                 | selector                                 | what it selects (all(): every   |
|            |                   |                                          | endpoint and set, never outside)|
| either     | global()          | any                                      | non-namespaced sets and hosts   |

notSelector and notNets then remove what they match; nets keep what is inside them.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np

from netviz.engine import protocols
from netviz.engine.atoms import PortAtoms
from netviz.engine.classes import Nodes
from netviz.engine.ports import PortRange, PortSet
from netviz.engine.program import (
    ALLOW,
    DENY,
    LOG,
    PASS,
    PolicyRef,
    TierPolicy,
    TierRule,
)
from netviz.engine.result import RuleRef
from netviz.k8s.calico.model import (
    LABEL_NAME,
    LABEL_NAMESPACE,
    LABEL_ORCHESTRATOR,
    LABEL_SERVICE_ACCOUNT,
    NAMESPACE_PREFIX,
    SERVICE_ACCOUNT_PREFIX,
    CalicoPolicy,
    CalicoResources,
    CalicoRule,
    EntityRule,
)
from netviz.k8s.calico.selector import ALL, Compare, Has, InSet, Node, Not, SelectorIndex, conjoin
from netviz.k8s.model import Cluster, Direction, IPBlock, PortSpec

_ACTIONS = {"Allow": ALLOW, "Deny": DENY, "Pass": PASS, "Log": LOG}
_PROTOCOL_OF = {6: "TCP", 17: "UDP", 132: "SCTP"}
DEFAULT_ALLOW = "projectcalico-default-allow"  # the profile that allows a host endpoint's rest
# Felix's default failsafe ports, always open on host endpoints whatever the policy says.
FAILSAFE_IN = (("TCP", 22), ("UDP", 68), ("TCP", 179), ("TCP", 2379), ("TCP", 2380))
FAILSAFE_IN += (("TCP", 5473), ("TCP", 6443), ("TCP", 6666), ("TCP", 6667))
FAILSAFE_OUT = (("UDP", 53), ("UDP", 67), ("TCP", 179), ("TCP", 2379), ("TCP", 2380))
FAILSAFE_OUT += (("TCP", 5473), ("TCP", 6443), ("TCP", 6666), ("TCP", 6667))
_IN_NAMESPACE = Has(LABEL_NAMESPACE)
_NOT_NAMESPACED = Not(_IN_NAMESPACE)  # what namespaceSelector: global() becomes


# -- what the input adds to the address space and the port atoms ------------------------------


def calico_blocks(calico: CalicoResources) -> list[IPBlock]:
    """Every CIDR a Calico rule, network set or host endpoint names: they cut the address space."""
    out = [IPBlock(c) for s in calico.network_sets for c in s.nets]
    for host in calico.host_endpoints:
        out.extend(IPBlock(_host_cidr(ip)) for ip in host.expected_ips)
    for policy in (*calico.policies, *calico.staged):
        for rule in (*policy.ingress, *policy.egress):
            for entity in (rule.source, rule.destination):
                out.extend(IPBlock(c) for c in (*entity.nets, *entity.not_nets))
    return out


def _host_cidr(ip: str) -> str:
    return f"{ip}/128" if ":" in ip else f"{ip}/32"


def calico_port_specs(calico: CalicoResources) -> list[PortSpec]:
    """Port entries of Calico rules, so the atoms cut at them (named ones resolve per pod)."""
    out = []
    if calico.host_endpoints:
        out += [PortSpec(proto, port) for proto, port in (*FAILSAFE_IN, *FAILSAFE_OUT)]
    for policy in (*calico.policies, *calico.staged):
        for rule in (*policy.ingress, *policy.egress):
            out += _protocol_specs(rule)
            protocol = _PROTOCOL_OF.get(rule.protocol or 0)
            if protocol is None:
                continue
            for port in (*rule.destination.ports, *rule.destination.not_ports):
                if port.name is not None:
                    out.append(PortSpec(protocol, port.name))
                else:
                    out.append(PortSpec(protocol, port.first, port.last))
    return out


def _protocol_specs(rule: CalicoRule) -> list[PortSpec]:
    """The cuts of the other protocols a rule names (none for a TCP/UDP/SCTP-only rule): the
    whole dimension, so what the rule leaves out is there too, and the protocols / ICMP types
    it names."""
    named = [n for n in (rule.protocol, rule.not_protocol) if n is not None]
    plain = rule.not_protocol is None and rule.icmp is None and rule.not_icmp is None
    if plain and all(n in _PROTOCOL_OF for n in named):
        return []
    out = [_ip_spec(0, protocols.SIZE - 1)]
    out += [_ip_spec(*protocols.block(n)) for n in named if n not in _PROTOCOL_OF]
    for icmp in (rule.icmp, rule.not_icmp):
        if icmp is not None and icmp.type is not None:
            for number in _icmp_protocols(rule):
                out.append(_ip_spec(*protocols.icmp_range(number, icmp.type, icmp.code)))
    return out


def _ip_spec(start: int, end: int) -> PortSpec:
    return PortSpec(protocols.IP, start, end)  # type: ignore[arg-type]


def _icmp_protocols(rule: CalicoRule) -> tuple[int, ...]:
    """The ICMP protocols icmp / notICMP speak of: the rule's own, else ICMP and ICMPv6."""
    return (rule.protocol,) if rule.protocol in protocols.ICMP_LIKE else protocols.ICMP_LIKE  # type: ignore[return-value]


def rule_protocols(rule: CalicoRule, universe: PortSet) -> PortSet:
    """What a rule's protocol, notProtocol, icmp and notICMP let through, within `universe`
    (the input's PortAtoms.universe(): the other protocols only where the input names them).

    A protocol number is the protocol (6 is TCP, 17 UDP, 132 SCTP, as Calico reads them);
    icmp matches only ICMP traffic of that type (and code); notICMP takes only ICMP traffic of
    that type (and code) out, so other protocols still match (Felix's negated match)."""
    out = universe if rule.protocol is None else universe & _protocol_set(rule.protocol)
    if rule.icmp is not None and rule.icmp.type is not None:
        out = out & _icmp_set(rule, rule.icmp)
    if rule.not_protocol is not None:
        out = out - _protocol_set(rule.not_protocol)
    if rule.not_icmp is not None and rule.not_icmp.type is not None:
        out = out - _icmp_set(rule, rule.not_icmp)
    return out


def _protocol_set(number: int) -> PortSet:
    name = _PROTOCOL_OF.get(number)
    if name is not None:
        return PortSet.single(name, 1, 65535)  # type: ignore[arg-type]
    return PortSet([PortRange(protocols.IP, *protocols.block(number))])  # type: ignore[arg-type]


def _icmp_set(rule: CalicoRule, icmp) -> PortSet:
    return PortSet(
        PortRange(protocols.IP, *protocols.icmp_range(n, icmp.type, icmp.code))  # type: ignore[arg-type]
        for n in _icmp_protocols(rule)
    )


# -- labels and selector masks ----------------------------------------------------------------


class CalicoView:
    """Calico's label view of every node and masks of selectors over nodes."""

    def __init__(self, nodes: Nodes, cluster: Cluster) -> None:
        calico = cluster.calico or CalicoResources()
        self.nodes = nodes
        ns_labels = nodes.ns_labels
        accounts = {(a.namespace, a.name): dict(a.labels) for a in calico.service_accounts}
        pod_sets = []
        for e in nodes.reps:
            labels = calico.pod_profile_labels(e.namespace, e.service_account)
            labels.update(
                (f"{NAMESPACE_PREFIX}{k}", v) for k, v in ns_labels.get(e.namespace, {}).items()
            )
            labels[NAMESPACE_PREFIX + LABEL_NAME] = e.namespace
            for k, v in accounts.get((e.namespace, e.service_account), {}).items():
                labels[SERVICE_ACCOUNT_PREFIX + k] = v
            labels[SERVICE_ACCOUNT_PREFIX + LABEL_NAME] = e.service_account
            labels.update(e.labels)
            labels[LABEL_NAMESPACE] = e.namespace
            labels[LABEL_ORCHESTRATOR] = "k8s"
            labels[LABEL_SERVICE_ACCOUNT] = e.service_account
            pod_sets.append(labels)
        self.pod_index = SelectorIndex(pod_sets)
        self.workload = ~nodes.host_network  # hostNetwork pods are host traffic, not endpoints
        set_sets, set_nodes = [], []
        for s in calico.network_sets:
            labels = {}
            if s.namespace is not None:
                labels = {
                    f"{NAMESPACE_PREFIX}{k}": v for k, v in ns_labels.get(s.namespace, {}).items()
                }
                labels[NAMESPACE_PREFIX + LABEL_NAME] = s.namespace
            labels.update(s.labels)
            if s.namespace is not None:
                labels[LABEL_NAMESPACE] = s.namespace
            set_sets.append(labels)
            set_nodes.append(self.nets_mask(s.nets))
        self.hosts: list[tuple[dict[str, str], np.ndarray, bool]] = []
        for host in calico.host_endpoints:
            mask = self.nets_mask([_host_cidr(ip) for ip in host.expected_ips])
            host_labels = calico.host_labels(host)
            set_sets.append(host_labels)
            set_nodes.append(mask)
            self.hosts.append((host_labels, mask, DEFAULT_ALLOW in host.profiles))
        self.set_index = SelectorIndex(set_sets)
        self.set_nodes = np.array(set_nodes, dtype=bool).reshape(len(set_nodes), nodes.n)
        self._cache: dict[Node, np.ndarray] = {}

    def nets_mask(self, nets: Iterable[str]) -> np.ndarray:
        out = np.zeros(self.nodes.n, dtype=bool)
        for cidr in nets:
            out |= self.nodes.block_mask(IPBlock(cidr))
        return out

    def host_subjects(self, node: Node) -> np.ndarray:
        """Nodes of the host endpoints a (global) policy selector selects."""
        out = np.zeros(self.nodes.n, dtype=bool)
        for labels, mask, _ in self.hosts:
            if node.evaluate(labels):
                out |= mask
        return out

    def pods(self, node: Node) -> np.ndarray:
        """Workload pod classes a selector selects (the subjects of policies)."""
        return self.pod_index.mask(node) & self.workload

    def select(self, node: Node) -> np.ndarray:
        """Nodes whose traffic a selector matches: its pods, and the ranges of its sets."""
        found = self._cache.get(node)
        if found is None:
            out = np.zeros(self.nodes.n, dtype=bool)
            out[: self.nodes.pods] = self.pods(node)
            if len(self.set_nodes):
                chosen = self.set_index.mask(node)
                if chosen.any():
                    out |= np.logical_or.reduce(self.set_nodes[chosen], axis=0)
            found = self._cache[node] = out
        return found


# -- Calico's selector scoping (as its policy update processors build them) -------------------


def policy_selector(policy: CalicoPolicy) -> Node:
    """The selector Felix gets for a policy (networkpolicyprocessor / globalnetworkpolicyprocessor)."""
    node = policy.selector.node if policy.selector else None
    if policy.namespace is not None:
        node = conjoin(node, Compare(LABEL_NAMESPACE, "==", policy.namespace))
        if policy.service_account_selector:
            node = conjoin(
                node, policy.service_account_selector.node.prefixed(SERVICE_ACCOUNT_PREFIX)
            )
        return node
    if policy.namespace_selector:
        node = conjoin(node, policy.namespace_selector.node.prefixed(NAMESPACE_PREFIX))
        # Calico replaces every all() of the combined text, the policy's own selector included.
        node = node.replace_all(_IN_NAMESPACE)
    if policy.service_account_selector:
        node = conjoin(node, policy.service_account_selector.node.prefixed(SERVICE_ACCOUNT_PREFIX))
        node = node.replace_all(Has(LABEL_SERVICE_ACCOUNT))
    return node or ALL


def entity_selector(entity: EntityRule, namespace: str | None) -> Node | None:
    """getEndpointSelector: the positive selector of an entity rule, None for "no selector"."""
    ns_node: Node | None = None
    if entity.namespace_selector is not None:
        ns = entity.namespace_selector.node
        if ns.uses_global():
            ns_node = _NOT_NAMESPACED
        else:
            ns_node = ns.prefixed(NAMESPACE_PREFIX).replace_all(_IN_NAMESPACE)
    elif namespace is not None:
        ns_node = Compare(LABEL_NAMESPACE, "==", namespace)
    parts = []
    if entity.service_accounts is not None:
        parts.append(_accounts_selector(entity))
    if entity.selector is not None:
        parts.append(entity.selector.node)
    selector = conjoin(*parts) if parts else None
    if ns_node is not None and (
        selector is not None
        or entity.not_selector is not None
        or entity.namespace_selector is not None
    ):
        return conjoin(ns_node, selector)
    return selector


def _accounts_selector(entity: EntityRule) -> Node:
    sa = entity.service_accounts
    assert sa is not None
    parts: list[Node] = []
    if sa.selector is not None:
        parts.append(sa.selector.node.prefixed(SERVICE_ACCOUNT_PREFIX))
    if sa.names:
        parts.append(InSet(LABEL_SERVICE_ACCOUNT, frozenset(sa.names)))
    return conjoin(*parts) if parts else ALL


# -- rules ------------------------------------------------------------------------------------


@dataclass
class CalicoTierRule(TierRule):
    """A TierRule whose port atoms also subtract notPorts (which may be named)."""

    protocol_mask: int = 0
    not_const: int = 0
    pos_named: tuple[PortSpec, ...] = ()
    not_named: tuple[PortSpec, ...] = ()
    positive: bool = False  # ports given: only they match (else every port of the protocol)

    def mask_at(self, atoms: PortAtoms, named: dict[tuple[str, str], int] | None) -> int:
        if self.positive:
            out = self.const
            for spec in self.pos_named:
                out |= atoms.spec_mask(spec, named)
        else:
            out = self.protocol_mask
        out &= ~self.not_const
        for spec in self.not_named:
            out &= ~atoms.spec_mask(spec, named)
        return out & self.protocol_mask


def protocol_mask(rule: CalicoRule, atoms: PortAtoms) -> int:
    """Atoms of the protocols a rule matches (rule_protocols as a mask)."""
    if (rule.protocol, rule.not_protocol, rule.icmp, rule.not_icmp) == (None, None, None, None):
        return atoms.all_mask
    return atoms.of_portset(rule_protocols(rule, atoms.universe()))


def _port_part(rule: CalicoRule, atoms: PortAtoms) -> dict:
    proto = protocol_mask(rule, atoms)
    name = _PROTOCOL_OF.get(rule.protocol or 0)
    dest = rule.destination
    const = not_const = 0
    pos_named: list[PortSpec] = []
    not_named: list[PortSpec] = []
    for ports, named, is_not in ((dest.ports, pos_named, False), (dest.not_ports, not_named, True)):
        for p in ports:
            if name is None:
                continue
            if p.name is not None:
                named.append(PortSpec(name, p.name))
            elif is_not:
                not_const |= atoms.mask(name, p.first, p.last)
            else:
                const |= atoms.mask(name, p.first, p.last)
    positive = bool(dest.ports)
    final = (const if positive else proto) & ~not_const & proto
    return {
        "const": final,
        "named": tuple(pos_named + not_named),
        "protocol_mask": proto,
        "not_const": not_const,
        "pos_named": tuple(pos_named),
        "not_named": tuple(not_named),
        "positive": positive,
    }


class CalicoCompiler:
    """Compiles Calico policies of one input into TierPolicies over the engine's nodes."""

    def __init__(self, nodes: Nodes, atoms: PortAtoms, cluster: Cluster) -> None:
        self.nodes = nodes
        self.atoms = atoms
        self.view = CalicoView(nodes, cluster)
        self.everything = np.ones(nodes.n, dtype=bool)
        space = nodes.space
        self._v4 = np.ones(nodes.n, dtype=bool)
        self._v6 = np.ones(nodes.n, dtype=bool)
        for k, i in enumerate(space.external_index.tolist()):
            version = space.intervals[i][0]
            self._v4[nodes.pods + k] = version == 4
            self._v6[nodes.pods + k] = version == 6

    def entity(self, entity: EntityRule, policy: CalicoPolicy, rule: CalicoRule) -> np.ndarray:
        """Nodes an entity rule matches (as the peer, or as the subject of the rule)."""
        selector = entity_selector(entity, policy.namespace)
        out = self.everything if selector is None else self.view.select(selector)
        if entity.not_selector is not None:
            out = out & ~self.view.select(entity.not_selector.node)
        if entity.nets:
            out = out & self.view.nets_mask(entity.nets)
        if entity.not_nets:
            out = out & ~self.view.nets_mask(entity.not_nets)
        if entity.services is not None:
            out = np.zeros(self.nodes.n, dtype=bool)  # Services are not read: matches nothing
        if rule.ip_version == 4:
            out = out & self._v4
        elif rule.ip_version == 6:
            out = out & self._v6
        return out

    def policy(self, policy: CalicoPolicy, tier: str) -> list[TierPolicy]:
        """The policy as TierPolicies: one that marks where it applies, then its rules in order,
        in runs that share the same subjects (a rule's own subject side narrows them)."""
        selector = policy_selector(policy)
        selects = self.view.pods(selector)
        on_nodes = np.concatenate([selects, np.zeros(self.nodes.externals, dtype=bool)])
        if policy.is_global and self.view.hosts:
            on_nodes = on_nodes | self.view.host_subjects(selector)  # only GNPs select hosts
            selects = on_nodes[: self.nodes.pods]
        source = policy.source
        ref = PolicyRef(
            policy.kind,
            policy.name,
            tier,
            policy.namespace,
            policy.order,  # type: ignore[arg-type]
            source.file if source else "",
            source.line if source else 0,
        )
        head = TierPolicy(ref, selects, on_nodes, {d: [] for d in policy.types}, source=policy)
        out = [head]
        for direction in ("ingress", "egress"):
            if direction not in policy.types:
                continue
            current: TierPolicy | None = None
            for rule in policy.rules(direction):  # type: ignore[arg-type]
                subject_side = rule.destination if direction == "ingress" else rule.source
                peer_side = rule.source if direction == "ingress" else rule.destination
                narrowed = on_nodes
                if not _subject_free(subject_side):
                    narrowed = on_nodes & self.entity(subject_side, policy, rule)
                if current is None or not np.array_equal(current.on_nodes, narrowed):
                    current = TierPolicy(
                        ref, narrowed[: self.nodes.pods], narrowed, {direction: []}, source=policy
                    )
                    out.append(current)
                current.rules[direction].append(
                    self._rule(policy, tier, direction, rule, self.entity(peer_side, policy, rule))
                )
        return out

    def _rule(
        self,
        policy: CalicoPolicy,
        tier: str,
        direction: Direction,
        rule: CalicoRule,
        match: np.ndarray,
    ) -> CalicoTierRule:
        ports = _port_part(rule, self.atoms)
        source = policy.source
        ref = RuleRef(
            policy_namespace=policy.namespace or "",
            policy_name=policy.name,
            direction=direction,
            rule_index=rule.index,
            file=source.file if source else "",
            line=rule.line,
            kind=_ref_kind(policy),
            tier=tier,
            priority=policy.order,  # type: ignore[arg-type]
            rule_name=rule.name or "",
            action=_ACTIONS[rule.action],
        )
        return CalicoTierRule(
            action=_ACTIONS[rule.action],
            match=match,
            const=ports["const"],
            named=ports["named"],
            ref=ref,
            name=rule.name or "",
            peers=(match,),
            protocol_mask=ports["protocol_mask"],
            not_const=ports["not_const"],
            pos_named=ports["pos_named"],
            not_named=ports["not_named"],
            positive=ports["positive"],
        )


def _ref_kind(policy: CalicoPolicy) -> str:
    # RuleRef kind "NetworkPolicy" means networking.k8s.io/v1 to the rest of the engine.
    return "CalicoNetworkPolicy" if policy.kind == "NetworkPolicy" else policy.kind


def _subject_free(entity: EntityRule) -> bool:
    """Whether a rule's subject side (destination of ingress, source of egress) says nothing
    that could narrow the subjects (ports are matched as destination ports elsewhere)."""
    return (
        entity.selector is None
        and entity.not_selector is None
        and entity.namespace_selector is None
        and entity.service_accounts is None
        and entity.services is None
        and not entity.nets
        and not entity.not_nets
    )
