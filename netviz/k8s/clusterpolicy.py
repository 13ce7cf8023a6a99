"""ClusterNetworkPolicy v1alpha2, AdminNetworkPolicy and BaselineAdminNetworkPolicy v1alpha1 →
AdminPolicy, checked as their CRDs do (OpenAPI bounds and CEL rules included).

The CRD rules kept here: priority 0..1000, tier Admin|Baseline, actions per kind, exactly one
field per subject / peer / port entry, from/to not empty, the rule, peer, port and network count
limits, rule names up to 100 characters, port ranges with start < end, named ports not with
networks / nodes / domainNames peers, domainNames only in Accept rules and matching the CRD's
pattern, and the BaselineAdminNetworkPolicy singleton named `default`.
"""

from __future__ import annotations

import re

from netviz.k8s.fields import (
    Reporter,
    describe,
    get_list,
    get_str,
    line_of,
    start_line,
    warn_unknown,
)
from netviz.k8s.model import PROTOCOLS, IPBlock, PortSpec
from netviz.k8s.tiermodel import (
    ANP,
    BANP,
    BANP_PRIORITY,
    CNP,
    AdminPeer,
    AdminPolicy,
    AdminRule,
    PodSet,
)
from netviz.k8s.validate import dns_subdomain_error, parse_cidr, parse_selector

V1ALPHA1 = "policy.networking.k8s.io/v1alpha1"
V1ALPHA2 = "policy.networking.k8s.io/v1alpha2"
API_VERSIONS = {CNP: V1ALPHA2, ANP: V1ALPHA1, BANP: V1ALPHA1}

# Written action → engine action, per kind (anything else is rejected as the CRD enum does).
_ACTIONS = {
    CNP: {"Accept": "allow", "Deny": "deny", "Pass": "pass"},
    ANP: {"Allow": "allow", "Deny": "deny", "Pass": "pass"},
    BANP: {"Allow": "allow", "Deny": "deny"},
}
# (rules per direction, peers per rule, ports per rule, networks per peer)
_LIMITS = {CNP: (25, 25, 25, 25), ANP: (100, 100, 100, 25), BANP: (100, 100, 100, 25)}
_PEER_KEYS = {"ingress": "from", "egress": "to"}
_DOMAIN = re.compile(
    r"(\*\.)?([a-zA-Z0-9]([-a-zA-Z0-9_]*[a-zA-Z0-9])?\.)+[a-zA-Z0-9]([-a-zA-Z0-9_]*[a-zA-Z0-9])?\.?"
)
_PROTO_KEYS = {"tcp": "TCP", "udp": "UDP", "sctp": "SCTP"}


def build_admin_policy(obj: dict, kind: str, rep: Reporter, text: str = "") -> AdminPolicy | None:
    """The AdminPolicy, or None when the API server would reject the object (reasons in `rep`)."""
    line = rep.line
    warn_unknown(obj, ("apiVersion", "kind", "metadata", "spec", "status"), "", rep, line)
    name = _meta(obj, rep)
    spec = obj.get("spec")
    if not isinstance(spec, dict):
        rep.error(line_of(obj, "spec", line), f"spec: expected a mapping, got {describe(spec)}")
        return None
    sline = start_line(spec, line_of(obj, "spec", line))
    known = ["subject", "ingress", "egress"]
    if kind != BANP:
        known.append("priority")
    if kind == CNP:
        known.append("tier")
    warn_unknown(spec, known, "spec", rep, sline)
    if kind == BANP:
        tier, priority = "Baseline", BANP_PRIORITY
        if name is not None and name != "default":
            rep.error(
                line_of(obj.get("metadata") or {}, "name", line),
                f'metadata.name "{name}": only one BaselineAdminNetworkPolicy, named "default", '
                "may exist in a cluster",
            )
    else:
        priority = _priority(spec, rep, sline)
        tier = _tier(spec, rep, sline) if kind == CNP else "Admin"
    subject = _subject(spec, kind, rep, sline)
    ingress = _rules(spec, "ingress", kind, rep, sline)
    egress = _rules(spec, "egress", kind, rep, sline)
    if name is None or rep.errors or subject is None or priority is None or tier is None:
        return None
    return AdminPolicy(
        kind=kind,
        api_version=API_VERSIONS[kind],
        name=name,
        tier=tier,  # type: ignore[arg-type]
        priority=priority,
        subject=subject,
        ingress=ingress,
        egress=egress,
        source=rep.source(),
        text=text,
    )


