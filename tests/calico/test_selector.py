"""Calico's selector language, a table row per case: matches, non-matches, syntax errors."""

from __future__ import annotations

import random

import numpy as np
import pytest

from netviz.k8s.calico.selector import (
    ALL,
    And,
    Compare,
    Has,
    InSet,
    Not,
    SelectorError,
    SelectorIndex,
    matches,
    parse,
)

LABELS = {"app": "web", "tier": "front-end", "env": "prod", "team/x.io": "a-b"}

# (selector, labels, expected)
MATCHES = [
    ("", {}, True),
    ("all()", {}, True),
    ("  all( )  ", LABELS, True),
    ("global()", LABELS, True),
    ("app == 'web'", LABELS, True),
    ('app == "web"', LABELS, True),
    ("app == 'db'", LABELS, False),
    ("missing == 'x'", LABELS, False),
    ("app != 'db'", LABELS, True),
    ("app != 'web'", LABELS, False),
    ("missing != 'x'", LABELS, True),  # != is true where the label is absent
    ("app in {'web', 'db'}", LABELS, True),
    ("app in {'db'}", LABELS, False),
    ("app in {}", LABELS, False),
    ("missing in {'x'}", LABELS, False),
    ("app not in {'db'}", LABELS, True),
    ("app not in {'web'}", LABELS, False),
    ("missing not in {'x'}", LABELS, True),  # not in is true where the label is absent
    ("app not in {}", LABELS, True),
    ("app in {'web',}", LABELS, True),  # a trailing comma is accepted
    ("app notin {'web'}", LABELS, False),  # operators are matched by prefix, as Calico does
    ("app in{'web'}", LABELS, True),
    ("has(app)", LABELS, True),
    ("has( app )", LABELS, True),
    ("has(missing)", LABELS, False),
    ("!has(missing)", LABELS, True),
    ("!!has(app)", LABELS, True),
    ("! ! ! has(app)", LABELS, False),
    ("!app == 'web'", LABELS, False),  # ! binds to the whole comparison
    ("tier contains 'end'", LABELS, True),
    ("tier contains 'back'", LABELS, False),
    ("missing contains ''", LABELS, False),
    ("tier starts with 'front'", LABELS, True),
    ("tier starts  with 'end'", LABELS, False),
    ("tier ends with '-end'", LABELS, True),
    ("tier ends with 'front'", LABELS, False),
    ("app == 'web' && env == 'prod'", LABELS, True),
    ("app == 'web' && env == 'dev'", LABELS, False),
    ("app == 'db' || env == 'prod'", LABELS, True),
    ("app == 'db' || env == 'dev'", LABELS, False),
    # && binds tighter than ||
    ("app == 'db' && env == 'dev' || has(tier)", LABELS, True),
    ("app == 'db' && (env == 'dev' || has(tier))", LABELS, False),
    ("!(app == 'db' || env == 'dev')", LABELS, True),
    ("((app == 'web'))", LABELS, True),
    ("team/x.io == 'a-b'", LABELS, True),
    ('app == "it\'s"', {"app": "it's"}, True),  # the other quote may appear inside
    ("app == '\"q\"'", {"app": '"q"'}, True),
    ("app == 'web'\t&&\tenv == 'prod'", LABELS, True),
    ("has(app) && all()", LABELS, True),
    ("!all()", LABELS, False),
]


@pytest.mark.parametrize(("selector", "labels", "expected"), MATCHES)
def test_it_evaluates_the_selector_language(selector, labels, expected):
    assert matches(selector, labels) is expected
    # The vectorised evaluator agrees with the plain one.
    assert bool(SelectorIndex([labels]).mask(selector)[0]) is expected


