""" "Allow this": the smallest change that allows a denied pair on the ports asked, and what else
it would open. One new policy on each side that denies now: the destination's ingress (when it is
isolated) and the source's egress (when that is isolated), each selecting its endpoint and
naming the other end as narrowly as labels allow."""

from __future__ import annotations

from dataclasses import dataclass, field

from netviz.engine import Evaluator, protocols
from netviz.engine.ports import PortSet
from netviz.engine.result import ExternalRange
from netviz.generate.blocks import ip_blocks
from netviz.generate.build import policy_manifest, ports_list, selector_dict
from netviz.generate.identify import identities
from netviz.generate.pairs import Piece, connectivity, parse_range, piece_of
from netviz.generate.render import to_yaml
from netviz.k8s.model import NS_NAME_LABEL, Cluster, Direction, Endpoint, Problem
from netviz.whatif.effects import Entry, effect, read_policies, with_policies, without

MAX_NAME = 253


@dataclass(frozen=True)
class Change:
    """One new policy: where it goes, why (direction), and its manifest."""

    namespace: str
    name: str
    direction: Direction
    manifest: dict
    subject: tuple[str, ...]  # endpoints it selects (more than one: identical labels)

    @property
    def yaml(self) -> str:
        return to_yaml(self.manifest)


@dataclass(frozen=True)
class Proposal:
    """What "Allow this" proposes for `src` → `dst` on `asked`.

    `status`: "already-allowed", "proposed", or "impossible" (a side no rule can open: `blockers`
    says which: "source-unnamed" for a hostNetwork source without a host IP).
    `allowed_after`: the asked ports the pair has once the changes are applied.
    """

    src: str
    dst: str
    asked: PortSet
    status: str
    changes: list[Change] = field(default_factory=list)
    opened: list[Entry] = field(default_factory=list)  # other pairs opened too
    closed: list[Entry] = field(default_factory=list)  # pairs that would close (isolation)
    allowed_after: PortSet = field(default_factory=PortSet.empty)
    blockers: tuple[str, ...] = ()
    problems: tuple[Problem, ...] = ()

    @property
    def yaml(self) -> str:
        return "---\n".join(c.yaml for c in self.changes)


def _name(base: str, taken: set[str]) -> str:
    name = base[:MAX_NAME].rstrip("-.")
    n = 2
    while name in taken:
        suffix = f"-{n}"
        name = base[: MAX_NAME - len(suffix)].rstrip("-.") + suffix
        n += 1
    return name


def _label(node: Endpoint | ExternalRange) -> str:
    return node.name if isinstance(node, Endpoint) else node.start.replace(":", "-")


def _ports_slug(asked: PortSet) -> str:
    if asked.is_all():
        return "all"
    r = next(asked.ranges())
    more = "-more" if len(list(asked.ranges())) > 1 else ""
    span = (
        ""
        if (r.start, r.end) == (1, 65535)
        else f"-{r.start}" + (f"-{r.end}" if r.end > r.start else "")
    )
    return f"{r.protocol.lower()}{span}{more}"


class _Peers:
    def __init__(self, ev: Evaluator) -> None:
        self.ident = identities(ev.nodes.endpoints)

    def peer(self, node: Endpoint | ExternalRange) -> list[dict] | None:
        """The other end as narrowly as it can be named; None when no peer can name it."""
        if isinstance(node, ExternalRange):
            if node.domain:
                return None  # a domainNames endpoint: a NetworkPolicy cannot name it
            blocks = ip_blocks([piece_of(node)])
        elif node.host_network:
            piece = parse_range(f"{node.host_ip}-{node.host_ip}") if node.host_ip else None
            if piece is None:
                return None
            blocks = ip_blocks([piece])
        else:
            return [
                {
                    "namespaceSelector": {"matchLabels": {NS_NAME_LABEL: node.namespace}},
                    "podSelector": selector_dict(self.ident[node.id].selector),
                }
            ]
        return [
            {"ipBlock": {"cidr": cidr, **({"except": list(ex)} if ex else {})}}
            for cidr, ex in blocks
        ]


def allow(ev: Evaluator, src: str, dst: str, asked: PortSet | None = None) -> Proposal:
    """The proposal for one pair (ids or anything Evaluator.resolve takes); raises UnknownEndpoint."""
    src_id, dst_id = ev.resolve(src), ev.resolve(dst)
    a, b = ev.endpoint(src_id), ev.endpoint(dst_id)
    asked = ev.universe() if asked is None else asked
    explanation = ev.explain(src_id, dst_id, asked)
    if asked.issubset(explanation.allowed):
        return Proposal(src_id, dst_id, asked, "already-allowed", allowed_after=explanation.allowed)
    peers = _Peers(ev)
    taken = {p.name for p in ev.cluster.policies}
    changes: list[Change] = []
    blockers: list[str] = []
    sides = (
        ("ingress", b, a, explanation.ingress),
        ("egress", a, b, explanation.egress),
    )
    for direction, subject, other, verdict in sides:
        if not isinstance(subject, Endpoint) or not verdict.isolated:
            continue  # an external range, a hostNetwork pod or an open side: nothing to open
        if asked.issubset(verdict.allowed):
            continue
        named = peers.peer(other)
        if named is None:
            blockers.append("source-unnamed" if direction == "ingress" else "destination-unnamed")
            continue
        ident = peers.ident[subject.id]
        base = (
            f"allow-{_label(other)}-to-{_label(subject)}"
            if direction == "ingress"
            else f"allow-{_label(subject)}-to-{_label(other)}"
        )
        name = _name(f"{base}-{_ports_slug(asked)}-{direction}", taken)
        taken.add(name)
        rule: dict = {"from" if direction == "ingress" else "to": named}
        entries = ports_list(asked)
        if entries is not None and asked.protocol_ranges(protocols.IP):
            entries = None  # ICMP and the like: a rule allows them only with every port
        if entries is not None:
            rule["ports"] = entries
        manifest = policy_manifest(
            subject.namespace,
            name,
            selector_dict(ident.selector),
            [direction.capitalize()],
            **{direction: [rule]},
        )
        changes.append(Change(subject.namespace, name, direction, manifest, ident.members))
    if blockers:
        return Proposal(src_id, dst_id, asked, "impossible", changes, blockers=tuple(blockers))
    new, problems = read_policies({f"{c.namespace}-{c.name}.yaml": c.yaml for c in changes})
    before = connectivity(ev.analysis())
    result = effect(before, with_policies(ev.cluster, (*ev.cluster.policies, *new)))
    after = _pair_ports(result.after, src_id, dst_id)
    return Proposal(
        src_id,
        dst_id,
        asked,
        "proposed",
        changes,
        opened=without(result.opened, src_id, dst_id, asked),
        closed=result.closed,
        allowed_after=after & asked,
        problems=problems,
    )


def _pair_ports(pairs, src: str, dst: str) -> PortSet:
    out = PortSet.empty()
    for (s, d), ports in pairs.items():
        sid = s.id if isinstance(s, Piece) else s
        did = d.id if isinstance(d, Piece) else d
        if (sid, did) == (src, dst):
            out |= ports
    return out


__all__ = ["Change", "Cluster", "Proposal", "allow"]
