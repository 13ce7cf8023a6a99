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
    g.add_nodes_from(
        (
            e.id,
            {
                "kind": e.kind,
                "namespace": e.namespace,
                "name": e.name,
                "labels": dict(e.labels),
                "replicas": e.replicas,
                "host_network": e.host_network,
            },
        )
        for e in analysis.endpoints
    )
    g.add_nodes_from(
        (
            x.id,
            {
                "kind": "External",
                "namespace": None,
                "name": x.id,
                "cidrs": x.cidrs,
                "version": x.version,
            },
        )
        for x in analysis.externals
    )
    # Grants tuples are shared between equivalent pairs: derive their rule list once each.
    rules: dict[int, tuple[RuleRef, ...]] = {}

    def rules_of(c: Connection) -> tuple[RuleRef, ...]:
        found = rules.get(id(c.grants))
        if found is None:
            found = rules[id(c.grants)] = connection_rules(c)
        return found

    g.add_edges_from(
        (c.src, c.dst, {"ports": c.ports, "rules": rules_of(c), "grants": c.grants})
        for c in analysis.connections
    )
    return g
