"""Vectorised ordered decisions: a Program run over a block of (row, column) signature pairs.

Cells are port-atom bitsets (uint64 words). Per cell, `undecided` starts full and shrinks rule by
rule; in a tier, PASS moves atoms to `passed` (kept out of the tier's later rules); at the end of
a tier that applied with default DENY_IF_SELECTED only the passed atoms stay undecided, else the
passed ones return to undecided; after the last tier whatever is undecided is allowed. Work is
one numpy operation per rule over the sub-block its subjects and peers select, never per pair.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from netviz.engine.program import ALLOW, DENY_IF_SELECTED, LOG, PASS, Program, TierRule
from netviz.k8s.model import Direction

U64 = np.uint64
PortWords = Callable[[TierRule, np.ndarray], np.ndarray]


def decide(
    program: Program,
    direction: Direction,
    rows: np.ndarray,
    cols: np.ndarray,
    subject_axis: int,
    all_words: np.ndarray,
    port_words: PortWords,
    union_cells: np.ndarray | None = None,
) -> np.ndarray:
    """Allowed atom words, shape (len(rows), len(cols), words).

    rows / cols are representative node indices; the subject (whose policies decide) is on
    `subject_axis`, the other end on the other axis; destinations are always the columns (port
    words depend on them). `union_cells`, when given, are the NetworkPolicy tier's union of
    allows over the same block: that tier is then applied in one step (its fast path).
    """
    shape = (len(rows), len(cols), len(all_words))
    undecided = np.empty(shape, dtype=U64)
    undecided[...] = all_words
    allowed = np.zeros(shape, dtype=U64)
    size = program.size
    subjects = rows if subject_axis == 0 else cols
    others = cols if subject_axis == 0 else rows

    def along(idx):  # an index over the subject axis
        return idx if subject_axis == 0 else (slice(None), idx)

    for tier in program.tiers:
        if tier.union and union_cells is not None:
            applies = np.flatnonzero(tier.selected(direction, size)[subjects])
            if len(applies):
                at = along(applies)
                allowed[at] |= undecided[at] & union_cells[at]
                undecided[at] = 0
            continue
        passed = None
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
            at = along(np.flatnonzero(applies))
            undecided[at] = 0 if passed is None else passed[at]
            if passed is not None:
                passed[at] = 0
        if passed is not None:
            undecided |= passed
    allowed |= undecided
    return allowed
