"""Calico rules and entity rules → typed objects, checked as libcalico-go's v3 validator checks them.

Every check names the field path and line; a rule with an error is dropped (with its policy, as
the API server would refuse the whole object).
"""

from __future__ import annotations

import ipaddress

from netviz.k8s.calico.model import (
    ACTIONS,
    PORT_PROTOCOLS,
    PROTOCOL_NAMES,
    PROTOCOL_NUMBERS,
    CalicoRule,
    EntityRule,
    ICMPMatch,
    PortMatch,
    Selector,
    ServiceAccountMatch,
    ServiceMatch,
)
from netviz.k8s.calico.selector import SelectorError, parse, tokenize
from netviz.k8s.fields import (
    Reporter,
    child,
    describe,
    get_list,
    get_map,
    get_str,
    line_of,
    start_line,
    warn_unknown,
)
from netviz.k8s.validate import port_name_error

RULE_KEYS = (
    "action",
    "ipVersion",
    "protocol",
    "icmp",
    "notProtocol",
    "notICMP",
    "source",
    "destination",
    "http",
    "metadata",
)
ENTITY_KEYS = (
    "nets",
    "selector",
    "namespaceSelector",
    "ports",
    "notNets",
    "notSelector",
    "notPorts",
    "serviceAccounts",
    "services",
)


def parse_selector_field(
    obj: dict, key: str, path: str, rep: Reporter, line: int, *, allow_global: bool = False
) -> Selector | None:
    """A selector string field; None when absent or empty (Calico treats "" as not given)."""
    text = get_str(obj, key, path, rep, line)
    if not text:
        return None
    sline = line_of(obj, key, line)
    where = child(path, key)
    try:
        node = parse(text)
    except SelectorError as exc:
        rep.error(sline, f"{where}: {exc.reason} at column {exc.column} of {text!r}")
        return None
    if "global()" in text and not allow_global:
        rep.error(
            sline, f"{where}: global() can only be used in an entity rule's namespaceSelector"
        )
        return None
    return Selector(text, node, sline)


def parse_rules(spec: dict, key: str, rep: Reporter, line: int, *, is_global: bool) -> tuple:
    items = get_list(spec, key, "spec", rep, line) or []
    out: list[CalicoRule] = []
    for i, item in enumerate(items):
        path = f"spec.{key}[{i}]"
        rline = line_of(items, i, line)
        if not isinstance(item, dict):
            rep.error(rline, f"{path}: expected a mapping, got {describe(item)}")
            continue
        rule = _rule(item, path, rep, start_line(item, rline), i, key, is_global)
        if rule is not None:
            out.append(rule)
    return tuple(out)


def _rule(
    item: dict, path: str, rep: Reporter, line: int, index: int, direction: str, is_global: bool
) -> CalicoRule | None:
    errors = rep.errors
    warn_unknown(item, RULE_KEYS, path, rep, line)
    action = item.get("action")
    if action not in ACTIONS:
        shown = f'"{action}"' if isinstance(action, str) else describe(action)
        hint = ""
        if isinstance(action, str) and action.capitalize() in ACTIONS:
            hint = f' (actions are case-sensitive: "{action.capitalize()}")'
        if action is None:
            rep.error(line, f"{path}.action is missing: give Allow, Deny, Pass or Log")
        else:
            rep.error(
                line_of(item, "action", line),
                f"{path}.action: {shown} is not one of Allow, Deny, Pass, Log{hint}",
            )
    ip_version = item.get("ipVersion")
    if ip_version is not None and (isinstance(ip_version, bool) or ip_version not in (4, 6)):
        rep.error(
            line_of(item, "ipVersion", line),
            f"{path}.ipVersion: {describe(ip_version)} is not 4 or 6",
        )
        ip_version = None
    protocol = _protocol(item, "protocol", path, rep, line)
    not_protocol = _protocol(item, "notProtocol", path, rep, line)
    icmp = _icmp(item, "icmp", path, rep, line)
    not_icmp = _icmp(item, "notICMP", path, rep, line)
    source = _entity(item, "source", path, rep, line)
    destination = _entity(item, "destination", path, rep, line)
    http = item.get("http") is not None
    name = None
    meta = get_map(item, "metadata", path, rep, line)
    if meta:
        annotations = meta.get("annotations")
        if isinstance(annotations, dict) and isinstance(annotations.get("name"), str):
            name = annotations["name"]

    if source is None or destination is None:
        return None
    _check_rule(
        item, path, rep, line, protocol, icmp, not_protocol, ip_version, source, destination
    )
    if http:
        hline = line_of(item, "http", line)
        if action != "Allow":
            rep.error(hline, f"{path}.http: only valid for Allow rules")
        if direction == "egress":
            rep.error(hline, f"{path}.http: not allowed in egress rules")
        if protocol is not None and protocol != 6:
            rep.error(hline, f"{path}.http: rules that give http must set protocol to TCP or none")
    for side, entity in (("source", source), ("destination", destination)):
        svc = entity.services
        if svc is None:
            continue
        wrong = (direction == "egress" and side == "source") or (
            direction == "ingress" and side == "destination"
        )
        if wrong:
            rep.error(svc.line, f"{path}.{side}.services: not allowed in {direction} rule {side}")
        if is_global and not svc.namespace:
            rep.error(
                svc.line,
                f"{path}.{side}.services.namespace: a GlobalNetworkPolicy must name the namespace",
            )
    if rep.errors != errors:
        return None
    _warn_not_modelled(path, rep, line, protocol, source, destination)
    return CalicoRule(
        action=action,  # type: ignore[arg-type]
        index=index,
        protocol=protocol,
        not_protocol=not_protocol,
        icmp=icmp,
        not_icmp=not_icmp,
        ip_version=ip_version,
        source=source,
        destination=destination,
        http=http,
        name=name,
        line=line,
    )


