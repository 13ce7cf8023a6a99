"""On random clusters: generating from the connectivity allowed now and evaluating the result
again gives it back exactly, wherever labels tell the endpoints apart; every difference has a
reason otherwise. Keep-file subsets and a namespace scope likewise."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from netviz.engine import Evaluator
from netviz.generate import generate
from netviz.generate.pairs import Piece, connectivity
from netviz.k8s import load_texts
from tests.conformance.randomized import cluster_files, clusters
from tests.engine.synthetic import synthetic_cluster

from .helpers import keep_entries

SETTINGS = settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
# Where the generated set cannot say exactly what was allowed (the notes say why).
AMBIGUOUS = {"same-labels", "host-network-no-ip"}
# Kept subsets also meet hostNetwork pods, whose own side no policy restricts.
AMBIGUOUS_KEPT = AMBIGUOUS | {"host-network"}


def _read(c):
    cluster = load_texts(cluster_files(c))
    assert not cluster.errors
    return cluster


def _assert_exact_or_explained(result, codes=AMBIGUOUS) -> None:
    check = result.check
    assert not check.problems, check.problems  # the generated YAML is always valid
    ambiguous = {n.code for n in result.notes} & codes
    if not ambiguous:
        assert check.exact, check.difference
    for src, dst, _ports in check.difference.extra + check.difference.missing:
        key = (src.id if isinstance(src, Piece) else src, dst.id if isinstance(dst, Piece) else dst)
        assert set(check.reasons[key]) & ambiguous, key


@SETTINGS
@given(clusters())
def test_it_reproduces_the_connectivity_allowed_now(c):
    cluster = _read(c)
    result = generate(cluster, dns=False)
    _assert_exact_or_explained(result)


@SETTINGS
@given(clusters(), st.data())
def test_it_reproduces_exactly_a_kept_subset(c, data):
    cluster = _read(c)
    analysis = Evaluator(cluster).analysis()
    chosen = data.draw(
        st.lists(st.sampled_from(analysis.connections), unique=True)
        if analysis.connections
        else st.just([])
    )
    entries = []
    for conn in chosen:
        ranges = list(conn.ports.ranges())
        ports = conn.ports if data.draw(st.booleans()) else type(conn.ports)(ranges[:1])
        entries.append({"src": conn.src, "dst": conn.dst, "ports": ports.as_json()})
    keep = keep_entries(cluster, entries)
    result = generate(cluster, keep, dns=False)
    _assert_exact_or_explained(result, AMBIGUOUS_KEPT)
    wanted = {(e["src"], e["dst"]) for e in entries}
    kept = {
        (k[0].id if isinstance(k[0], Piece) else k[0], k[1].id if isinstance(k[1], Piece) else k[1])
        for k in result.selection.kept
    }
    assert kept == wanted  # the keep file's pairs, all allowed now, and nothing else


@SETTINGS
@given(clusters(), st.sampled_from(("x", "y", "z")))
def test_a_namespace_scope_reproduces_everything_and_changes_only_that_namespace(c, ns):
    cluster = _read(c)
    if ns not in {e.namespace for e in cluster.endpoints}:
        return
    result = generate(cluster, namespace=ns, dns=False)
    assert set(result.files) == {f"{ns}.yaml"}
    assert result.selection.expected == connectivity(Evaluator(cluster).analysis())
    _assert_exact_or_explained(result)


def test_it_reproduces_a_synthetic_cluster_exactly():
    # Big enough for several namespaces of tiered apps, with ipBlocks, named ports and DNS.
    cluster = synthetic_cluster(namespaces=6, apps=12)
    result = generate(cluster)
    assert result.check.exact, result.check.difference
    assert len(result.files) == 6
