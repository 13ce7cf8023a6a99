"""Label selector matching: one label set at a time, or every label set of an input at once.

| selector part          | key absent | key present, value in values | value not in values |
|------------------------|------------|------------------------------|---------------------|
| matchLabels k=v        | no         | yes (v)                      | no                  |
| In                     | no         | yes                          | no                  |
| NotIn                  | YES        | no                           | yes                 |
| Exists / DoesNotExist  | no / yes   | yes / no                     | yes / no            |
All parts are ANDed; the empty selector matches everything.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np

from netviz.k8s.model import LabelSelector, Requirement


def requirement_matches(req: Requirement, labels: Mapping[str, str]) -> bool:
    present = req.key in labels
    if req.operator == "In":
        return present and labels[req.key] in req.values
    if req.operator == "NotIn":
        return not present or labels[req.key] not in req.values
    if req.operator == "Exists":
        return present
    if req.operator == "DoesNotExist":
        return not present
    return False  # an unknown operator selects nothing, as the API server would reject it


def matches(selector: LabelSelector, labels: Mapping[str, str]) -> bool:
    """Whether one label set matches the selector."""
    return all(labels.get(k) == v for k, v in selector.match_labels) and all(
        requirement_matches(r, labels) for r in selector.match_expressions
    )


class LabelIndex:
    """Inverted index over a list of label sets; `match` answers for all of them in one go."""

    def __init__(self, label_sets: Sequence[Mapping[str, str]]) -> None:
        self.size = len(label_sets)
        pairs: dict[tuple[str, str], list[int]] = {}
        keys: dict[str, list[int]] = {}
        for i, labels in enumerate(label_sets):
            for k, v in labels.items():
                pairs.setdefault((k, v), []).append(i)
                keys.setdefault(k, []).append(i)
        self._pairs = pairs
        self._keys = keys
        self._cache: dict[LabelSelector, np.ndarray] = {}

    def _rows(self, rows: list[int] | None) -> np.ndarray:
        out = np.zeros(self.size, dtype=bool)
        if rows:
            out[rows] = True
        return out

    def _any_value(self, key: str, values: frozenset[str]) -> np.ndarray:
        out = np.zeros(self.size, dtype=bool)
        for v in values:
            rows = self._pairs.get((key, v))
            if rows:
                out[rows] = True
        return out

    def match(self, selector: LabelSelector) -> np.ndarray:
        """Boolean array: which label sets the selector matches. Do not modify the result."""
        found = self._cache.get(selector)
        if found is not None:
            return found
        out = np.ones(self.size, dtype=bool)
        for k, v in selector.match_labels:
            out &= self._rows(self._pairs.get((k, v)))
        for req in selector.match_expressions:
            if req.operator == "In":
                out &= self._any_value(req.key, req.values)
            elif req.operator == "NotIn":
                out &= ~self._any_value(req.key, req.values)
            elif req.operator == "Exists":
                out &= self._rows(self._keys.get(req.key))
            elif req.operator == "DoesNotExist":
                out &= ~self._rows(self._keys.get(req.key))
            else:
                out[:] = False
        out.flags.writeable = False
        self._cache[selector] = out
        return out
