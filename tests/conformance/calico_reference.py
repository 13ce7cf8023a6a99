"""A reference evaluator for Calico policy, written from Calico's documentation and the text
transformations of libcalico-go's update processors, over the typed objects the reader makes.

Independent of netviz.engine: it walks tiers, policies and rules one connection at a time. It
builds each selector as Calico does, as *text* (prefixing by re-rendering, `strings.Replace` of
"all()"), and only then parses it; so it checks the engine's AST-level scoping against the
string-level original. Project rules: a pod's IP is unknown (nets never match a pod), a
hostNetwork pod is host traffic (never selected, never a subject). A probe is (protocol, port)
for TCP/UDP/SCTP, (ICMP or ICMPv6, (type, code)), or (another protocol by name or number, None).
"""

from __future__ import annotations

import ipaddress
from collections.abc import Mapping

from netviz.k8s.calico.model import CalicoPolicy, CalicoRule, EntityRule, PortMatch
from netviz.k8s.calico.selector import parse
from netviz.k8s.model import Cluster, Endpoint, LabelSelector, Policy

# Felix's default failsafe ports (FailsafeInboundHostPorts / FailsafeOutboundHostPorts).
FAILSAFE_IN = {("TCP", 22), ("UDP", 68), ("TCP", 179), ("TCP", 2379), ("TCP", 2380)}
FAILSAFE_IN |= {("TCP", 5473), ("TCP", 6443), ("TCP", 6666), ("TCP", 6667)}
FAILSAFE_OUT = {("UDP", 53), ("UDP", 67), ("TCP", 179), ("TCP", 2379), ("TCP", 2380)}
FAILSAFE_OUT |= {("TCP", 5473), ("TCP", 6443), ("TCP", 6666), ("TCP", 6667)}
PROTOCOL = {6: "TCP", 17: "UDP", 132: "SCTP", 1: "ICMP", 58: "ICMPv6", 136: "UDPLite"}
NUMBER = {v: k for k, v in PROTOCOL.items()}


def _icmp_matches(rule: CalicoRule, number, port) -> bool:
    """icmp: only ICMP traffic of that type (and code); notICMP: anything but ICMP traffic of
    that type (and code). Both speak of ICMP and ICMPv6 alike (the rule's protocol decides)."""
    icmp = number in (1, 58)
    for match, negated in ((rule.icmp, False), (rule.not_icmp, True)):
        if match is None or match.type is None:
            continue
        same = icmp and port[0] == match.type and match.code in (None, port[1])
        if same == negated:
            return False
    return True


def _prefixed(text: str, prefix: str) -> str:
    """parseSelectorAttachPrefix: parse, prefix every label, render."""
    return parse(text).prefixed(prefix).render()


def policy_selector_text(p: CalicoPolicy) -> str:
    """convertNetworkPolicyV2ToV1Value / convertGlobalNetworkPolicyV2ToV1Value, as text."""
    selector = p.selector.text if p.selector else ""
    if p.namespace is not None:
        ns = f"projectcalico.org/namespace == '{p.namespace}'"
        selector = ns if not selector else f"({selector}) && {ns}"
        if p.service_account_selector:
            sa = _prefixed(p.service_account_selector.text, "pcsa.")
            selector = f"({selector}) && {sa}"
        return selector
    if p.namespace_selector:
        ns = _prefixed(p.namespace_selector.text, "pcns.")
        selector = f"({selector}) && {ns}" if selector else ns
        selector = selector.replace("all()", "has(projectcalico.org/namespace)")
    if p.service_account_selector:
        sa = _prefixed(p.service_account_selector.text, "pcsa.")
        selector = f"({selector}) && {sa}" if selector else sa
        selector = selector.replace("all()", "has(projectcalico.org/serviceaccount)")
    return selector


