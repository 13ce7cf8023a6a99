"""Decision paths, one pair at a time: which tier looked, which rule decided, per port range.

Deliberately scalar (typed policies, PortSets, no masks) so it also cross-checks the vectorised
evaluation. Tiers in order: Admin (cluster-scoped policies by priority, then the documented tie
order), NetworkPolicy (its rules in policy and rule order; the first allowing rule is named),
Baseline; after the last tier, allow.
"""

from __future__ import annotations

from collections.abc import Sequence

from netviz.engine.addresses import block_contains
from netviz.engine.atoms import spec_range
from netviz.engine.domains import covers, normalise
from netviz.engine.domains import pair_caveats as domain_pair_caveats
from netviz.engine.explain import Explainer, Node, named_ports
from netviz.engine.ports import PortSet
from netviz.engine.result import Decision, DecisionStep, ExternalRange, RuleRef
from netviz.engine.selectors import matches
from netviz.engine.tiered_caveats import pair_caveats
from netviz.k8s.model import Direction, Endpoint, IPBlock, Policy
from netviz.k8s.tiermodel import BANP, AdminPeer, AdminPolicy, AdminRule, NodeObject, PodSet

Segment = tuple[PortSet, tuple[DecisionStep, ...]]
MEMO_SIZE = 1_000_000  # remembered lookups per table before it is cleared (memory bound)


def node_key(node: Node):
    """A node as a memo key: an endpoint by its id, an address range by its value (a range may be
    made for one question, so never by object identity). Rules and peers are keyed by identity:
    they live as long as the input."""
    return node.id if isinstance(node, Endpoint) else node


