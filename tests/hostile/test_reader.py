"""The reader names each hostile input's problem exactly: severity, line and message."""

from __future__ import annotations

import pytest

from netviz.k8s import Limits, load_texts
from tests.hostile.cases import (
    FILES,
    LARGE,
    MISSING_NAMESPACE,
    POLICY_TYPE_MAPPING,
    Case,
    fifty_megabytes,
)

ALL = FILES + LARGE


def problems(case: Case) -> list[tuple[str, int, str]]:
    cluster = load_texts([(case.name, case.content)])
    return [(p.severity, p.source.line, p.message) for p in cluster.problems]


@pytest.mark.parametrize("case", ALL, ids=[c.id for c in ALL])
def test_each_hostile_file_gets_its_expected_message(case):
    assert problems(case) == ([case.problem] if case.problem else [])


@pytest.mark.parametrize("case", ALL, ids=[c.id for c in ALL])
def test_a_hostile_file_does_not_hide_the_good_file_beside_it(case):
    good = ("good.yaml", b"apiVersion: v1\nkind: Pod\nmetadata: {name: good, namespace: shop}\n")
    cluster = load_texts([good, (case.name, case.content)])
    assert "shop/good[Pod]" in {e.id for e in cluster.endpoints}


def test_a_fifty_megabyte_file_is_refused_unread():
    cluster = load_texts([("huge.yaml", fifty_megabytes())], limits=Limits())
    assert [p.message for p in cluster.problems] == [
        "not read: the input (50.0 MB) is over the 20 MB limit for all files"
    ]
    assert not cluster.endpoints


def test_the_later_of_two_duplicates_wins():
    case = next(c for c in FILES if c.name == "duplicate-pod.yaml")
    (pod,) = load_texts([(case.name, case.content)]).endpoints
    assert pod.labels == {"app": "second"}


def test_a_policy_in_a_namespace_the_input_does_not_declare_is_named():
    found = problems(MISSING_NAMESPACE)
    assert any(MISSING_NAMESPACE.problem[2] in message for _s, _l, message in found), found


def test_a_mapping_as_a_policy_type_is_named_and_the_file_kept():
    assert problems(POLICY_TYPE_MAPPING) == [POLICY_TYPE_MAPPING.problem]
