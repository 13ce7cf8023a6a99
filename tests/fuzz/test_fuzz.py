"""Fuzzing the reader, the engine, the formatters and the upload analysis: no exception escapes,
memory stays bounded. A few thousand examples in all; NETVIZ_FUZZ_SCALE=10 runs ten times more."""

from __future__ import annotations

import json
import os
import resource

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from netviz.engine import Evaluator
from netviz.formats import CONNECTION_FORMATS, render_connections, render_explanation
from netviz.k8s import Limits, load_texts
from netviz.k8s.model import Cluster
from tests.fuzz.strategies import manifests
from tests.hostile.cases import CORPUS, GOOD

SCALE = max(1, int(os.environ.get("NETVIZ_FUZZ_SCALE", "1")))
# Peak resident memory may grow by at most this much over one fuzz test.
MEMORY_BUDGET_MB = 400
# Small limits so that every example stays cheap, and the limits themselves get exercised.
LIMITS = Limits(
    max_total_bytes=256 * 1024, max_documents=50, max_aliases=20, max_nodes_per_document=5000
)


def fuzz(examples: int):
    return settings(
        max_examples=examples * SCALE,
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


@pytest.fixture(autouse=True)
def bounded_memory():
    before = peak_mb()
    yield
    grown = peak_mb() - before
    assert grown < MEMORY_BUDGET_MB, f"peak memory grew by {grown:.0f} MB"


def check(cluster: Cluster) -> None:
    assert isinstance(cluster, Cluster)
    for problem in cluster.problems:
        assert problem.source.file and problem.message
        # The reader's last guard turns an escaped exception into this message.
        assert "could not be read" not in problem.message, problem


YAML_TOKENS = [
    "apiVersion: v1\n", "apiVersion: networking.k8s.io/v1\n", "kind: Pod\n",
    "kind: NetworkPolicy\n", "kind: List\nitems:\n", "metadata:\n", "  name: web\n",
    "spec:\n", "  podSelector: {}\n", "  ingress:\n", "  - from:\n", "    - ipBlock: {cidr: ",
    "10.0.0.0/8}\n", "---\n", "...\n", "%YAML 1.1\n", "%TAG ! tag:x,2000:\n", "  ", "- ", ": ",
    "? ", "&a ", "*a ", "<<: *a\n", "!!str ", "!!binary ", "!custom ", "{", "}", "[", "]", ",",
    "|\n", ">-\n", "'", '"', "\\", "#", "\t", "\n", "\r\n", "\ufeff", "\x85", "\u2028", "é",
    "0x1F", "1e999", "~", "null", "yes", "2001-12-14", "=", "\x00", "\ud800",
]  # fmt: skip


@fuzz(1500)
@given(st.lists(st.one_of(st.sampled_from(YAML_TOKENS), st.text(max_size=4)), max_size=40))
def test_yaml_like_text_never_raises(tokens):
    text = "".join(tokens)
    check(load_texts([("fuzz.yaml", text), ("fuzz.json", text)], limits=LIMITS))


SEEDS = [GOOD] + [p.read_bytes() for p in sorted(CORPUS.iterdir())]


@st.composite
def mutated_bytes(draw) -> bytes:
    """A corpus file with a few bytes flipped, inserted, deleted or spliced from another file."""
    data = bytearray(draw(st.sampled_from(SEEDS)))
    for _ in range(draw(st.integers(1, 6))):
        op = draw(st.sampled_from(["flip", "insert", "delete", "splice"]))
        at = draw(st.integers(0, len(data)))
        if op == "flip" and at < len(data):
            data[at] = draw(st.integers(0, 255))
        elif op == "insert":
            data[at:at] = draw(st.binary(min_size=1, max_size=8))
        elif op == "delete":
            del data[at : at + draw(st.integers(1, 16))]
        elif op == "splice":
            other = draw(st.sampled_from(SEEDS))
            start = draw(st.integers(0, len(other)))
            data[at:at] = other[start : start + draw(st.integers(1, 64))]
    return bytes(data)


@fuzz(1000)
@given(mutated_bytes())
def test_mutated_corpus_files_never_raise(data):
    check(load_texts([("good.yaml", GOOD), ("fuzz.yaml", data)], limits=LIMITS))


def evaluate_everything(cluster: Cluster) -> None:
    """Every public engine entry point and every output format, on whatever was read."""
    evaluator = Evaluator(cluster)
    analysis = evaluator.analysis()
    for fmt in CONNECTION_FORMATS:
        assert isinstance(render_connections(analysis, cluster.problems, fmt), str)
    json.loads(render_connections(analysis, cluster.problems, "json"))
    evaluator.graph()
    ids = [e.id for e in analysis.endpoints]
    for src, dst in zip(ids, reversed(ids), strict=True):
        explanation = evaluator.explain(src, dst)
        assert explanation.allowed.issubset(explanation.asked)
        for fmt in ("text", "json"):
            assert render_explanation(explanation, fmt)


@fuzz(500)
@given(manifests)
def test_random_manifests_read_evaluate_and_render(objects):
    cluster = load_texts([("fuzz.yaml", yaml.safe_dump_all(objects))], limits=LIMITS)
    check(cluster)
    evaluate_everything(cluster)


@fuzz(150)
@given(manifests)
def test_random_manifests_as_json_lists_read_and_evaluate(objects):
    text = json.dumps({"apiVersion": "v1", "kind": "List", "items": objects})
    cluster = load_texts([("fuzz.json", text)], limits=LIMITS)
    check(cluster)
    evaluate_everything(cluster)


@fuzz(150)
@given(manifests, mutated_bytes())
def test_the_upload_analysis_stores_or_refuses_every_input(objects, noise):
    from netviz.web.services import Upload, UploadRefused, analyse

    files = [Upload("fuzz.yaml", yaml.safe_dump_all(objects).encode()), Upload("noise", noise)]
    try:
        computed = analyse(files)
    except UploadRefused as refused:
        assert refused.message and refused.status in (400, 413)
        return
    json.dumps(computed.snapshot)
    json.dumps(computed.compact.cells)
    json.dumps(computed.findings)
    assert len(computed.compact.src) == len(computed.compact.cell)
