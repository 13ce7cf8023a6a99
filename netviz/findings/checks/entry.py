"""Services and entry routes against the policies: exposed but blocked, ports that go nowhere,
routes to Services that select nothing, and policy ports no Service exposes."""

from __future__ import annotations

from collections.abc import Iterator

from netviz.entry import backend_ports, entry_points, resolve_target, selected_endpoints
from netviz.findings.checks.base import finding
from netviz.findings.facts import Facts, named_ports, policy_subject, port_path, spec_portset
from netviz.findings.model import Finding, Subject
from netviz.k8s.model import Route, Service


def _subject(obj: Service | Route, kind: str, line: int = 0, path: str = "") -> Subject:
    src = obj.source
    return Subject(
        kind,
        obj.namespace,
        obj.name,
        src.file if src else "",
        line or (src.line if src else 0),
        path,
    )


def check_exposed_but_blocked(facts: Facts) -> Iterator[Finding]:
    for p in entry_points(facts.cluster, facts.ev):
        if p.verdict not in ("blocked", "partly"):
            continue
        kind = p.through.rsplit("[", 1)[1].rstrip("]")
        ns, name = p.through.rsplit("[", 1)[0].split("/", 1)
        subject = Subject(kind, ns, name, p.file, p.line)
        data = {
            "endpoint": p.endpoint,
            "via": p.via,
            "through": p.through,
            "address": p.address,
            "port": f"{p.protocol} {p.port}",
            "sources": list(p.sources),
            "allowed_from": list(p.allowed_from),
            "partly": p.verdict == "partly",
        }
        key = f"{p.through}:{p.endpoint}:{p.protocol}/{p.port}:{p.address}"
        severity = "info" if p.verdict == "partly" else "warning"
        yield finding("exposed-but-blocked", severity, key, [subject], data)


def check_target_ports(facts: Facts) -> Iterator[Finding]:
    for service in facts.cluster.services:
        for sp in service.ports:
            endpoints = selected_endpoints(service, facts.endpoints)
            named = isinstance(sp.target_port, str)
            missing = [e.id for e in endpoints if not _declares(sp, e)]
            if not missing:
                continue
            data = {
                "service": service.id,
                "port": sp.port,
                "protocol": sp.protocol,
                "target": sp.target_port,
                "missing": missing,
                "named": named,
            }
            key = f"{service.id}:{sp.protocol}/{sp.port}"
            severity = "warning" if named else "info"
            yield finding(
                "service-target-port-undeclared",
                severity,
                key,
                [_subject(service, "Service")],
                data,
            )


def _declares(sp, e) -> bool:
    """Whether the endpoint declares the port a Service port targets. A number on an endpoint
    that declares no ports at all is not held against it: it may listen anywhere."""
    if isinstance(sp.target_port, str):
        return resolve_target(sp, e) is not None
    if not e.ports:
        return True
    return any(p.port == sp.target_port and p.protocol == sp.protocol for p in e.ports)


def check_routes_to_nothing(facts: Facts) -> Iterator[Finding]:
    services = {(s.namespace, s.name): s for s in facts.cluster.services}
    for route in facts.cluster.routes:
        seen: set[tuple[str, str]] = set()
        for rule in route.rules:
            b = rule.backend
            if (b.namespace, b.service) in seen:
                continue
            seen.add((b.namespace, b.service))
            service = services.get((b.namespace, b.service))
            if service is not None and service.type == "ExternalName":
                continue
            if (
                service is not None
                and selected_endpoints(service, facts.endpoints)
                and backend_ports(route, b, service)
            ):
                continue
            data = {
                "route": route.id,
                "service": f"{b.namespace}/{b.service}[Service]",
                "in_input": service is not None,
                "has_port": service is not None and bool(backend_ports(route, b, service)),
                "port": b.port,
            }
            key = f"{route.id}:{b.namespace}/{b.service}"
            yield finding(
                "route-to-nothing", "warning", key, [_subject(route, route.kind, rule.line)], data
            )


def check_ports_without_service(facts: Facts) -> Iterator[Finding]:
    """Policy ingress ports on endpoints no Service sends that port to (only when the input has
    Services at all: otherwise every port would be reported)."""
    if not facts.cluster.services:
        return
    served: dict[str, set[tuple[str, int]]] = {}
    for service in facts.cluster.services:
        for e in selected_endpoints(service, facts.endpoints):
            for sp in service.ports:
                port = resolve_target(sp, e)
                if port is not None:
                    served.setdefault(e.id, set()).add((sp.protocol, port))
    for view in facts.rules():
        if view.direction != "ingress" or not view.effective:
            continue
        dests = facts.selected(facts.compiled_policies[view.compiled.policy])
        for qi, spec in enumerate(view.rule.ports):
            if spec.port is None:
                continue  # every port: not a port someone chose to open
            unserved = []
            for e in dests:
                ports = spec_portset(spec, named_ports(e))
                if ports.is_empty():
                    continue
                if not any((proto, n) in ports for proto, n in served.get(e.id, ())):
                    unserved.append(e.id)
            if not unserved or len(unserved) < len(dests):
                continue
            p = view.policy
            shown = spec.port if spec.end_port is None else f"{spec.port}-{spec.end_port}"
            data = {
                "policy": p.id,
                "rule": view.index,
                "port_index": qi,
                "port": f"{spec.protocol} {shown}",
                "endpoints": unserved,
            }
            subject = policy_subject(p, port_path("ingress", view.index, qi), spec.line)
            key = f"{p.id}:ingress[{view.index}].ports[{qi}]"
            yield finding("port-without-service", "info", key, [subject], data)
