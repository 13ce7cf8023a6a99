"""Calico selectors over many label sets at once: boolean numpy masks, memoised per AST node
and per distinct label set."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np

from netviz.k8s.calico.selector import (
    _TESTS,
    All,
    And,
    Compare,
    Global,
    Has,
    InSet,
    Node,
    Not,
    Or,
    parse,
)


class SelectorIndex:
    """Evaluates selectors against many label sets at once, as boolean numpy masks.

    Label sets that are equal are evaluated once; masks are memoised per AST node, so the parts
    shared by many selectors (a namespace scope, a service-account match) are computed once.
    """

    def __init__(self, label_sets: Sequence[Mapping[str, str]]) -> None:
        distinct: dict[tuple[tuple[str, str], ...], int] = {}
        inverse = []
        for labels in label_sets:
            key = tuple(sorted(labels.items()))
            inverse.append(distinct.setdefault(key, len(distinct)))
        self.size = len(label_sets)
        self._inverse = np.array(inverse, dtype=np.int64)
        self._n = len(distinct)
        pairs: dict[tuple[str, str], list[int]] = {}
        values: dict[str, dict[str, list[int]]] = {}
        for row, key in enumerate(distinct):
            for k, v in key:
                pairs.setdefault((k, v), []).append(row)
                values.setdefault(k, {}).setdefault(v, []).append(row)
        self._pairs = pairs
        self._values = values
        self._cache: dict[Node, np.ndarray] = {}

    def _rows(self, rows: Sequence[int] | None) -> np.ndarray:
        out = np.zeros(self._n, dtype=bool)
        if rows:
            out[list(rows)] = True
        return out

    def _distinct_mask(self, node: Node) -> np.ndarray:
        found = self._cache.get(node)
        if found is not None:
            return found
        out = self._compute(node)
        out.flags.writeable = False
        self._cache[node] = out
        return out

    def _compute(self, node: Node) -> np.ndarray:
        if isinstance(node, All | Global):
            return np.ones(self._n, dtype=bool)
        if isinstance(node, Has):
            by_value = self._values.get(node.key, {})
            return self._rows([r for rows in by_value.values() for r in rows])
        if isinstance(node, Compare):
            if node.op == "==":
                return self._rows(self._pairs.get((node.key, node.value)))
            if node.op == "!=":
                return ~self._rows(self._pairs.get((node.key, node.value)))
            test = _TESTS[node.op]
            by_value = self._values.get(node.key, {})
            return self._rows(
                [r for v, rows in by_value.items() if test(v, node.value) for r in rows]
            )
        if isinstance(node, InSet):
            hit = self._rows([r for v in node.values for r in self._pairs.get((node.key, v), ())])
            return ~hit if node.negated else hit
        if isinstance(node, Not):
            return ~self._distinct_mask(node.operand)
        if isinstance(node, And):
            out = np.ones(self._n, dtype=bool)
            for o in node.operands:
                out &= self._distinct_mask(o)
            return out
        if isinstance(node, Or):
            out = np.zeros(self._n, dtype=bool)
            for o in node.operands:
                out |= self._distinct_mask(o)
            return out
        raise TypeError(f"not a selector node: {node!r}")

    def mask(self, selector: str | Node) -> np.ndarray:
        """Boolean array over the label sets given: which ones the selector matches."""
        node = parse(selector) if isinstance(selector, str) else selector
        return self._distinct_mask(node)[self._inverse]


def mask(selector: str | Node, label_sets: Sequence[Mapping[str, str]]) -> np.ndarray:
    """One-off form of SelectorIndex(label_sets).mask(selector)."""
    return SelectorIndex(label_sets).mask(selector)
