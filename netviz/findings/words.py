"""Words for findings: one sentence per check, made only from the finding's data."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence

PEER = {"ingress": "from", "egress": "to"}
D = Mapping[str, object]


def plural(n: int, one: str, many: str | None = None) -> str:
    return f"{n} {one if n == 1 else (many or one + 's')}"


def listing(items: Sequence[object], limit: int = 5) -> str:
    shown = [str(i) for i in items[:limit]]
    if len(items) > limit:
        shown.append(f"{len(items) - limit} more")
    if len(shown) <= 1:
        return "".join(shown)
    return ", ".join(shown[:-1]) + " and " + shown[-1]


def rule_name(d: D) -> str:
    text = f"{d['policy']} {d['direction']} rule {d['rule']}"
    if d.get("peer") is not None:
        text += f" {PEER[str(d['direction'])]}[{d['peer']}]"
    if d.get("port_index") is not None:
        text += f" ports[{d['port_index']}]"
    return text


def _ports(d: D) -> str:
    return "every port" if d["all_ports"] else "ports " + listing(list(d["ports"]))


def _default_deny(d: D) -> str:
    word = "Ingress" if d["direction"] == "ingress" else "Egress"
    text = f"Namespace {d['namespace']} has no default-deny {word} policy"
    total, open_ = int(d["endpoints"]), int(d["unprotected"])
    if not total:
        return text + ", so pods added to it will not be isolated."
    if open_ == 0:
        who = "its endpoints are isolated by other policies, but"
    elif total == 1:
        who = f"its only endpoint is not isolated for {d['direction']}, and"
    elif open_ == total:
        who = f"none of its {total} endpoints is isolated for {d['direction']}, and"
    else:
        verb = "is" if open_ == 1 else "are"
        who = f"{open_} of its {total} endpoints {verb} not isolated for {d['direction']}, and"
    return f"{text}: {who} pods added later will not be isolated."


def _unprotected(d: D) -> str:
    n, ext = int(d["endpoints"]), int(d["external_ranges"])
    who = plural(n, "endpoint")
    namespaces = list(d["namespaces"])
    if namespaces:
        who += " in " + plural(len(namespaces), "namespace")
    names = int(d.get("domain_names", 0))
    if names:
        who += f", {plural(ext, 'external address range')} and {plural(names, 'domain name')}"
    else:
        who += f" and {plural(ext, 'external address range')}"
    if d["direction"] == "ingress":
        text = f"{d['endpoint']} is selected by no policy with Ingress, so it accepts any "
        text += f"connection: {who} can reach it, on every port."
    else:
        text = f"{d['endpoint']} is selected by no policy with Egress, so it may open any "
        text += f"connection: it can reach {who}, on every port."
    if d.get("host_network"):
        text += " It uses the host network, which policies do not isolate."
    return text


def _dns(d: D) -> str:
    endpoints = list(d["endpoints"])
    return (
        f"Egress policies in {d['namespace']} ({listing(list(d['policies']))}) block "
        f"{' and '.join(d['blocked'])} to the cluster DNS in kube-system for "
        f"{plural(len(endpoints), 'endpoint')} ({listing(endpoints)}): name lookups will fail."
    )


def _selects_nothing(d: D) -> str:
    reason = {
        "no-match": "its podSelector matches no endpoint of its namespace",
        "namespace-empty": f"the input has no endpoint in namespace {d['policy'].split('/')[0]}",
        "host-network-only": "it matches only hostNetwork pods, which policies do not isolate",
    }[str(d["reason"])]
    return f"Policy {d['policy']} selects no endpoint: {reason}." + _did_you_mean(d)


def _did_you_mean(d: D) -> str:
    found = list(d.get("suggestions") or [])
    return f" Did you mean {listing(found)}?" if found else ""


def _peer_nothing(d: D) -> str:
    namespaces = listing(list(d["namespaces"]))
    reason = {
        "no-namespace": "its namespaceSelector matches no namespace of the input",
        "no-endpoint": f"no endpoint in {namespaces} matches it",
        "host-network-only": f"it matches only hostNetwork pods in {namespaces}, "
        "which selectors do not match",
        "empty-ip-block": "its except entries cover the whole cidr",
        "impossible-selector": "its selector contradicts itself, so no labels can match it",
    }[str(d["reason"])]
    return f"{rule_name(d)} matches nothing: {reason}." + _did_you_mean(d)


def _never(d: D) -> str:
    if d["reason"] == "empty-rule-list":
        direction = d["direction"]
        return (
            f"Policy {d['policy']} writes `{direction}: []`, which allows no {direction} at all: "
            f"if every {direction} was meant to be allowed, write `{direction}: [{{}}]`."
        )
    if d["reason"] == "direction-not-in-policy-types":
        types = listing([str(t).capitalize() for t in d["policy_types"]])
        return (
            f"{rule_name(d)} never takes effect: policyTypes lists only {types}, "
            f"so the {d['direction']} rules are ignored."
        )
    return f"{rule_name(d)} can never match: every peer in it is impossible to match."


def _redundant_rule(d: D) -> str:
    return (
        f"{rule_name(d)} is redundant in this input: everything it allows is also allowed by "
        f"{listing(list(d['covered_by']))}."
    )


def _redundant_policy(d: D) -> str:
    by = list(d["isolated_by"])
    return (
        f"Policy {d['policy']} changes nothing in this input: its rules allow nothing that other "
        f"rules do not, and {listing(by)} {'isolates' if len(by) == 1 else 'isolate'} its pods "
        "anyway."
    )


def _selected(d: D) -> str:
    ids = list(d["selected"])
    return f" It applies to {listing(ids)}." if ids else " It selects no endpoint yet."


def _from_anywhere(d: D) -> str:
    return (
        f"{rule_name(d)} has no `from`: every pod of every namespace and every external address "
        f"may connect, on {_ports(d)}." + _selected(d)
    )


def _from_internet(d: D) -> str:
    excepts = list(d["except"])
    but = f" (except {listing(excepts)})" if excepts else ""
    return (
        f"{rule_name(d)} allows the whole internet, {d['cidr']}{but}, on {_ports(d)}."
        + _selected(d)
    )


def _all_namespaces(d: D) -> str:
    what = "matching pods" if d["pod_selector"] else "every pod"
    return (
        f"{rule_name(d)} allows {what} of every namespace, including ones created later, "
        f"on {_ports(d)}." + _selected(d)
    )


def _to_anywhere(d: D) -> str:
    where = f"the whole internet, {d['cidr']}," if d.get("cidr") else "anywhere"
    return f"{rule_name(d)} allows traffic to {where} on {_ports(d)}." + _selected(d)


def _named_port(d: D) -> str:
    missing = list(d["missing"])
    total = int(d["destinations"])
    port = f"{d['protocol']} {d['port']!s}"
    if total == 1 and missing:
        who = f"its only destination, {missing[0]}, does not define it"
    elif len(missing) == total:
        who = f"none of the {total} destinations define it"
    else:
        verb = "does" if len(missing) == 1 else "do"
        who = (
            f"{len(missing)} of the {total} destinations {verb} not define it ({listing(missing)})"
        )
    return f"{rule_name(d)} names port {port}, but {who}, so it allows nothing there."


def _not_listening(d: D) -> str:
    declared = listing(list(d["declared"]))
    return (
        f"{rule_name(d)} allows {d['ports']}, but no destination declares it "
        f"(they declare {declared})."
    )


_PLUGIN = {
    "host-network-pod": "hostNetwork pods, which network plugins treat differently",
    "ipblock-matches-pod-ip": "pod IPs inside an ipBlock, which network plugins treat differently",
    "host-endpoint-without-ips": "Calico host endpoints without expectedIPs, which have no address",
    "ipblock-matches-node-ip": "node addresses inside an ipBlock, so traffic from those nodes "
    "(kubelet probes, NodePort hops) is matched or not depending on the plugin",
}


def _plugin(d: D) -> str:
    what = _PLUGIN.get(str(d["code"]), str(d["code"]))
    endpoints = list(d["endpoints"])
    return (
        f"Policy {d['policy']} depends on the network plugin: it touches {what} "
        f"({listing(endpoints)})."
    )


def _calico_unreachable(d: D) -> str:
    return (
        f"{d['kind']} {d['policy']} {d['direction']} rule {d['rule']} can never match: rule "
        f"{d['after']} before it ({d['action']}, no conditions) decides every packet first."
    )


def _calico_order(d: D) -> str:
    return (
        f"{d['kind']} {d['policy']} has no order in tier {d['tier']}, where {plural(int(d['others']), 'other policy', 'other policies')} "  # type: ignore[arg-type]
        "and Deny or Pass rules make order decide: it runs after every ordered policy, "
        "ties broken by name."
    )


def _calico_tier_end(d: D) -> str:
    endpoints = list(d["endpoints"])  # type: ignore[arg-type]
    return (
        f"Tier {d['tier']} ends with Deny for {d['direction']}: traffic its policies do not "
        f"allow or pass is denied for {plural(len(endpoints), 'endpoint')} they select "
        f"({listing(endpoints)}), even where no policy in it mentions that traffic."
    )


def _calico_nothing(d: D) -> str:
    return (
        f"{d['kind']} {d['policy']} {d['field']} {d['selector']!r} is valid but matches "
        "nothing in the input: a typo in a label?"
    )


def _calico_dns(d: D) -> str:
    return (
        f"GlobalNetworkPolicy {d['policy']} egress rule {d['rule']} denies DNS (UDP 53) to "
        "everywhere for every endpoint it selects, before any later rule or tier can allow it."
    )


def _admin_nothing(d: D) -> str:
    where = f" rule {d['rule']}" if "rule" in d else ""
    return f"{d['policy']}{where}: its {d['what']} matches no endpoint, so it never applies."


def _never_decides(d: D) -> str:
    name = f" '{d['name']}'" if d.get("name") else ""
    return (
        f"{d['policy']} {d['rule']}{name} ({d['action']}) never decides anything: earlier rules "
        "or higher-priority policies decide all the traffic it matches."
    )


def _equal_priority(d: D) -> str:
    return (
        f"{d['first']} and {d['second']} share priority {d['priority']} in the {d['tier']} tier "
        f"and their {' and '.join(d['directions'])} rules overlap with different actions: the API "
        f"leaves their order to the implementation (netviz evaluates {d['first']} first)."
    )


def _pass_nothing(d: D) -> str:
    name = f" '{d['name']}'" if d.get("name") else ""
    return (
        f"{d['policy']} {d['rule']}{name} passes traffic that no later rule of its tier would "
        "match: the Pass changes nothing."
    )


def _admin_dns(d: D) -> str:
    return (
        f"{d['policy']} denies egress to the cluster DNS ({d['dns']}, {listing(d['ports'])}), "
        f"e.g. from {d['example']}: name lookups fail."
    )


def _baseline_unreached(d: D) -> str:
    return (
        f"{d['policy']}: NetworkPolicies select every pod of its subject for {d['direction']}, "
        "so its rules for that direction are never reached."
    )


MESSAGES: dict[str, Callable[[D], str]] = {
    "admin-matches-nothing": _admin_nothing,
    "admin-rule-never-decides": _never_decides,
    "equal-priority-overlap": _equal_priority,
    "pass-changes-nothing": _pass_nothing,
    "admin-deny-blocks-dns": _admin_dns,
    "baseline-unreached": _baseline_unreached,
    "namespace-without-default-deny-ingress": _default_deny,
    "namespace-without-default-deny-egress": _default_deny,
    "unprotected-ingress": _unprotected,
    "unprotected-egress": _unprotected,
    "egress-blocks-dns": _dns,
    "policy-selects-nothing": _selects_nothing,
    "peer-matches-nothing": _peer_nothing,
    "rule-never-matches": _never,
    "redundant-rule": _redundant_rule,
    "redundant-policy": _redundant_policy,
    "ingress-from-anywhere": _from_anywhere,
    "ingress-from-internet": _from_internet,
    "ingress-from-all-namespaces": _all_namespaces,
    "egress-to-anywhere": _to_anywhere,
    "named-port-undefined": _named_port,
    "port-not-listening": _not_listening,
    "network-plugin-dependent": _plugin,
    "calico-rule-unreachable": _calico_unreachable,
    "calico-order-missing": _calico_order,
    "calico-tier-end-deny": _calico_tier_end,
    "calico-selector-matches-nothing": _calico_nothing,
    "calico-gnp-denies-dns": _calico_dns,
}


def describe(check: str, data: D) -> str:
    """The sentence for one finding; a check without words still says what its data holds."""
    from netviz.findings.entry_words import ENTRY_MESSAGES

    fn = MESSAGES.get(check) or ENTRY_MESSAGES.get(check)
    if fn is None:
        return f"{check}: " + ", ".join(f"{k}={v}" for k, v in sorted(data.items()))
    return fn(data)
