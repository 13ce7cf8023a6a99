"""Which rules are responsible for which allowed ports, per side, shared between equivalent pairs."""

from __future__ import annotations

from dataclasses import replace

from netviz.engine.matrix import Matrix
from netviz.engine.result import Grant, RuleRef

Parts = tuple[tuple[int, tuple[RuleRef, ...]], ...]


def partition(responsible: list[tuple[RuleRef, int]]) -> Parts:
    """Split the union of masks into parts with the same set of responsible rule refs."""
    total = 0
    for _, mask in responsible:
        total |= mask
    parts: list[tuple[int, list[RuleRef]]] = [(total, [])] if total else []
    for ref, mask in sorted(responsible):
        nxt: list[tuple[int, list[RuleRef]]] = []
        for part, refs in parts:
            inside, outside = part & mask, part & ~mask
            if inside:
                nxt.append((inside, [*refs, ref]))
            if outside:
                nxt.append((outside, refs))
        parts = nxt
    return tuple(sorted((m, tuple(r)) for m, r in parts))


def side_refs(rules, other: int, named, atoms) -> list[tuple[RuleRef, int]]:
    """(RuleRef, atoms) for each port entry of each rule whose peers match node `other`.

    The peer named is the first that matches; `named` are the destination's named ports.
    """
    out = []
    for r in rules:
        peer = r.first_peer(other)
        if peer is False:
            continue
        for port_index, mask in r.port_masks(atoms, named):
            if mask:
                out.append((replace(r.ref, peer_index=peer, port_index=port_index), mask))
    return out


class Granter:
    """Builds Grant tuples for class pairs, caching each side by its signature pair."""

    def __init__(self, matrix: Matrix) -> None:
        self.m = matrix
        self._egress: dict[tuple[int, int], Parts | None] = {}
        self._ingress: dict[tuple[int, int], Parts | None] = {}
        self._grants: dict[tuple, tuple[Grant, ...]] = {}

    def egress_parts(self, es: int, ed: int) -> Parts | None:
        key = (es, ed)
        if key not in self._egress:
            m = self.m
            policies = m.es_policies[es]
            dst = int(m.ed_rep[ed])
            rules = [r for p in policies for r in p.rules["egress"]]
            named = m.compiled.nodes.named[dst]
            self._egress[key] = (
                partition(side_refs(rules, dst, named, m.atoms)) if policies else None
            )
        return self._egress[key]

    def ingress_parts(self, is_: int, id_: int) -> Parts | None:
        key = (is_, id_)
        if key not in self._ingress:
            m = self.m
            policies = m.id_policies[id_]
            src, dst = int(m.is_rep[is_]), int(m.id_rep[id_])
            rules = [r for p in policies for r in p.rules["ingress"]]
            named = m.compiled.nodes.named[dst]
            self._ingress[key] = (
                partition(side_refs(rules, src, named, m.atoms)) if policies else None
            )
        return self._ingress[key]

    def grants(self, src_class: int, dst_class: int, mask: int) -> tuple[Grant, ...]:
        m = self.m
        src, dst = int(m.class_rep[src_class]), int(m.class_rep[dst_class])
        src_pod, dst_pod = bool(m.class_is_pod[src_class]), bool(m.class_is_pod[dst_class])
        eg_key = (int(m.es[src]), int(m.ed[dst])) if src_pod else None
        in_key = (int(m.is_[src]), int(m.id[dst])) if dst_pod else None
        key = (eg_key, in_key, mask)
        found = self._grants.get(key)
        if found is not None:
            return found
        everything = ((m.atoms.all_mask, None),)
        eg = self.egress_parts(*eg_key) if eg_key else None
        inn = self.ingress_parts(*in_key) if in_key else None
        eg = everything if eg is None else eg
        inn = everything if inn is None else inn
        out = []
        for m1, refs1 in eg:
            for m2, refs2 in inn:
                part = m1 & m2 & mask
                if part:
                    out.append((part & -part, Grant(m.atoms.portset(part), refs1, refs2)))
        found = self._grants[key] = tuple(g for _, g in sorted(out, key=lambda x: x[0]))
        return found