def _warn_not_modelled(
    path: str,
    rep: Reporter,
    line: int,
    protocol: int | None,
    source: EntityRule,
    destination: EntityRule,
) -> None:
    if source.ports or source.not_ports:
        rep.warning(
            source.line,
            f"{path}.source: source ports are not modelled: the rule is read as if they were "
            "not given",
        )
    for side, entity in (("source", source), ("destination", destination)):
        if entity.services is not None:
            rep.warning(
                entity.services.line,
                f"{path}.{side}.services: Service endpoints are not read, so this rule matches "
                "nothing in the results",
            )


def _check_rule(
    item: dict,
    path: str,
    rep: Reporter,
    line: int,
    protocol: int | None,
    icmp: ICMPMatch | None,
    not_protocol: int | None,
    ip_version: int | None,
    source: EntityRule,
    destination: EntityRule,
) -> None:
    if protocol not in PORT_PROTOCOLS:
        for side, entity in (("source", source), ("destination", destination)):
            for key, ports in (("ports", entity.ports), ("notPorts", entity.not_ports)):
                if ports:
                    rep.error(
                        ports[0].line,
                        f"{path}.{side}.{key}: rules that give ports must set protocol to "
                        "TCP, UDP or SCTP",
                    )
    if icmp is not None and protocol not in (1, 58):
        rep.error(
            icmp.line, f"{path}.icmp: rules that give icmp must set protocol to ICMP or ICMPv6"
        )
    for proto, version, name in ((1, 4, "ICMP"), (58, 6, "ICMPv6")):
        if (protocol == proto or not_protocol == proto) and ip_version not in (None, version):
            rep.error(
                line_of(item, "ipVersion", line),
                f"{path}.ipVersion: must be {version} with protocol {name}",
            )
    seen: set[int] = set()
    for side, entity in (("source", source), ("destination", destination)):
        for key, nets in (("nets", entity.nets), ("notNets", entity.not_nets)):
            versions = {ipaddress.ip_network(n).version for n in nets}
            if ip_version is not None and versions - {ip_version}:
                rep.error(
                    entity.line,
                    f"{path}.{side}.{key}: the rule's ipVersion {ip_version} does not match "
                    "the version of its CIDRs",
                )
            if len(versions) > 1 or (versions and seen and versions != seen):
                rep.error(entity.line, f"{path}.{side}.{key}: rule mixes IPv4 and IPv6 CIDRs")
            seen |= versions
    svc = destination.services
    if svc is not None and (destination.ports or destination.not_ports):
        rep.error(
            svc.line,
            f"{path}.destination: ports and notPorts cannot be given with services "
            "(the service's ports are used)",
        )


