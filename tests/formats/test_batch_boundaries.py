"""Every connection format stays valid and complete on both sides of every batch boundary.

The JSON writer once put a lone `,` between batches of 8,192 connections while every test (all
below one batch) passed: here each format is rendered and streamed at 0, 1, BATCH-1, BATCH,
BATCH+1 and 3*BATCH+7 connections, parsed back with its own parser and compared connection by
connection with the analysis; and the batched row builder against a plain per-row one.
"""

from __future__ import annotations

import io
import json

import pytest

from netviz.engine.ports import PortSet
from netviz.engine.result import Analysis, Connection, ExternalRange
from netviz.formats import CONNECTION_FORMATS, render_connections, write_connections
from netviz.formats.connections import BATCH, connection_rows, plain_connection_rows
from netviz.formats.jsonout import analysis_to_json, dump_json
from netviz.k8s.model import Endpoint
from tests.formats.readback import assert_output_matches
from tests.formats.samples import ERROR, WARNING

COUNTS = (0, 1, BATCH - 1, BATCH, BATCH + 1, 3 * BATCH + 7)
PORTS = (
    PortSet.all(),
    PortSet.single("TCP", 80),
    PortSet.single("TCP", 8000, 8999) | PortSet.single("UDP", 53),
    PortSet.single("SCTP", 5000),
)
OUTSIDE = ExternalRange(4, "0.0.0.0", "255.255.255.255", ("0.0.0.0/0",))


def analysis_with(count: int) -> Analysis:
    """Exactly `count` connections between pods (with names that need quoting in CSV, Markdown
    and DOT) and to one address range, with several port sets."""
    side = 2
    while side * side + side < count:
        side += 1
    pods = [
        Endpoint("Pod", "n", f"p{i:03d}" + ("-a,b|c" if i % 7 == 0 else ""), labels={})
        for i in range(side)
    ]
    ids = [p.id for p in pods]
    pairs = [(a, b) for a in ids for b in ids if a != b] + [(a, OUTSIDE.id) for a in ids]
    conns = [
        Connection(src, dst, PORTS[(i * 7 + i // 3) % len(PORTS)])
        for i, (src, dst) in enumerate(pairs[:count])
    ]
    assert len(conns) == count
    return Analysis(endpoints=pods if count else [], externals=[OUTSIDE], connections=conns)


@pytest.fixture(scope="module", params=COUNTS, ids=[f"n{c}" for c in COUNTS])
def big(request) -> Analysis:
    return analysis_with(request.param)


@pytest.mark.parametrize("fmt", CONNECTION_FORMATS)
def test_it_renders_every_connection_in_a_valid_document(big, fmt):
    assert_output_matches(fmt, render_connections(big, [WARNING, ERROR], fmt), big)


@pytest.mark.parametrize("fmt", CONNECTION_FORMATS)
def test_it_streams_the_same_bytes_it_renders(big, fmt):
    out = io.StringIO()
    write_connections(big, [WARNING, ERROR], fmt, out)
    assert out.getvalue() == render_connections(big, [WARNING, ERROR], fmt)


def test_streamed_json_is_the_documented_dict_dumped(big):
    # The encoded-in-batches path against the plain one: a dict per connection, json's encoder.
    fast = render_connections(big, [WARNING, ERROR], "json")
    assert fast == dump_json(analysis_to_json(big, [WARNING, ERROR]))
    assert json.loads(fast) == json.loads(json.dumps(analysis_to_json(big, [WARNING, ERROR])))


@pytest.mark.parametrize(("sep", "end"), [("\n", None), (",\n    ", ""), (", ", "]"), ("", "")])
@pytest.mark.parametrize("count", COUNTS)
def test_batched_rows_join_like_plain_rows(count, sep, end):
    conns = analysis_with(count).connections
    pieces = (lambda s: f"<{s}|", lambda d: f"{d}|", lambda p: f"{p}>")
    parts = list(connection_rows(conns, *pieces, sep=sep, end=end))
    assert "".join(parts) == plain_connection_rows(conns, *pieces, sep=sep, end=end)
    assert len(parts) == -(-count // BATCH)  # one part per batch, none empty
