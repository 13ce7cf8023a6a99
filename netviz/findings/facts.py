"""What the checks ask of one input, computed once: the one place that reads the engine's internals.

The Evaluator's compiled matchers (`nodes`, `compiled`) are used directly; if the engine grows
public hooks for "endpoints a policy selects" or "nodes a peer matches", only this file changes.
"""

from __future__ import annotations

import ipaddress
import weakref
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cached_property
from operator import attrgetter, itemgetter
from weakref import WeakKeyDictionary

import numpy as np

from netviz.engine import Evaluator
from netviz.engine.addresses import parse_network
from netviz.engine.atoms import spec_range
from netviz.engine.peers import CompiledPolicy, CompiledRule, peer_mask
from netviz.engine.ports import PortRange, PortSet
from netviz.engine.rows import ConnectionRow
from netviz.engine.selectors import matches
from netviz.findings.model import Subject
from netviz.k8s.calico.model import CalicoPolicy
from netviz.k8s.model import (
    NS_NAME_LABEL,
    Cluster,
    Direction,
    Endpoint,
    IPBlock,
    LabelSelector,
    Namespace,
    Peer,
    Policy,
    PortSpec,
)

PEER_FIELD = {"ingress": "from", "egress": "to"}


def rule_path(direction: Direction, rule: int) -> str:
    return f"spec.{direction}[{rule}]"


def peer_path(direction: Direction, rule: int, peer: int) -> str:
    return f"{rule_path(direction, rule)}.{PEER_FIELD[direction]}[{peer}]"


def port_path(direction: Direction, rule: int, port: int) -> str:
    return f"{rule_path(direction, rule)}.ports[{port}]"


def policy_subject(policy: Policy, path: str = "", line: int = 0) -> Subject:
    src = policy.source
    return Subject(
        "NetworkPolicy",
        policy.namespace,
        policy.name,
        src.file if src else "",
        line or (src.line if src else 0),
        path,
    )


def endpoint_subject(e: Endpoint) -> Subject:
    src = e.source
    return Subject(e.kind, e.namespace, e.name, src.file if src else "", src.line if src else 0)


def namespace_subject(name: str, ns: Namespace | None) -> Subject:
    src = ns.source if ns is not None else None
    return Subject("Namespace", None, name, src.file if src else "", src.line if src else 0)


def spec_portset(spec: PortSpec, named: dict[tuple[str, str], int] | None) -> PortSet:
    """The ports one `ports` entry stands for at one destination (`named`: its named ports)."""
    span = spec_range(spec, named)
    return PortSet([PortRange(spec.protocol, *span)]) if span else PortSet.empty()


def rule_portset(rule_ports: tuple[PortSpec, ...], named) -> PortSet:
    if not rule_ports:
        return PortSet.all()
    out = PortSet.empty()
    for spec in rule_ports:
        out = out | spec_portset(spec, named)
    return out


def named_ports(e: Endpoint) -> dict[tuple[str, str], int]:
    return {(p.protocol, p.name): p.port for p in reversed(e.ports) if p.name}


def is_open_namespace_selector(selector: LabelSelector, taken: set[str]) -> bool:
    """Whether a namespace created later, with only its metadata.name label, would match.

    Any name not in the input and not named by the selector behaves alike, so one such name
    answers for all of them.
    """
    mentioned = {v for _, v in selector.match_labels}
    mentioned |= {v for r in selector.match_expressions for v in r.values}
    fresh, i = "netviz-new-namespace", 0
    while fresh in taken or fresh in mentioned:
        i += 1
        fresh = f"netviz-new-namespace-{i}"
    return matches(selector, {NS_NAME_LABEL: fresh})


def selector_unsatisfiable(selector: LabelSelector) -> bool:
    """Whether no label set at all can match (e.g. `app: a` together with `app In [b]`)."""
    present: set[str] = set()
    absent: set[str] = set()
    allowed: dict[str, set[str]] = {}
    forbidden: dict[str, set[str]] = {}

    def allow(key: str, values: set[str]) -> None:
        allowed[key] = allowed[key] & values if key in allowed else set(values)
        present.add(key)

    for k, v in selector.match_labels:
        allow(k, {v})
    for r in selector.match_expressions:
        if r.operator == "In":
            allow(r.key, set(r.values))
        elif r.operator == "NotIn":
            forbidden.setdefault(r.key, set()).update(r.values)
        elif r.operator == "Exists":
            present.add(r.key)
        elif r.operator == "DoesNotExist":
            absent.add(r.key)
    if present & absent:
        return True
    return any(not (values - forbidden.get(k, set())) for k, values in allowed.items())


