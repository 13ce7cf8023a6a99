"""A networking.k8s.io/v1 NetworkPolicy document → Policy, checked as the API server would check it."""

from __future__ import annotations

from netviz.k8s.fields import (
    Reporter,
    describe,
    get_list,
    line_of,
    start_line,
    warn_unknown,
)
from netviz.k8s.model import (
    PROTOCOLS,
    Direction,
    IPBlock,
    Peer,
    Policy,
    PortSpec,
    Rule,
)
from netviz.k8s.validate import parse_cidr, parse_meta, parse_selector, port_name_error

_PEER_KEYS = {"ingress": "from", "egress": "to"}
_POLICY_TYPES = {"Ingress": "ingress", "Egress": "egress"}


def build_policy(obj: dict, rep: Reporter, text: str = "") -> Policy | None:
    """The Policy, or None when the API would reject it (the reasons are in `rep`)."""
    line = rep.line
    warn_unknown(obj, ("apiVersion", "kind", "metadata", "spec", "status"), "", rep, line)
    meta = parse_meta(obj, rep)
    spec = obj.get("spec")
    spec_missing = spec is None
    if spec is None:
        rep.warning(line, "spec is missing: the policy selects every pod and allows no ingress")
        spec = {}
    elif not isinstance(spec, dict):
        rep.error(line_of(obj, "spec", line), f"spec: expected a mapping, got {describe(spec)}")
        return None
    sline = start_line(spec, line_of(obj, "spec", line))
    warn_unknown(spec, ("podSelector", "policyTypes", "ingress", "egress"), "spec", rep, sline)

    if "podSelector" not in spec and not spec_missing:
        rep.warning(
            sline,
            "spec.podSelector is missing: the policy selects every pod in its namespace "
            "(write podSelector: {} to say so)",
        )
    pod_selector = parse_selector(
        spec.get("podSelector"), "spec.podSelector", rep, line_of(spec, "podSelector", sline)
    )
    ingress = _rules(spec, "ingress", rep, sline)
    egress = _rules(spec, "egress", rep, sline)
    policy_types = _policy_types(spec, rep, sline)
    for direction, rules in (("ingress", ingress), ("egress", egress)):
        if rules and direction not in policy_types:
            rep.warning(
                line_of(spec, direction, sline),
                f"spec.{direction} has rules but spec.policyTypes does not list "
                f"{direction.capitalize()}: they never take effect",
            )
    if meta is None or rep.errors:
        return None
    return Policy(
        namespace=meta[0],
        name=meta[1],
        pod_selector=pod_selector,
        policy_types=policy_types,
        ingress=ingress,
        egress=egress,
        source=rep.source(),
        text=text,
        annotations=_annotations(obj),
    )


def _annotations(obj: dict) -> dict[str, str]:
    """metadata.annotations with string keys and values (the API allows nothing else)."""
    meta = obj.get("metadata")
    found = meta.get("annotations") if isinstance(meta, dict) else None
    if not isinstance(found, dict):
        return {}
    return {k: v for k, v in found.items() if isinstance(k, str) and isinstance(v, str)}


def _policy_types(spec: dict, rep: Reporter, line: int) -> frozenset[Direction]:
    given = get_list(spec, "policyTypes", "spec", rep, line)
    if not given:
        # API defaulting: Ingress always, Egress only when there are egress rules.
        egress = spec.get("egress")
        return frozenset(
            ("ingress", "egress") if isinstance(egress, list) and egress else ("ingress",)
        )
    if len(given) > 2:
        rep.error(
            line_of(spec, "policyTypes", line), "spec.policyTypes: may not list more than two types"
        )
    out: set[Direction] = set()
    for i, value in enumerate(given):
        if isinstance(value, str) and value in _POLICY_TYPES:
            out.add(_POLICY_TYPES[value])  # type: ignore[arg-type]
        else:
            shown = f'"{value}"' if isinstance(value, str) else describe(value)
            rep.error(
                line_of(given, i, line),
                f'spec.policyTypes[{i}]: {shown} is not supported; use "Ingress" or "Egress"',
            )
    return frozenset(out)


