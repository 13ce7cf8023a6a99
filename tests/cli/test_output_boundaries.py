"""`analyze` writes valid, complete output in every format around the batch boundaries and on a
realistic 1,000-workload cluster: each output parsed back and compared with the analysis."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from django.core.management import call_command

from bench.generate import DEFAULT_SEED, parse_spec, write
from netviz.engine import Evaluator
from netviz.formats import CONNECTION_FORMATS
from netviz.formats.connections import BATCH
from netviz.k8s import load_paths
from tests.formats.readback import assert_output_matches
from tests.formats.sized import sized_manifests

COUNTS = (0, 1, BATCH - 1, BATCH, BATCH + 1, 3 * BATCH + 7)


def analyze(path: Path, fmt: str, out: Path | None) -> str:
    stdout = io.StringIO()
    args = ["analyze", str(path), "--format", fmt]
    if out is not None:
        args += ["--output", str(out)]
    call_command(*args, stdout=stdout, stderr=io.StringIO())
    return out.read_text(encoding="utf-8") if out is not None else stdout.getvalue()


@pytest.fixture(scope="module", params=COUNTS, ids=[f"n{c}" for c in COUNTS])
def sized(request, tmp_path_factory):
    path = tmp_path_factory.mktemp(f"sized{request.param}") / "cluster.yaml"
    path.write_text(sized_manifests(request.param))
    analysis = Evaluator(load_paths([str(path)])).analysis()
    assert len(analysis.connections) == request.param
    return path, analysis


@pytest.mark.parametrize("to_file", [True, False], ids=["output", "stdout"])
@pytest.mark.parametrize("fmt", CONNECTION_FORMATS)
def test_analyze_lists_every_connection_around_each_batch_boundary(sized, fmt, to_file, tmp_path):
    path, analysis = sized
    text = analyze(path, fmt, tmp_path / f"out.{fmt}" if to_file else None)
    assert_output_matches(fmt, text, analysis)


@pytest.fixture(scope="module")
def realistic(tmp_path_factory):
    root = tmp_path_factory.mktemp("bench-m")
    write(parse_spec("M"), root, DEFAULT_SEED)
    analysis = Evaluator(load_paths([str(root)])).analysis()
    assert len(analysis.connections) > 20_000
    return root, analysis


@pytest.mark.parametrize("fmt", CONNECTION_FORMATS)
def test_analyze_of_a_1000_workload_cluster_reads_back_whole(realistic, fmt, tmp_path):
    root, analysis = realistic
    assert_output_matches(fmt, analyze(root, fmt, tmp_path / f"out.{fmt}"), analysis)
