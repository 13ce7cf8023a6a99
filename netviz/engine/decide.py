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
    counts: tuple[np.ndarray, np.ndarray, dict] | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """(allowed, undecided after the tier), each (len(rows), len(cols), words), for traffic
    entering the tier undecided. Destinations are the columns (port words depend on them).
    `counts`: (row weights, column weights, out): out[rule ref] becomes the number of
    (source, destination) endpoint pairs the rule decides some port of."""
    shape = (len(rows), len(cols), len(all_words))
    words = len(all_words)
    undecided = np.empty(shape, dtype=U64)
    undecided[...] = all_words
    allowed = np.zeros(shape, dtype=U64)
    # Cells as opaque elements for fancy indexing (much faster than 3-d indexing), with uint64
    # views of the same memory for the bitwise work.
    u_cells, a_cells = _cells(undecided), _cells(allowed)
    passed = p_cells = None
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
            sub = _words(u_cells[at], words)
            hit = sub & port_words(rule, cols[c])[None, :, :]
            if counts is not None:
                any_hit = hit.any(axis=2)
                pairs = int(counts[0][r] @ any_hit.astype(np.int64) @ counts[1][c])
                counts[2][rule.ref] = counts[2].get(rule.ref, 0) + pairs
            sub ^= hit  # hit ⊆ sub: what stays undecided
            u_cells[at] = _cells(sub)
            if rule.action == ALLOW:
                a_cells[at] = _cells(_words(a_cells[at], words) | hit)
            elif rule.action == PASS:
                if passed is None:
                    passed = np.zeros(shape, dtype=U64)
                    p_cells = _cells(passed)
                p_cells[at] = _cells(_words(p_cells[at], words) | hit)
    if tier.default == DENY_IF_SELECTED:
        idx = np.flatnonzero(applies)
        at = idx if subject_axis == 0 else (slice(None), idx)
        undecided[at] = 0
    if passed is not None:
        undecided |= passed
    return allowed, undecided


def _cells(words: np.ndarray) -> np.ndarray:
    """A (..., W) uint64 array seen as (...) opaque cells of 8W bytes (same memory)."""
    words = np.ascontiguousarray(words)
    return words.view(np.dtype((np.void, 8 * words.shape[-1]))).reshape(words.shape[:-1])


def _words(cells: np.ndarray, words: int) -> np.ndarray:
    return np.ascontiguousarray(cells).view(U64).reshape(*cells.shape, words)


