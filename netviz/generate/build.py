"""Kept connections → NetworkPolicies as plain dicts: per namespace a default deny, then for each
workload one ingress policy (its sources) and one egress policy (its destinations)."""

from __future__ import annotations

import hashlib
import json
from collections import defaultdict
from dataclasses import dataclass, field

from netviz.engine import protocols
from netviz.engine.ports import MAX_PORT, MIN_PORT, PortSet
from netviz.generate.blocks import ip_blocks
from netviz.generate.identify import Identity, identities
from netviz.generate.kept import DNS_PORTS, Selection
from netviz.generate.pairs import Piece, Side, parse_range
from netviz.k8s.model import NS_NAME_LABEL, PROTOCOLS, Endpoint, LabelSelector

MAX_NAME = 253
# A rule listing every workload of a namespace names the namespace instead, from this many on
# (one workload is named as itself: the namespace may get more later).
WIDE_FROM = 2


@dataclass(frozen=True)
class Note:
    """Something the reviewer must know about the generated set, as data (words: netviz.generate.words).

    code: "same-labels" (endpoints no selector tells apart: each one's rules apply to all),
    "host-network" (cannot be selected: its own ingress and egress stay open),
    "host-network-no-ip" (no host IP either: no rule can name it as a peer),
    "dns-assumed" (no kube-dns in the input: DNS egress allowed to where it usually runs),
    "dns-kept" (DNS connections kept although the keep file left them out),
    "not-allowed-now" (keep entries not allowed now: generating never adds connectivity),
    "loopback" (keep entries from a bare pod to itself: always allowed, no policy applies),
    "domain-names" (domainNames endpoints of cluster-scoped policies: no NetworkPolicy names them),
    "other-protocols" (kept connections on ICMP or another protocol besides TCP, UDP and SCTP,
    which a NetworkPolicy rule can allow only by allowing every protocol: left out).
    """

    code: str
    namespace: str = ""
    endpoints: tuple[str, ...] = ()
    count: int = 0


@dataclass
class GeneratedPolicy:
    """One policy to write: its manifest as a dict, and what it is for (for the YAML comment)."""

    namespace: str
    name: str
    manifest: dict
    purpose: str  # "default-deny", "dns", "ingress", "egress"
    subject: tuple[str, ...] = ()  # endpoint ids selected
    peers: int = 0  # peers and address blocks listed


@dataclass
class Plan:
    namespaces: list[str]
    policies: list[GeneratedPolicy] = field(default_factory=list)
    notes: list[Note] = field(default_factory=list)


def selector_dict(sel: LabelSelector) -> dict:
    out: dict = {}
    if sel.match_labels:
        out["matchLabels"] = dict(sel.match_labels)
    if sel.match_expressions:
        out["matchExpressions"] = [
            {
                "key": r.key,
                "operator": r.operator,
                **({"values": sorted(r.values)} if r.values else {}),
            }
            for r in sel.match_expressions
        ]
    return out


def ports_list(ports: PortSet) -> list[dict] | None:
    """`ports` entries for a port set, contiguous ports as endPort ranges; None for every port."""
    if ports.is_all():
        return None
    out = []
    for proto in PROTOCOLS:
        for start, end in ports.protocol_ranges(proto):
            if (start, end) == (MIN_PORT, MAX_PORT):
                out.append({"protocol": proto})
                continue
            entry = {"protocol": proto, "port": start}
            if end > start:
                entry["endPort"] = end
            out.append(entry)
    return out


def _ns_selector(namespace: str) -> dict:
    return {"matchLabels": {NS_NAME_LABEL: namespace}}


def _host_piece(e: Endpoint) -> Piece | None:
    return parse_range(f"{e.host_ip}-{e.host_ip}") if e.host_ip else None


def policy_manifest(namespace: str, name: str, subject: dict, types: list[str], **rules) -> dict:
    spec: dict = {"podSelector": subject, "policyTypes": types}
    spec.update({k: v for k, v in rules.items() if v is not None})
    return {
        "apiVersion": "networking.k8s.io/v1",
        "kind": "NetworkPolicy",
        "metadata": {"name": name, "namespace": namespace},
        "spec": spec,
    }


def dns_policy(namespace: str) -> dict:
    """Egress from every pod of the namespace to the cluster DNS where it usually runs."""
    peer = {
        "namespaceSelector": _ns_selector("kube-system"),
        "podSelector": {"matchLabels": {"k8s-app": "kube-dns"}},
    }
    rule = {"to": [peer], "ports": ports_list(DNS_PORTS)}
    return policy_manifest(namespace, "allow-dns-egress", {}, ["Egress"], egress=[rule])