def _rules(spec: dict, direction: str, rep: Reporter, line: int) -> tuple[Rule, ...]:
    items = get_list(spec, direction, "spec", rep, line)
    if not items:
        return ()
    peer_key = _PEER_KEYS[direction]
    rules = []
    for i, item in enumerate(items):
        path = f"spec.{direction}[{i}]"
        rline = line_of(items, i, line)
        if item is None:
            rules.append(Rule(line=rline))  # a null rule decodes to the empty rule: allow all
            continue
        if not isinstance(item, dict):
            rep.error(rline, f"{path}: expected a mapping, got {describe(item)}")
            continue
        warn_unknown(item, (peer_key, "ports"), path, rep, rline)
        peers = _peers(item, peer_key, path, rep, rline)
        ports = _ports(item, path, rep, rline)
        rules.append(Rule(peers=peers, ports=ports, line=rline))
    return tuple(rules)


def _peers(rule: dict, key: str, path: str, rep: Reporter, line: int) -> tuple[Peer, ...]:
    items = get_list(rule, key, path, rep, line) or []
    peers = []
    for i, item in enumerate(items):
        ppath = f"{path}.{key}[{i}]"
        pline = line_of(items, i, line)
        if item is None:
            item = {}
        if not isinstance(item, dict):
            rep.error(pline, f"{ppath}: expected a mapping, got {describe(item)}")
            continue
        warn_unknown(item, ("podSelector", "namespaceSelector", "ipBlock"), ppath, rep, pline)
        present = [
            k for k in ("podSelector", "namespaceSelector", "ipBlock") if item.get(k) is not None
        ]
        if not present:
            rep.error(
                pline,
                f"{ppath}: empty peer; give podSelector, namespaceSelector or ipBlock "
                f"(to allow every peer, leave out `{key}`)",
            )
            continue
        if "ipBlock" in present and len(present) > 1:
            rep.error(
                pline, f"{ppath}: ipBlock may not be combined with podSelector or namespaceSelector"
            )
            continue
        if "ipBlock" in present:
            block = _ip_block(
                item["ipBlock"], f"{ppath}.ipBlock", rep, line_of(item, "ipBlock", pline)
            )
            if block is not None:
                peers.append(Peer(ip_block=block, line=pline))
            continue
        pod = ns = None
        if "podSelector" in present:
            pod = parse_selector(
                item["podSelector"],
                f"{ppath}.podSelector",
                rep,
                line_of(item, "podSelector", pline),
            )
        if "namespaceSelector" in present:
            ns = parse_selector(
                item["namespaceSelector"],
                f"{ppath}.namespaceSelector",
                rep,
                line_of(item, "namespaceSelector", pline),
            )
        peers.append(Peer(pod_selector=pod, namespace_selector=ns, line=pline))
    return tuple(peers)


def _ip_block(value: object, path: str, rep: Reporter, line: int) -> IPBlock | None:
    line = start_line(value, line)
    if not isinstance(value, dict):
        rep.error(line, f"{path}: expected a mapping, got {describe(value)}")
        return None
    warn_unknown(value, ("cidr", "except"), path, rep, line)
    errors = rep.errors
    cidr = value.get("cidr")
    cline = line_of(value, "cidr", line)
    if not isinstance(cidr, str) or not cidr:
        rep.error(cline, f"{path}.cidr: expected a CIDR such as 10.0.0.0/16, got {describe(cidr)}")
        return None
    net, problem, warning = parse_cidr(cidr)
    if problem:
        rep.error(cline, f'{path}.cidr: "{cidr}" {problem}')
        return None
    if warning:
        rep.warning(cline, f"{path}.cidr: {warning}")
    excepts = []
    raw = get_list(value, "except", path, rep, line) or []
    for i, item in enumerate(raw):
        epath = f"{path}.except[{i}]"
        eline = line_of(raw, i, line_of(value, "except", line))
        if not isinstance(item, str):
            rep.error(eline, f"{epath}: expected a CIDR, got {describe(item)}")
            continue
        sub, problem, warning = parse_cidr(item)
        if problem:
            rep.error(eline, f'{epath}: "{item}" {problem}')
            continue
        if warning:
            rep.warning(eline, f"{epath}: {warning}")
        if sub.version != net.version:
            rep.error(
                eline,
                f'{epath}: "{item}" is IPv{sub.version} but cidr "{cidr}" is IPv{net.version}',
            )
        elif not sub.subnet_of(net) or sub.prefixlen <= net.prefixlen:  # type: ignore[arg-type]
            rep.error(eline, f'{epath}: "{item}" must be strictly inside cidr "{net}"')
        else:
            excepts.append(str(sub))
    if rep.errors != errors:
        return None
    return IPBlock(cidr=str(net), excepts=tuple(excepts))


