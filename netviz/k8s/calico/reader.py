"""The Calico part of the manifest reader: which kinds are Calico's, and collecting them.

`netviz.k8s.load` hands every document whose kind and apiVersion `is_calico` accepts to
`CalicoCollector.add`, and puts `CalicoCollector.finish()` on the Cluster.
"""

from __future__ import annotations

from netviz.k8s.built import built
from netviz.k8s.calico.model import (
    BUILTIN_TIERS,
    DEFAULT_TIER,
    CalicoPolicy,
    CalicoResources,
    HostEndpoint,
    NetworkSet,
    Profile,
    ServiceAccount,
    Tier,
)
from netviz.k8s.calico.policies import API_VERSIONS, build_calico_policy, build_tier
from netviz.k8s.calico.resources import (
    build_host_endpoint,
    build_network_set,
    build_profile,
    build_service_account,
)
from netviz.k8s.fields import Reporter
from netviz.k8s.model import Problem

POLICY_KINDS = (
    "NetworkPolicy",
    "GlobalNetworkPolicy",
    "StagedNetworkPolicy",
    "StagedGlobalNetworkPolicy",
    "StagedKubernetesNetworkPolicy",
)
OTHER_KINDS = ("Tier", "NetworkSet", "GlobalNetworkSet", "HostEndpoint", "Profile")
CALICO_KINDS = POLICY_KINDS + OTHER_KINDS


def is_calico(kind: str, api_version: str) -> bool:
    """Calico resources, and v1 ServiceAccounts (whose labels Calico selectors can match)."""
    if kind == "ServiceAccount":
        return api_version == "v1"
    return kind in CALICO_KINDS and api_version in API_VERSIONS


class CalicoCollector:
    def __init__(self) -> None:
        self.tiers: dict[str, Tier] = {}
        self.policies: dict[tuple[str, str | None, str], CalicoPolicy] = {}
        self.staged: dict[tuple[str, str | None, str], CalicoPolicy] = {}
        self.sets: dict[tuple[str | None, str], NetworkSet] = {}
        self.hosts: dict[str, HostEndpoint] = {}
        self.accounts: dict[tuple[str, str], ServiceAccount] = {}
        self.profiles: dict[str, Profile] = {}
        self.problems: list[Problem] = []

    def add(self, value: dict, kind: str, api_version: str, rep: Reporter, text: str) -> None:
        if kind in POLICY_KINDS:
            policy = built(
                value, rep, lambda: build_calico_policy(value, kind, api_version, rep, text)
            )
            if policy is not None:
                store = self.staged if policy.staged else self.policies
                self._keep(store, (kind, policy.namespace, policy.name), policy, rep)
        elif kind == "Tier":
            tier = built(value, rep, lambda: build_tier(value, rep))
            if tier is not None:
                self._keep(self.tiers, tier.name, tier, rep)
        elif kind in ("NetworkSet", "GlobalNetworkSet"):
            netset = built(value, rep, lambda: build_network_set(value, kind, rep))
            if netset is not None:
                self._keep(self.sets, (netset.namespace, netset.name), netset, rep)
        elif kind == "HostEndpoint":
            host = built(value, rep, lambda: build_host_endpoint(value, rep))
            if host is not None:
                self._keep(self.hosts, host.name, host, rep)
        elif kind == "Profile":
            profile = built(value, rep, lambda: build_profile(value, rep))
            if profile is not None:
                self._keep(self.profiles, profile.name, profile, rep)
        elif kind == "ServiceAccount":
            account = built(value, rep, lambda: build_service_account(value, rep))
            if account is not None:
                self._keep(self.accounts, (account.namespace, account.name), account, rep)

    def _keep(self, store: dict, key: object, item: object, rep: Reporter) -> None:
        old = store.get(key)
        if old is not None:
            shown = "/".join(k for k in key[1:] if k) if isinstance(key, tuple) else key
            rep.warning(
                rep.line, f"duplicate {rep.kind} {shown}: {rep.source()} replaces {old.source}"
            )
        store[key] = item

    def finish(self) -> CalicoResources | None:
        # ServiceAccounts alone are plain Kubernetes: only Calico selectors read their labels.
        if not (self.tiers or self.policies or self.staged or self.sets or self.hosts):
            # Profiles alone change labels that no Calico selector reads.
            return None
        tiers = dict(self.tiers)
        for name, (order, action) in BUILTIN_TIERS.items():
            if name not in tiers and name in (DEFAULT_TIER, "kube-admin", "kube-baseline"):
                tiers[name] = Tier(name, order, action, declared=False)
        for policy in [*self.policies.values(), *self.staged.values()]:
            if policy.tier in tiers:
                continue
            tiers[policy.tier] = Tier(policy.tier, None, "Deny", declared=False, valid=False)
            assert policy.source is not None
            self.problems.append(
                Problem(
                    "warning",
                    f'tier "{policy.tier}" is not in the input: read as a tier without order '
                    "(after every ordered tier) that denies at its end, as Felix treats a "
                    "policy's unknown tier",
                    policy.source,
                    policy.kind,
                    policy.namespace,
                    policy.name,
                )
            )
        return CalicoResources(
            tiers=tuple(sorted(tiers.values(), key=lambda t: t.sort_key)),
            policies=tuple(self.policies.values()),
            staged=tuple(self.staged.values()),
            network_sets=tuple(self.sets.values()),
            host_endpoints=tuple(self.hosts.values()),
            service_accounts=tuple(self.accounts.values()),
            profiles=tuple(self.profiles.values()),
        )
