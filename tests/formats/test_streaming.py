"""write_connections: the same bytes as render_connections, written in parts."""

from __future__ import annotations

import io

import pytest

from netviz.engine.ports import PortSet
from netviz.engine.result import Analysis, Connection
from netviz.formats import CONNECTION_FORMATS, render_connections, write_connections
from netviz.formats.connections import BATCH
from netviz.k8s.model import Endpoint
from tests.formats.samples import ERROR, WARNING, analysis


class CountingWriter(io.StringIO):
    def __init__(self) -> None:
        super().__init__()
        self.writes = 0

    def write(self, text: str) -> int:
        self.writes += 1
        return super().write(text)


def _big() -> Analysis:
    """More connections than one batch holds, so batch boundaries are crossed."""
    pods = [Endpoint("Pod", "n", f"p{i:03d}") for i in range(95)]
    ports = [PortSet.single("TCP", 80), PortSet.all()]
    conns = [
        Connection(a.id, b.id, ports[(i + j) % 2])
        for i, a in enumerate(pods)
        for j, b in enumerate(pods)
        if a is not b
    ]
    assert len(conns) > BATCH
    return Analysis(endpoints=pods, connections=conns)


@pytest.mark.parametrize("fmt", CONNECTION_FORMATS)
@pytest.mark.parametrize("make", [analysis, _big, Analysis], ids=["sample", "big", "empty"])
def test_it_writes_what_render_connections_returns(fmt, make):
    a = make()
    out = CountingWriter()
    write_connections(a, [WARNING, ERROR], fmt, out)
    assert out.getvalue() == render_connections(a, [WARNING, ERROR], fmt)


@pytest.mark.parametrize("fmt", CONNECTION_FORMATS)
def test_it_writes_a_big_output_in_several_parts(fmt):
    out = CountingWriter()
    write_connections(_big(), [], fmt, out)
    assert out.writes >= 2


def test_it_refuses_an_unknown_format():
    with pytest.raises(ValueError, match="unknown format"):
        write_connections(analysis(), [], "yaml", io.StringIO())