class PathFinder:
    """Decision paths over the Admin → NetworkPolicy → Baseline program of one input."""

    def __init__(
        self,
        explainer: Explainer,
        admin: Sequence[AdminPolicy],
        node_objects: Sequence[NodeObject] = (),
    ) -> None:
        self.np = explainer
        self.tiers = {
            t: sorted((p for p in admin if p.tier == t), key=lambda p: p.sort_key)
            for t in ("Admin", "Baseline")
        }
        self.node_objects = node_objects
        # Pure lookups asked again for every pair an endpoint is in (grants of every cell of a
        # big review): the policies whose subject an endpoint is, per tier, and peer matches.
        # `memo` off gives the plain path (tests compare the two).
        self.memo = True
        self._subjects: dict[tuple, list] = {}
        self._peers: dict[tuple[int, int], bool] = {}

    def remembered(self, table: dict, key, compute):
        """compute() once per key while `memo` is on; the peer table is bounded by clearing."""
        if not self.memo:
            return compute()
        found = table.get(key)
        if found is None:
            if len(table) >= MEMO_SIZE:
                table.clear()
            found = table[key] = compute()
        return found

    # --- matching -------------------------------------------------------------------------
    def in_pod_set(self, pod_set: PodSet, node: Node) -> bool:
        if isinstance(node, ExternalRange) or node.host_network:
            return False
        ns_labels = self.np.ns_labels.get(node.namespace, {})
        if not matches(pod_set.namespace_selector, ns_labels):
            return False
        return pod_set.pod_selector is None or matches(pod_set.pod_selector, node.labels)

    def peer_matches(self, peer: AdminPeer, other: Node) -> bool:
        return self.remembered(
            self._peers, (id(peer), node_key(other)), lambda: self._peer_matches(peer, other)
        )

    def _peer_matches(self, peer: AdminPeer, other: Node) -> bool:
        if peer.kind in ("namespaces", "pods"):
            return peer.pods is not None and self.in_pod_set(peer.pods, other)
        if peer.kind == "networks":
            return any(_in_block(b, other) for b in peer.networks)
        if peer.kind == "nodes" and peer.nodes is not None:
            ips = {
                ip for n in self.node_objects if matches(peer.nodes, n.labels) for ip in n.addresses
            }
            return any(_in_block(IPBlock(_host_cidr(ip)), other, pod_ips=False) for ip in ips)
        if peer.kind == "domainNames" and isinstance(other, ExternalRange) and other.domain:
            return any(covers(normalise(d), other.domain) for d in peer.domains)
        return False

    def rule_ports(self, rule: AdminRule, dst: Node) -> PortSet:
        if rule.ports is None:
            return self.np.universe
        named = named_ports(dst)
        out = PortSet.empty()
        for spec in rule.ports:
            span = spec_range(spec, named)
            if span:
                out |= PortSet.single(spec.protocol, *span)
        return out

    # --- paths ----------------------------------------------------------------------------
    def decide(
        self, direction: Direction, subject: Node, other: Node, dst: Node, asked: PortSet
    ) -> list[Decision]:
        """The decisions covering `asked` for one direction, in port order of their first part:
        the program's tiers in order (path_tiers), each run by run_tier and closed by tier_end;
        what no tier decided is allowed (or what after_tiers() says)."""
        out: list[Decision] = []
        segments: list[Segment] = [(asked, ())] if not asked.is_empty() else []
        segments = self.before_tiers(direction, subject, segments, out)
        for tier in self.path_tiers():
            nxt: list[Segment] = []
            for ports, prefix in segments:
                decided, left, applied = self.run_tier(tier, direction, subject, other, dst, ports)
                for part, step, verdict in decided:
                    if verdict == "pass":
                        nxt.append((part, (*prefix, step)))
                    else:
                        out.append(Decision(part, (*prefix, step), verdict))  # type: ignore[arg-type]
                if left.is_empty():
                    continue
                end = self.tier_end(tier, direction, subject, applied) if applied else None
                if end is None:
                    nxt.append((left, prefix))
                elif end.action == "pass":
                    nxt.append((left, (*prefix, end)))
                else:
                    out.append(Decision(left, (*prefix, end), "deny"))
            segments = nxt
        return out + self.after_tiers(direction, segments)

    # The program, as decide() walks it; CalicoPaths has Calico's tiers instead.
    def path_tiers(self) -> Sequence:
        return ("Admin", "NetworkPolicy", "Baseline")

    def before_tiers(self, direction, subject, segments: list[Segment], out: list[Decision]):
        """What is decided before the first tier (nothing here; failsafe ports for Calico)."""
        return segments

    def after_tiers(self, direction, segments: list[Segment]) -> list[Decision]:
        """What no tier decided: allowed, or denied by after_step() where it names a step."""
        step = self.after_step(direction)
        if step is None:
            return [Decision(ports, prefix, "allow") for ports, prefix in segments]
        return [Decision(ports, (*prefix, step), "deny") for ports, prefix in segments]

    def after_step(self, direction) -> DecisionStep | None:
        """The step denying what no tier decided; None: it is allowed."""
        return None

    # What a side's path depends on besides the tiers' own signatures (netviz.engine.tier_grants).
    def subject_state(self, subject: Node) -> tuple:
        """A key of the subject's state that before_tiers and after_step read (none here)."""
        return ()

    def begin(self, direction, subject: Node) -> None:
        """Make run_tier ready for `subject` without before_tiers (nothing to do here)."""

    def run_tier(self, tier, direction, subject, other, dst, ports: PortSet):
        """(decided parts with their step and verdict, what is left, whether the tier applied):
        the policies that apply, in order, each by policy_rules over what is still undecided."""
        decided: list[tuple[PortSet, DecisionStep, str]] = []
        undecided, applied = ports, False
        for p in self.tier_policies(tier, direction, subject):
            if undecided.is_empty():
                break
            applied = True
            found, undecided = self.policy_rules(tier, p, direction, subject, other, dst, undecided)
            decided += found
        return decided, undecided, applied

    def tier_policies(self, tier, direction, subject: Node) -> list:
        """The tier's policies (in order) that apply to `subject` in `direction`."""
        if tier == "NetworkPolicy":
            return self.remembered(
                self._subjects,
                (tier, direction, node_key(subject)),
                lambda: self.np.isolating(subject, direction),
            )
        return self.subjects_of(tier, subject)

    def policy_rules(self, tier, p, direction, subject, other, dst, undecided: PortSet):
        """One policy's rules in order over `undecided`: (decided parts, what is left)."""
        if tier == "NetworkPolicy":
            return self.np_rules(p, tier, direction, other, dst, undecided)
        return self.admin_rules(p, direction, other, dst, undecided)

    def subjects_of(self, tier: str, subject: Node) -> list[AdminPolicy]:
        """The tier's policies (in order) whose subject `subject` is."""
        return self.remembered(
            self._subjects,
            (tier, node_key(subject)),
            lambda: [p for p in self.tiers[tier] if self.in_pod_set(p.subject, subject)],
        )

    def tier_end(self, tier, direction, subject, applied: bool) -> DecisionStep | None:
        """The step of what a tier that applied and decided nothing does: NetworkPolicy
        isolates (named after the first selecting policy); the admin tiers go on."""
        if tier != "NetworkPolicy":
            return None
        first = self.np.isolating(subject, direction)[0]
        return DecisionStep(
            "NetworkPolicy",
            "NetworkPolicy",
            first.id,
            None,
            direction,
            None,
            "",
            "isolation",
            first.source.file if first.source else "",
            first.source.line if first.source else 0,
        )

    # --- one policy's rules, in order: the first that matches a part decides it --------------
    def admin_rules(self, p: AdminPolicy, direction, other, dst, undecided: PortSet):
        decided: list[tuple[PortSet, DecisionStep, str]] = []
        for i, rule in enumerate(p.rules(direction)):
            if not any(self.peer_matches(peer, other) for peer in rule.peers):
                continue
            hit = undecided & self.rule_ports(rule, dst)
            if hit.is_empty():
                continue
            undecided = undecided - hit
            decided.append((hit, admin_step(p, direction, i, rule), rule.action))
        return decided, undecided

    def np_rules(self, p: Policy, tier: str, direction, other, dst, undecided: PortSet):
        decided: list[tuple[PortSet, DecisionStep, str]] = []
        for ri, rule in enumerate(p.rules(direction)):
            if self.np.first_peer(p, rule, other) is False:
                continue
            covered = PortSet.empty()
            for _, entry in self.np.rule_ports(rule, dst):
                covered |= entry
            hit = undecided & covered
            if hit.is_empty():
                continue
            undecided = undecided - hit
            step = DecisionStep(
                tier,
                "NetworkPolicy",
                p.id,
                None,
                direction,
                ri,
                "",
                "allow",
                p.source.file if p.source else "",
                rule.line,
            )
            decided.append((hit, step, "allow"))
        return decided, undecided


