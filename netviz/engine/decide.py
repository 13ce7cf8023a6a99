"""Vectorised ordered decisions: each tier run once over its own signatures, then composed.

Cells are port-atom bitsets (uint64 words). In one tier, per cell, `undecided` starts full and
shrinks rule by rule; PASS moves atoms to `passed` (kept out of the tier's later rules); at the
end of a tier that applied with default DENY_IF_SELECTED only the passed atoms stay undecided,
else the passed ones return to undecided. A tier's answer per atom does not depend on what came
before it, so each tier is computed once as (allow, undecided-after) tables over the few
signatures its own subjects, peers and named ports tell apart (`TierTable`), and `compose` runs
the program over any block of node pairs by gathering from those tables:
`allowed |= undecided & allow_t; undecided &= undecided_t`, and after the last tier
`allowed |= undecided`. Work is one numpy operation per rule, never per pair.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from netviz.engine.classes import refine
from netviz.engine.program import ALLOW, DENY_IF_SELECTED, LOG, PASS, Program, Tier, TierRule
from netviz.k8s.model import Direction

U64 = np.uint64
PortWords = Callable[[TierRule, np.ndarray], np.ndarray]


def _first(groups: np.ndarray) -> np.ndarray:
    count = int(groups.max(initial=-1)) + 1
    out = np.full(count, -1, dtype=np.int64)
    order = np.arange(len(groups))[::-1]
    out[groups[order]] = order
    return out


def run_tier(
    tier: Tier,
    direction: Direction,
    rows: np.ndarray,
    cols: np.ndarray,
    subject_axis: int,
    all_words: np.ndarray,
    port_words: PortWords,
) -> tuple[np.ndarray, np.ndarray]:
    """(allowed, undecided after the tier), each (len(rows), len(cols), words), for traffic
    entering the tier undecided. Destinations are the columns (port words depend on them)."""
    shape = (len(rows), len(cols), len(all_words))
    undecided = np.empty(shape, dtype=U64)
    undecided[...] = all_words
    allowed = np.zeros(shape, dtype=U64)
    passed = None
    subjects, others = (rows, cols) if subject_axis == 0 else (cols, rows)
    applies = np.zeros(len(subjects), dtype=bool)
    for policy in tier.policies:
        rules = policy.rules.get(direction)
        if rules is None:
            continue
        picked = np.flatnonzero(policy.on_nodes[subjects])
        if not len(picked):
            continue
        applies[picked] = True
        for rule in rules:
            if rule.action == LOG:
                continue
            matched = np.flatnonzero(rule.match[others])
            if not len(matched):
                continue
            r, c = (picked, matched) if subject_axis == 0 else (matched, picked)
            at = np.ix_(r, c)
            hit = undecided[at] & port_words(rule, cols[c])[None, :, :]
            undecided[at] &= ~hit
            if rule.action == ALLOW:
                allowed[at] |= hit
            elif rule.action == PASS:
                if passed is None:
                    passed = np.zeros(shape, dtype=U64)
                passed[at] |= hit
    if tier.default == DENY_IF_SELECTED:
        idx = np.flatnonzero(applies)
        at = idx if subject_axis == 0 else (slice(None), idx)
        undecided[at] = 0
    if passed is not None:
        undecided |= passed
    return allowed, undecided


class TierTable:
    """One tier's (allow, undecided-after) over its own signatures, for one direction.

    Rows are sources, columns destinations (egress: the subject is the row; ingress: the
    column). Named ports are resolved at the destination, so they split that side."""

    def __init__(
        self,
        tier: Tier,
        direction: Direction,
        n: int,
        named: dict[tuple[str, str], np.ndarray],
        all_words: np.ndarray,
        port_words: PortWords,
    ) -> None:
        keys = {
            (s.protocol, s.port)
            for p in tier.policies
            for r in p.rules.get(direction, ())
            for s in r.named
        }
        named = [named[k] for k in sorted(keys) if k in named]
        subjects = {id(p.on_nodes): p.on_nodes for p in tier.policies if direction in p.rules}
        peers: dict[int, np.ndarray] = {}
        for p in tier.policies:
            for r in p.rules.get(direction, ()):
                for m in r.peers if r.peers is not None else (r.match,):
                    peers.setdefault(id(m), m)
        subject_axis = 0 if direction == "egress" else 1
        subject_sig = refine(list(subjects.values()) + (named if subject_axis else []), n)
        other_sig = refine(list(peers.values()) + ([] if subject_axis else named), n)
        if subject_axis == 0:
            self.row_of, self.col_of = subject_sig, other_sig
        else:
            self.row_of, self.col_of = other_sig, subject_sig
        self.allow, self.undecided = run_tier(
            tier,
            direction,
            _first(self.row_of),
            _first(self.col_of),
            subject_axis,
            all_words,
            port_words,
        )
        words = len(all_words)
        # Both tables side by side, each cell one opaque element: one gather fetches both.
        both = np.ascontiguousarray(np.concatenate([self.allow, self.undecided], axis=2))
        self._both = both.view(np.dtype((np.void, 16 * words))).reshape(both.shape[:2])
        self.words = words
        self.trivial = not self.allow.any() and bool((self.undecided == all_words).all())

    def gather(self, rows: np.ndarray, cols: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(allow, undecided-after) of the tier for rows × cols node pairs."""
        at = np.ix_(self.row_of[rows], self.col_of[cols])
        both = self._both[at].view(U64).reshape(len(rows), len(cols), 2 * self.words)
        return both[..., : self.words], both[..., self.words :]