def _ports(rule: dict, path: str, rep: Reporter, line: int) -> tuple[PortSpec, ...]:
    items = get_list(rule, "ports", path, rep, line) or []
    ports = []
    for i, item in enumerate(items):
        ppath = f"{path}.ports[{i}]"
        pline = line_of(items, i, line)
        if item is None:
            ports.append(PortSpec(line=pline))  # decodes to the empty entry: every TCP port
            continue
        if not isinstance(item, dict):
            rep.error(pline, f"{ppath}: expected a mapping, got {describe(item)}")
            continue
        spec = _port(item, ppath, rep, pline)
        if spec is not None:
            ports.append(spec)
    return tuple(ports)


def _port(item: dict, path: str, rep: Reporter, line: int) -> PortSpec | None:
    warn_unknown(item, ("protocol", "port", "endPort"), path, rep, line)
    errors = rep.errors
    protocol = item.get("protocol")
    if protocol is None:
        protocol = "TCP"
    elif protocol not in PROTOCOLS:
        shown = f'"{protocol}"' if isinstance(protocol, str) else describe(protocol)
        hint = (
            ' (the API wants upper case: "TCP", "UDP" or "SCTP")'
            if isinstance(protocol, str) and protocol.upper() in PROTOCOLS
            else ""
        )
        rep.error(
            line_of(item, "protocol", line),
            f"{path}.protocol: {shown} is not supported; use TCP, UDP or SCTP{hint}",
        )
    port = item.get("port")
    pline = line_of(item, "port", line)
    if isinstance(port, bool) or not isinstance(port, int | str | None):
        rep.error(pline, f"{path}.port: expected a port number or name, got {describe(port)}")
    elif isinstance(port, int) and not 1 <= port <= 65535:
        rep.error(pline, f"{path}.port: {port} is not between 1 and 65535")
    elif isinstance(port, str):
        # IntOrString: a quoted "80" is a *name*, and the API rejects it as one (no letter).
        if port.isdigit():
            rep.error(
                pline,
                f'{path}.port: "{port}" is quoted, so it is read as a port name; write {port} without quotes',
            )
        else:
            problem = port_name_error(port)
            if problem:
                rep.error(pline, f'{path}.port: named port "{port}" {problem}')
    end_port = item.get("endPort")
    eline = line_of(item, "endPort", line)
    if end_port is not None:
        if isinstance(end_port, bool) or not isinstance(end_port, int):
            rep.error(eline, f"{path}.endPort: expected a port number, got {describe(end_port)}")
        elif not 1 <= end_port <= 65535:
            rep.error(eline, f"{path}.endPort: {end_port} is not between 1 and 65535")
        elif port is None:
            rep.error(eline, f"{path}.endPort: needs a numeric port to start the range")
        elif isinstance(port, str):
            rep.error(eline, f"{path}.endPort: may not be used with a named port")
        elif isinstance(port, int) and end_port < port:
            rep.error(eline, f"{path}.endPort: {end_port} is less than port {port}")
    if rep.errors != errors:
        return None
    return PortSpec(protocol=protocol, port=port, end_port=end_port, line=line)
