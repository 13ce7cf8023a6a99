"""Least-privilege NetworkPolicies from connectivity: default deny per namespace, then allow rules
for exactly the connections kept, checked by evaluating the generated set again. No Django.

    result = generate(cluster, keep=None, namespace=None, dns=True)
    result.files                      {"<namespace>.yaml": YAML text}
    result.check                      Check: the re-evaluation's difference from the kept set

Only the input's NetworkPolicies of the scope are replaced: cluster-scoped and Calico policies
stay, and the check evaluates the generated set with them (see netviz.generate.tiers).
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from netviz.engine import Evaluator
from netviz.generate.build import Builder, Note, Plan
from netviz.generate.kept import KeepEntry, Selection, select
from netviz.generate.pairs import Difference, Pairs, Piece, Side, connectivity, difference
from netviz.generate.render import files as render_files
from netviz.generate.tiers import (
    Decided,
    cannot_allow,
    domain_pairs,
    is_tiered,
    stays_allowed,
    subjects,
)
from netviz.k8s import Limits, load_texts
from netviz.k8s.model import Cluster, Problem

GENERATED_LIMITS = replace(Limits(), max_total_bytes=1 << 30, max_documents=1_000_000)


class NoSuchNamespace(ValueError):
    """The namespace asked for has no endpoint in the input."""


@dataclass(frozen=True)
class Check:
    """The generated set evaluated again with the workloads, against what it had to give.

    `difference.extra` / `.missing`: pairs it allows too / does not allow, with `reasons` per
    entry (codes: "same-labels", "host-network", "host-network-no-ip"); `problems`: the reader's
    errors about the generated YAML itself (a bug if any).
    On input with cluster-scoped or Calico policies (`tiered`): `stays_allowed`, connections
    not kept that a rule other than a NetworkPolicy still allows (expected, not `extra`), and
    `cannot_allow`, keep entries such a rule denies whatever NetworkPolicy says, and kept pairs
    with a domainNames endpoint (no NetworkPolicy names one); both left out of `difference`.
    """

    difference: Difference
    reasons: dict[tuple[str, str], tuple[str, ...]] = field(default_factory=dict)
    problems: tuple[Problem, ...] = ()
    connections: int = 0  # connections of the re-evaluation that touch the scope
    tiered: bool = False
    stays_allowed: list[Decided] = field(default_factory=list)
    cannot_allow: list[Decided] = field(default_factory=list)

    @property
    def exact(self) -> bool:
        return self.difference.exact and not self.problems


@dataclass
class Generated:
    plan: Plan
    selection: Selection
    files: dict[str, str]
    keep: list[KeepEntry] | None
    check: Check | None = None

    @property
    def notes(self) -> list[Note]:
        return self.plan.notes


def generate(
    cluster: Cluster,
    keep: list[KeepEntry] | None = None,
    namespace: str | None = None,
    dns: bool = True,
    evaluator: Evaluator | None = None,
    verify: bool = True,
) -> Generated:
    """Policies for one namespace (or every namespace with endpoints) reproducing the kept
    connections; `keep` from netviz.generate.kept.read_keep, None to keep all allowed now."""
    ev = evaluator or Evaluator(cluster)
    namespaces = {e.namespace for e in ev.nodes.endpoints}
    if namespace is not None and namespace not in namespaces:
        raise NoSuchNamespace(namespace)
    scope = frozenset([namespace] if namespace is not None else namespaces)
    current = connectivity(ev.analysis())
    selection = select(ev, current, scope, keep, dns)
    if is_tiered(cluster) and selection.not_allowed:
        denied, rest = cannot_allow(cluster, scope, selection.not_allowed)
        selection.cannot_allow, selection.not_allowed = denied, rest
    plan = Builder(ev.nodes.endpoints, selection, dns).plan()
    loopback = [e for e in keep or () if e.problem == "loopback"]
    if loopback:
        plan.notes.append(Note("loopback", count=len(loopback)))
    result = Generated(plan, selection, render_files(plan), keep)
    if verify:
        result.check = check(cluster, result)
    return result


def regenerated_cluster(cluster: Cluster, result: Generated) -> tuple[Cluster, tuple[Problem, ...]]:
    """The input with the scope's NetworkPolicies replaced by the generated ones, read from their
    YAML; everything else (cluster-scoped and Calico policies, nodes, services) as it was."""
    # Our own output, however big the input was: no upload caps (the alias and depth limits stay).
    read = load_texts(list(result.files.items()), GENERATED_LIMITS)
    kept = [p for p in cluster.policies if p.namespace not in result.selection.scope]
    return replace(cluster, policies=tuple(kept) + read.policies), read.errors


def check(cluster: Cluster, result: Generated) -> Check:
    """Evaluate the generated set with the workloads and the input's other policies; the
    difference from the expected result."""
    new, problems = regenerated_cluster(cluster, result)
    ev = Evaluator(new)
    actual = connectivity(ev.analysis())
    diff = difference(result.selection.expected, actual)
    tiered = is_tiered(cluster)
    stays: list[Decided] = []
    if tiered and diff.extra:
        stays = stays_allowed(ev, diff.extra, subjects(ev, result.selection.scope))
        if stays:
            # Expected now: the extra pairs minus those (their pieces are disjoint, as pairs are).
            extra: Pairs = {(s, d): p for s, d, p in diff.extra}
            known: Pairs = {}
            for d in stays:
                key = (d.src, d.dst)
                known[key] = known[key] | d.ports if key in known else d.ports
            diff = Difference(diff.missing, difference(known, extra).extra)
    unnamed: list[Decided] = []
    if tiered and diff.missing:
        unnamed, missing = domain_pairs(ev, diff.missing)
        diff = Difference(missing, diff.extra)
    endpoints = {e.id: e for e in ev.nodes.endpoints}
    idents = result_idents(result)
    reasons = {}
    for kind, entries in (("extra", diff.extra), ("missing", diff.missing)):
        for src, dst, _ports in entries:
            reasons[(_id(src), _id(dst))] = _reasons(kind, src, dst, endpoints, idents)
    scope = result.selection.scope
    touching = sum(
        1
        for s, d in actual
        if any(
            isinstance(x, str) and x in endpoints and endpoints[x].namespace in scope
            for x in (s, d)
        )
    )
    return Check(
        diff,
        reasons,
        problems,
        touching,
        tiered=tiered,
        stays_allowed=stays,
        cannot_allow=list(result.selection.cannot_allow) + unnamed,
    )


def result_idents(result: Generated) -> dict[str, int]:
    """Endpoint id → how many endpoints its selector selects (more than one: same labels)."""
    out = {}
    for note in result.plan.notes:
        if note.code == "same-labels":
            for e in note.endpoints:
                out[e] = len(note.endpoints)
    return out


def _id(side: Side) -> str:
    return side.id if isinstance(side, Piece) else side


def _reasons(
    kind: str, src: Side, dst: Side, endpoints: dict, idents: dict[str, int]
) -> tuple[str, ...]:
    """Why a pair differs: a selector shared by identical labels (broader), a hostNetwork pod
    (its own side cannot be restricted: more), one without a host IP (cannot be named: fewer)."""
    out = []
    for side in (src, dst):
        if isinstance(side, str):
            if idents.get(side, 1) > 1:
                out.append("same-labels")
            e = endpoints.get(side)
            if e is not None and e.host_network:
                no_ip = kind == "missing" and not e.host_ip
                out.append("host-network-no-ip" if no_ip else "host-network")
    return tuple(dict.fromkeys(out))


__all__ = ["Check", "Generated", "NoSuchNamespace", "check", "generate", "Pairs"]
