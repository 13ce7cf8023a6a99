"""v1 Service documents → Service, checked as the API server checks them.

A bad port entry drops that port only; a bad selector drops the Service (a selector with an entry
left out would select more pods than written).
"""

from __future__ import annotations

from netviz.k8s.fields import (
    Reporter,
    describe,
    get_int,
    get_list,
    get_map,
    get_str,
    line_of,
    start_line,
)
from netviz.k8s.model import PROTOCOLS, Service, ServicePort
from netviz.k8s.validate import parse_cidr, parse_labels, parse_meta, port_name_error

SERVICE_TYPES = ("ClusterIP", "NodePort", "LoadBalancer", "ExternalName")
TRAFFIC_POLICIES = ("Cluster", "Local")


def build_service(obj: dict, rep: Reporter) -> Service | None:
    meta = parse_meta(obj, rep)
    line = rep.line
    spec = get_map(obj, "spec", "", rep, line) or {}
    sline = start_line(spec, line_of(obj, "spec", line))
    kind = get_str(spec, "type", "spec", rep, sline) or "ClusterIP"
    if kind not in SERVICE_TYPES:
        rep.error(
            line_of(spec, "type", sline),
            f'spec.type: "{kind}" is not one of {", ".join(SERVICE_TYPES)}',
        )
    raw = spec.get("selector")
    labels = parse_labels(raw, "spec.selector", rep, line_of(spec, "selector", sline))
    selector = tuple(sorted(labels.items())) if labels else None
    ports: list[ServicePort] = []
    items = get_list(spec, "ports", "spec", rep, sline) or []
    for i, item in enumerate(items):
        with rep.entry("the port"):
            port = _port(item, f"spec.ports[{i}]", rep, line_of(items, i, sline))
        if port is not None:
            ports.append(port)
    policy = get_str(spec, "externalTrafficPolicy", "spec", rep, sline) or "Cluster"
    if policy not in TRAFFIC_POLICIES:
        with rep.entry("externalTrafficPolicy (read as Cluster)"):
            rep.error(
                line_of(spec, "externalTrafficPolicy", sline),
                f'spec.externalTrafficPolicy: "{policy}" is not Cluster or Local',
            )
        policy = "Cluster"
    ranges: list[str] = []
    raw_ranges = get_list(spec, "loadBalancerSourceRanges", "spec", rep, sline) or []
    for i, cidr in enumerate(raw_ranges):
        where = line_of(raw_ranges, i, sline)
        net, problem, _ = parse_cidr(cidr) if isinstance(cidr, str) else (None, "is not text", None)
        if net is None:
            with rep.entry("the range"):
                rep.error(where, f"spec.loadBalancerSourceRanges[{i}]: {cidr!r} {problem}")
            continue
        ranges.append(str(net))
    cluster_ip = spec.get("clusterIP")
    external_name = get_str(spec, "externalName", "spec", rep, sline)
    if meta is None or rep.fatal:
        return None
    return Service(
        namespace=meta[0],
        name=meta[1],
        type=kind,
        selector=selector if kind != "ExternalName" else None,
        ports=tuple(ports),
        headless=cluster_ip == "None",
        external_name=external_name,
        external_traffic_policy=policy,
        source_ranges=tuple(ranges),
        source=rep.source(),
    )


def _port(item: object, path: str, rep: Reporter, line: int) -> ServicePort | None:
    if not isinstance(item, dict):
        rep.error(line, f"{path}: expected a mapping, got {describe(item)}")
        return None
    errors = rep.errors
    number = get_int(item, "port", path, rep, line)
    if number is None and "port" not in item:
        rep.error(line, f"{path}.port is missing")
    elif number is not None and not 1 <= number <= 65535:
        rep.error(line_of(item, "port", line), f"{path}.port: {number} is not between 1 and 65535")
    protocol = item.get("protocol") or "TCP"
    if protocol not in PROTOCOLS:
        rep.error(
            line_of(item, "protocol", line),
            f"{path}.protocol: {describe(protocol)} is not one of TCP, UDP, SCTP",
        )
    target = item.get("targetPort", 0)
    if isinstance(target, bool) or not isinstance(target, int | str):
        rep.error(
            line_of(item, "targetPort", line),
            f"{path}.targetPort: expected a number or a port name, got {describe(target)}",
        )
        target = 0
    elif isinstance(target, str):
        if target.isdigit():
            target = int(target)  # an IntOrString given as text; the API reads it as a number
        elif port_name_error(target):
            rep.error(
                line_of(item, "targetPort", line),
                f'{path}.targetPort: "{target}" {port_name_error(target)}',
            )
    if isinstance(target, int) and target and not 1 <= target <= 65535:
        rep.error(
            line_of(item, "targetPort", line), f"{path}.targetPort: {target} is not a valid port"
        )
    name = get_str(item, "name", path, rep, line)
    node_port = get_int(item, "nodePort", path, rep, line)
    if rep.errors != errors or number is None:
        return None
    return ServicePort(number, protocol, target, name or None, node_port)