def _protocol(item: dict, key: str, path: str, rep: Reporter, line: int) -> int | None:
    value = item.get(key)
    if value is None:
        return None
    pline = line_of(item, key, line)
    where = f"{path}.{key}"
    if isinstance(value, str) and value.isdigit():
        value = int(value)  # numorstring reads a quoted number as the number
    if isinstance(value, int) and not isinstance(value, bool):
        if 1 <= value <= 255:
            return value
        rep.error(pline, f"{where}: protocol number {value} is not between 1 and 255")
        return None
    if isinstance(value, str):
        if value in PROTOCOL_NUMBERS:
            return PROTOCOL_NUMBERS[value]
        hint = ""
        for name in PROTOCOL_NUMBERS:
            if name.lower() == value.lower():
                hint = f' (names are case-sensitive: "{name}")'
        names = ", ".join(PROTOCOL_NUMBERS)
        rep.error(pline, f'{where}: "{value}" is not one of {names} or 1-255{hint}')
        return None
    rep.error(pline, f"{where}: expected a protocol name or number, got {describe(value)}")
    return None


def protocol_name(number: int) -> str:
    return PROTOCOL_NAMES.get(number, str(number))


def _icmp(item: dict, key: str, path: str, rep: Reporter, line: int) -> ICMPMatch | None:
    value = get_map(item, key, path, rep, line)
    if value is None:
        return None
    where = f"{path}.{key}"
    iline = line_of(item, key, line)
    warn_unknown(value, ("type", "code"), where, rep, iline)
    out: dict[str, int | None] = {}
    for field_name, high in (("type", 254), ("code", 255)):
        v = value.get(field_name)
        if v is None:
            out[field_name] = None
        elif isinstance(v, bool) or not isinstance(v, int) or not 0 <= v <= high:
            rep.error(
                line_of(value, field_name, iline),
                f"{where}.{field_name}: {describe(v)} is not an integer 0-{high}",
            )
            out[field_name] = None
        else:
            out[field_name] = v
    if value.get("code") is not None and value.get("type") is None:
        rep.error(iline, f"{where}.code: an ICMP code needs an ICMP type")
    return ICMPMatch(out["type"], out["code"], iline)


def _entity(item: dict, key: str, path: str, rep: Reporter, line: int) -> EntityRule | None:
    where = f"{path}.{key}"
    eline = line_of(item, key, line)
    value = get_map(item, key, path, rep, line)
    if value is None:
        return None if key in item and item[key] is not None else EntityRule(line=eline)
    errors = rep.errors
    warn_unknown(value, ENTITY_KEYS, where, rep, eline)
    nets = _nets(value, "nets", where, rep, eline)
    not_nets = _nets(value, "notNets", where, rep, eline)
    selector = parse_selector_field(value, "selector", where, rep, eline)
    not_selector = parse_selector_field(value, "notSelector", where, rep, eline)
    ns_selector = parse_selector_field(
        value, "namespaceSelector", where, rep, eline, allow_global=True
    )
    if ns_selector is not None and ns_selector.node.uses_global():
        tokens = tokenize(ns_selector.text)
        if len(tokens) != 2 or tokens[0].kind != "global":
            rep.error(
                ns_selector.line,
                f"{where}.namespaceSelector: global() cannot be combined with other selectors",
            )
    ports = _ports(value, "ports", where, rep, eline)
    not_ports = _ports(value, "notPorts", where, rep, eline)
    accounts = _service_accounts(value, where, rep, eline)
    services = _services(value, where, rep, eline)
    if services is not None:
        clash = [
            k
            for k in ("namespaceSelector", "selector", "notSelector", "serviceAccounts", "nets")
            if value.get(k)
        ] + (["notNets"] if value.get("notNets") else [])
        if clash:
            rep.error(services.line, f"{where}.services: cannot be given with {', '.join(clash)}")
    if rep.errors != errors:
        return None
    return EntityRule(
        nets=nets,
        not_nets=not_nets,
        selector=selector,
        not_selector=not_selector,
        namespace_selector=ns_selector,
        ports=ports,
        not_ports=not_ports,
        service_accounts=accounts,
        services=services,
        line=eline,
    )