def entity_selector_text(e: EntityRule, ns: str | None) -> str:
    """GetEntityRuleSelector / getEndpointSelector, as text ("" = no selector)."""
    ns_sel = ""
    if e.namespace_selector is not None:
        ns_sel = _prefixed(e.namespace_selector.text, "pcns.")
        ns_sel = ns_sel.replace("all()", "has(projectcalico.org/namespace)")
        ns_sel = ns_sel.replace("global()", "!has(projectcalico.org/namespace)")
    elif ns is not None:
        ns_sel = f"projectcalico.org/namespace == '{ns}'"
    parts = []
    if e.service_accounts is not None:
        sa = e.service_accounts
        sa_sel = _prefixed(sa.selector.text, "pcsa.") if sa.selector else ""
        if sa.names:
            names = "', '".join(sa.names)
            names_sel = parse(f"projectcalico.org/serviceaccount in {{ '{names}' }}").render()
            sa_sel = f"({sa_sel}) && ({names_sel})" if sa_sel else names_sel
        if sa_sel:
            parts.append(sa_sel)
    if e.selector is not None:
        parts.append(e.selector.text)
    selector = ""
    if len(parts) == 1:
        selector = parts[0]
    elif parts:
        selector = "(" + ") && (".join(parts) + ")"
    if ns_sel and (selector or e.not_selector is not None or e.namespace_selector is not None):
        selector = f"({ns_sel}) && ({selector})" if selector else ns_sel
    return selector


