"""`diff --format md` as a pull-request comment: summary first, lists folded, cut, linked."""

from __future__ import annotations

from netviz.diff import compare, render_diff
from tests.diff.test_compare import snap, tcp

ENDPOINTS = tuple(f"a/w{i}[Pod]" for i in range(8))
# Before: nothing. After: w0 reaches every other endpoint on TCP 80 (7 connections added).
AFTER = [("a/w0[Pod]", f"a/w{i}[Pod]", tcp(80)) for i in range(1, 8)]


def diff() -> dict:
    return compare(snap([], endpoints=ENDPOINTS), snap(AFTER, endpoints=ENDPOINTS))


def test_without_a_limit_every_row_is_there_folded_under_the_summary_table():
    md = render_diff(diff(), "md")
    assert md.startswith("## Connectivity diff\n\n| | added | removed | changed |")
    assert "| connections | 7 | 0 | 0 |" in md
    assert "<details>\n<summary>Connections added (7)</summary>\n\n### Connections added" in md
    assert md.count("| `a/w0[Pod]` |") == 7
    assert "more" not in md


def test_a_limit_cuts_each_list_and_counts_the_rest():
    md = render_diff(diff(), "md", limit=3)
    assert md.count("| `a/w0[Pod]` |") == 3
    assert "… and 4 more (`netviz diff --format json` lists them all)" in md


def test_a_base_url_links_the_review_and_each_pair():
    md = render_diff(diff(), "md", base_url="https://n.example/r/T")
    assert "[Open the review in netviz](https://n.example/r/T/)" in md
    assert "| [`a/w0[Pod]`](https://n.example/r/T/edge/a~w0~Pod/a~w1~Pod/) | `a/w1[Pod]` |" in md


def test_a_pair_with_a_removed_endpoint_is_not_linked():
    before = snap([("a/w0[Pod]", "a/gone[Pod]", tcp(80))], endpoints=(*ENDPOINTS, "a/gone[Pod]"))
    md = render_diff(compare(before, snap([], endpoints=ENDPOINTS)), "md", base_url="https://n/r/T")
    assert "| `a/w0[Pod]` | `a/gone[Pod]` | `TCP 80` |" in md
    assert "edge/a~w0~Pod/a~gone~Pod" not in md
