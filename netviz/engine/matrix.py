"""The vectorised core: allowed port atoms between classes of nodes, one side at a time.

Each node gets four signatures: egress-source (which policies isolate its egress), egress-dest
(which egress peers match it, its named ports), ingress-source and ingress-dest likewise. Egress
cells are held per (egress-source, egress-dest) pair, ingress cells computed a row per
ingress-source; a class pair's allowed atoms are the AND of its two cells.
"""

from __future__ import annotations

import numpy as np

from netviz.engine.classes import refine
from netviz.engine.decide import Decider
from netviz.engine.peers import Compiled, CompiledRule
from netviz.engine.program import Program

U64 = np.uint64
BLOCK_BYTES = 64 << 20  # ingress rows computed together, bounded in memory


def _first(groups: np.ndarray, count: int) -> np.ndarray:
    """Index of the first element of every group id 0..count-1."""
    out = np.full(count, -1, dtype=np.int64)
    order = np.arange(len(groups))[::-1]
    out[groups[order]] = order
    return out


class Matrix:
    """Signatures of every node, the two side matrices, and the classes of nodes behaving alike."""

    def __init__(self, compiled: Compiled, program: Program | None = None, mode: str = "") -> None:
        """`program` with `mode` "ordered" runs its tiers (NetworkPolicy by the union fast path);
        "general" also runs the NetworkPolicy tier rule by rule (the plain path, for tests);
        "" (the default) is the union of NetworkPolicy allows alone."""
        self.compiled = c = compiled
        self.program = program if mode else None
        self.general = mode == "general"
        ordered = (
            list(self.program.rules("ingress")) + list(self.program.rules("egress"))
            if (self.program)
            else []
        )
        nodes = c.nodes
        self.atoms = c.atoms
        self.all_words = c.atoms.to_words(c.atoms.all_mask)
        self._words: dict[int, np.ndarray] = {}
        self.egress_policies = c.isolating("egress")
        self.ingress_policies = c.isolating("ingress")
        pods, n = nodes.pods, nodes.n
        ext = np.zeros(n - pods, dtype=bool)

        def on_nodes(mask):
            return np.concatenate([mask, ext])

        def named(direction, by_key=False):
            keys = sorted(
                {(s.protocol, s.port) for r in c.rules if r.direction == direction for s in r.named}
                | {
                    (s.protocol, s.port)
                    for _, _, r in ordered
                    if r.ref.direction == direction
                    for s in r.named
                }
            )
            out = {
                k: np.array([(d or {}).get(k, 0) for d in nodes.named], dtype=np.int64)
                for k in keys
            }
            return out if by_key else list(out.values())

        def peer_features(direction):
            seen: dict[int, np.ndarray] = {}
            for r in c.rules:
                if r.direction == direction and r.peers is not None:
                    for m in r.peers:
                        seen.setdefault(id(m), m)
            for _, _, r in ordered:
                if r.ref.direction == direction:
                    for m in r.peers or ():
                        seen.setdefault(id(m), m)
            return list(seen.values())

        def subject_features(direction):
            # Every policy that applies in the direction, with rules or not: one without rules
            # still makes its tier apply (and so decides at the tier's end).
            seen: dict[int, np.ndarray] = {}
            for tier in self.program.tiers if self.program else ():
                if tier.union:
                    continue
                for p in tier.policies:
                    if direction in p.rules:
                        seen.setdefault(id(p.on_nodes), p.on_nodes)
            return list(seen.values())

        is_pod = on_nodes(np.ones(pods, dtype=bool))
        self.es = refine(
            [is_pod]
            + [on_nodes(p.selects) for p in self.egress_policies]
            + subject_features("egress"),
            n,
        )
        self.id = refine(
            [is_pod]
            + [on_nodes(p.selects) for p in self.ingress_policies]
            + subject_features("ingress")
            + named("ingress"),
            n,
        )
        self.ed = refine(peer_features("egress") + named("egress"), n)
        self.is_ = refine(peer_features("ingress"), n)
        self.es_rep = _first(self.es, int(self.es.max(initial=-1)) + 1)
        self.id_rep = _first(self.id, int(self.id.max(initial=-1)) + 1)
        self.ed_rep = _first(self.ed, int(self.ed.max(initial=-1)) + 1)
        self.is_rep = _first(self.is_, int(self.is_.max(initial=-1)) + 1)
        self.es_policies = _selecting(self.egress_policies, self.es_rep, ext)
        self.id_policies = _selecting(self.ingress_policies, self.id_rep, ext)
        self.egress = self._egress_matrix()
        self.decider = None
        if self.program is not None:
            named_nodes = {d: named(d, by_key=True) for d in ("ingress", "egress")}
            weights = np.array([max(1, len(m)) for m in nodes.members], dtype=np.int64)
            self.decider = Decider(
                self.program, named_nodes, self.all_words, self._rule_words, self.general, weights
            )
            self.egress_union = self.egress
            self.egress = self.decider.compose("egress", self.es_rep, self.ed_rep, self.egress)
        self.egress_any = _nonzero(self.egress)
        self._plan_ingress()

        keys = np.stack([self.es, self.ed, self.is_, self.id], axis=1)
        _, first, inverse = np.unique(keys, axis=0, return_index=True, return_inverse=True)
        order = np.argsort(first, kind="stable")
        rank = np.empty_like(order)
        rank[order] = np.arange(len(order))
        self.node_class = rank[inverse.reshape(-1)]
        self.classes = len(order)
        self.class_rep = first[order]
        self.class_is_pod = self.class_rep < pods
        # Classes whose policies decide: pods, and address ranges an ordered tier governs
        # (Calico host endpoints); a range no policy selects is never a subject.
        governed = np.zeros(n, dtype=bool)
        for tier in self.program.tiers if self.program else ():
            for p in tier.policies if not tier.union else ():
                governed |= p.on_nodes
        self.class_subject = self.class_is_pod | governed[self.class_rep]
        self.class_es = self.es[self.class_rep]
        self.class_ed = self.ed[self.class_rep]
        self.class_is = self.is_[self.class_rep]
        self.class_id = self.id[self.class_rep]

    def words(self, mask: int) -> np.ndarray:
        found = self._words.get(mask)
        if found is None:
            found = self._words[mask] = self.atoms.to_words(mask)
        return found

    def _rule_words(self, rule: CompiledRule, dest_nodes: np.ndarray) -> np.ndarray:
        """Port atoms of a rule at each destination node, shape (len(dest_nodes), words)."""
        if not rule.named:
            return np.broadcast_to(self.words(rule.const), (len(dest_nodes), self.atoms.words))
        named = self.compiled.nodes.named
        return np.array(
            [self.words(rule.mask_at(self.atoms, named[d])) for d in dest_nodes.tolist()],
            dtype=U64,
        ).reshape(len(dest_nodes), self.atoms.words)

    def _egress_matrix(self) -> np.ndarray:
        out = np.zeros((len(self.es_rep), len(self.ed_rep), self.atoms.words), dtype=U64)
        for g, policies in enumerate(self.es_policies):
            if not policies:
                out[g] = self.all_words
                continue
            for p in policies:
                for r in p.rules["egress"]:
                    cols = np.flatnonzero(r.match[self.ed_rep])
                    if len(cols):
                        out[g, cols] |= self._rule_words(r, self.ed_rep[cols])
        return out

    def _plan_ingress(self) -> None:
        """Ingress cells are computed a row (ingress-source signature) at a time, never all at
        once: (ingress sources x ingress destinations) can be too big to hold at scale."""
        n_id = len(self.id_rep)
        self._in_base = np.zeros((n_id, self.atoms.words), dtype=U64)
        self._in_base[[not p for p in self.id_policies]] = self.all_words
        ext = np.zeros(self.compiled.nodes.externals, dtype=bool)
        reps = self.id_rep
        self._in_parts: list[tuple[np.ndarray, np.ndarray]] = []
        rows, parts = [np.zeros(0, dtype=np.int64)], [np.zeros(0, dtype=np.int64)]
        for p in self.ingress_policies:
            cols = np.flatnonzero(np.concatenate([p.selects, ext])[reps])
            if not len(cols):
                continue
            for r in p.rules["ingress"]:
                matched = np.flatnonzero(r.match[self.is_rep])
                if len(matched):
                    rows.append(matched)
                    parts.append(np.full(len(matched), len(self._in_parts), dtype=np.int64))
                    self._in_parts.append((cols, self._rule_words(r, reps[cols])))
        row, part = np.concatenate(rows), np.concatenate(parts)
        order = np.argsort(row, kind="stable")
        self._in_row, self._in_part = row[order], part[order]
        self._in_start = np.searchsorted(self._in_row, np.arange(len(self.is_rep) + 1))
        row_bytes = max(1, n_id * self.atoms.words * 8)
        self._block_rows = max(1, min(len(self.is_rep), BLOCK_BYTES // row_bytes))
        self._block_lo = self._block_hi = 0

    def ingress_row(self, is_: int) -> tuple[np.ndarray, np.ndarray]:
        """(allowed atom words, any allowed) into every ingress-dest signature from one
        ingress-source signature. Rows are computed in blocks from `is_` on: go in order."""
        if not self._block_lo <= is_ < self._block_hi:
            self._load_block(is_)
        i = is_ - self._block_lo
        return self._block[i], self._block_any[i]

    def _load_block(self, lo: int) -> None:
        hi = min(len(self.is_rep), lo + self._block_rows)
        block = self.union_block(lo, hi)
        if self.decider is not None:
            block = self.decider.compose("ingress", self.is_rep[lo:hi], self.id_rep, block)
        self._block, self._block_any = block, _nonzero(block)
        self._block_lo, self._block_hi = lo, hi

    def union_block(self, lo: int, hi: int) -> np.ndarray:
        """The NetworkPolicy union of ingress rows lo..hi-1 (every id column)."""
        block = np.repeat(self._in_base[None], hi - lo, axis=0)
        a, b = self._in_start[lo], self._in_start[hi]
        rows, parts = self._in_row[a:b] - lo, self._in_part[a:b]
        order = np.argsort(parts, kind="stable")
        rows, parts = rows[order], parts[order]
        cuts = np.flatnonzero(np.diff(parts)) + 1
        firsts = np.concatenate([[0], cuts]).astype(np.int64)
        if len(parts):
            for k, part_rows in zip(parts[firsts].tolist(), np.split(rows, cuts), strict=True):
                cols, words = self._in_parts[k]
                block[np.ix_(part_rows, cols)] |= words
        return block

    def ingress_cell(self, is_: int, id_: int) -> np.ndarray:
        """One ingress cell, computed directly (for the few places that need a column)."""
        policies = self.id_policies[id_]
        if not policies:
            union = self.all_words
        else:
            src, dst = int(self.is_rep[is_]), int(self.id_rep[id_])
            named = self.compiled.nodes.named[dst]
            mask = 0
            for p in policies:
                for r in p.rules["ingress"]:
                    if r.match[src]:
                        mask |= r.mask_at(self.atoms, named)
            union = self.words(mask)
        if self.decider is None:
            return union
        rows, cols = self.is_rep[is_ : is_ + 1], self.id_rep[id_ : id_ + 1]
        return self.decider.compose("ingress", rows, cols, union[None, None, :])[0, 0]

    def allowed_from(self, src: int) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """Destination classes with something allowed from class `src`: (classes, allowed atom
        words, egress cell key, ingress cell key); a key is -1 where that side does not apply."""
        dst_pod = self.class_subject
        n_ed, n_id = len(self.ed_rep), len(self.id_rep)
        inn, inn_any = self.ingress_row(int(self.class_is[src]))
        in_ok = np.where(dst_pod, inn_any[self.class_id], True)
        if self.class_subject[src]:
            eg = self.egress[self.class_es[src]]
            reach = self.egress_any[self.class_es[src]][self.class_ed] & in_ok
            if not self.class_is_pod[src]:
                reach &= dst_pod  # a governed range reaches pods and governed ranges only
            cand = np.flatnonzero(reach)
            words = eg[self.class_ed[cand]]
            pod = dst_pod[cand]
            words[pod] &= inn[self.class_id[cand[pod]]]
            eg_key = self.class_es[src] * n_ed + self.class_ed[cand]
        else:
            cand = np.flatnonzero(dst_pod & in_ok)
            words = inn[self.class_id[cand]]
            eg_key = np.full(len(cand), -1, dtype=np.int64)
        in_key = np.where(dst_pod[cand], self.class_is[src] * n_id + self.class_id[cand], -1)
        keep = words.any(axis=1)
        return cand[keep], words[keep], eg_key[keep], in_key[keep]

    def allowed_block(
        self, srcs: np.ndarray
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """allowed_from() of several source classes at once, ingress-source signatures in
        ascending order: (position in `srcs`, destination class, allowed atom words, egress cell
        key, ingress cell key) per pair with something allowed, by position then destination.
        Works on len(srcs) x classes arrays: the caller bounds the block."""
        dst_pod, cid, ced = self.class_subject, self.class_id, self.class_ed
        n_ed, n_id = len(self.ed_rep), len(self.id_rep)
        is_ = self.class_is[srcs]
        signatures, which = np.unique(is_, return_inverse=True)
        rows = [self.ingress_row(i) for i in signatures.tolist()]
        inn = np.stack([r[0] for r in rows])  # per signature: words into every id signature
        inn_any = np.stack([r[1] for r in rows])[which]
        in_ok = np.where(dst_pod[None, :], inn_any[:, cid], True)
        subject = self.class_subject[srcs]
        es = self.class_es[srcs]
        # A governed range (a subject that is no pod) reaches pods and governed ranges only.
        to_any = self.class_is_pod[srcs][:, None] | dst_pod[None, :]
        reach = np.where(
            subject[:, None], self.egress_any[es][:, ced] & in_ok & to_any, dst_pod & in_ok
        )
        at, dst = np.nonzero(reach)
        from_subject, to_pod = subject[at], dst_pod[dst]
        in_words = inn[which[at], cid[dst]]
        eg_words = self.egress[es[at], ced[dst]]
        words = np.where(
            from_subject[:, None],
            np.where(to_pod[:, None], eg_words & in_words, eg_words),
            in_words,
        )
        eg_key = np.where(from_subject, es[at] * n_ed + ced[dst], -1)
        in_key = np.where(to_pod, is_[at] * n_id + cid[dst], -1)
        keep = _nonzero(words)
        return at[keep], dst[keep], words[keep], eg_key[keep], in_key[keep]


def _nonzero(cells: np.ndarray) -> np.ndarray:
    """Which cells have any atom; much faster than .any(axis=-1) on uint64 words."""
    out = cells[..., 0].copy()
    for w in range(1, cells.shape[-1]):
        out |= cells[..., w]
    return out != 0


def _selecting(policies, reps: np.ndarray, ext: np.ndarray) -> list[list]:
    """For each representative node, the policies (in order) that select it."""
    out: list[list] = [[] for _ in range(len(reps))]
    if policies and len(reps):
        selected = np.stack([np.concatenate([p.selects, ext])[reps] for p in policies])
        for pi, g in zip(*np.nonzero(selected), strict=True):
            out[g].append(policies[pi])
    return out
