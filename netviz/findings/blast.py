"""Blast radius: what a compromised endpoint reaches over allowed connections, hop by hop.

External address ranges end a path: netviz knows nothing of the machines behind them, so it
neither follows traffic out through the internet and back in, nor treats them as a pivot.
"""

from __future__ import annotations

from weakref import WeakKeyDictionary

import networkx

from netviz.engine import Evaluator
from netviz.engine.result import ExternalRange
from netviz.findings.model import BlastRadius, Reach

# Evaluator.graph() builds a new graph on every call; the web app asks per endpoint.
_GRAPHS: WeakKeyDictionary[Evaluator, networkx.DiGraph] = WeakKeyDictionary()


def _graph(evaluator: Evaluator) -> networkx.DiGraph:
    found = _GRAPHS.get(evaluator)
    if found is None:
        found = _GRAPHS[evaluator] = evaluator.graph()
    return found


def _bfs(graph: networkx.DiGraph, origin: str, reverse: bool) -> dict[str, str | None]:
    """Parent of every node reached (origin → None); level by level, in id order, so that the
    path kept for each node is the same on every run."""
    step = graph.predecessors if reverse else graph.successors
    external = {n for n, kind in graph.nodes(data="kind") if kind == "External"}
    parent: dict[str, str | None] = {origin: None}
    frontier = [origin]
    while frontier:
        nxt: list[str] = []
        for node in frontier:
            if node in external and node != origin:
                continue
            for other in sorted(step(node)):
                if other not in parent:
                    parent[other] = node
                    nxt.append(other)
        frontier = sorted(nxt)
    return parent


def blast_radius(evaluator: Evaluator, endpoint_id: str, reverse: bool = False) -> BlastRadius:
    """Everything `endpoint_id` can reach transitively; with `reverse`, everything reaching it.

    `endpoint_id` may be any reference Evaluator.resolve accepts; UnknownEndpoint if none.
    """
    origin = evaluator.resolve(endpoint_id)
    graph = _graph(evaluator)
    parent = _bfs(graph, origin, reverse)
    reached = []
    for node in parent:
        if node == origin:
            continue
        chain = [node]
        while parent[chain[-1]] is not None:
            chain.append(parent[chain[-1]])  # type: ignore[arg-type]
        path = chain if reverse else chain[::-1]  # always source first
        ports = tuple(str(graph.edges[a, b]["ports"]) for a, b in zip(path, path[1:], strict=False))
        external = isinstance(evaluator.endpoint(node), ExternalRange)
        reached.append(Reach(node, len(path) - 1, tuple(path), ports, external))
    reached.sort(key=lambda r: (r.hops, r.external, r.node))
    return BlastRadius(origin=origin, reverse=reverse, reached=tuple(reached))
