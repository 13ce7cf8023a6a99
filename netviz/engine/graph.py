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
                "sets": x.sets,
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


def build_class_graph(ev) -> networkx.DiGraph:
    """Classes of endpoints (or external ranges) that behave alike as nodes, allowed class pairs
    as edges: a compact view of a big analysis. Node attrs: members (ids, sorted), namespaces,
    external (bool); edge attr: ports. A lone bare Pod gets no edge to its own class."""
    m = ev.matrix
    members: dict[int, list[str]] = {}
    bare: dict[int, bool] = {}
    for i, e in enumerate(ev.nodes.endpoints):
        cls = int(m.node_class[ev.nodes.endpoint_class[i]])
        members.setdefault(cls, []).append(e.id)
        bare[cls] = e.kind == "Pod"
    for j, x in enumerate(ev.externals):
        members.setdefault(int(m.node_class[ev.nodes.pods + j]), []).append(x.id)
    g = networkx.DiGraph()
    for cls, ids in sorted(members.items()):
        external = not bool(m.class_is_pod[cls])
        namespaces = sorted({i.split("/", 1)[0] for i in ids}) if not external else []
        g.add_node(cls, members=tuple(sorted(ids)), namespaces=namespaces, external=external)
    for cls in sorted(members, key=lambda c: int(m.class_is[c])):  # ingress rows go in order
        dst_classes, words, _, _ = m.allowed_from(cls)
        for dst, w in zip(dst_classes.tolist(), words, strict=True):
            if dst == cls and len(members[cls]) == 1 and bare.get(cls):
                continue
            g.add_edge(cls, dst, ports=m.atoms.portset(m.atoms.from_words(w)))
    return g