def _meta(obj: dict, rep: Reporter) -> str | None:
    meta = obj.get("metadata")
    line = rep.line
    if not isinstance(meta, dict):
        rep.error(
            line_of(obj, "metadata", line), f"metadata: expected a mapping, got {describe(meta)}"
        )
        return None
    mline = start_line(meta, line)
    name = get_str(meta, "name", "metadata", rep, mline)
    rep.name = name
    if meta.get("namespace") is not None:
        rep.warning(
            line_of(meta, "namespace", mline),
            f"metadata.namespace: {rep.kind} is cluster-scoped; the namespace is ignored",
        )
    if not name:
        rep.error(line_of(meta, "name", mline), "metadata.name is missing or empty")
        return None
    problem = dns_subdomain_error(name)
    if problem:
        rep.error(line_of(meta, "name", mline), f'metadata.name "{name}" {problem}')
    return name


def _priority(spec: dict, rep: Reporter, line: int) -> int | None:
    value = spec.get("priority")
    pline = line_of(spec, "priority", line)
    if value is None:
        rep.error(pline, "spec.priority is required (0 to 1000)")
        return None
    if isinstance(value, bool) or not isinstance(value, int):
        rep.error(pline, f"spec.priority: expected an integer, got {describe(value)}")
        return None
    if not 0 <= value <= 1000:
        rep.error(pline, f"spec.priority: {value} is not between 0 and 1000")
        return None
    return value


def _tier(spec: dict, rep: Reporter, line: int) -> str | None:
    value = spec.get("tier")
    if value in ("Admin", "Baseline"):
        return value
    shown = "missing" if value is None else describe(value)
    rep.error(line_of(spec, "tier", line), f'spec.tier: {shown}; use "Admin" or "Baseline"')
    return None


def _one_of(obj: dict, keys: tuple[str, ...], path: str, rep: Reporter, line: int) -> str | None:
    """The one key of `keys` set in obj (CRD MinProperties=1 / MaxProperties=1), else an error."""
    present = [k for k in obj if obj.get(k) is not None]
    if len(present) != 1 or present[0] not in keys:
        got = ", ".join(present) if present else "none"
        rep.error(line, f"{path}: set exactly one of {', '.join(keys)} (got {got})")
        return None
    return present[0]


def _pod_set(value: object, form: str, kind: str, path: str, rep: Reporter, line: int):
    """`namespaces` (a selector) or `pods` ({namespaceSelector, podSelector}) → PodSet."""
    if form == "namespaces":
        return PodSet(parse_selector(value, path, rep, line), None)
    line = start_line(value, line)
    if not isinstance(value, dict):
        rep.error(line, f"{path}: expected a mapping, got {describe(value)}")
        return None
    warn_unknown(value, ("namespaceSelector", "podSelector"), path, rep, line)
    required = ("podSelector",) if kind == CNP else ("namespaceSelector", "podSelector")
    for key in required:
        if key not in value:
            rep.error(line, f"{path}.{key} is required (write {{}} to select all)")
    ns = parse_selector(
        value.get("namespaceSelector"),
        f"{path}.namespaceSelector",
        rep,
        line_of(value, "namespaceSelector", line),
    )
    pods = parse_selector(
        value.get("podSelector"), f"{path}.podSelector", rep, line_of(value, "podSelector", line)
    )
    return PodSet(ns, pods)


