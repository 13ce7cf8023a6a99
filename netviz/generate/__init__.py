"""Least-privilege NetworkPolicies from connectivity: default deny per namespace, then allow rules
for exactly the connections kept, checked by evaluating the generated set again. No Django.

    result = generate(cluster, keep=None, namespace=None, dns=True)
    result.files                      {"<namespace>.yaml": YAML text}
    result.check                      Check: the re-evaluation's difference from the kept set
"""

from __future__ import annotations

from dataclasses import dataclass, field

from netviz.engine import Evaluator
from netviz.generate.build import Builder, Note, Plan
from netviz.generate.kept import KeepEntry, Selection, select
from netviz.generate.pairs import Difference, Pairs, Piece, Side, connectivity, difference
from netviz.generate.render import files as render_files
from netviz.k8s import load_texts
from netviz.k8s.model import Cluster, Problem


class NoSuchNamespace(ValueError):
    """The namespace asked for has no endpoint in the input."""


@dataclass(frozen=True)
class Check:
    """The generated set evaluated again with the workloads, against what it had to give.

    `difference.extra` / `.missing`: pairs it allows too / does not allow, with `reasons` per
    entry (codes: "same-labels", "host-network", "host-network-no-ip"); `problems`: the reader's
    errors about the generated YAML itself (a bug if any).
    """

    difference: Difference
    reasons: dict[tuple[str, str], tuple[str, ...]] = field(default_factory=dict)
    problems: tuple[Problem, ...] = ()
    connections: int = 0  # connections of the re-evaluation that touch the scope

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
    plan = Builder(ev.nodes.endpoints, selection, dns).plan()
    loopback = [e for e in keep or () if e.problem == "loopback"]
    if loopback:
        plan.notes.append(Note("loopback", count=len(loopback)))
    result = Generated(plan, selection, render_files(plan), keep)
    if verify:
        result.check = check(cluster, result)
    return result


def regenerated_cluster(cluster: Cluster, result: Generated) -> tuple[Cluster, tuple[Problem, ...]]:
    """The input with the scope's policies replaced by the generated ones, read from their YAML."""
    read = load_texts(list(result.files.items()))
    kept = [p for p in cluster.policies if p.namespace not in result.selection.scope]
    new = Cluster(
        namespaces=cluster.namespaces,
        endpoints=cluster.endpoints,
        policies=tuple(kept) + read.policies,
        problems=cluster.problems,
    )
    return new, read.errors


def check(cluster: Cluster, result: Generated) -> Check:
    """Evaluate the generated set with the workloads; the difference from the expected result."""
    new, problems = regenerated_cluster(cluster, result)
    ev = Evaluator(new)
    actual = connectivity(ev.analysis())
    diff = difference(result.selection.expected, actual)
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
    return Check(diff, reasons, problems, touching)


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
