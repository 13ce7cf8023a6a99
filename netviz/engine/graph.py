"""The analysis as a networkx DiGraph: endpoints and external ranges as nodes, connections as edges."""

from __future__ import annotations

import networkx

from netviz.engine.result import Analysis, Connection, RuleRef


def connection_rules(conn: Connection) -> tuple[RuleRef, ...]:
    """Every rule reference of a connection's grants, both sides, sorted and without repeats."""
    refs = {r for g in conn.grants for side in (g.egress, g.ingress) if side for r in side}
    return tuple(sorted(refs, key=_ref_key))


def _ref_key(r: RuleRef) -> tuple:
    return (
        r.policy_namespace,
        r.policy_name,
        r.direction,
        r.rule_index,
        -1 if r.peer_index is None else r.peer_index,
        -1 if r.port_index is None else r.port_index,
    )


def build_graph(analysis: Analysis) -> networkx.DiGraph:
    g = networkx.DiGraph()
    for e in analysis.endpoints:
        g.add_node(
            e.id,
            kind=e.kind,
            namespace=e.namespace,
            name=e.name,
            labels=dict(e.labels),
            replicas=e.replicas,
            host_network=e.host_network,
        )
    for x in analysis.externals:
        g.add_node(
            x.id, kind="External", namespace=None, name=x.id, cidrs=x.cidrs, version=x.version
        )
    for c in analysis.connections:
        g.add_edge(c.src, c.dst, ports=c.ports, rules=connection_rules(c), grants=c.grants)
    return g
