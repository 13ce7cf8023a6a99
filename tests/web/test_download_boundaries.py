"""Through a real upload: every download, the JSON twin and the diff outputs stay valid and
complete around the batch boundaries and on a 1,000-workload cluster."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bench.generate import DEFAULT_SEED, parse_spec, write
from netviz.diff.compare import compare
from netviz.diff.snapshot import snapshot
from netviz.engine import Evaluator
from netviz.formats import CONNECTION_FORMATS
from netviz.formats.connections import BATCH
from netviz.k8s import load_texts
from netviz.web.models import Review
from tests.formats.readback import assert_output_matches, expected_rows
from tests.formats.sized import sized_manifests
from tests.web.base import multipart

pytestmark = pytest.mark.django_db

COUNTS = (0, 1, BATCH - 1, BATCH, BATCH + 1, 3 * BATCH + 7)


@pytest.fixture(autouse=True)
def analysed_at_upload(settings):
    settings.NETVIZ_BACKGROUND_KB = 100_000  # the worker's path is tested in tests/background


def upload(client, files: list[tuple[str, str]]) -> tuple[Review, str]:
    """Through the home page's form; the review and the edit token its redirect carries."""
    r = client.post("/", {"title": "sized", "files": multipart(files)})
    assert r.status_code == 302, r.content[:300]
    edit_token = r["Location"].split("?")[0].rstrip("/").rsplit("/", 1)[-1]
    return Review.objects.order_by("-pk").first(), edit_token


def analysis_of(files: list[tuple[str, str]]):
    cluster = load_texts([(n, c.encode()) for n, c in files])
    return cluster, Evaluator(cluster).analysis()


def check_downloads(client, review: Review, number: int, analysis) -> None:
    base = f"/r/{review.view_token}/rev/{number}"
    for fmt in CONNECTION_FORMATS:
        r = client.get(f"{base}/connections.{fmt}")
        assert r.status_code == 200, fmt
        body = b"".join(r.streaming_content) if r.streaming else r.content
        assert_output_matches(fmt, body.decode(), analysis)
    twin = json.loads(client.get(f"/r/{review.view_token}/rev/{number}.json").content)
    got = [(c["src"], c["dst"], c["ports_text"]) for c in twin["connections"]]
    assert got == expected_rows(analysis)
    assert twin["summary"]["connections"] == len(analysis.connections)


@pytest.mark.parametrize("count", COUNTS, ids=[f"n{c}" for c in COUNTS])
def test_every_download_lists_every_connection_around_each_batch_boundary(client, count):
    files = [("cluster.yaml", sized_manifests(count))]
    _, analysis = analysis_of(files)
    assert len(analysis.connections) == count
    review, _ = upload(client, files)
    check_downloads(client, review, 1, analysis)
    latest = json.loads(client.get(f"/r/{review.view_token}.json").content)
    assert len(latest["connections"]) == count


def test_a_big_diff_is_valid_and_complete_in_every_format(client):
    old = [("cluster.yaml", sized_manifests(3 * BATCH + 7))]
    new = [("cluster.yaml", sized_manifests(BATCH + 1))]
    review, edit_token = upload(client, old)
    r = client.post(f"/api/reviews/{edit_token}/revisions", {"files": multipart(new)})
    assert r.status_code == 201, r.content[:300]
    (c_old, a_old), (c_new, a_new) = analysis_of(old), analysis_of(new)
    want = compare(snapshot(a_old, c_old), snapshot(a_new, c_new))["connections"]
    counts = tuple(len(want[k]) for k in ("added", "removed", "changed"))
    assert counts[1] > 2 * BATCH
    base = f"/r/{review.view_token}/diff/1..2"
    doc = json.loads(client.get(f"{base}.json").content)
    assert tuple(len(doc["connections"][k]) for k in ("added", "removed", "changed")) == counts
    text = client.get(f"{base}.text").content.decode()
    marks = [ln[2] for ln in text.splitlines() if ln[:2] == "  " and " -> " in ln]
    assert (marks.count("+"), marks.count("-"), marks.count("~")) == counts
    assert len(marks) == sum(counts)


@pytest.fixture(scope="module")
def bench_m(tmp_path_factory) -> list[tuple[str, str]]:
    root = tmp_path_factory.mktemp("bench-m")
    write(parse_spec("M"), root, DEFAULT_SEED)
    return [(str(p.relative_to(root)), p.read_text()) for p in sorted(Path(root).rglob("*.yaml"))]


def test_a_1000_workload_review_downloads_whole(client, bench_m):
    _, analysis = analysis_of(bench_m)
    assert len(analysis.connections) > 20_000
    review, _ = upload(client, bench_m)
    check_downloads(client, review, 1, analysis)


def _page_data(client, url: str) -> str:
    html = client.get(url).content.decode()
    start = html.index('<script id="netviz-data" type="application/json">')
    return html[start : html.index("</script>", start)]


def test_cached_page_data_is_the_fresh_data_on_a_big_review(client):
    from netviz.web import explore_data

    files = [("cluster.yaml", sized_manifests(3 * BATCH + 7))]
    _, analysis = analysis_of(files)
    review, _ = upload(client, files)
    url = f"/r/{review.view_token}/"
    explore_data._cache.clear()
    fresh = _page_data(client, url)
    cached = _page_data(client, url)
    assert explore_data._cache, "the second request was meant to come from the cache"
    assert cached == fresh
    data = json.loads(fresh.split(">", 1)[1])
    ids = [n[0] for n in data["nodes"]]
    pairs = [(ids[s], ids[d]) for s, d, *_ in data["edges"]]
    assert pairs == [(c.src, c.dst) for c in analysis.connections]
