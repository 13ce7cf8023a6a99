"""The Evaluator: compile a Cluster once, then answer the whole analysis, one pair, or a name."""

from __future__ import annotations

import difflib
import weakref
from functools import cached_property
from itertools import repeat

import networkx
import numpy as np

from netviz.engine.addresses import parse_address, parse_network
from netviz.engine.calico import calico_blocks, calico_port_specs
from netviz.engine.calico_caveats import host_endpoint_caveats
from netviz.engine.calico_paths import CalicoPaths, calico_explanation
from netviz.engine.calico_program import calico_program, name_network_sets
from netviz.engine.caveats import caveat_key, host_network_caveats, pod_ip_caveats
from netviz.engine.classes import Nodes
from netviz.engine.compile import admin_port_specs, compile_program, network_blocks, node_blocks
from netviz.engine.domains import domain_caveats, holder, patterns_of
from netviz.engine.domains import endpoint as domain_endpoint
from netviz.engine.explain import Explainer
from netviz.engine.grants import Granter, TieredGranter
from netviz.engine.matrix import Matrix
from netviz.engine.nogc import gc_paused
from netviz.engine.pair_arrays import CellPorts, source_rows
from netviz.engine.paths import PathFinder, with_decisions
from netviz.engine.peers import Compiled, all_blocks
from netviz.engine.ports import PortSet
from netviz.engine.result import Analysis, Connection, Explanation, ExternalRange
from netviz.engine.rows import ConnectionRow, GrantCell
from netviz.engine.tier_grants import MemoTieredGranter
from netviz.engine.tiered_caveats import analysis_caveats
from netviz.engine.view import EngineView
from netviz.k8s.model import Cluster, Endpoint


class UnknownEndpoint(LookupError):
    """A reference that names no endpoint, or more than one; the message lists candidates."""

    def __init__(self, ref: str, candidates: list[str], ambiguous: bool = False) -> None:
        self.ref = ref
        self.candidates = candidates
        self.ambiguous = ambiguous
        if ambiguous:
            message = f"{ref!r} is ambiguous: {', '.join(candidates)}"
        elif candidates:
            message = f"no endpoint {ref!r}; did you mean {', '.join(candidates)}?"
        else:
            message = f"no endpoint {ref!r}"
        super().__init__(message)

    def __str__(self) -> str:
        return self.args[0]