class CalicoReference:
    """Answers "may src open (protocol, port) on dst?" one connection at a time."""

    def __init__(self, cluster: Cluster) -> None:
        self.cluster = cluster
        calico = cluster.calico
        assert calico is not None
        self.calico = calico
        self.ns_labels = {n.name: dict(n.labels) for n in cluster.namespaces}
        self.accounts = {(a.namespace, a.name): dict(a.labels) for a in calico.service_accounts}
        self.tiers = sorted(
            calico.tiers, key=lambda t: (not t.valid, t.order is None, t.order or 0, t.name)
        )

    # -- labels --------------------------------------------------------------------------------
    def pod_labels(self, e: Endpoint) -> dict[str, str]:
        ns = {"kubernetes.io/metadata.name": e.namespace, **self.ns_labels.get(e.namespace, {})}
        out = self.profiles(f"kns.{e.namespace}", f"ksa.{e.namespace}.{e.service_account}")
        out.update({f"pcns.{k}": v for k, v in ns.items()})
        out["pcns.projectcalico.org/name"] = e.namespace
        for k, v in self.accounts.get((e.namespace, e.service_account), {}).items():
            out[f"pcsa.{k}"] = v
        out["pcsa.projectcalico.org/name"] = e.service_account
        out.update(e.labels)
        out["projectcalico.org/namespace"] = e.namespace
        out["projectcalico.org/orchestrator"] = "k8s"
        out["projectcalico.org/serviceaccount"] = e.service_account
        return out

    def profiles(self, *names: str) -> dict[str, str]:
        """labelsToApply of the named profiles: the first profile that gives a label wins."""
        out: dict[str, str] = {}
        for name in names:
            for p in self.calico.profiles:
                if p.name == name:
                    for k, v in p.labels_to_apply.items():
                        out.setdefault(k, v)
        return out

    def host_labels(self, h) -> dict[str, str]:
        return {**self.profiles(*h.profiles), **h.labels}

    def set_labels(self, s) -> dict[str, str]:
        out: dict[str, str] = {}
        if s.namespace is not None:
            ns = {"kubernetes.io/metadata.name": s.namespace, **self.ns_labels.get(s.namespace, {})}
            out = {f"pcns.{k}": v for k, v in ns.items()}
            out["pcns.projectcalico.org/name"] = s.namespace
        out.update(s.labels)
        if s.namespace is not None:
            out["projectcalico.org/namespace"] = s.namespace
        return out

    def selector_matches(self, text: str, x: Endpoint | str) -> bool:
        node = parse(text)
        if isinstance(x, str):  # an address: matched through the sets and hosts that hold it
            addr = ipaddress.ip_address(x)
            if any(node.evaluate(self.host_labels(h)) for h in self.hosts(x)):
                return True
            return any(
                node.evaluate(self.set_labels(s))
                for s in self.calico.network_sets
                if any(_inside(addr, c) for c in s.nets)
            )
        return not x.host_network and node.evaluate(self.pod_labels(x))

    def hosts(self, address: str) -> list:
        addr = ipaddress.ip_address(address)
        return [
            h
            for h in self.calico.host_endpoints
            if any(ipaddress.ip_address(ip) == addr for ip in h.expected_ips)
        ]

    # -- verdicts ------------------------------------------------------------------------------
    def allowed(self, src: Endpoint | str, dst: Endpoint | str, proto: str, port: int) -> bool:
        egress = self.side(src, "egress", dst, src, dst, proto, port)
        ingress = self.side(dst, "ingress", src, src, dst, proto, port)
        return egress and ingress

    def side(self, subject, direction, other, src, dst, proto, port) -> bool:
        if isinstance(subject, str):
            hosts = self.hosts(subject)
            if not hosts:
                return True  # an address outside the cluster: no policy governs it
            failsafe = FAILSAFE_IN if direction == "ingress" else FAILSAFE_OUT
            if (proto, port) in failsafe:
                return True
            verdict = self.tiers_verdict(subject, direction, other, src, dst, proto, port)
            if verdict is not None:
                return verdict
            return all("projectcalico-default-allow" in h.profiles for h in hosts)
        if subject.host_network:
            return True
        verdict = self.tiers_verdict(subject, direction, other, src, dst, proto, port)
        return True if verdict is None else verdict  # the namespace profile allows

    def tiers_verdict(self, subject, direction, other, src, dst, proto, port) -> bool | None:
        """Allow (True) or deny (False) by some tier, or None: no tier decided."""
        for tier in self.tiers:
            entries = [
                ((p.order if p.order is not None else float("inf"), p.id), p)
                for p in self.calico.policies
                if p.tier == tier.name
            ]
            if tier.name == "default":
                entries += [
                    ((1000.0, f"{k.namespace}/knp.default.{k.name}"), k)
                    for k in self.cluster.policies
                ]
            entries.sort(key=lambda item: item[0])
            applied = passed = False
            for _, p in entries:
                if not self.selects(p, subject, direction):
                    continue
                applied = True
                verdict = self.run_rules(p, direction, subject, other, src, dst, proto, port)
                if verdict == "Pass":
                    passed = True
                    break
                if verdict is not None:
                    return verdict == "Allow"
            if passed or not applied:
                continue
            if tier.default_action == "Pass":
                continue
            return False
        return None

    def selects(self, p: CalicoPolicy | Policy, subject, direction: str) -> bool:
        if isinstance(subject, str):  # a host endpoint: only GlobalNetworkPolicies select it
            if isinstance(p, Policy) or p.namespace is not None or direction not in p.types:
                return False
            node = parse(policy_selector_text(p) or "all()")
            return any(node.evaluate(self.host_labels(h)) for h in self.hosts(subject))
        if isinstance(p, Policy):
            return (
                p.namespace == subject.namespace
                and direction in p.policy_types
                and _k8s_matches(p.pod_selector, subject.labels)
            )
        if direction not in p.types:
            return False
        text = policy_selector_text(p)
        return self.selector_matches(text or "all()", subject)

    def run_rules(self, p, direction, subject, other, src, dst, proto, port) -> str | None:
        if isinstance(p, Policy):
            for rule in p.rules(direction):
                if self._k8s_rule(p, rule, other, dst, proto, port):
                    return "Allow"
            return None
        for rule in p.rules(direction):
            if rule.action != "Log" and self.rule_matches(p, rule, src, dst, proto, port):
                return rule.action
        return None

    def rule_matches(self, p: CalicoPolicy, rule: CalicoRule, src, dst, proto, port) -> bool:
        number = NUMBER.get(proto, proto)
        if rule.protocol is not None and rule.protocol != number:
            return False
        if rule.not_protocol is not None and rule.not_protocol == number:
            return False
        if not _icmp_matches(rule, number, port):
            return False
        for x in (src, dst):
            if isinstance(x, str) and rule.ip_version not in (
                None,
                ipaddress.ip_address(x).version,
            ):
                return False
        if not self.entity_matches(rule.source, p, src):
            return False
        if not self.entity_matches(rule.destination, p, dst):
            return False
        d = rule.destination
        if d.ports and not any(_port_matches(m, dst, proto, port) for m in d.ports):
            return False
        return not any(_port_matches(m, dst, proto, port) for m in d.not_ports)

    def entity_matches(self, e: EntityRule, p: CalicoPolicy, x) -> bool:
        if e.services is not None:
            return False
        text = entity_selector_text(e, p.namespace)
        if text and not self.selector_matches(text, x):
            return False
        if e.not_selector is not None and self.selector_matches(e.not_selector.text, x):
            return False
        in_nets = isinstance(x, str) and any(_inside(ipaddress.ip_address(x), n) for n in e.nets)
        if e.nets and not in_nets:
            return False
        if isinstance(x, str):
            return not any(_inside(ipaddress.ip_address(x), n) for n in e.not_nets)
        return True

    def _k8s_rule(self, p: Policy, rule, other, dst, proto, port) -> bool:
        peer_ok = not rule.peers or any(self._k8s_peer(p, q, other) for q in rule.peers)
        port_ok = not rule.ports or any(_k8s_port(s, dst, proto, port) for s in rule.ports)
        return peer_ok and port_ok

    def _k8s_peer(self, p: Policy, peer, x) -> bool:
        if isinstance(x, str):
            if peer.ip_block is None:
                return False
            addr = ipaddress.ip_address(x)
            block = peer.ip_block
            return _inside(addr, block.cidr) and not any(_inside(addr, c) for c in block.excepts)
        if peer.ip_block is not None or x.host_network:
            return False
        if peer.namespace_selector is None:
            ns_ok = x.namespace == p.namespace
        else:
            labels = {
                "kubernetes.io/metadata.name": x.namespace,
                **self.ns_labels.get(x.namespace, {}),
            }
            ns_ok = _k8s_matches(peer.namespace_selector, labels)
        return ns_ok and (peer.pod_selector is None or _k8s_matches(peer.pod_selector, x.labels))