def _subject(spec: dict, kind: str, rep: Reporter, line: int) -> PodSet | None:
    value = spec.get("subject")
    sline = line_of(spec, "subject", line)
    if not isinstance(value, dict):
        shown = "missing" if value is None else describe(value)
        rep.error(sline, f"spec.subject: {shown}; give namespaces or pods")
        return None
    sline = start_line(value, sline)
    form = _one_of(value, ("namespaces", "pods"), "spec.subject", rep, sline)
    if form is None:
        return None
    return _pod_set(
        value[form], form, kind, f"spec.subject.{form}", rep, line_of(value, form, sline)
    )


def _rules(spec: dict, direction: str, kind: str, rep: Reporter, line: int):
    items = get_list(spec, direction, "spec", rep, line)
    if not items:
        return ()
    max_rules = _LIMITS[kind][0]
    if len(items) > max_rules:
        rep.error(
            line_of(spec, direction, line),
            f"spec.{direction}: {len(items)} rules; at most {max_rules} are allowed",
        )
    rules = []
    for i, item in enumerate(items):
        path = f"spec.{direction}[{i}]"
        rline = line_of(items, i, line)
        if not isinstance(item, dict):
            rep.error(rline, f"{path}: expected a mapping, got {describe(item)}")
            continue
        rline = start_line(item, rline)
        rule = _rule(item, direction, kind, path, rep, rline)
        if rule is not None:
            rules.append(rule)
    return tuple(rules)


def _rule(item: dict, direction: str, kind: str, path: str, rep: Reporter, line: int):
    peer_key = _PEER_KEYS[direction]
    port_key = "protocols" if kind == CNP else "ports"
    warn_unknown(item, ("name", "action", peer_key, port_key), path, rep, line)
    errors = rep.errors
    name = get_str(item, "name", path, rep, line) or ""
    if len(name) > 100:
        rep.error(line_of(item, "name", line), f"{path}.name: longer than 100 characters")
    written = item.get("action")
    action = _ACTIONS[kind].get(written) if isinstance(written, str) else None
    if action is None:
        allowed = ", ".join(_ACTIONS[kind])
        shown = f'"{written}"' if isinstance(written, str) else describe(written)
        problem = "is required" if written is None else f"{shown} is not a {kind} action;"
        rep.error(line_of(item, "action", line), f"{path}.action: {problem} use {allowed}")
    peers = _peers(item, peer_key, direction, kind, path, rep, line)
    ports = _ports(item, port_key, kind, path, rep, line)
    aline = line_of(item, "action", line)
    named = ports and any(isinstance(p.port, str) for p in ports)
    if named and any(p.kind in ("networks", "nodes", "domainNames") for p in peers):
        rep.error(
            line_of(item, port_key, line),
            f"{path}: named ports cannot be used with networks, nodes or domainNames peers "
            "(they have no named ports)",
        )
    if action and action != "allow" and any(p.kind == "domainNames" for p in peers):
        rep.error(aline, f"{path}: domainNames peers are only allowed in Accept rules")
    if rep.errors != errors:
        return None
    return AdminRule(action, written, name, peers, ports, line)  # type: ignore[arg-type]


def _peers(item: dict, key: str, direction: str, kind: str, path: str, rep: Reporter, line: int):
    items = get_list(item, key, path, rep, line)
    kline = line_of(item, key, line)
    if not items:
        rep.error(kline, f"{path}.{key}: must list at least one peer")
        return ()
    max_peers, max_networks = _LIMITS[kind][1], _LIMITS[kind][3]
    if len(items) > max_peers:
        rep.error(kline, f"{path}.{key}: {len(items)} peers; at most {max_peers} are allowed")
    forms: tuple[str, ...] = ("namespaces", "pods")
    if direction == "egress":
        # ANP (v1alpha1) has domainNames too; BANP does not (NPEP-285 lists it as a difference).
        forms += ("nodes", "networks") + (("domainNames",) if kind in (CNP, ANP) else ())
    peers = []
    for i, value in enumerate(items):
        ppath = f"{path}.{key}[{i}]"
        pline = line_of(items, i, kline)
        if not isinstance(value, dict):
            rep.error(pline, f"{ppath}: expected a mapping, got {describe(value)}")
            continue
        pline = start_line(value, pline)
        form = _one_of(value, forms, ppath, rep, pline)
        if form is None:
            continue
        fpath, fline = f"{ppath}.{form}", line_of(value, form, pline)
        if form in ("namespaces", "pods"):
            pods = _pod_set(value[form], form, kind, fpath, rep, fline)
            if pods is not None:
                peers.append(AdminPeer(form, pods=pods, line=pline))  # type: ignore[arg-type]
        elif form == "nodes":
            selector = parse_selector(value[form], fpath, rep, fline)
            peers.append(AdminPeer("nodes", nodes=selector, line=pline))
        elif form == "networks":
            blocks = _networks(value[form], max_networks, fpath, rep, fline)
            peers.append(AdminPeer("networks", networks=blocks, line=pline))
        else:
            domains = _domains(value[form], fpath, rep, fline)
            peers.append(AdminPeer("domainNames", domains=domains, line=pline))
    return tuple(peers)


