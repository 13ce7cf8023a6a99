"""NetworkSet, GlobalNetworkSet, HostEndpoint and ServiceAccount documents → typed objects."""

from __future__ import annotations

from netviz.k8s.calico.model import (
    LABEL_NAMESPACE,
    EndpointPort,
    HostEndpoint,
    NetworkSet,
    Profile,
    ServiceAccount,
)
from netviz.k8s.calico.rules import parse_net
from netviz.k8s.fields import (
    Reporter,
    describe,
    get_list,
    get_str,
    line_of,
    start_line,
    warn_unknown,
)
from netviz.k8s.validate import (
    dns_label_error,
    dns_subdomain_error,
    ip_error,
    parse_labels,
    port_name_error,
)

_TOP = ("apiVersion", "kind", "metadata", "spec", "status")


def calico_meta(
    obj: dict, rep: Reporter, namespaced: bool
) -> tuple[str | None, str, dict[str, str]] | None:
    """(namespace or None, name, labels). Names are only checked as DNS subdomains here; kinds
    with stricter rules check them after."""
    line = rep.line
    meta = obj.get("metadata")
    if not isinstance(meta, dict):
        rep.error(
            line_of(obj, "metadata", line), f"metadata: expected a mapping, got {describe(meta)}"
        )
        return None
    mline = start_line(meta, line)
    name = get_str(meta, "name", "metadata", rep, mline)
    namespace = get_str(meta, "namespace", "metadata", rep, mline) if namespaced else None
    if namespaced:
        namespace = namespace or "default"
        problem = dns_label_error(namespace)
        if problem:
            rep.error(
                line_of(meta, "namespace", mline), f'metadata.namespace "{namespace}" {problem}'
            )
    rep.namespace, rep.name = namespace, name
    if not name:
        rep.error(line_of(meta, "name", mline), "metadata.name is missing or empty")
        return None
    problem = dns_subdomain_error(name)
    if problem:
        rep.error(line_of(meta, "name", mline), f'metadata.name "{name}" {problem}')
    labels = parse_labels(
        meta.get("labels"), "metadata.labels", rep, line_of(meta, "labels", mline)
    )
    return namespace, name, labels


def _spec(obj: dict, rep: Reporter) -> tuple[dict, int] | None:
    spec = obj.get("spec")
    line = line_of(obj, "spec", rep.line)
    if spec is None:
        return {}, line
    if not isinstance(spec, dict):
        rep.error(line, f"spec: expected a mapping, got {describe(spec)}")
        return None
    return spec, start_line(spec, line)


def build_network_set(obj: dict, kind: str, rep: Reporter) -> NetworkSet | None:
    warn_unknown(obj, _TOP, "", rep, rep.line)
    meta = calico_meta(obj, rep, namespaced=kind == "NetworkSet")
    got = _spec(obj, rep)
    if meta is None or got is None:
        return None
    spec, sline = got
    warn_unknown(spec, ("nets", "allowedEgressDomains"), "spec", rep, sline)
    if LABEL_NAMESPACE in meta[2]:
        rep.error(rep.line, f"metadata.labels: {LABEL_NAMESPACE} is not a valid label name here")
    if spec.get("allowedEgressDomains"):
        rep.warning(
            line_of(spec, "allowedEgressDomains", sline),
            "spec.allowedEgressDomains (Calico Enterprise DNS policy) is not modelled",
        )
    nets = []
    items = get_list(spec, "nets", "spec", rep, sline) or []
    for i, raw in enumerate(items):
        nline = line_of(items, i, line_of(spec, "nets", sline))
        net = parse_net(raw) if isinstance(raw, str) else None
        if net is None or isinstance(net, str):
            reason = net if isinstance(net, str) else "is not a CIDR or IP address"
            rep.error(nline, f"spec.nets[{i}]: {describe(raw)} {reason}")
        else:
            nets.append(str(net))
    if not nets and not rep.errors:
        rep.warning(sline, f"{kind} has no nets: selectors that match it match no address")
    if rep.errors:
        return None
    return NetworkSet(meta[0], meta[1], tuple(nets), meta[2], rep.source())