def _inside(addr, cidr: str) -> bool:
    net = ipaddress.ip_network(cidr, strict=False)
    return net.version == addr.version and addr in net


def _port_matches(m: PortMatch, dst, proto: str, port: int) -> bool:
    if m.name is None:
        return m.first <= port <= m.last
    if isinstance(dst, str):
        return False
    return any(cp.name == m.name and cp.protocol == proto and cp.port == port for cp in dst.ports)


def _k8s_port(spec, dst, proto: str, port: int) -> bool:
    if spec.protocol != proto:
        return False
    if spec.port is None:
        return True
    if isinstance(spec.port, int):
        return spec.port <= port <= (spec.end_port or spec.port)
    if isinstance(dst, str):
        return False
    return any(
        cp.name == spec.port and cp.protocol == proto and cp.port == port for cp in dst.ports
    )


def _k8s_matches(selector: LabelSelector, labels: Mapping[str, str]) -> bool:
    for k, v in selector.match_labels:
        if labels.get(k) != v:
            return False
    for r in selector.match_expressions:
        present = r.key in labels
        ok = {
            "In": present and labels[r.key] in r.values,
            "NotIn": not present or labels[r.key] not in r.values,
            "Exists": present,
            "DoesNotExist": not present,
        }[r.operator]
        if not ok:
            return False
    return True