def _string_list(value: object, limit: int, what: str, path: str, rep: Reporter, line: int):
    if not isinstance(value, list) or not value:
        rep.error(line, f"{path}: expected a non-empty list of {what}, got {describe(value)}")
        return []
    if len(value) > limit:
        rep.error(line, f"{path}: {len(value)} {what}; at most {limit} are allowed")
    out = []
    for i, item in enumerate(value):
        iline = line_of(value, i, line)
        if not isinstance(item, str):
            rep.error(iline, f"{path}[{i}]: expected a string, got {describe(item)}")
        elif item in out:
            rep.error(iline, f'{path}[{i}]: "{item}" is listed twice (the list is a set)')
        else:
            out.append((iline, item))
    return out


def _networks(value: object, limit: int, path: str, rep: Reporter, line: int):
    blocks = []
    for iline, text in _string_list(value, limit, "CIDRs", path, rep, line):
        net, problem, warning = parse_cidr(text)
        if problem or net is None:
            rep.error(iline, f'{path}: "{text}" {problem or "is not a CIDR"}')
            continue
        if warning:
            rep.warning(iline, f"{path}: {warning}")
        blocks.append(IPBlock(str(net)))
    return tuple(blocks)


def _domains(value: object, path: str, rep: Reporter, line: int):
    out = []
    for iline, text in _string_list(value, 25, "domain names", path, rep, line):
        if not _DOMAIN.fullmatch(text):
            rep.error(
                iline,
                f'{path}: "{text}" is not a domain name pattern (e.g. example.com or '
                "*.example.com; '*' only as a whole first label)",
            )
        else:
            out.append(text)
    return tuple(out)


def _ports(item: dict, key: str, kind: str, path: str, rep: Reporter, line: int):
    """None (every port) when the list is absent; otherwise the entries as PortSpecs."""
    if item.get(key) is None:
        return None
    items = get_list(item, key, path, rep, line)
    kline = line_of(item, key, line)
    if not items:
        rep.error(kline, f"{path}.{key}: must list at least one entry when given")
        return None
    limit = _LIMITS[kind][2]
    if len(items) > limit:
        rep.error(kline, f"{path}.{key}: {len(items)} entries; at most {limit} are allowed")
    out: list[PortSpec] = []
    for i, value in enumerate(items):
        ppath = f"{path}.{key}[{i}]"
        pline = line_of(items, i, kline)
        if not isinstance(value, dict):
            rep.error(pline, f"{ppath}: expected a mapping, got {describe(value)}")
            continue
        pline = start_line(value, pline)
        if kind == CNP:
            out += _protocol_entry(value, ppath, rep, pline)
        else:
            out += _port_entry(value, ppath, rep, pline)
    return tuple(out)


def _named(value: object, path: str, rep: Reporter, line: int) -> list[PortSpec]:
    if not isinstance(value, str) or not value:
        rep.error(line, f"{path}: expected a port name, got {describe(value)}")
        return []
    # A named port carries no protocol: it matches the container port of that name, whichever.
    return [PortSpec(protocol, value, None, line) for protocol in PROTOCOLS]