def _name(prefix: str, base: str) -> str:
    name = f"{prefix}-{base}"
    if len(name) <= MAX_NAME:
        return name
    digest = hashlib.sha256(name.encode()).hexdigest()[:10]
    return f"{name[: MAX_NAME - 11]}-{digest}"


class Builder:
    """Builds the plan for one selection; endpoints and identities are looked up once."""

    def __init__(self, endpoints: list[Endpoint], selection: Selection, dns: bool) -> None:
        self.endpoints = {e.id: e for e in endpoints}
        self.ident = identities(endpoints)
        self.selection = selection
        self.dns = dns
        # Every identity of each namespace: a rule listing all of them becomes namespace-wide.
        self.ns_idents: dict[str, set[tuple[str, ...]]] = defaultdict(set)
        for ident in self.ident.values():
            self.ns_idents[self.endpoints[ident.members[0]].namespace].add(ident.members)

    def plan(self) -> Plan:
        scope = sorted(self.selection.scope)
        plan = Plan(scope)
        ingress: dict[tuple[str, ...], dict[Side, PortSet]] = defaultdict(dict)
        egress: dict[tuple[str, ...], dict[Side, PortSet]] = defaultdict(dict)
        for (src, dst), ports in self.selection.kept.items():
            for subject, other, table in ((dst, src, ingress), (src, dst, egress)):
                if isinstance(subject, str) and subject in self.ident:
                    ident = self.ident[subject]
                    if self.endpoints[subject].namespace in self.selection.scope:
                        row = table[ident.members]
                        before = row.get(other)
                        row[other] = ports if before is None else before | ports
        by_ns: dict[str, dict[tuple[str, ...], Identity]] = defaultdict(dict)
        for e, i in self.ident.items():
            by_ns[self.endpoints[e].namespace][i.members] = i
        for ns in scope:
            plan.policies.append(
                GeneratedPolicy(
                    ns,
                    "default-deny",
                    policy_manifest(ns, "default-deny", {}, ["Ingress", "Egress"]),
                    "default-deny",
                )
            )
            if self.dns and not self.selection.has_dns:
                plan.policies.append(GeneratedPolicy(ns, "allow-dns-egress", dns_policy(ns), "dns"))
                plan.notes.append(Note("dns-assumed", ns))
            groups = sorted(by_ns.get(ns, {}).values(), key=lambda i: i.members)
            names = self._names(groups)
            for ident in groups:
                if not ident.exact:
                    plan.notes.append(Note("same-labels", ns, ident.members))
                subject = selector_dict(ident.selector)
                for direction, table in (("ingress", ingress), ("egress", egress)):
                    peers = table.get(ident.members)
                    if not peers:
                        continue
                    rules, count = self._rules(ns, peers, plan, direction)
                    if not rules:
                        continue
                    name = _name(f"allow-{direction}", names[ident.members])
                    manifest = policy_manifest(
                        ns, name, subject, [direction.capitalize()], **{direction: rules}
                    )
                    plan.policies.append(
                        GeneratedPolicy(ns, name, manifest, direction, ident.members, count)
                    )
        host = sorted(
            e.id
            for e in self.endpoints.values()
            if e.host_network and e.namespace in self.selection.scope
        )
        if host:
            plan.notes.append(Note("host-network", "", tuple(host)))
        if self.selection.dns_added:
            plan.notes.append(Note("dns-kept", count=len(self.selection.dns_added)))
        if self.selection.not_allowed:
            plan.notes.append(Note("not-allowed-now", count=len(self.selection.not_allowed)))
        return plan

    def _names(self, groups: list[Identity]) -> dict[tuple[str, ...], str]:
        """Each group's name in policy names: its first endpoint's name, with the kind where two
        groups would share it."""
        first = {g.members: self.endpoints[g.members[0]] for g in groups}
        count: dict[str, int] = defaultdict(int)
        for e in first.values():
            count[e.name] += 1
        out: dict[tuple[str, ...], str] = {}
        taken: set[str] = set()
        for k, e in first.items():
            name = e.name if count[e.name] == 1 else f"{e.name}-{e.kind.lower()}"
            base, n = name, 2
            while name in taken:  # Deployment "x-pod" beside Pod "x" and Deployment "x"
                name, n = f"{base}-{n}", n + 1
            taken.add(name)
            out[k] = name
        return out

    def _rules(
        self, ns: str, peers: dict[Side, PortSet], plan: Plan, direction: str
    ) -> tuple[list[dict], int]:
        """One rule per distinct port set, listing every peer kept with exactly those ports."""
        by_ports: dict[PortSet, tuple[set, list[Piece]]] = {}
        unnamed, domains = [], []
        for other, ports in peers.items():
            pods, pieces = by_ports.setdefault(ports, (set(), []))
            if isinstance(other, Piece):
                pieces.append(other)
                continue
            e = self.endpoints.get(other)
            if e is None:  # a domainNames endpoint: a NetworkPolicy cannot name it
                domains.append(other)
                continue
            if not e.host_network:
                pods.add(self.ident[other].members)
            elif (piece := _host_piece(e)) is not None:
                pieces.append(piece)  # a hostNetwork pod is matched by its node's address only
            else:
                unnamed.append(other)
        if unnamed:
            plan.notes.append(Note("host-network-no-ip", ns, tuple(sorted(unnamed))))
        note = Note("domain-names", ns, tuple(sorted(domains)))
        if domains and note not in plan.notes:
            plan.notes.append(note)
        rules, count = [], 0
        field_name = "from" if direction == "ingress" else "to"
        for ports, (pods, pieces) in sorted(by_ports.items(), key=lambda kv: _ports_key(kv[0])):
            listed = self._pod_peers(ns, pods) + [
                {"ipBlock": {"cidr": cidr, **({"except": list(ex)} if ex else {})}}
                for cidr, ex in ip_blocks(pieces)
            ]
            if not listed:
                continue
            entries = ports_list(ports)
            if entries is not None and ports.protocol_ranges(protocols.IP):
                # ICMP and the like: a rule allows them only without `ports`, which would allow
                # every port too; they are left out and said (an empty `ports` allows all).
                note = Note("other-protocols", ns, ())
                if note not in plan.notes:
                    plan.notes.append(note)
                if not entries:
                    continue
            count += len(listed)
            rule: dict = {field_name: listed}
            if entries is not None:
                rule["ports"] = entries
            rules.append(rule)
        return rules, count

    def _pod_peers(self, ns: str, groups: set[tuple[str, ...]]) -> list[dict]:
        by_ns: dict[str, set[tuple[str, ...]]] = defaultdict(set)
        for g in groups:
            by_ns[self.endpoints[g[0]].namespace].add(g)
        if len(by_ns) > 1 and all(by_ns.get(n) == gs for n, gs in self.ns_idents.items()):
            return [{"namespaceSelector": {}}]  # every pod of every namespace
        out = []
        for peer_ns in sorted(by_ns, key=lambda n: (n != ns, n)):
            members = by_ns[peer_ns]
            if len(members) >= WIDE_FROM and members == self.ns_idents[peer_ns]:
                # Every workload of that namespace: one namespace-wide peer says so.
                out.append(
                    {"podSelector": {}}
                    if peer_ns == ns
                    else {"namespaceSelector": _ns_selector(peer_ns)}
                )
                continue
            for sel in self._selectors(members):
                if peer_ns == ns:
                    out.append({"podSelector": sel})
                else:
                    out.append({"namespaceSelector": _ns_selector(peer_ns), "podSelector": sel})
        return out

    def _selectors(self, members: set[tuple[str, ...]]) -> list[dict]:
        """Selectors for these workloads of one namespace. Those picked out by one label of the
        same key are one `In` expression: each value belongs to its workload alone, so the
        expression matches exactly them (and reads as the list it is)."""
        by_key: dict[str, list[str]] = defaultdict(list)
        out = []
        for g in sorted(members):
            sel = self.ident[g[0]].selector
            if len(sel.match_labels) == 1 and not sel.match_expressions:
                key, value = sel.match_labels[0]
                by_key[key].append(value)
            else:
                out.append(selector_dict(sel))
        for key, values in by_key.items():
            if len(values) == 1:
                out.append({"matchLabels": {key: values[0]}})
            else:
                expr = {"key": key, "operator": "In", "values": sorted(values)}
                out.append({"matchExpressions": [expr]})
        return sorted(out, key=lambda sel: json.dumps(sel, sort_keys=True))


def _ports_key(ports: PortSet) -> tuple:
    return (not ports.is_all(), json.dumps(ports.as_json()))
