"""Decision paths for inputs with Calico resources: Calico's tiers, one pair at a time.

Scalar like netviz.engine.paths (typed policies, PortSets), so it cross-checks the vectorised
program: tiers in Felix's order; in each, the policies in order (Calico's own, plus the
Kubernetes NetworkPolicies in `default` at order 1000 and the cluster-scoped policies in
kube-admin / kube-baseline); the first matching rule decides, Pass leaves the tier, Log goes on;
a tier that applied and decided nothing takes its defaultAction; after the last tier, allow.
"""

from __future__ import annotations

from collections.abc import Sequence

from netviz.engine.addresses import block_contains
from netviz.engine.calico import (
    DEFAULT_ALLOW,
    FAILSAFE_IN,
    FAILSAFE_OUT,
    entity_selector,
    policy_selector,
    rule_protocols,
)
from netviz.engine.explain import Explainer, Node, named_ports
from netviz.engine.paths import PathFinder, node_key
from netviz.engine.ports import PortRange, PortSet
from netviz.engine.result import Decision, DecisionStep, ExternalRange
from netviz.k8s.calico.model import (
    DEFAULT_TIER,
    K8S_POLICY_ORDER,
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
    PortMatch,
)
from netviz.k8s.calico.selector import Node as Selector
from netviz.k8s.model import Cluster, Direction, Endpoint, IPBlock, Policy
from netviz.k8s.tiermodel import AdminPolicy, NodeObject

_PROTOCOL = {6: "TCP", 17: "UDP", 132: "SCTP"}
_ENGINE_TIER = {"kube-admin": "Admin", "kube-baseline": "Baseline"}