# (selector, column of the error)
ERRORS = [
    ("app", 4),
    ("app =", 5),
    ("app = 'web'", 5),
    ("app == web", 8),
    ("app == 'web", 8),
    ('app == "web', 8),
    ("app in 'web'", 8),
    ("app in {'a' 'b'}", 13),
    ("app in {,}", 9),
    ("app in {'a'", 12),
    ("has(app", 8),
    ("has()", 5),
    ("has(app) &", 10),
    ("has(app) |", 10),
    ("has(app) && ", 13),
    ("(has(app)", 10),
    ("has(app))", 9),
    ("()", 2),
    ("has(app) has(b)", 10),
    ("app == 'x' env == 'y'", 12),
    ("app is 'web'", 5),
    ("app starts 'x'", 5),
    ("app ends at 'x'", 5),
    ("app not 'x'", 5),
    ("all(x)", 5),
    ("global(", 8),
    ("app == 'x'\n", 11),  # only spaces and tabs separate tokens
    ("app == 'x' # comment", 12),
    ("!", 2),
    ("&& has(a)", 1),
    ("== 'x'", 1),
    ("'x' == app", 1),
]


@pytest.mark.parametrize(("selector", "column"), ERRORS)
def test_it_rejects_bad_syntax_with_the_column(selector, column):
    with pytest.raises(SelectorError) as info:
        parse(selector)
    assert info.value.column == column, str(info.value)
    assert f"(column {column})" in str(info.value)


def test_it_parses_into_a_typed_ast():
    assert parse("") == ALL
    assert parse("a == 'x' && !has(b) || c not in {'q', 'p'}").render() == (
        '((a == "x" && !has(b)) || c not in {"p", "q"})'
    )
    node = parse("a == 'x' && !has(b)")
    assert node == And((Compare("a", "==", "x"), Not(Has("b"))))
    assert parse("k in {'b', 'a', 'b'}") == InSet("k", frozenset({"a", "b"}))


def test_it_prefixes_every_label_key_like_calicos_prefix_visitor():
    node = parse("a == 'x' && has(b) || c not in {'y'} && d contains 'z'").prefixed("pcns.")
    assert node.render() == (
        '((pcns.a == "x" && has(pcns.b)) || (pcns.c not in {"y"} && pcns.d contains "z"))'
    )
    assert node.keys() == frozenset({"pcns.a", "pcns.b", "pcns.c", "pcns.d"})


def test_it_replaces_all_as_the_policy_compiler_does():
    node = parse("!all() || has(a)").replace_all(Has("projectcalico.org/namespace"))
    assert node.render() == "(!has(projectcalico.org/namespace) || has(a))"
    assert parse("global()").uses_global()
    assert not parse("all()").uses_global()


def test_it_renders_text_that_parses_back_to_the_same_ast():
    for selector, _, _ in MATCHES:
        node = parse(selector)
        assert parse(node.render()) == node


def _random_selector(rng: random.Random, depth: int = 0) -> str:
    keys = ["a", "b", "c"]
    vals = ["x", "y", "xy"]
    roll = rng.random()
    if depth > 2 or roll < 0.5:
        k, v = rng.choice(keys), rng.choice(vals)
        return rng.choice(
            [
                f"{k} == '{v}'",
                f"{k} != '{v}'",
                f"{k} in {{'{v}', 'y'}}",
                f"{k} not in {{'{v}'}}",
                f"has({k})",
                f"{k} contains '{v[0]}'",
                f"{k} starts with '{v[0]}'",
                f"{k} ends with '{v[-1]}'",
                "all()",
            ]
        )
    op = rng.choice([" && ", " || "])
    inner = op.join(_random_selector(rng, depth + 1) for _ in range(rng.randint(2, 3)))
    return ("!" if rng.random() < 0.3 else "") + f"({inner})"


def test_it_evaluates_many_label_sets_at_once_as_the_plain_evaluator_does():
    rng = random.Random(11)
    label_sets = []
    for _ in range(3000):  # more than any batch, with many repeats
        label_sets.append(
            {k: rng.choice(["x", "y", "xy"]) for k in ("a", "b", "c") if rng.random() < 0.6}
        )
    index = SelectorIndex(label_sets)
    for _ in range(200):
        selector = _random_selector(rng)
        want = np.array([matches(selector, labels) for labels in label_sets])
        got = index.mask(selector)
        assert got.dtype == bool and got.shape == (len(label_sets),)
        assert np.array_equal(got, want), selector