# compose() shortcuts (tests turn them off to compare with the plain path): a tier that only
# denies at its end needs no gather; a tier selecting less than FULL_SHARE of a block's
# subjects is gathered for those only.
SKIP_ENDS = True
FULL_SHARE = 0.8


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
        weights: np.ndarray | None = None,
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
        self._pairs: dict | None = None
        self._args = (tier, direction, subject_axis, all_words, port_words, weights)
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
        # No rule, default deny (a Calico tier's end): it only denies its subjects' rest.
        self.ends_only = tier.default == DENY_IF_SELECTED and not any(
            p.rules.get(direction) for p in tier.policies
        )

    @property
    def pairs(self) -> dict:
        """Rule ref -> (source, destination) endpoint pairs it decides some port of: the tier
        run again with counting, the first time it is asked (views and findings only)."""
        if self._pairs is None:
            tier, direction, axis, all_words, port_words, weights = self._args
            if weights is None:
                weights = np.ones(len(self.row_of), dtype=np.int64)
            row_w = np.bincount(self.row_of, weights, minlength=int(self.row_of.max()) + 1)
            col_w = np.bincount(self.col_of, weights, minlength=int(self.col_of.max()) + 1)
            self._pairs = {}
            counts = (row_w.astype(np.int64), col_w.astype(np.int64), self._pairs)
            rows, cols = _first(self.row_of), _first(self.col_of)
            run_tier(tier, direction, rows, cols, axis, all_words, port_words, counts)
        return self._pairs

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
        weights: np.ndarray | None = None,
    ) -> None:
        """`weights`: endpoints per node (1 per external range), to count pairs per rule."""
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
                            tier,
                            direction,
                            program.size,
                            named[direction],
                            all_words,
                            port_words,
                            weights,
                        )
                    )
            self.tables[direction] = tables
            self.selected[direction] = [t.selected(direction, program.size) for t in program.tiers]

    def rule_pairs(self) -> dict:
        """RuleRef → (source, destination) endpoint pairs its direction decides some port of."""
        out: dict = {}
        for tables in self.tables.values():
            for t in tables:
                if t is not None:
                    out.update(t.pairs)
        return out

    def compose(
        self,
        direction: Direction,
        rows: np.ndarray,
        cols: np.ndarray,
        union_cells: np.ndarray | None = None,
        track: bool = False,
    ):
        """Allowed atom words for rows (sources) × cols (destinations), shape (R, C, words).
        `union_cells`: the NetworkPolicy union over the same block (the union tier's answer
        where it applies). With `track`, also (accepted, denied): atoms an ordered tier's
        allow rule allowed where the NetworkPolicy tier would have isolated them, and atoms
        an ordered tier's deny rule denied."""
        if track:
            return self._compose_tracked(direction, rows, cols, union_cells)
        shape = (len(rows), len(cols), len(self.all_words))
        words = len(self.all_words)
        undecided = np.empty(shape, dtype=U64)
        undecided[...] = self.all_words
        allowed = np.zeros(shape, dtype=U64)
        egress = direction == "egress"
        subjects = rows if egress else cols
        live = np.ones(len(subjects), dtype=bool)  # subjects with atoms still undecided
        for tier, table, selected in zip(
            self.program.tiers, self.tables[direction], self.selected[direction], strict=True
        ):
            if not live.any():
                break
            if table is not None:
                if table.trivial:
                    continue
                if table.ends_only and SKIP_ENDS:  # no gather: its subjects' rest is denied
                    ends = selected[subjects] & live
                    if egress:
                        undecided[ends] = 0
                    else:
                        undecided[:, ends] = 0
                    live &= ~ends
                    continue
                # Only subjects the tier selects can change; gather those unless nearly all.
                act = live & selected[subjects]
                count = int(act.sum())
                if not count:
                    continue
                if count >= len(subjects) * FULL_SHARE:
                    allow, after = table.gather(rows, cols)
                    np.bitwise_and(allow, undecided, out=allow)
                    allowed |= allow
                    undecided &= after
                    continue
                idx = np.flatnonzero(act)
                if egress:
                    allow, after = table.gather(rows[idx], cols)
                    sub = undecided[idx]
                    allowed[idx] |= sub & allow
                    undecided[idx] = sub & after
                else:
                    allow, after = table.gather(rows, cols[idx])
                    u_cells, a_cells = _cells(undecided), _cells(allowed)
                    sub = _words(u_cells[:, idx], words)
                    a_cells[:, idx] = _cells(_words(a_cells[:, idx], words) | (sub & allow))
                    u_cells[:, idx] = _cells(sub & after)
            elif tier.union and union_cells is not None:
                applies = selected[subjects] & live
                if applies.any():
                    mask = np.where(applies, ~U64(0), U64(0))
                    mask = mask[:, None, None] if egress else mask[None, :, None]
                    part = undecided & union_cells
                    part &= mask
                    allowed |= part
                    if tier.default == DENY_IF_SELECTED:
                        undecided &= ~mask
                        live &= ~applies
                    else:  # a union run inside a longer tier (Calico's default): the rest goes on
                        undecided &= ~part
        allowed |= undecided
        return allowed

    def _compose_tracked(self, direction, rows, cols, union_cells):
        """compose() that also returns (accepted, denied); for views, not on the hot path."""
        track = True
        shape = (len(rows), len(cols), len(self.all_words))
        undecided = np.empty(shape, dtype=U64)
        undecided[...] = self.all_words
        allowed = np.zeros(shape, dtype=U64)
        accepted = np.zeros(shape, dtype=U64) if track else None
        denied = np.zeros(shape, dtype=U64) if track else None
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
                    at = (slice(None),)
                    allow, after = table.gather(rows, cols)
                else:
                    sub_rows, sub_cols = (rows[live], cols) if egress else (rows, cols[live])
                    allow, after = table.gather(sub_rows, sub_cols)
                if track:
                    accepted[at] |= undecided[at] & allow
                    denied[at] |= undecided[at] & ~allow & ~after
                allowed[at] |= undecided[at] & allow
                undecided[at] &= after
            elif tier.union and union_cells is not None:
                applies = selected[subjects[live]]
                idx = live[applies]
                if len(idx):
                    at = idx if egress else (slice(None), idx)
                    if track:  # accepted earlier is "over isolation" only where NP denies
                        accepted[at] &= ~union_cells[at]
                    allowed[at] |= undecided[at] & union_cells[at]
                    if tier.default == DENY_IF_SELECTED:
                        undecided[at] = 0
                        live = live[~applies]
                    else:  # a union run inside a longer tier (Calico's default): the rest goes on
                        undecided[at] &= ~union_cells[at]
        allowed |= undecided
        if track:
            # Accepts only count where the subject is NetworkPolicy-isolated (handled above);
            # elsewhere nothing would have denied them.
            iso = np.zeros(len(subjects), dtype=bool)
            for tier, selected in zip(self.program.tiers, self.selected[direction], strict=True):
                if tier.union:
                    iso |= selected[subjects]
            keep = iso[:, None, None] if egress else iso[None, :, None]
            accepted &= np.where(keep, ~U64(0), U64(0))
            return allowed, accepted, denied
        return allowed
