"""A reference evaluator for tiered policies written from the policy.networking.k8s.io API text,
on manifest dicts, independent of netviz.engine; and hypothesis strategies for random tiered
clusters on top of the NetworkPolicy ones in tests/conformance/randomized.py.

Per direction: Admin tier (priority order; equal priorities: ClusterNetworkPolicy before
AdminNetworkPolicy, then by name) → NetworkPolicy (decides for pods it selects) → Baseline tier
(the BaselineAdminNetworkPolicy after every Baseline ClusterNetworkPolicy) → allow. In a policy,
the first rule whose peer and port match decides: Accept/Allow and Deny are final, Pass leaves
the tier. Host-network pods are never subjects and never namespaces/pods peers.

Domain names (egress `domainNames`, the DomainName type's text): the other end may be a concrete
DNS name (a str that is not an IP address). `api.example.com` matches only that name,
`*.example.com` one or more whole labels before `example.com`; DNS is not resolved, so ipBlocks
and networks never match a name, and peers that match anything ("no `to`") do.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Mapping

from hypothesis import strategies as st

from tests.conformance.randomized import (
    NS_LABELS,
    POD_LABELS,
    Reference,
    clusters,
    matches,
    pod_labels,
    pod_spec,
)

KIND_ORDER = {"ClusterNetworkPolicy": 0, "AdminNetworkPolicy": 1, "BaselineAdminNetworkPolicy": 2}
NETWORKS = ("10.0.0.0/16", "0.0.0.0/0", "192.168.1.0/24", "10.1.0.0/24")
DOMAINS = ("example.com", "api.example.com", "*.example.com", "*.api.example.com", "*.Example.org.")
SAMPLE_NAMES = (
    "example.com",
    "api.example.com",
    "www.example.com",
    "v1.api.example.com",
    "db.example.org",
    "a.b.example.org",
)
PORTS = ((80, "TCP"), (53, "UDP"), (443, "TCP"), (5000, "SCTP"))


def is_name(end) -> bool:
    """Whether the other end is a DNS name (not a pod, not an IP address)."""
    if not isinstance(end, str):
        return False
    try:
        ipaddress.ip_address(end)
    except ValueError:
        return True
    return False


def name_matches(pattern: str, name: str) -> bool:
    pattern, name = pattern.lower().rstrip("."), name.lower().rstrip(".")
    if pattern.startswith("*."):
        return name.endswith(pattern[1:])  # ".example.com": at least one whole label before
    return name == pattern


def name_holder(name: str, patterns) -> str | None:
    """The pattern whose endpoint a concrete name falls in: the exact name if given, else the
    matching wildcard with the longest suffix (how netviz cuts overlapping patterns)."""
    found = [p.lower().rstrip(".") for p in patterns if name_matches(p, name)]
    if name in found:
        return name
    return max(found, key=len, default=None)


def tier_of(p: Mapping) -> str:
    if p["kind"] == "ClusterNetworkPolicy":
        return p["spec"]["tier"]
    return "Admin" if p["kind"] == "AdminNetworkPolicy" else "Baseline"


def order_key(p: Mapping) -> tuple:
    priority = p["spec"].get("priority", 1001)
    return (priority, KIND_ORDER[p["kind"]], p["metadata"]["name"])


class TieredReference(Reference):
    def __init__(self, c: Mapping[str, list[dict]]) -> None:
        super().__init__(c)
        admin = c.get("admin", [])
        self.tiers = {
            t: sorted((p for p in admin if tier_of(p) == t), key=order_key)
            for t in ("Admin", "Baseline")
        }

    def _side(self, subject, other, direction, dst, proto, port) -> bool:
        verdict = self._tier("Admin", subject, other, direction, dst, proto, port)
        if verdict is not None:
            return verdict
        if self.selecting(subject, direction):
            return super()._side(subject, other, direction, dst, proto, port)
        verdict = self._tier("Baseline", subject, other, direction, dst, proto, port)
        return True if verdict is None else verdict

    def _tier(self, tier, subject, other, direction, dst, proto, port) -> bool | None:
        if pod_spec(subject).get("hostNetwork"):
            return None
        for policy in self.tiers[tier]:
            if not self._pods(policy["spec"]["subject"], subject):
                continue
            for rule in policy["spec"].get(direction) or []:
                peers = rule["from" if direction == "ingress" else "to"]
                if not any(self._admin_peer(peer, other) for peer in peers):
                    continue
                if not self._ports(policy, rule, dst, proto, port):
                    continue
                if rule["action"] == "Pass":
                    return None  # the rest of this tier is skipped
                return rule["action"] in ("Accept", "Allow")
        return None

    def _pods(self, pod_set: Mapping, pod) -> bool:
        """A subject or namespaces/pods peer: never an address, never a hostNetwork pod."""
        if isinstance(pod, str) or pod_spec(pod).get("hostNetwork"):
            return False
        ns = pod["metadata"]["namespace"]
        ns_labels = self.ns_labels.get(ns, {"kubernetes.io/metadata.name": ns})
        if "namespaces" in pod_set:
            return matches(pod_set["namespaces"], ns_labels)
        pods = pod_set["pods"]
        return matches(pods.get("namespaceSelector", {}), ns_labels) and matches(
            pods["podSelector"], pod_labels(pod)
        )

    def _peer(self, peer: Mapping, policy_ns: str, pod) -> bool:
        if is_name(pod):
            return False  # a NetworkPolicy peer names pods or ipBlocks, never a DNS name
        return super()._peer(peer, policy_ns, pod)

    def _admin_peer(self, peer: Mapping, other) -> bool:
        if "domainNames" in peer:
            return is_name(other) and any(name_matches(p, other) for p in peer["domainNames"])
        if is_name(other):
            return False  # networks never match a name; namespaces/pods never an address
        if "networks" in peer:
            if isinstance(other, str):
                ips = [other]
            else:
                status = other.get("status", {})
                ips = [status["podIP"]] if "podIP" in status else []
                if pod_spec(other).get("hostNetwork"):
                    ips = []  # its address is the node's, unknown here
            return any(
                ipaddress.ip_address(ip) in ipaddress.ip_network(cidr)
                for ip in ips
                for cidr in peer["networks"]
                if ipaddress.ip_address(ip).version == ipaddress.ip_network(cidr).version
            )
        return self._pods(peer, other)

    @staticmethod
    def _ports(policy, rule, dst, proto: str, port: int) -> bool:
        if policy["kind"] == "ClusterNetworkPolicy":
            entries = rule.get("protocols")
            if entries is None:
                return True
            for e in entries:
                if "destinationNamedPort" in e:
                    if _named(dst, e["destinationNamedPort"], proto, port):
                        return True
                    continue
                ((key, body),) = e.items()
                want = body["destinationPort"]
                lo, hi = (
                    (want["number"],) * 2
                    if "number" in want
                    else (
                        want["range"]["start"],
                        want["range"]["end"],
                    )
                )
                if key.upper() == proto and lo <= port <= hi:
                    return True
            return False
        entries = rule.get("ports")
        if entries is None:
            return True
        for e in entries:
            if "namedPort" in e:
                if _named(dst, e["namedPort"], proto, port):
                    return True
            elif "portNumber" in e:
                n = e["portNumber"]
                if n.get("protocol", "TCP") == proto and n["port"] == port:
                    return True
            else:
                r = e["portRange"]
                if r.get("protocol", "TCP") == proto and r["start"] <= port <= r["end"]:
                    return True
        return False


def _named(dst, name: str, proto: str, port: int) -> bool:
    if isinstance(dst, str):
        return False
    return any(
        cp.get("name") == name
        and cp.get("protocol", "TCP") == proto
        and cp["containerPort"] == port
        for container in pod_spec(dst)["containers"]
        for cp in container.get("ports", [])
    )


# ---- strategies ----------------------------------------------------------------------------


def _selector(draw, vocab) -> dict:
    key = draw(st.sampled_from([None, *vocab]))
    if key is None:
        return {}
    return {"matchLabels": {key: draw(st.sampled_from(vocab[key]))}}


@st.composite
def pod_sets(draw) -> dict:
    if draw(st.booleans()):
        return {"namespaces": _selector(draw, NS_LABELS)}
    return {
        "pods": {
            "namespaceSelector": _selector(draw, NS_LABELS),
            "podSelector": _selector(draw, POD_LABELS),
        }
    }


@st.composite
def admin_rules(draw, direction: str, v2: bool, baseline: bool, domains: bool = False) -> dict:
    """`domains`: egress Accept/Allow rules may have a domainNames peer (not for BANP)."""
    actions = ["Accept" if v2 else "Allow", "Deny"] + ([] if baseline and not v2 else ["Pass"])
    peers = [draw(pod_sets()) for _ in range(draw(st.integers(1, 2)))]
    domain = domains and direction == "egress" and draw(st.integers(0, 2)) == 0
    if domain:
        names = draw(st.lists(st.sampled_from(DOMAINS), min_size=1, max_size=2, unique=True))
        peers.append({"domainNames": names})
        actions = actions[:1]
    networks = direction == "egress" and draw(st.integers(0, 3)) == 0
    if networks:
        peers = [
            {
                "networks": draw(
                    st.lists(st.sampled_from(NETWORKS), min_size=1, max_size=2, unique=True)
                )
            }
        ]
    rule: dict = {
        "action": draw(st.sampled_from(actions)),
        "from" if direction == "ingress" else "to": peers,
    }
    if draw(st.booleans()):
        entries = []
        for _ in range(draw(st.integers(1, 2))):
            port, proto = draw(st.sampled_from(PORTS))
            named = not networks and not domain and draw(st.integers(0, 3)) == 0
            if v2:
                if named:
                    entries.append({"destinationNamedPort": draw(st.sampled_from(("http", "dns")))})
                elif draw(st.booleans()):
                    entries.append({proto.lower(): {"destinationPort": {"number": port}}})
                else:
                    rng = {"start": port - 1, "end": port + 1}
                    entries.append({proto.lower(): {"destinationPort": {"range": rng}}})
            elif named:
                entries.append({"namedPort": draw(st.sampled_from(("http", "dns")))})
            else:
                entries.append({"portNumber": {"protocol": proto, "port": port}})
        rule["protocols" if v2 else "ports"] = entries
    return rule


@st.composite
def admin_policies(draw, name: str) -> dict:
    kind = draw(
        st.sampled_from(
            ("ClusterNetworkPolicy", "AdminNetworkPolicy", "BaselineAdminNetworkPolicy")
        )
    )
    v2 = kind == "ClusterNetworkPolicy"
    baseline = kind == "BaselineAdminNetworkPolicy" or (v2 and draw(st.booleans()))
    spec: dict = {"subject": draw(pod_sets())}
    if kind != "BaselineAdminNetworkPolicy":
        spec["priority"] = draw(st.integers(0, 3))  # few values: equal priorities happen
    if v2:
        spec["tier"] = "Baseline" if baseline else "Admin"
    for direction in ("ingress", "egress"):
        if draw(st.booleans()):
            spec[direction] = draw(
                st.lists(
                    admin_rules(direction, v2, baseline, kind != "BaselineAdminNetworkPolicy"),
                    min_size=1,
                    max_size=3,
                )
            )
    version = "v1alpha2" if v2 else "v1alpha1"
    return {
        "apiVersion": f"policy.networking.k8s.io/{version}",
        "kind": kind,
        "metadata": {"name": "default" if kind == "BaselineAdminNetworkPolicy" else name},
        "spec": spec,
    }


@st.composite
def tiered_clusters(draw, max_admin: int = 4) -> dict:
    c = draw(clusters(max_policies=3))
    admin = [draw(admin_policies(f"ap{i}")) for i in range(draw(st.integers(0, max_admin)))]
    seen, unique = set(), []
    for p in admin:  # one object per kind and name, as in a cluster
        key = (p["kind"], p["metadata"]["name"])
        if key not in seen:
            seen.add(key)
            unique.append(p)
    c["admin"] = unique
    return c