class CalicoPaths(PathFinder):
    """PathFinder over Calico's tiers; admin and Kubernetes policies keep their own matching."""

    def __init__(
        self,
        explainer: Explainer,
        admin: Sequence[AdminPolicy],
        node_objects: Sequence[NodeObject],
        cluster: Cluster,
    ) -> None:
        super().__init__(explainer, admin, node_objects)
        self.calico = cluster.calico or CalicoResources()
        self.accounts = {
            (a.namespace, a.name): dict(a.labels) for a in self.calico.service_accounts
        }
        self.k8s = sorted(cluster.policies, key=lambda p: (p.namespace, p.name))
        self.label_cache: dict[str, dict[str, str]] = {}
        self._hosts: list = []

    # --- Calico's view of a node ----------------------------------------------------------
    def labels(self, node: Endpoint) -> dict[str, str]:
        found = self.label_cache.get(node.id)
        if found is None:
            ns = node.namespace
            found = self.calico.pod_profile_labels(ns, node.service_account)
            found.update(
                (f"{NAMESPACE_PREFIX}{k}", v) for k, v in self.np.ns_labels.get(ns, {}).items()
            )
            found[NAMESPACE_PREFIX + LABEL_NAME] = ns
            for k, v in self.accounts.get((ns, node.service_account), {}).items():
                found[SERVICE_ACCOUNT_PREFIX + k] = v
            found[SERVICE_ACCOUNT_PREFIX + LABEL_NAME] = node.service_account
            found.update(node.labels)
            found[LABEL_NAMESPACE] = ns
            found[LABEL_ORCHESTRATOR] = "k8s"
            found[LABEL_SERVICE_ACCOUNT] = node.service_account
            self.label_cache[node.id] = found
        return found

    def set_labels(self, node: Node) -> list[dict[str, str]]:
        """Labels of every network set (and host endpoint) holding a node's address."""
        out = []
        for s in self.calico.network_sets:
            if not any(_inside(IPBlock(c), node) for c in s.nets):
                continue
            labels: dict[str, str] = {}
            if s.namespace is not None:
                ns_labels = self.np.ns_labels.get(s.namespace, {})
                labels = {f"{NAMESPACE_PREFIX}{k}": v for k, v in ns_labels.items()}
                labels[NAMESPACE_PREFIX + LABEL_NAME] = s.namespace
            labels.update(s.labels)
            if s.namespace is not None:
                labels[LABEL_NAMESPACE] = s.namespace
            out.append(labels)
        for h in self.calico.host_endpoints:
            if any(_inside(IPBlock(_host(ip)), node) for ip in h.expected_ips):
                out.append(self.calico.host_labels(h))
        return out

    def selected(self, selector: Selector, node: Node) -> bool:
        if self.workload(selector, node):
            return True
        return any(selector.evaluate(labels) for labels in self.set_labels(node))

    def workload(self, selector: Selector, node: Node) -> bool:
        return (
            isinstance(node, Endpoint)
            and not node.host_network
            and selector.evaluate(self.labels(node))
        )

    def subject_of(self, p: CalicoPolicy, node: Node) -> bool:
        selector = policy_selector(p)
        if self.workload(selector, node):
            return True
        return p.is_global and any(
            selector.evaluate(self.calico.host_labels(h)) for h in self._hosts
        )

    def entity(self, e: EntityRule, p: CalicoPolicy, rule: CalicoRule, node: Node) -> bool:
        selector = entity_selector(e, p.namespace)
        if selector is not None and not self.selected(selector, node):
            return False
        if e.not_selector is not None and self.selected(e.not_selector.node, node):
            return False
        if e.nets and not any(_inside(IPBlock(c), node) for c in e.nets):
            return False
        if e.not_nets and any(_inside(IPBlock(c), node) for c in e.not_nets):
            return False
        if e.services is not None:
            return False
        if rule.ip_version and isinstance(node, ExternalRange):
            return node.version == rule.ip_version
        return True

    def calico_ports(self, rule: CalicoRule, dst: Node) -> PortSet:
        out = rule_protocols(rule, self.np.universe)
        name = _PROTOCOL.get(rule.protocol or 0)
        if name is None:
            return out
        named = named_ports(dst)
        d = rule.destination
        if d.ports:
            out = out & _port_set(d.ports, name, named)
        if d.not_ports:
            out = out - _port_set(d.not_ports, name, named)
        return out

    # --- paths ----------------------------------------------------------------------------
    def hosts_of(self, node: Node) -> list:
        """The host endpoints whose expected IPs a node's address is (an external range, or a
        hostNetwork pod by its host IP)."""
        return [
            h
            for h in self.calico.host_endpoints
            if any(_inside(IPBlock(_host(ip)), node) for ip in h.expected_ips)
        ]

    def path_tiers(self):
        return self.calico.tiers

    def before_tiers(self, direction, subject, segments, out):
        """Felix's failsafe ports on a host endpoint are open before any policy."""
        self._hosts = self.hosts_of(subject)
        if not self._hosts or not segments:
            return segments
        failsafe = FAILSAFE_IN if direction == "ingress" else FAILSAFE_OUT
        open_ = PortSet([PortRange(p, n, n) for p, n in failsafe])  # type: ignore[arg-type]
        hit = segments[0][0] & open_
        if hit.is_empty():
            return segments
        step = DecisionStep("failsafe", "HostEndpoint", "failsafe", None, direction, 0, "", "allow")
        out.append(Decision(hit, (step,), "allow"))
        left = segments[0][0] - hit
        return [(left, ())] if not left.is_empty() else []

    def after_step(self, direction):
        """A host endpoint without the default-allow profile denies what no tier decided."""
        hosts = self._hosts
        if hosts and any(DEFAULT_ALLOW not in h.profiles for h in hosts):
            return DecisionStep(
                "host-endpoint-default",
                "HostEndpoint",
                hosts[0].name,
                None,
                direction,
                None,
                "",
                "isolation",
            )
        return None

    def subject_state(self, subject: Node) -> tuple:
        """The host endpoints of the subject, by position (failsafe ports, the host default)."""
        held = {id(h) for h in self.hosts_of(subject)}
        return tuple(i for i, h in enumerate(self.calico.host_endpoints) if id(h) in held)

    def begin(self, direction, subject: Node) -> None:
        self._hosts = self.hosts_of(subject)

    def tier_end(self, tier, direction, subject, applied):
        """A Calico tier that applied and decided nothing: its defaultAction."""
        action = "isolation" if tier.default_action == "Deny" else "pass"
        return DecisionStep(tier.name, "Tier", tier.name, None, direction, None, "", action)

    def _entries(self, tier: str) -> list[tuple[tuple[float, str], object]]:
        entries: list[tuple[tuple[float, str], object]] = [
            (p.sort_key, p) for p in self.calico.policies if p.tier == tier
        ]
        if tier == DEFAULT_TIER:
            entries += [
                ((K8S_POLICY_ORDER, f"{k.namespace}/knp.default.{k.name}"), k) for k in self.k8s
            ]
        engine_tier = _ENGINE_TIER.get(tier)
        if engine_tier is not None:
            entries += [
                ((float(a.priority) if a.priority is not None else float("inf"), a.name), a)
                for a in self.tiers.get(engine_tier, ())
            ]
        entries.sort(key=lambda item: item[0])
        return entries

    def tier_policies(self, tier, direction, subject: Node) -> list:
        return self.applying(tier.name, direction, subject)

    def policy_rules(self, tier, p, direction, subject, other, dst, undecided: PortSet):
        if isinstance(p, CalicoPolicy):
            return self.calico_rules(p, tier.name, direction, subject, other, dst, undecided)
        if isinstance(p, Policy):
            return self.np_rules(p, tier.name, direction, other, dst, undecided)
        return self.admin_rules(p, direction, other, dst, undecided)

    def applying(self, tier: str, direction, subject: Node) -> list:
        """The tier's entries (in order) that select `subject` for `direction`."""
        return self.remembered(
            self._subjects,
            (tier, direction, node_key(subject)),
            lambda: self._applying(tier, direction, subject),
        )

    def _applying(self, tier: str, direction, subject: Node) -> list:
        # The NetworkPolicies isolating the subject are found once and placed by their
        # position in the tier; only the tier's other entries are tried one by one.
        others, position = _split_entries(self, tier)
        picked = [
            (position[id(p)], p) for p in self.np.isolating(subject, direction) if id(p) in position
        ]
        picked += [(i, p) for i, p in others if self._applies(p, direction, subject)]
        picked.sort(key=lambda item: item[0])
        return [p for _, p in picked]

    def _applies(self, p, direction, subject: Node) -> bool:
        """Whether a Calico or cluster-scoped policy of a tier applies (NetworkPolicies: above)."""
        if isinstance(p, CalicoPolicy):
            return direction in p.types and self.subject_of(p, subject)
        return self.in_pod_set(p.subject, subject)

    def calico_rules(self, p: CalicoPolicy, tier: str, direction, subject, other, dst, undecided):
        decided: list[tuple[PortSet, DecisionStep, str]] = []
        for rule in p.rules(direction):
            subject_side = rule.destination if direction == "ingress" else rule.source
            peer_side = rule.source if direction == "ingress" else rule.destination
            if not self.entity(subject_side, p, rule, subject):
                continue
            if not self.remembered(
                self._peers,
                (id(peer_side), id(p), id(rule), node_key(other)),
                lambda: self.entity(peer_side, p, rule, other),  # noqa: B023 (called at once)
            ):
                continue
            hit = undecided & self.calico_ports(rule, dst)
            if hit.is_empty() or rule.action == "Log":
                continue
            undecided = undecided - hit
            decided.append((hit, _calico_step(p, tier, direction, rule), rule.action.lower()))
        return decided, undecided


