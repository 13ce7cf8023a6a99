"""Pairs the NetworkPolicy tier cannot shape, on input with cluster-scoped or Calico policies.

Generating replaces the scope's NetworkPolicies only; every other policy stays. So:
- a keep entry that a rule other than a NetworkPolicy denies even where NetworkPolicy allows
  everything (an Admin or Calico Deny before the NetworkPolicy tier, a Calico tier's default,
  a Pass that skips it) cannot be allowed by NetworkPolicy (`cannot_allow`);
- a connection the re-evaluation allows because, on every side the scope holds, a rule other
  than a NetworkPolicy decided Allow (an Admin Accept, a Calico Allow) stays allowed, whatever
  NetworkPolicy says (`stays_allowed`).
A Baseline rule is neither: it applies only where no NetworkPolicy selects, and the generated
default deny selects every pod of the scope. Both come from the engine's decision paths
(Evaluator.explain), per side of the scope, so the rule named is the one that decided.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import yaml

from netviz.engine import Evaluator, protocols
from netviz.engine.ports import PortSet
from netviz.engine.result import DecisionStep, Explanation
from netviz.generate.build import policy_manifest
from netviz.generate.pairs import Piece, Side, piece_of
from netviz.k8s import Limits, load_texts
from netviz.k8s.model import Cluster

PROBE_NAME = "netviz-probe-allow-all"


@dataclass(frozen=True)
class Decided:
    """Ports of a pair that a policy other than a NetworkPolicy decides; `steps`: the deciding
    step of each side the scope holds (egress first). `reason` "domain-name" instead of steps:
    a kept pair with a domainNames endpoint, which no NetworkPolicy rule can name."""

    src: Side
    dst: Side
    ports: PortSet
    steps: tuple[DecisionStep, ...]
    reason: str = ""


def domain_pairs(
    ev: Evaluator, missing: list[tuple[Side, Side, PortSet]]
) -> tuple[list[Decided], list[tuple[Side, Side, PortSet]]]:
    """Missing pairs with a domainNames endpoint (kept, but no NetworkPolicy can name it) or
    missing only ICMP and other protocols besides TCP, UDP and SCTP, and the other missing pairs."""
    domains = {x.id for x in ev.externals if x.domain}
    named, rest = [], []
    for src, dst, ports in missing:
        if src in domains or dst in domains:
            named.append(Decided(src, dst, ports, (), "domain-name"))
        elif all(r.protocol == protocols.IP for r in ports.ranges()):
            named.append(Decided(src, dst, ports, (), "other-protocols"))  # ICMP and the like
        else:
            rest.append((src, dst, ports))
    return named, rest


def is_tiered(cluster: Cluster) -> bool:
    """Whether the input has policies besides NetworkPolicies (the only ones generating replaces)."""
    return bool(cluster.admin_policies) or cluster.calico is not None


def subjects(ev: Evaluator, scope: frozenset[str]) -> set[str]:
    """Endpoints of the scope a generated NetworkPolicy selects (hostNetwork pods never)."""
    return {e.id for e in ev.nodes.endpoints if e.namespace in scope and not e.host_network}


def _sides(ev: Evaluator, side: Side) -> list[tuple[str, Side]]:
    """(endpoint id for explain, the part of `side` it stands for): an address piece is cut at
    the evaluator's own external ranges."""
    if not isinstance(side, Piece):
        return [(side, side)]
    out = []
    for x in ev.externals:
        if x.domain or x.version != side.version:
            continue
        p = piece_of(x)
        start, end = max(p.start, side.start), min(p.end, side.end)
        if start <= end:
            out.append((x.id, Piece(side.version, start, end)))
    return out


def _deciding(
    exp: Explanation, verdict: str, inside: set[str]
) -> dict[str, list[tuple[PortSet, DecisionStep]]]:
    """Per side of the scope ("egress": the source, "ingress": the destination): the ports with
    `verdict` that a step other than a NetworkPolicy's decided, with that step."""
    out: dict[str, list[tuple[PortSet, DecisionStep]]] = {}
    for v, subject in ((exp.egress, exp.src), (exp.ingress, exp.dst)):
        if subject not in inside:
            continue
        found = out.setdefault(v.direction, [])
        for d in v.decisions:
            if d.verdict == verdict and d.steps and d.steps[-1].kind != "NetworkPolicy":
                ports = d.ports & exp.asked
                if not ports.is_empty():
                    found.append((ports, d.steps[-1]))
    return out


def stays_allowed(
    ev: Evaluator, entries: list[tuple[Side, Side, PortSet]], inside: set[str]
) -> list[Decided]:
    """Of the re-evaluation's extra connections, those every side of the scope allows by a rule
    other than a NetworkPolicy: no NetworkPolicy can remove them."""
    out = []
    for src, dst, ports in entries:
        for sid, s in _sides(ev, src):
            for did, d in _sides(ev, dst):
                per_side = _deciding(ev.explain(sid, did, ports), "allow", inside)
                if not per_side:
                    continue  # no side in the scope: nothing generated governs it
                combos: list[tuple[PortSet, tuple[DecisionStep, ...]]] = [(ports, ())]
                for found in per_side.values():
                    combos = [
                        (p & q, steps + (step,))
                        for p, steps in combos
                        for q, step in found
                        if not (p & q).is_empty()
                    ]
                out += [Decided(s, d, p, steps) for p, steps in combos]
    return out


def probe_cluster(cluster: Cluster, scope: frozenset[str]) -> Cluster:
    """The input with the scope's NetworkPolicies replaced by one allowing everything per
    namespace: what stays denied there, NetworkPolicy cannot allow."""
    docs = [
        policy_manifest(ns, PROBE_NAME, {}, ["Ingress", "Egress"], ingress=[{}], egress=[{}])
        for ns in sorted(scope)
    ]
    text = yaml.safe_dump_all(docs, sort_keys=False)
    read = load_texts([("probe.yaml", text)], Limits())
    rest = tuple(p for p in cluster.policies if p.namespace not in scope)
    return replace(cluster, policies=rest + read.policies)


def cannot_allow(
    cluster: Cluster, scope: frozenset[str], entries: list[tuple[Side, Side, PortSet]]
) -> tuple[list[Decided], list[tuple[Side, Side, PortSet]]]:
    """Of keep entries not allowed now, the ports a rule other than a NetworkPolicy denies on a
    side of the scope even where NetworkPolicy allows everything; and the entries' other ports."""
    if not entries:
        return [], []
    ev = Evaluator(probe_cluster(cluster, scope))
    inside = subjects(ev, scope)
    out, rest = [], []
    for src, dst, ports in entries:
        everywhere = ports  # ports decided so on every part of the entry
        for sid, s in _sides(ev, src):
            for did, d in _sides(ev, dst):
                per_side = _deciding(ev.explain(sid, did, ports), "deny", inside)
                seen = PortSet.empty()
                for direction in ("egress", "ingress"):
                    for p, step in per_side.get(direction, ()):
                        if not (p := p - seen).is_empty():
                            out.append(Decided(s, d, p, (step,)))
                            seen = seen | p
                everywhere = everywhere & seen
        if not (left := ports - everywhere).is_empty():
            rest.append((src, dst, left))
    return out, rest
