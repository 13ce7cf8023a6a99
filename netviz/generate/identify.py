"""Selectors that pick out one endpoint among the others of its namespace, as narrowly as its
labels allow: the fewest labels no other endpoint shares all of, `DoesNotExist` for the labels
that tell a neighbour with more labels apart, and a group where labels are identical.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from itertools import combinations

from netviz.k8s.model import Endpoint, LabelSelector, Requirement

# Keys that name an application, tried first; keys that change with every rollout, tried last.
PREFERRED = (
    "app.kubernetes.io/name",
    "app",
    "k8s-app",
    "name",
    "app.kubernetes.io/instance",
    "app.kubernetes.io/component",
    "component",
    "role",
    "tier",
)
VOLATILE = (
    "pod-template-hash",
    "controller-revision-hash",
    "pod-template-generation",
    "statefulset.kubernetes.io/pod-name",
    "apps.kubernetes.io/pod-index",
)
MAX_LABELS = 3  # subsets tried exhaustively up to this size; beyond it, every label is used


def _key_rank(key: str) -> tuple[int, int, str]:
    if key in PREFERRED:
        return (0, PREFERRED.index(key), key)
    if key in VOLATILE:
        return (2, 0, key)
    return (1, 0, key)


@dataclass(frozen=True)
class Identity:
    """How an endpoint is selected: `selector`, and `members` the ids of every endpoint of the
    namespace it selects (more than one when labels are identical)."""

    selector: LabelSelector
    members: tuple[str, ...]

    @property
    def exact(self) -> bool:
        return len(self.members) == 1


def selector_for(labels: Mapping[str, str], others: Sequence[Mapping[str, str]]) -> LabelSelector:
    """The narrowest short selector matching `labels` and none of `others` that differ from it."""
    rivals = [dict(o) for o in others if dict(o) != dict(labels)]
    return _Rivals(rivals).selector(labels)


class _Rivals:
    """The label sets of one namespace, indexed: which sets have each label, as a bitmask."""

    def __init__(self, label_sets: Sequence[Mapping[str, str]]) -> None:
        self.sets = label_sets
        self.has: dict[tuple[str, str], int] = {}
        for i, labels in enumerate(label_sets):
            for kv in labels.items():
                self.has[kv] = self.has.get(kv, 0) | (1 << i)

    def selector(self, labels: Mapping[str, str], me: int = -1) -> LabelSelector:
        """Selector for `labels` matching no set but number `me` (its own, if listed)."""
        own = sorted(labels.items(), key=lambda kv: _key_rank(kv[0]))
        everyone = ((1 << len(self.sets)) - 1) & ~(1 << me if me >= 0 else 0)
        chosen = None
        if not everyone:
            chosen = own[:1]
        for size in range(1, min(len(own), MAX_LABELS) + 1):
            if chosen is not None:
                break
            for combo in combinations(own, size):
                mask = everyone
                for kv in combo:
                    mask &= self.has.get(kv, 0)
                if not mask:
                    chosen = list(combo)
                    break
        if chosen is None:
            chosen = own
        left = everyone
        for kv in chosen:
            left &= self.has.get(kv, 0)
        # Sets with every chosen label have all of ours and more: rule out one of their extra keys.
        absent: list[str] = []
        while left:
            counts: dict[str, int] = {}
            for i in _bits(left):
                for k in self.sets[i]:
                    if k not in labels:
                        counts[k] = counts.get(k, 0) + 1
            if not counts:
                break  # an identical set: not told apart (callers group identical labels)
            key = min(counts, key=lambda k: (-counts[k], _key_rank(k)))
            absent.append(key)
            for i in _bits(left):
                if key in self.sets[i]:
                    left &= ~(1 << i)
        return LabelSelector(
            match_labels=tuple(sorted(chosen)),
            match_expressions=tuple(Requirement(k, "DoesNotExist") for k in sorted(absent)),
        )


def _bits(mask: int) -> list[int]:
    out = []
    while mask:
        low = mask & -mask
        out.append(low.bit_length() - 1)
        mask ^= low
    return out


def identities(endpoints: Sequence[Endpoint]) -> dict[str, Identity]:
    """Identity of every endpoint id, computed per namespace. hostNetwork endpoints are rivals
    (the other plugin reading selects them) but get no identity: no selector picks them."""
    by_ns: dict[str, list[Endpoint]] = {}
    for e in endpoints:
        by_ns.setdefault(e.namespace, []).append(e)
    out: dict[str, Identity] = {}
    for members in by_ns.values():
        groups: dict[tuple, list[Endpoint]] = {}
        for e in sorted(members, key=lambda e: e.id):
            groups.setdefault(tuple(sorted(e.labels.items())), []).append(e)
        rivals = _Rivals([dict(k) for k in groups])
        for me, (key, group) in enumerate(groups.items()):
            selectable = tuple(e.id for e in group if not e.host_network)
            if not selectable:
                continue
            sel = rivals.selector(dict(key), me)
            ident = Identity(sel, selectable)
            for e in group:
                if not e.host_network:
                    out[e.id] = ident
    return out