def _nets(value: dict, key: str, path: str, rep: Reporter, line: int) -> tuple[str, ...]:
    items = get_list(value, key, path, rep, line) or []
    out = []
    for i, raw in enumerate(items):
        nline = line_of(items, i, line_of(value, key, line))
        where = f"{path}.{key}[{i}]"
        if not isinstance(raw, str):
            rep.error(nline, f"{where}: expected a CIDR, got {describe(raw)}")
            continue
        net = parse_net(raw)
        if net is None:
            rep.error(nline, f'{where}: "{raw}" is not a CIDR or IP address')
        elif isinstance(net, str):
            rep.error(nline, f'{where}: "{raw}" {net}')
        else:
            out.append(str(net))
    return tuple(out)


def parse_net(raw: str) -> ipaddress.IPv4Network | ipaddress.IPv6Network | str | None:
    """A CIDR or bare IP (read as /32 or /128); a str is the reason a CIDR is refused."""
    address = raw.split("/")[0]
    try:
        net = ipaddress.ip_network(raw, strict=False)
        if net.network_address != ipaddress.ip_address(address):
            return f'has host bits set: Calico wants the network address, "{net}"'
    except ValueError:
        return None
    return net


def _ports(value: dict, key: str, path: str, rep: Reporter, line: int) -> tuple[PortMatch, ...]:
    items = get_list(value, key, path, rep, line) or []
    out = []
    for i, raw in enumerate(items):
        pline = line_of(items, i, line_of(value, key, line))
        where = f"{path}.{key}[{i}]"
        port = parse_port(raw, pline)
        if isinstance(port, str):
            rep.error(pline, f"{where}: {port}")
        else:
            out.append(port)
    return tuple(out)


def parse_port(raw: object, line: int = 0) -> PortMatch | str:
    """numorstring.Port: a number, "n", "a:b", or a port name; a str return is the error."""
    if isinstance(raw, bool) or not isinstance(raw, int | str):
        return f"expected a port number, range or name, got {describe(raw)}"
    if isinstance(raw, int):
        if 1 <= raw <= 65535:
            return PortMatch(raw, raw, line=line)
        return f"port {raw} is not between 1 and 65535"
    if raw.isdigit():
        n = int(raw)
        return PortMatch(n, n, line=line) if 1 <= n <= 65535 else f"port {raw} is not 1-65535"
    if ":" in raw:
        parts = raw.split(":")
        if len(parts) != 2 or not all(p.isdigit() for p in parts):
            return f'"{raw}" is not a port range such as "8000:8080"'
        first, last = int(parts[0]), int(parts[1])
        if not (1 <= first <= 65535 and 1 <= last <= 65535):
            return f'range "{raw}": ports must be between 1 and 65535'
        if first > last:
            return f'range "{raw}": the first port is above the last'
        return PortMatch(first, last, line=line)
    problem = port_name_error(raw)
    if problem:
        return f'named port "{raw}" {problem}'
    return PortMatch(name=raw, line=line)


def _service_accounts(
    value: dict, path: str, rep: Reporter, line: int
) -> ServiceAccountMatch | None:
    sa = get_map(value, "serviceAccounts", path, rep, line)
    if sa is None:
        return None
    where = f"{path}.serviceAccounts"
    sline = line_of(value, "serviceAccounts", line)
    warn_unknown(sa, ("names", "selector"), where, rep, sline)
    names = []
    for i, n in enumerate(get_list(sa, "names", where, rep, sline) or []):
        if isinstance(n, str) and n:
            names.append(n)
        else:
            rep.error(
                sline, f"{where}.names[{i}]: expected a service account name, got {describe(n)}"
            )
    selector = parse_selector_field(sa, "selector", where, rep, sline)
    return ServiceAccountMatch(tuple(names), selector, sline)


def _services(value: dict, path: str, rep: Reporter, line: int) -> ServiceMatch | None:
    svc = get_map(value, "services", path, rep, line)
    if svc is None:
        return None
    where = f"{path}.services"
    sline = line_of(value, "services", line)
    warn_unknown(svc, ("name", "namespace"), where, rep, sline)
    name = get_str(svc, "name", where, rep, sline)
    namespace = get_str(svc, "namespace", where, rep, sline)
    if not name:
        rep.error(sline, f"{where}.name: must name a service")
        return None
    return ServiceMatch(name, namespace or None, sline)