def build_host_endpoint(obj: dict, rep: Reporter) -> HostEndpoint | None:
    warn_unknown(obj, _TOP, "", rep, rep.line)
    meta = calico_meta(obj, rep, namespaced=False)
    got = _spec(obj, rep)
    if meta is None or got is None:
        return None
    spec, sline = got
    warn_unknown(
        spec, ("node", "interfaceName", "expectedIPs", "profiles", "ports"), "spec", rep, sline
    )
    node = get_str(spec, "node", "spec", rep, sline)
    interface = get_str(spec, "interfaceName", "spec", rep, sline)
    ips = []
    raw_ips = get_list(spec, "expectedIPs", "spec", rep, sline) or []
    for i, ip in enumerate(raw_ips):
        iline = line_of(raw_ips, i, sline)
        if not isinstance(ip, str) or ip_error(ip):
            rep.error(iline, f"spec.expectedIPs[{i}]: {describe(ip)} is not an IP address")
        else:
            ips.append(ip)
    if not interface and not ips:
        rep.error(sline, "spec: give interfaceName or expectedIPs (no interface or IPs specified)")
    if not node:
        rep.error(sline, "spec.node: no node has been specified")
    if interface and not ips:
        rep.warning(
            sline,
            f"HostEndpoint without expectedIPs: GlobalNetworkPolicies still select interface "
            f"{interface}, but the traffic through it has no address netviz knows, so no "
            "connection to or from it is shown; and no rule selector matches it (Calico matches "
            "host endpoints in rules by their expectedIPs)",
        )
    profiles = tuple(
        p for p in (get_list(spec, "profiles", "spec", rep, sline) or []) if isinstance(p, str)
    )
    ports = _endpoint_ports(spec, rep, sline)
    if rep.errors:
        return None
    return HostEndpoint(
        name=meta[1],
        node=node or "",
        interface_name=interface or None,
        expected_ips=tuple(ips),
        labels=meta[2],
        profiles=profiles,
        ports=ports,
        source=rep.source(),
    )


def _endpoint_ports(spec: dict, rep: Reporter, line: int) -> tuple[EndpointPort, ...]:
    out = []
    items = get_list(spec, "ports", "spec", rep, line) or []
    for i, item in enumerate(items):
        pline = line_of(items, i, line)
        where = f"spec.ports[{i}]"
        if not isinstance(item, dict):
            rep.error(pline, f"{where}: expected a mapping, got {describe(item)}")
            continue
        warn_unknown(item, ("name", "port", "protocol"), where, rep, pline)
        name, port, protocol = item.get("name"), item.get("port"), item.get("protocol", "TCP")
        if not isinstance(name, str) or port_name_error(name):
            rep.error(pline, f"{where}.name: {describe(name)} is not a valid port name")
        elif isinstance(port, bool) or not isinstance(port, int) or not 1 <= port <= 65535:
            rep.error(pline, f"{where}.port: {describe(port)} is not a port number 1-65535")
        elif protocol not in ("TCP", "UDP", "SCTP"):
            rep.error(pline, f"{where}.protocol: {describe(protocol)} is not TCP, UDP or SCTP")
        else:
            out.append(EndpointPort(name, port, protocol))
    return tuple(out)


def build_service_account(obj: dict, rep: Reporter) -> ServiceAccount | None:
    meta = calico_meta(obj, rep, namespaced=True)
    if meta is None or rep.errors:
        return None
    return ServiceAccount(meta[0] or "default", meta[1], meta[2], rep.source())


# Rules of the profiles Calico makes for every namespace and service account: allow all.
_ALLOW_ALL = [{"action": "Allow"}]


def build_profile(obj: dict, rep: Reporter) -> Profile | None:
    """A Profile's labelsToApply; its rules only as a warning where they are not allow-all
    (netviz allows what no tier decided, as the namespace profiles do)."""
    warn_unknown(obj, _TOP, "", rep, rep.line)
    meta = calico_meta(obj, rep, namespaced=False)
    got = _spec(obj, rep)
    if meta is None or got is None:
        return None
    spec, sline = got
    warn_unknown(spec, ("ingress", "egress", "labelsToApply"), "spec", rep, sline)
    labels = parse_labels(
        spec.get("labelsToApply"),
        "spec.labelsToApply",
        rep,
        line_of(spec, "labelsToApply", sline),
    )
    for direction in ("ingress", "egress"):
        rules = spec.get(direction)
        if rules is not None and rules != _ALLOW_ALL:
            rep.warning(
                line_of(spec, direction, sline),
                f"spec.{direction}: a profile's own rules are not modelled (netviz allows what "
                "no tier decided, as the allow-all profiles of namespaces and service accounts do)",
            )
    if rep.errors:
        return None
    return Profile(meta[1], labels, rep.source())
