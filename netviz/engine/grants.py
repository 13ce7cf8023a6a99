"""Which rules are responsible for which allowed ports, per side, shared between equivalent pairs."""

from __future__ import annotations

from netviz.engine.matrix import Matrix
from netviz.engine.result import Grant, RuleRef

Parts = tuple[tuple[int, tuple[RuleRef, ...]], ...]


def partition(responsible: list[tuple[RuleRef, int]]) -> Parts:
    """Split the union of masks into parts with the same set of responsible rule refs.

    `responsible` comes in RuleRef order (policies sorted, rules and entries by index), which
    keeps every part's refs sorted without sorting.
    """
    if len(responsible) == 1:
        ref, mask = responsible[0]
        return ((mask, (ref,)),)
    total = 0
    for _, mask in responsible:
        total |= mask
    parts: list[tuple[int, list[RuleRef]]] = [(total, [])] if total else []
    for ref, mask in responsible:
        if mask == total and len(parts) == 1:
            parts[0][1].append(ref)
            continue
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
                out.append((r.ref_at(peer, port_index), mask))
    return out


class Granter:
    """Builds Grant tuples for class pairs, caching each side by its signature pair."""

    def __init__(self, matrix: Matrix) -> None:
        self.m = matrix
        self._egress: dict[tuple[int, int], Parts | None] = {}
        self._ingress: dict[tuple[int, int], Parts | None] = {}
        self._policy_refs: dict[tuple, list] = {}

    def _refs(self, policy, direction, other: int, dst: int, key: tuple) -> list:
        """side_refs of one policy, cached: policies are shared by many signature pairs."""
        found = self._policy_refs.get(key)
        if found is None:
            named = self.m.compiled.nodes.named[dst]
            found = side_refs(policy.rules[direction], other, named, self.m.atoms)
            self._policy_refs[key] = found
        return found

    def egress_parts(self, es: int, ed: int) -> Parts | None:
        key = (es, ed)
        if key not in self._egress:
            m = self.m
            policies = m.es_policies[es]
            dst = int(m.ed_rep[ed])
            refs = []
            for p in policies:
                # the ed signature holds the peers matching dst and its named ports
                refs += self._refs(p, "egress", dst, dst, (id(p), "egress", ed))
            self._egress[key] = partition(refs) if policies else None
        return self._egress[key]

    def ingress_parts(self, is_: int, id_: int) -> Parts | None:
        key = (is_, id_)
        if key not in self._ingress:
            m = self.m
            policies = m.id_policies[id_]
            src, dst = int(m.is_rep[is_]), int(m.id_rep[id_])
            refs = []
            for p in policies:
                named = any(r.named for r in p.rules["ingress"])
                cache = (id(p), "ingress", is_, id_ if named else -1)
                refs += self._refs(p, "ingress", src, dst, cache)
            self._ingress[key] = partition(refs) if policies else None
        return self._ingress[key]

    def grants(self, eg_key: int, in_key: int, mask: int) -> tuple[Grant, ...]:
        """Grants of one (egress cell, ingress cell) pair; -1 where that side does not apply."""
        m = self.m
        n_ed, n_id = len(m.ed_rep), len(m.id_rep)
        everything = ((m.atoms.all_mask, None),)
        eg = self.egress_parts(*divmod(eg_key, n_ed)) if eg_key >= 0 else None
        inn = self.ingress_parts(*divmod(in_key, n_id)) if in_key >= 0 else None
        eg = everything if eg is None else eg
        inn = everything if inn is None else inn
        if len(eg) == 1 and len(inn) == 1:
            return (Grant(m.atoms.portset(mask), eg[0][1], inn[0][1]),)
        out = []
        for m1, refs1 in eg:
            for m2, refs2 in inn:
                part = m1 & m2 & mask
                if part:
                    out.append((part & -part, Grant(m.atoms.portset(part), refs1, refs2)))
        return tuple(g for _, g in sorted(out, key=lambda x: x[0]))


class TieredGranter(Granter):
    """Grants of the ordered program: per side, the rule whose allow decided each part (an
    Admin/Baseline rule or the first allowing NetworkPolicy rule); None where no tier decided."""

    def __init__(self, matrix: Matrix, finder, node_object) -> None:
        super().__init__(matrix)
        self.finder = finder
        self.node_object = node_object  # node index -> Endpoint or ExternalRange

    def _parts(self, direction, subject: int, other: int, dst: int) -> Parts:
        from netviz.engine.paths import step_ref

        obj = self.node_object
        everything = self.m.atoms.universe()
        decisions = self.finder.decide(direction, obj(subject), obj(other), obj(dst), everything)
        out = []
        for d in decisions:
            if d.verdict != "allow":
                continue
            refs = (step_ref(d.steps[-1]),) if d.steps and d.steps[-1].action == "allow" else None
            out.append((self.m.atoms.of_portset(d.ports), refs))
        return tuple(sorted(out, key=lambda part: part[0]))

    def egress_parts(self, es: int, ed: int):
        key = (es, ed)
        if key not in self._egress:
            src, dst = int(self.m.es_rep[es]), int(self.m.ed_rep[ed])
            self._egress[key] = self._parts("egress", src, dst, dst)
        return self._egress[key]

    def ingress_parts(self, is_: int, id_: int):
        key = (is_, id_)
        if key not in self._ingress:
            src, dst = int(self.m.is_rep[is_]), int(self.m.id_rep[id_])
            self._ingress[key] = self._parts("ingress", dst, src, dst)
        return self._ingress[key]