class Decider:
    """A program's tier tables for both directions; `compose` answers any block of node pairs."""

    def __init__(
        self,
        program: Program,
        named: dict[Direction, dict[tuple[str, str], np.ndarray]],
        all_words: np.ndarray,
        port_words: PortWords,
        general: bool = False,
    ) -> None:
        self.program = program
        self.all_words = all_words
        self.general = general
        self.tables: dict[Direction, list[TierTable | None]] = {}
        self.selected: dict[Direction, list[np.ndarray]] = {}
        for direction in ("ingress", "egress"):
            tables: list[TierTable | None] = []
            for tier in program.tiers:
                if not any(direction in p.rules for p in tier.policies):
                    tables.append(None)  # no policy of this tier applies in this direction
                elif tier.union and not general:
                    tables.append(None)  # the union fast path: see compose()
                else:
                    tables.append(
                        TierTable(
                            tier, direction, program.size, named[direction], all_words, port_words
                        )
                    )
            self.tables[direction] = tables
            self.selected[direction] = [t.selected(direction, program.size) for t in program.tiers]

    def compose(
        self,
        direction: Direction,
        rows: np.ndarray,
        cols: np.ndarray,
        union_cells: np.ndarray | None = None,
    ) -> np.ndarray:
        """Allowed atom words for rows (sources) × cols (destinations), shape (R, C, words).
        `union_cells`: the NetworkPolicy union over the same block (the union tier's answer
        where it applies)."""
        shape = (len(rows), len(cols), len(self.all_words))
        undecided = np.empty(shape, dtype=U64)
        undecided[...] = self.all_words
        allowed = np.zeros(shape, dtype=U64)
        egress = direction == "egress"
        subjects = rows if egress else cols
        live = np.arange(len(subjects))  # subjects with atoms still undecided
        for tier, table, selected in zip(
            self.program.tiers, self.tables[direction], self.selected[direction], strict=True
        ):
            if not len(live):
                break
            if table is not None:
                if table.trivial:
                    continue
                at = live if egress else (slice(None), live)
                if len(live) == len(subjects):
                    allow, after = table.gather(rows, cols)
                    allowed |= undecided & allow
                    undecided &= after
                else:
                    sub_rows, sub_cols = (rows[live], cols) if egress else (rows, cols[live])
                    allow, after = table.gather(sub_rows, sub_cols)
                    allowed[at] |= undecided[at] & allow
                    undecided[at] &= after
            elif tier.union and union_cells is not None:
                applies = selected[subjects[live]]
                idx = live[applies]
                if len(idx):
                    at = idx if egress else (slice(None), idx)
                    allowed[at] |= undecided[at] & union_cells[at]
                    undecided[at] = 0
                    live = live[~applies]
        allowed |= undecided
        return allowed
