"""Connections as the engine builds them: plain Connections to every reader, grants on demand."""

from __future__ import annotations

import dataclasses
import pickle

from netviz.engine.result import Connection
from netviz.engine.rows import ConnectionRow

from .build import evaluator, peer, pod, policy, port, rule, sel

WEB = pod("x", "web", kind="Deployment", app="web")
API = pod("x", "api", kind="Deployment", app="api")
DB = pod("x", "db", app="db")


def _evaluator():
    return evaluator(
        [WEB, API, DB],
        [
            policy(
                "x",
                "db-in",
                sel(app="db"),
                ingress=[rule(peer(sel()), ports=[port(5432)], line=7)],
            ),
        ],
    )


def _conn(ev, src, dst):
    [found] = [c for c in ev.analysis().connections if (c.src, c.dst) == (src.id, dst.id)]
    return found


def test_it_leaves_grants_uncomputed_until_someone_reads_them():
    ev = _evaluator()
    into_db = [c for c in ev.analysis().connections if c.dst == DB.id]
    cells = {id(c[3]) for c in into_db}
    assert len(into_db) == 2 and len(cells) == 1  # web and api share one cell
    assert into_db[0][3]._grants is None
    grants = into_db[0].grants
    assert [r.policy_id for g in grants for r in g.ingress] == ["x/db-in"]
    assert into_db[1].grants is grants  # computed once, shared by the equivalent pair


def test_a_row_equals_and_hashes_like_the_plain_connection():
    ev = _evaluator()
    row = _conn(ev, WEB, DB)
    assert isinstance(row, Connection) and dataclasses.is_dataclass(row)
    plain = Connection(row.src, row.dst, row.ports, row.grants)
    assert row == plain and plain == row
    assert (row != plain) is False
    assert hash(row) == hash(plain)
    assert row != Connection(row.src, row.dst, row.ports)
    assert dataclasses.asdict(row) == dataclasses.asdict(plain)


def test_a_row_pickles_as_a_plain_connection_with_its_grants():
    row = _conn(_evaluator(), API, DB)
    back = pickle.loads(pickle.dumps(row))
    assert type(back) is Connection
    assert back == row and back.grants == row.grants


def test_replace_on_a_row_keeps_the_other_fields():
    row = _conn(_evaluator(), WEB, DB)
    changed = dataclasses.replace(row, dst=API.id)
    assert (changed.src, changed.dst, changed.ports, changed.grants) == (
        row.src,
        API.id,
        row.ports,
        row.grants,
    )
    assert ConnectionRow("a", "b", row.ports).grants == ()
