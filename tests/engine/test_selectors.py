"""Label selectors: every operator, NotIn on an absent key, the empty selector; scalar = vectorised."""

from __future__ import annotations

import pytest

from netviz.engine.selectors import LabelIndex, matches

from .build import req, sel

CASES = [
    # (selector, labels, matches?)
    (sel(), {}, True),
    (sel(), {"app": "web"}, True),
    (sel(app="web"), {"app": "web", "tier": "fe"}, True),
    (sel(app="web"), {"app": "api"}, False),
    (sel(app="web"), {}, False),
    (sel(app="web", tier="fe"), {"app": "web"}, False),
    (sel(req("app", "In", "web", "api")), {"app": "api"}, True),
    (sel(req("app", "In", "web")), {"app": "db"}, False),
    (sel(req("app", "In", "web")), {}, False),
    (sel(req("app", "NotIn", "web")), {"app": "api"}, True),
    (sel(req("app", "NotIn", "web")), {"app": "web"}, False),
    (sel(req("app", "NotIn", "web")), {}, True),  # absent key: NotIn matches
    (sel(req("app", "NotIn", "web")), {"other": "x"}, True),
    (sel(req("app", "Exists")), {"app": ""}, True),
    (sel(req("app", "Exists")), {"apps": "x"}, False),
    (sel(req("app", "DoesNotExist")), {}, True),
    (sel(req("app", "DoesNotExist")), {"app": "web"}, False),
    (sel(req("app", "Exists"), tier="fe"), {"app": "x", "tier": "fe"}, True),
    (sel(req("app", "Exists"), tier="fe"), {"tier": "fe"}, False),
    (sel(req("a", "In", "1"), req("b", "NotIn", "2")), {"a": "1", "b": "2"}, False),
    (sel(req("a", "In", "1"), req("b", "NotIn", "2")), {"a": "1"}, True),
]


@pytest.mark.parametrize(("selector", "labels", "expected"), CASES)
def test_selector_matches_one_label_set(selector, labels, expected):
    assert matches(selector, labels) is expected


def test_label_index_answers_like_the_scalar_matcher_for_every_case():
    label_sets = [labels for _, labels, _ in CASES]
    index = LabelIndex(label_sets)
    for selector, _, _ in CASES:
        got = index.match(selector).tolist()
        assert got == [matches(selector, labels) for labels in label_sets], selector