def _number(obj: dict, key: str, path: str, rep: Reporter, line: int) -> int | None:
    value = obj.get(key)
    kline = line_of(obj, key, line)
    if value is None:
        rep.error(line, f"{path}.{key} is required")
    elif isinstance(value, bool) or not isinstance(value, int):
        rep.error(kline, f"{path}.{key}: expected a port number, got {describe(value)}")
    elif not 1 <= value <= 65535:
        rep.error(kline, f"{path}.{key}: {value} is not between 1 and 65535")
    else:
        return value
    return None


def _range(obj: object, protocol: str, path: str, rep: Reporter, line: int) -> list[PortSpec]:
    line = start_line(obj, line)
    if not isinstance(obj, dict):
        rep.error(line, f"{path}: expected a mapping, got {describe(obj)}")
        return []
    start, end = _number(obj, "start", path, rep, line), _number(obj, "end", path, rep, line)
    if start is None or end is None:
        return []
    if not start < end:
        rep.error(line, f"{path}: start ({start}) must be less than end ({end})")
        return []
    return [PortSpec(protocol, start, end, line)]  # type: ignore[arg-type]


def _protocol_entry(value: dict, path: str, rep: Reporter, line: int) -> list[PortSpec]:
    form = _one_of(value, ("tcp", "udp", "sctp", "destinationNamedPort"), path, rep, line)
    if form is None:
        return []
    fpath, fline = f"{path}.{form}", line_of(value, form, line)
    if form == "destinationNamedPort":
        return _named(value[form], fpath, rep, fline)
    body = value[form]
    fline = start_line(body, fline)
    if not isinstance(body, dict):
        rep.error(fline, f"{fpath}: expected a mapping, got {describe(body)}")
        return []
    warn_unknown(body, ("destinationPort",), fpath, rep, fline)
    port = body.get("destinationPort")
    if not isinstance(port, dict):
        rep.error(fline, f"{fpath}.destinationPort: required, with number or range")
        return []
    dpath, dline = (
        f"{fpath}.destinationPort",
        start_line(port, line_of(body, "destinationPort", fline)),
    )
    which = _one_of(port, ("number", "range"), dpath, rep, dline)
    protocol = _PROTO_KEYS[form]
    if which == "number":
        number = _number(port, "number", dpath, rep, dline)
        return [PortSpec(protocol, number, None, dline)] if number else []  # type: ignore[arg-type]
    if which == "range":
        return _range(port["range"], protocol, f"{dpath}.range", rep, line_of(port, "range", dline))
    return []


def _protocol(obj: dict, path: str, rep: Reporter, line: int) -> str | None:
    protocol = obj.get("protocol", "TCP")
    if protocol in PROTOCOLS:
        return protocol
    rep.error(
        line_of(obj, "protocol", line),
        f"{path}.protocol: {describe(protocol)} is not supported; use TCP, UDP or SCTP",
    )
    return None


def _port_entry(value: dict, path: str, rep: Reporter, line: int) -> list[PortSpec]:
    form = _one_of(value, ("portNumber", "namedPort", "portRange"), path, rep, line)
    if form is None:
        return []
    fpath, fline = f"{path}.{form}", line_of(value, form, line)
    body = value[form]
    if form == "namedPort":
        return _named(body, fpath, rep, fline)
    fline = start_line(body, fline)
    if not isinstance(body, dict):
        rep.error(fline, f"{fpath}: expected a mapping, got {describe(body)}")
        return []
    if form == "portNumber":
        warn_unknown(body, ("protocol", "port"), fpath, rep, fline)
        protocol = _protocol(body, fpath, rep, fline)
        number = _number(body, "port", fpath, rep, fline)
        if protocol is None or number is None:
            return []
        return [PortSpec(protocol, number, None, fline)]  # type: ignore[arg-type]
    warn_unknown(body, ("protocol", "start", "end"), fpath, rep, fline)
    protocol = _protocol(body, fpath, rep, fline)
    return _range(body, protocol, fpath, rep, fline) if protocol else []
