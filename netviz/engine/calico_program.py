"""The Calico Program: Calico's tiers in Felix's order around the engine's own tiers, with the
host endpoint tiers (failsafe ports first, the default deny of a host without a profile last)."""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np

from netviz.engine.atoms import PortAtoms
from netviz.engine.calico import (
    FAILSAFE_IN,
    FAILSAFE_OUT,
    CalicoCompiler,
    _host_cidr,
)
from netviz.engine.classes import Nodes
from netviz.engine.program import (
    ALLOW,
    DENY_IF_SELECTED,
    PASS_ON,
    PolicyRef,
    Program,
    Tier,
    TierPolicy,
    TierRule,
)
from netviz.engine.result import RuleRef
from netviz.k8s.calico.model import (
    DEFAULT_TIER,
    K8S_POLICY_ORDER,
    CalicoPolicy,
    CalicoResources,
)
from netviz.k8s.calico.model import Tier as CalicoTier
from netviz.k8s.model import Cluster, IPBlock

# The engine's own tiers and the Calico tier each becomes when Calico resources are present.
_ENGINE_TIER = {"Admin": "kube-admin", "NetworkPolicy": DEFAULT_TIER, "Baseline": "kube-baseline"}


def calico_program(
    base: Program,
    nodes: Nodes,
    atoms: PortAtoms,
    cluster: Cluster,
    policies: Iterable[CalicoPolicy] | None = None,
) -> Program:
    """The Program with Calico's tiers in Felix's order, each holding its Calico policies and
    the engine's policies of the API that Calico puts there (NetworkPolicy v1 in `default` at
    order 1000, ClusterNetworkPolicies in kube-admin / kube-baseline by priority).

    `policies` replaces the enforced Calico policies (to evaluate a staged what-if)."""
    calico = cluster.calico or CalicoResources()
    compiler = CalicoCompiler(nodes, atoms, cluster)
    chosen = list(calico.policies if policies is None else policies)
    engine_tiers = {_ENGINE_TIER.get(t.name, t.name): t for t in base.tiers}
    tiers: list[Tier] = []
    for ctier in calico.tiers:
        mine = sorted((p for p in chosen if p.tier == ctier.name), key=lambda p: p.sort_key)
        theirs = engine_tiers.pop(ctier.name, None)
        built = _tier(ctier, mine, theirs, compiler)
        tiers.extend(built if isinstance(built, list) else [built])
    tiers.extend(engine_tiers.values())  # engine tiers Calico has no place for (none expected)
    if compiler.view.hosts:
        tiers = [_failsafe_tier(compiler), *tiers, _host_default_tier(compiler)]
    return Program(tiers=tiers, size=base.size)


def _host_policy(compiler: CalicoCompiler, name: str, mask: np.ndarray, rules: dict) -> TierPolicy:
    ref = PolicyRef("HostEndpoint", name, name, None, None)
    return TierPolicy(ref, mask[: compiler.nodes.pods], mask, rules)


def _failsafe_tier(compiler: CalicoCompiler) -> Tier:
    """Felix allows its failsafe ports on host endpoints before any policy."""
    hosts = np.zeros(compiler.nodes.n, dtype=bool)
    for _, mask, _ in compiler.view.hosts:
        hosts |= mask
    rules: dict = {}
    for direction, ports in (("ingress", FAILSAFE_IN), ("egress", FAILSAFE_OUT)):
        const = 0
        for proto, port in ports:
            const |= compiler.atoms.mask(proto, port, port)
        ref = RuleRef(
            "", "failsafe", direction, 0, kind="HostEndpoint", tier="failsafe", action=ALLOW
        )  # type: ignore[arg-type]
        everyone = compiler.everything
        rules[direction] = [TierRule(ALLOW, everyone, const, (), ref, "failsafe", (everyone,))]
    return Tier("failsafe", PASS_ON, [_host_policy(compiler, "failsafe", hosts, rules)])