class Evaluator:
    """Compiled policies over one cluster. Everything is computed once and cached."""

    def __init__(self, cluster: Cluster, mode: str | None = None) -> None:
        """`mode`: None picks the NetworkPolicy union fast path when the input has only
        NetworkPolicies, else "ordered"; "ordered" / "general" force the ordered decision path
        (see Matrix), for tests comparing it with the fast path."""
        with gc_paused():
            self._compile(cluster, mode)

    def _compile(self, cluster: Cluster, mode: str | None) -> None:
        self.cluster = cluster
        self.policies = sorted(cluster.policies, key=lambda p: (p.namespace, p.name))
        admin = list(cluster.admin_policies)
        blocks = all_blocks(self.policies)
        networks: list = []
        if admin:
            networks = network_blocks(admin)
            blocks = blocks + networks + node_blocks(cluster.nodes)
        calico = cluster.calico
        extra_ports = admin_port_specs(admin)
        if calico is not None:
            blocks = blocks + calico_blocks(calico)
            extra_ports = extra_ports + calico_port_specs(calico)
        domains = patterns_of(admin)
        self.nodes = Nodes(cluster, blocks, networks, accounts=calico is not None, domains=domains)
        self.compiled = Compiled(self.nodes, self.policies, extra_ports)
        self.program = compile_program(self.nodes, self.compiled, admin, cluster.nodes)
        if calico is not None:
            self.program = calico_program(self.program, self.nodes, self.compiled.atoms, cluster)
        if mode is None:
            mode = "ordered" if self.program.ordered else ""
        self.mode = mode
        self.matrix = Matrix(self.compiled, self.program, mode)
        self.externals = [
            self.nodes.space.external(int(i)) for i in self.nodes.space.external_index
        ] + [domain_endpoint(d) for d in domains]
        if calico is not None:
            self.externals = name_network_sets(self.externals, calico)
        self._by_id: dict[str, Endpoint | ExternalRange] = {e.id: e for e in self.nodes.endpoints}
        self._by_id.update((x.id, x) for x in self.externals)
        universe = self.compiled.atoms.universe()
        self._explainer = Explainer(self.policies, self.nodes.ns_labels, universe)
        self._paths = PathFinder(self._explainer, admin, cluster.nodes) if self.mode else None
        if self.mode and calico is not None:
            self._paths = CalicoPaths(self._explainer, admin, cluster.nodes, cluster)
        self._analysis: Analysis | None = None

    # --- the whole answer -----------------------------------------------------------------
    def analysis(self) -> Analysis:
        if self._analysis is None:
            with gc_paused():
                self._analysis = self._analyse()
        return self._analysis

    def _analyse(self) -> Analysis:
        caveats = host_network_caveats(self.compiled) + pod_ip_caveats(self.compiled, self.matrix)
        if self.cluster.admin_policies:
            caveats += analysis_caveats(self.cluster.admin_policies, self.nodes.endpoints)
            caveats += domain_caveats(self.nodes.domains)
        if self.cluster.calico is not None:
            caveats += host_endpoint_caveats(self.cluster.calico)
        return Analysis(
            endpoints=list(self.nodes.endpoints),
            externals=list(self.externals),
            policies=list(self.policies),
            connections=self._build_connections(),
            caveats=sorted(set(caveats), key=caveat_key),
            tiered_policies=[p.source for p in self.view().tiered_policies()],
            universe=self.compiled.atoms.universe(),
        )

    def _node_ids(self) -> list[tuple[str, int, bool]]:
        """(id, final class, is a bare Pod) of every endpoint and external range, in the order
        every output lists them (workloads by id, then ranges by address, v4 first, then domain
        endpoints by name): formatters then find the connections already sorted."""
        m, nodes = self.matrix, self.nodes
        out = [
            (e.id, int(m.node_class[nodes.endpoint_class[i]]), e.kind == "Pod")
            for i, e in enumerate(nodes.endpoints)
        ]
        out.sort()
        ranges = sorted(range(len(self.externals)), key=lambda j: self.externals[j].sort_key)
        out += [(self.externals[j].id, int(m.node_class[nodes.pods + j]), False) for j in ranges]
        return out

    def _build_connections(self) -> list[Connection]:
        m = self.matrix
        granter: Granter
        if self._paths is None:
            granter = Granter(m)
        elif self._paths.memo:  # tier runs remembered per signature; memo off: the plain path
            granter = MemoTieredGranter(m, self._paths, self.node)
        else:
            granter = TieredGranter(m, self._paths, self.node)
        ordered = self._node_ids()
        ids = [node_id for node_id, _, _ in ordered]
        # (ports, grants) per cell: equivalent pairs share both objects. Grants are computed only
        # when asked for: most callers only want the ports.
        cell_ports: list[PortSet] = []
        cell_grants: list[GrantCell] = []

        of = CellPorts(m.atoms)

        def new_cells(egress: np.ndarray, ingress: np.ndarray, words: np.ndarray) -> None:
            for eg, ing, row in zip(egress.tolist(), ingress.tolist(), words, strict=True):
                mask, ports = of(row)
                cell_ports.append(ports)
                cell_grants.append(GrantCell(granter, eg, ing, mask))

        out: list[Connection] = []
        new = tuple.__new__
        # One row of connections per source, built by C-level maps: no Python code per pair.
        for _rank, src_id, dst_ranks, dst_cells in source_rows(m, ordered, new_cells):
            cl = dst_cells.tolist()
            fields = zip(
                repeat(src_id),
                map(ids.__getitem__, dst_ranks.tolist()),
                map(cell_ports.__getitem__, cl),
                map(cell_grants.__getitem__, cl),
            )
            out += map(new, repeat(ConnectionRow), fields)
        return out

    def rule_pairs(self) -> dict:
        """For ordered-tier rules: RuleRef → (source, destination) endpoint pairs it decides
        some port of, in its direction; empty for NetworkPolicy-only input."""
        d = self.matrix.decider
        return d.rule_pairs() if d is not None else {}

    def verdicts(self, limit: int = 50_000) -> tuple[list[tuple[str, str, str]], int]:
        """([(src, dst, kind)], how many in all) of pairs the ordered tiers decided, kind from
        netviz.engine.verdicts.KINDS, in output order; empty for NetworkPolicy-only input."""
        from netviz.engine.verdicts import KINDS, class_kinds, side_flags

        if self.matrix.decider is None or self.mode == "general":
            return [], 0
        with gc_paused():
            flags = side_flags(self.matrix)
            ordered = self._node_ids()
            by_class: dict[int, list[int]] = {}
            for rank, (_, cls, _) in enumerate(ordered):
                by_class.setdefault(cls, []).append(rank)
            out: list[tuple[str, str, str]] = []
            total = 0
            kinds_of = {cls: class_kinds(self.matrix, cls, flags) for cls in by_class}
            for src_id, cls, bare in ordered:
                kinds = kinds_of[cls]
                for dst_cls in np.flatnonzero(kinds >= 0).tolist():
                    for rank in by_class.get(dst_cls, ()):
                        dst_id = ordered[rank][0]
                        if bare and dst_id == src_id:
                            continue
                        total += 1
                        if len(out) < limit:
                            out.append((src_id, dst_id, KINDS[kinds[dst_cls]]))
        return out, total

    # --- one pair -------------------------------------------------------------------------
    def explain(self, src: str, dst: str, asked: PortSet | None = None) -> Explanation:
        a = self.endpoint(self.resolve(src))
        b = self.endpoint(self.resolve(dst))
        exp = self._explainer.explain(a, b, asked)
        if isinstance(self._paths, CalicoPaths):
            return calico_explanation(with_decisions(self._paths, exp, a, b))
        return exp if self._paths is None else with_decisions(self._paths, exp, a, b)

    def universe(self) -> PortSet:
        """Every connection of the input (PortAtoms.universe()): TCP, UDP and SCTP, plus the
        other protocols where the input's rules name them (docs/protocols.md)."""
        return self.compiled.atoms.universe()

    def node(self, index: int) -> Endpoint | ExternalRange:
        """The endpoint standing for node `index` (a class representative or an external range)."""
        nodes = self.nodes
        if index < nodes.pods:
            return nodes.reps[index]
        if index >= nodes.pods + nodes.ranges:
            return self.externals[index - nodes.pods]
        return nodes.space.external(int(nodes.space.external_index[index - nodes.pods]))

    def view(self) -> EngineView:
        """The public read-only view findings and views use (see netviz.engine.view)."""
        # A proxy: a view kept in a cache must not keep its evaluator alive.
        return EngineView(self.nodes, self.compiled, self.program, weakref.proxy(self))

    # --- names ----------------------------------------------------------------------------
    def endpoint(self, id: str) -> Endpoint | ExternalRange:
        found = self._by_id.get(id)
        if found is None:
            raise UnknownEndpoint(id, self._close(id))
        return found

    @cached_property
    def _short_names(self) -> dict[str, list[str]]:
        """'ns/name' and lower-case 'ns/name[kind]' → endpoint ids."""
        out: dict[str, list[str]] = {}
        for e in self.nodes.endpoints:
            out.setdefault(f"{e.namespace}/{e.name}", []).append(e.id)
            out.setdefault(e.id.lower(), []).append(e.id)
        return out

    @cached_property
    def _addresses(self) -> dict[str, list[str]]:
        """Pod IPs and hostNetwork host IPs (normalised) → endpoint ids."""
        out: dict[str, list[str]] = {}
        for e in self.nodes.endpoints:
            ips = list(e.pod_ips) + ([e.host_ip] if e.host_network and e.host_ip else [])
            for text in ips:
                ip = parse_address(text)
                if ip is not None and e.id not in out.get(str(ip), []):
                    out.setdefault(str(ip), []).append(e.id)
        return out

    def resolve(self, ref: str) -> str:
        """An endpoint id from "ns/name", "ns/name[Kind]", an id, an IP or a CIDR in one range."""
        text = ref.strip()
        if text in self._by_id:
            return text
        ids = self._short_names.get(text) or self._short_names.get(text.lower())
        if ids:
            if len(ids) > 1:
                raise UnknownEndpoint(ref, sorted(ids), ambiguous=True)
            return ids[0]
        if self.nodes.domains and parse_address(text) is None and "/" not in text:
            found = holder(text, self.nodes.domains)  # a name: the domain endpoint holding it
            if found is not None:
                return found
        ip = parse_address(text)
        if ip is not None:
            owners = self._addresses.get(str(ip), [])
            if len(owners) > 1:
                raise UnknownEndpoint(ref, sorted(owners), ambiguous=True)
            if owners:
                return owners[0]
            return self._external_at(str(ip), ref)
        net = parse_network(text) if "/" in text else None
        if net is not None:
            first = self._external_at(str(net.network_address), ref)
            last = self._external_at(str(net.broadcast_address), ref)
            if first != last:
                raise UnknownEndpoint(ref, [first, "...", last], ambiguous=True)
            return first
        raise UnknownEndpoint(ref, self._close(text))

    def _external_at(self, address: str, ref: str) -> str:
        space = self.nodes.space
        k = space.locate(address)
        if k is None or space.is_host[k]:
            raise UnknownEndpoint(ref, [])
        return space.external(k).id

    def _close(self, text: str) -> list[str]:
        names = list(self._short_names) + list(self._by_id)
        ns = text.split("/", 1)[0] + "/" if "/" in text else None
        if ns and any(n.startswith(ns) for n in names):
            names = [n for n in names if n.startswith(ns)]  # difflib is slow on big clusters
        found = difflib.get_close_matches(text, names, n=5, cutoff=0.6)
        out: list[str] = []
        for name in found:
            for i in self._short_names.get(name, [name]):
                if i in self._by_id and i not in out:
                    out.append(i)
        return out

    # --- graph ----------------------------------------------------------------------------
    def graph(self) -> networkx.DiGraph:
        """A new DiGraph of the analysis on each call (callers may change theirs)."""
        from netviz.engine.graph import build_graph

        analysis = self.analysis()
        with gc_paused():
            return build_graph(analysis)

    def class_graph(self) -> networkx.DiGraph:
        """Like graph() but over classes of equivalent endpoints: small even for big inputs."""
        from netviz.engine.graph import build_class_graph

        return build_class_graph(self)