def block_is_empty(block: IPBlock) -> bool:
    """Whether the excepts together cover the whole cidr, so the ipBlock matches no address."""
    net = parse_network(block.cidr)
    if net is None:
        return True
    holes = [n for n in (parse_network(t) for t in block.excepts) if n and n.version == net.version]
    remaining = [net]
    for hole in ipaddress.collapse_addresses(holes):  # type: ignore[type-var]
        nxt = []
        for part in remaining:
            if hole.supernet_of(part):  # type: ignore[arg-type]
                continue
            if part.supernet_of(hole):  # type: ignore[arg-type]
                nxt.extend(part.address_exclude(hole))  # type: ignore[arg-type]
            else:
                nxt.append(part)
        remaining = nxt
    return not remaining


def is_whole_internet(block: IPBlock) -> bool:
    net = parse_network(block.cidr)
    return net is not None and net.prefixlen == 0


@dataclass(frozen=True)
class RuleView:
    """One rule of one policy with its compiled matcher (None when the direction is not in effect)."""

    policy: Policy
    direction: Direction
    index: int
    compiled: CompiledRule | None

    @property
    def rule(self):
        return self.policy.rules(self.direction)[self.index]

    @property
    def effective(self) -> bool:
        return self.compiled is not None


class Facts:
    """One input as the checks see it: endpoints per class, policies with their matchers."""

    @classmethod
    def of(cls, cluster: Cluster, evaluator: Evaluator) -> Facts:
        """The Facts of an evaluator, built once: checks and exposure share the traffic counts."""
        found = _FACTS.get(evaluator)
        if found is None or found.cluster is not cluster:
            found = cls(cluster, evaluator)
            # A strong reference back would keep the evaluator, and so this entry, alive forever.
            found.ev = weakref.proxy(evaluator)
            _FACTS[evaluator] = found
        return found

    def __init__(self, cluster: Cluster, evaluator: Evaluator) -> None:
        self.cluster = cluster
        self.ev = evaluator
        self.view = evaluator.view()  # the engine's public interface
        self.nodes = self.view.classes
        self.compiled = self.view.compiled
        self.pods = self.nodes.pods  # pod classes are node indices 0..pods-1
        self.endpoints: list[Endpoint] = list(self.nodes.endpoints)
        self.class_members: list[list[Endpoint]] = [
            [self.endpoints[i] for i in self.nodes.members[c]] for c in range(self.pods)
        ]
        self.declared: dict[str, Namespace] = {n.name: n for n in cluster.namespaces}
        self.ns_labels = self.nodes.ns_labels
        self._members: dict[bytes, list[Endpoint]] = {}
        self.by_namespace: dict[str, list[Endpoint]] = {}
        for e in self.endpoints:
            self.by_namespace.setdefault(e.namespace, []).append(e)

    # --- policies and rules ---------------------------------------------------------------
    @property
    def compiled_policies(self) -> list[CompiledPolicy]:
        return self.compiled.policies

    def rules(self) -> Iterator[RuleView]:
        """Every rule of every policy, effective or not, in policy order."""
        for cp in self.compiled.policies:
            for direction in ("ingress", "egress"):
                compiled = cp.rules.get(direction)
                for i in range(len(cp.policy.rules(direction))):
                    yield RuleView(cp.policy, direction, i, compiled[i] if compiled else None)

    def selected(self, cp: CompiledPolicy) -> list[Endpoint]:
        return self.members(cp.selects)

    def members(self, class_mask: np.ndarray) -> list[Endpoint]:
        """Endpoints of the pod classes set in a mask over nodes (external nodes are ignored).

        Do not modify the result: masks recur (peers are shared), so answers are cached.
        """
        classes = class_mask[: self.pods]
        key = np.packbits(classes).tobytes()
        found = self._members.get(key)
        if found is None:
            found = []
            for c in np.flatnonzero(classes).tolist():
                found.extend(self.class_members[c])
            found.sort(key=lambda e: e.id)
            self._members[key] = found
        return found

    def host_peer_mask(self, policy: Policy, peer: Peer) -> np.ndarray:
        """Pod classes a peer would match if hostNetwork pods were matched like ordinary pods."""
        return peer_mask(self.nodes, policy, peer, host=True)[: self.pods]

    def namespaces_matching(self, selector: LabelSelector) -> list[str]:
        mask = self.nodes.ns_index.match(selector)
        return [n for n, hit in zip(self.nodes.ns_names, mask.tolist(), strict=True) if hit]

    @cached_property
    def isolated(self) -> dict[Direction, np.ndarray]:
        """Per direction, which pod classes some policy isolates (or, for Calico, governs: a
        Calico policy selects them for that direction)."""
        calico = [
            tp
            for t in self.view.program.tiers
            if not t.union
            for tp in t.policies
            if isinstance(tp.source, CalicoPolicy)
        ]
        out = {}
        for direction in ("ingress", "egress"):
            mask = np.zeros(self.pods, dtype=bool)
            for cp in self.compiled.isolating(direction):
                mask |= cp.selects
            for tp in calico:
                if direction in tp.rules:
                    mask |= tp.selects
            out[direction] = mask
        return out

    @cached_property
    def label_pairs(self) -> dict[str, set[str]]:
        """Namespace → every `key=value` pod label written there (for "did you mean")."""
        out: dict[str, set[str]] = {}
        for e in self.endpoints:
            out.setdefault(e.namespace, set()).update(f"{k}={v}" for k, v in e.labels.items())
        return out

    @cached_property
    def namespace_pairs(self) -> set[str]:
        return {f"{k}={v}" for labels in self.ns_labels.values() for k, v in labels.items()}

    # --- the analysis ---------------------------------------------------------------------
    @cached_property
    def external_ids(self) -> set[str]:
        return {x.id for x in self.ev.externals}

    @cached_property
    def domain_ids(self) -> set[str]:
        """The externals that are domainNames endpoints (netviz.engine.domains)."""
        return {x.id for x in self.ev.externals if x.domain}

    @cached_property
    def traffic(self) -> dict[str, Traffic]:
        """Per endpoint id, who may connect to it and whom it may connect to (itself left out)."""
        out = {e.id: Traffic() for e in self.endpoints}
        conns = self.ev.analysis().connections
        if not conns:
            return out
        # Node numbers from C-level maps, then grouped in numpy: no Python work per connection.
        ids = [e.id for e in self.endpoints]
        ids += sorted(self.external_ids - set(ids))
        number = {i: k for k, i in enumerate(ids)}.__getitem__
        rows = set(map(type, conns)) == {ConnectionRow}
        src_of, dst_of, ports_of = (
            (itemgetter(0), itemgetter(1), itemgetter(2))
            if rows
            else (attrgetter("src"), attrgetter("dst"), attrgetter("ports"))
        )
        count = len(conns)
        src = np.fromiter(map(number, map(src_of, conns)), dtype=np.int64, count=count)
        dst = np.fromiter(map(number, map(dst_of, conns)), dtype=np.int64, count=count)
        ports = list(map(ports_of, conns))
        external = np.arange(len(ids)) >= len(self.endpoints)
        apart = src != dst
        from_ext, to_ext = apart & external[src], apart & ~external[src] & external[dst]
        pods = apart & ~external[src] & ~external[dst]
        _group_into(out, ids, dst[from_ext], src[from_ext], "in_external")
        _group_into(out, ids, src[to_ext], dst[to_ext], "out_external")
        _group_into(out, ids, dst[pods], src[pods], "in_pods")
        _group_into(out, ids, src[pods], dst[pods], "out_pods")
        for mask, key_of, attr in (
            (from_ext, dst, "in_external_ports"),
            (to_ext, src, "out_external_ports"),
        ):
            by_key: dict[int, dict[int, PortSet]] = {}
            for k, at in zip(key_of[mask].tolist(), np.flatnonzero(mask).tolist(), strict=True):
                ps = ports[at]
                by_key.setdefault(k, {})[id(ps)] = ps
            for k, sets in by_key.items():
                setattr(out[ids[k]], attr, PortSet(r for ps in sets.values() for r in ps.ranges()))
        return out


def _group_into(
    out: dict[str, Traffic], ids: list[str], keys: np.ndarray, values: np.ndarray, attr: str
) -> None:
    """Add to each key's Traffic set `attr` the ids of its values."""
    if not len(keys):
        return
    order = np.argsort(keys, kind="stable")
    keys, values = keys[order], values[order]
    starts = np.flatnonzero(np.r_[True, keys[1:] != keys[:-1]])
    ends = np.r_[starts[1:], len(keys)]
    name = ids.__getitem__
    for k, a, b in zip(keys[starts].tolist(), starts.tolist(), ends.tolist(), strict=True):
        getattr(out[ids[k]], attr).update(map(name, values[a:b].tolist()))


_FACTS: WeakKeyDictionary[Evaluator, Facts] = WeakKeyDictionary()


@dataclass
class Traffic:
    in_pods: set[str] = field(default_factory=set)
    in_external: set[str] = field(default_factory=set)
    out_pods: set[str] = field(default_factory=set)
    out_external: set[str] = field(default_factory=set)
    in_external_ports: PortSet = field(default_factory=PortSet.empty)
    out_external_ports: PortSet = field(default_factory=PortSet.empty)