def _per_tier(finder: CalicoPaths, cache: str, tier: str, make):
    """make(tier), made once per finder and tier (kept in the finder under `cache`)."""
    store = finder.__dict__.setdefault(cache, {})
    found = store.get(tier)
    if found is None:
        found = store[tier] = make(tier)
    return found


def _entries_cached(finder: CalicoPaths, tier: str):
    return _per_tier(finder, "_entry_cache", tier, finder._entries)


def _split_entries(finder: CalicoPaths, tier: str) -> tuple[list, dict[int, int]]:
    """A tier's entries as ([(position, entry)] of those not NetworkPolicies, NetworkPolicy
    id -> position)."""

    def split(tier: str) -> tuple[list, dict[int, int]]:
        others, position = [], {}
        for i, (_, p) in enumerate(_entries_cached(finder, tier)):
            if isinstance(p, Policy) and not isinstance(p, CalicoPolicy):
                position[id(p)] = i
            else:
                others.append((i, p))
        return others, position

    return _per_tier(finder, "_split_cache", tier, split)


def _calico_step(
    p: CalicoPolicy, tier: str, direction: Direction, rule: CalicoRule
) -> DecisionStep:
    kind = "CalicoNetworkPolicy" if p.kind == "NetworkPolicy" else p.kind
    return DecisionStep(
        tier,
        kind,
        p.id if p.namespace is not None else f"{p.kind}/{p.name}",
        p.order,  # type: ignore[arg-type]
        direction,
        rule.index,
        rule.name or "",
        rule.action.lower(),
        p.source.file if p.source else "",
        rule.line,
    )


def _port_set(ports: tuple[PortMatch, ...], protocol: str, named) -> PortSet:
    out = PortSet.empty()
    for m in ports:
        if m.name is None:
            out = out | PortSet.single(protocol, m.first, m.last)  # type: ignore[arg-type]
        elif named and (protocol, m.name) in named:
            port = named[(protocol, m.name)]
            out = out | PortSet.single(protocol, port)  # type: ignore[arg-type]
    return out


def _host(ip: str) -> str:
    return f"{ip}/128" if ":" in ip else f"{ip}/32"


def _inside(block: IPBlock, node: Node) -> bool:
    if isinstance(node, ExternalRange):
        return block_contains(block, node.start)
    return bool(node.host_network and node.host_ip) and block_contains(block, node.host_ip)


def calico_explanation(exp):
    """An Explanation in Calico's terms: a side is "isolated" where some tier applied to it,
    and its decision path replaces the NetworkPolicy-only allowed-by / denied-by lists."""
    from dataclasses import replace

    sides = {}
    for v in (exp.egress, exp.ingress):
        if not v.decisions:
            sides[v.direction] = v
            continue
        applied = any(d.steps for d in v.decisions)
        sides[v.direction] = replace(v, isolated=applied, allowed_by=(), denied_by=())
    return replace(exp, egress=sides["egress"], ingress=sides["ingress"])
