"""What a change of policies does: evaluate the cluster again and compare its connectivity."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field, replace

from netviz.engine import Evaluator
from netviz.engine.ports import PortSet
from netviz.generate import GENERATED_LIMITS
from netviz.generate.pairs import Pairs, Side, connectivity, difference, side_id
from netviz.k8s import load_texts
from netviz.k8s.model import Cluster, Policy, Problem

Entry = tuple[Side, Side, PortSet]


@dataclass(frozen=True)
class Effect:
    """Pairs that gain ports (`opened`) and lose ports (`closed`), each (src, dst, ports)."""

    opened: list[Entry] = field(default_factory=list)
    closed: list[Entry] = field(default_factory=list)
    after: Pairs = field(default_factory=dict, repr=False, compare=False)


def with_policies(cluster: Cluster, policies: Iterable[Policy]) -> Cluster:
    """The cluster with other NetworkPolicies; everything else of it (cluster-scoped and Calico
    policies, nodes, services) stays, since it decides too."""
    return replace(cluster, policies=tuple(policies))


def effect(before: Pairs, cluster: Cluster) -> Effect:
    """Evaluate `cluster` and compare with the connectivity `before` it."""
    after = connectivity(Evaluator(cluster).analysis())
    diff = difference(before, after)
    return Effect(opened=diff.extra, closed=diff.missing, after=after)


def read_policies(files: dict[str, str]) -> tuple[tuple[Policy, ...], tuple[Problem, ...]]:
    """Policies from generated YAML, read by the same reader as uploads (so they are what the
    user will apply); errors would be a bug in the writer."""
    read = load_texts(list(files.items()), GENERATED_LIMITS)
    return read.policies, read.errors


def without(entries: list[Entry], src: str, dst: str, ports: PortSet) -> list[Entry]:
    """The entries but the asked pair's asked ports."""
    out = []
    for s, d, p in entries:
        if side_id(s) == src and side_id(d) == dst:
            p = p - ports
            if not p:
                continue
        out.append((s, d, p))
    return out