def admin_step(p: AdminPolicy, direction: Direction, index: int, rule: AdminRule) -> DecisionStep:
    return DecisionStep(
        p.tier,
        p.kind,
        p.id,
        None if p.kind == BANP else p.priority,
        direction,
        index,
        rule.name,
        rule.action,
        p.source.file if p.source else "",
        rule.line,
    )


def step_ref(step: DecisionStep) -> RuleRef:
    """The RuleRef of a deciding rule step (for grants)."""
    if step.kind == "NetworkPolicy":
        ns, _, name = step.policy.partition("/")
        return RuleRef(
            ns, name, step.direction, step.rule_index or 0, None, None, step.file, step.line
        )
    return RuleRef(
        "",
        step.policy.split("/", 1)[-1],  # "Kind/name"; Felix's failsafe step is "failsafe"
        step.direction,
        step.rule_index or 0,
        None,
        None,
        step.file,
        step.line,
        kind=step.kind,
        tier=step.tier,
        priority=step.priority,
        rule_name=step.rule_name,
        action=step.action,
    )


def _host_cidr(ip: str) -> str:
    return f"{ip}/128" if ":" in ip else f"{ip}/32"


def _in_block(block: IPBlock, node: Node, pod_ips: bool = True) -> bool:
    """networks / nodes matching: an external range inside, a hostNetwork pod by host IP, and
    (networks only) a pod by a known pod IP."""
    if isinstance(node, ExternalRange):  # a domain endpoint has no address
        return not node.domain and block_contains(block, node.start)
    assert isinstance(node, Endpoint)
    if node.host_network:
        return bool(node.host_ip) and block_contains(block, node.host_ip)
    return pod_ips and any(block_contains(block, ip) for ip in node.pod_ips)


def with_decisions(finder: PathFinder, exp, src: Node, dst: Node):
    """The Explanation with each side's decision path, and its allowed ports from that path."""
    from dataclasses import replace

    if src is dst and isinstance(src, Endpoint) and src.kind == "Pod":
        return exp  # loopback: no policy applies
    sides = {}
    for v, subject, other in ((exp.egress, src, dst), (exp.ingress, dst, src)):
        shown = finder.decide(v.direction, subject, other, dst, exp.asked)
        whole = (
            shown
            if exp.asked.is_all()
            else finder.decide(v.direction, subject, other, dst, finder.np.universe)
        )
        allowed = PortSet.empty()
        for d in whole:
            if d.verdict == "allow":
                allowed |= d.ports
        caveats = v.caveats
        if v.direction == "egress":
            selecting = [
                p for t in finder.tiers.values() for p in t if finder.in_pod_set(p.subject, src)
            ]
            caveats += tuple(pair_caveats(selecting, selecting, dst))
            caveats += tuple(domain_pair_caveats(dst))
        sides[v.direction] = replace(v, allowed=allowed, decisions=tuple(shown), caveats=caveats)
    eg, ing = sides["egress"], sides["ingress"]
    return replace(exp, egress=eg, ingress=ing, allowed=eg.allowed & ing.allowed & exp.asked)