def _host_default_tier(compiler: CalicoCompiler) -> Tier:
    """A host endpoint without the default-allow profile denies what no tier allowed."""
    hosts = np.zeros(compiler.nodes.n, dtype=bool)
    for _, mask, default_allow in compiler.view.hosts:
        if not default_allow:
            hosts |= mask
    rules: dict = {"ingress": [], "egress": []}
    policies = (
        [_host_policy(compiler, "host-endpoint-default", hosts, rules)] if hosts.any() else []
    )
    return Tier("host-endpoint-default", DENY_IF_SELECTED, policies)


def _split_union(
    ctier: CalicoTier, mine: list[CalicoPolicy], theirs: Tier | None, compiler: CalicoCompiler
) -> list[Tier] | None:
    """The tier as before → union → after → end, when its engine policies are a union (every
    rule Allow) that sits in one piece between Calico policies none of which passes: then the
    union keeps its fast path. None when that does not hold (the tier is run rule by rule)."""
    if theirs is None or not theirs.union or not theirs.policies:
        return None
    keys = [_engine_key(tp) for tp in theirs.policies]
    low, high = min(keys), max(keys)
    if any(low <= p.sort_key <= high for p in mine):
        return None
    if any(r.action == "Pass" for p in mine for r in (*p.ingress, *p.egress)):
        return None
    before = [tp for p in mine if p.sort_key < low for tp in compiler.policy(p, ctier.name)]
    after = [tp for p in mine if p.sort_key > high for tp in compiler.policy(p, ctier.name)]
    name = ctier.name
    out = [Tier(name, PASS_ON, before)] if before else []
    out.append(Tier(name, PASS_ON, theirs.policies, union=True))
    if after:
        out.append(Tier(name, PASS_ON, after))
    if ctier.default_action == "Deny":
        ends = []
        for direction in ("ingress", "egress"):
            mask = np.zeros(compiler.nodes.n, dtype=bool)
            for tp in (*before, *theirs.policies, *after):
                if direction in tp.rules:
                    mask |= tp.on_nodes
            ref = PolicyRef("Tier", name, name, None, None)
            ends.append(TierPolicy(ref, mask[: compiler.nodes.pods], mask, {direction: []}))
        out.append(Tier(name, DENY_IF_SELECTED, ends))
    return out


def _tier(
    ctier: CalicoTier, mine: list[CalicoPolicy], theirs: Tier | None, compiler: CalicoCompiler
) -> Tier | list[Tier]:
    default = PASS_ON if ctier.default_action == "Pass" else DENY_IF_SELECTED
    if not mine and theirs is not None:
        return Tier(ctier.name, default, theirs.policies, union=theirs.union)
    split = _split_union(ctier, mine, theirs, compiler)
    if split is not None:
        return split
    keyed: list[tuple[tuple[float, str], list[TierPolicy]]] = [
        (p.sort_key, compiler.policy(p, ctier.name)) for p in mine
    ]
    for tp in theirs.policies if theirs is not None else ():
        keyed.append((_engine_key(tp), [tp]))
    keyed.sort(key=lambda item: item[0])
    return Tier(ctier.name, default, [tp for _, group in keyed for tp in group])


def _engine_key(tp: TierPolicy) -> tuple[float, str]:
    ref = tp.ref
    if ref.kind == "NetworkPolicy":
        # Calico converts a Kubernetes NetworkPolicy to ns/knp.default.<name> at order 1000.
        return (K8S_POLICY_ORDER, f"{ref.namespace}/knp.default.{ref.name}")
    order = float(ref.priority) if ref.priority is not None else float("inf")
    return (order, ref.name)


def name_network_sets(externals: list, calico: CalicoResources) -> list:
    """External ranges with the names of the network sets (and host endpoints) holding them."""
    from dataclasses import replace

    from netviz.engine.addresses import block_contains

    holders = [(f"{s.kind} {s.id}", s.nets) for s in calico.network_sets]
    holders += [
        (f"HostEndpoint {h.name}", tuple(_host_cidr(ip) for ip in h.expected_ips))
        for h in calico.host_endpoints
    ]
    out = []
    for x in externals:
        names = tuple(
            name for name, nets in holders if any(block_contains(IPBlock(c), x.start) for c in nets)
        )
        out.append(replace(x, sets=names) if names else x)
    return out
