"""Entry routes from outside the cluster → Route and Gateway: Ingress (networking.k8s.io/v1),
Gateway API (Gateway, HTTPRoute, GRPCRoute, TLSRoute, TCPRoute) and OpenShift Route.

Only what decides where traffic lands is read: hosts, paths, backends, parents, listeners.
A bad rule or backend drops that entry only.
"""

from __future__ import annotations

from netviz.k8s.fields import Reporter, describe, get_list, get_map, get_str, line_of, start_line
from netviz.k8s.model import Backend, Gateway, Listener, Route, RouteRule
from netviz.k8s.validate import parse_meta

GATEWAY_GROUP = "gateway.networking.k8s.io"
ROUTE_KINDS = ("HTTPRoute", "GRPCRoute", "TLSRoute", "TCPRoute")
# apiVersions each kind is read at (the Gateway API serves several at once).
ENTRY_API_VERSIONS = {
    "Service": ("v1",),
    "Ingress": ("networking.k8s.io/v1",),
    "Gateway": (f"{GATEWAY_GROUP}/v1", f"{GATEWAY_GROUP}/v1beta1"),
    "HTTPRoute": (f"{GATEWAY_GROUP}/v1", f"{GATEWAY_GROUP}/v1beta1"),
    "GRPCRoute": (f"{GATEWAY_GROUP}/v1", f"{GATEWAY_GROUP}/v1alpha2"),
    "TLSRoute": (f"{GATEWAY_GROUP}/v1alpha2", f"{GATEWAY_GROUP}/v1alpha3"),
    "TCPRoute": (f"{GATEWAY_GROUP}/v1alpha2",),
    "Route": ("route.openshift.io/v1",),
}


def _spec(obj: dict, rep: Reporter) -> tuple[dict, int]:
    spec = get_map(obj, "spec", "", rep, rep.line) or {}
    return spec, start_line(spec, line_of(obj, "spec", rep.line))


def _port_ref(value: object, path: str, rep: Reporter, line: int) -> int | str | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | str):
        rep.error(line, f"{path}: expected a number or a port name, got {describe(value)}")
        return None
    if isinstance(value, str) and value.isdigit():
        return int(value)
    return value


def build_ingress(obj: dict, rep: Reporter) -> Route | None:
    meta = parse_meta(obj, rep)
    spec, line = _spec(obj, rep)
    ns = meta[0] if meta else "default"
    class_name = get_str(spec, "ingressClassName", "spec", rep, line)
    annotations = (obj.get("metadata") or {}).get("annotations")
    if class_name is None and isinstance(annotations, dict):
        legacy = annotations.get("kubernetes.io/ingress.class")
        class_name = legacy if isinstance(legacy, str) else None
    rules: list[RouteRule] = []
    default = get_map(spec, "defaultBackend", "spec", rep, line)
    if default is not None:
        with rep.entry("the default backend"):
            backend = _ingress_backend(
                default, "spec.defaultBackend", ns, rep, start_line(default, line)
            )
        if backend is not None:
            rules.append(RouteRule(backend, None, None, backend.line))
    items = get_list(spec, "rules", "spec", rep, line) or []
    for i, rule in enumerate(items):
        rpath, rline = f"spec.rules[{i}]", line_of(items, i, line)
        if not isinstance(rule, dict):
            with rep.entry("the rule"):
                rep.error(rline, f"{rpath}: expected a mapping, got {describe(rule)}")
            continue
        host = get_str(rule, "host", rpath, rep, rline)
        http = get_map(rule, "http", rpath, rep, rline) or {}
        paths = get_list(http, "paths", f"{rpath}.http", rep, rline) or []
        for j, entry in enumerate(paths):
            ppath, pline = f"{rpath}.http.paths[{j}]", line_of(paths, j, rline)
            with rep.entry("the path"):
                if not isinstance(entry, dict):
                    rep.error(pline, f"{ppath}: expected a mapping, got {describe(entry)}")
                    continue
                target = get_map(entry, "backend", ppath, rep, pline)
                if target is None:
                    rep.error(pline, f"{ppath}.backend is missing")
                    continue
                backend = _ingress_backend(target, f"{ppath}.backend", ns, rep, pline)
            if backend is not None:
                path = entry.get("path") if isinstance(entry.get("path"), str) else None
                rules.append(RouteRule(backend, host or None, path, pline))
    if meta is None or rep.fatal:
        return None
    tls = bool(spec.get("tls"))
    return Route("Ingress", ns, meta[1], tuple(rules), class_name, (), tls, rep.source())


def _ingress_backend(value: dict, path: str, ns: str, rep: Reporter, line: int) -> Backend | None:
    service = get_map(value, "service", path, rep, line)
    if service is None:
        if "resource" not in value:
            rep.error(line, f"{path}.service is missing")
        return None  # a resource backend (a bucket, ...) reaches no pod
    sline = start_line(service, line)
    name = get_str(service, "name", f"{path}.service", rep, sline)
    port = get_map(service, "port", f"{path}.service", rep, sline) or {}
    number, port_name = port.get("number"), port.get("name")
    ref = _port_ref(number if number is not None else port_name, f"{path}.service.port", rep, sline)
    if not name:
        rep.error(sline, f"{path}.service.name is missing")
        return None
    return Backend(ns, name, ref, sline)


def build_gateway(obj: dict, rep: Reporter) -> Gateway | None:
    meta = parse_meta(obj, rep)
    spec, line = _spec(obj, rep)
    class_name = get_str(spec, "gatewayClassName", "spec", rep, line) or ""
    listeners: list[Listener] = []
    items = get_list(spec, "listeners", "spec", rep, line) or []
    for i, item in enumerate(items):
        lpath, lline = f"spec.listeners[{i}]", line_of(items, i, line)
        with rep.entry("the listener"):
            if not isinstance(item, dict):
                rep.error(lline, f"{lpath}: expected a mapping, got {describe(item)}")
                continue
            port = item.get("port")
            if isinstance(port, bool) or not isinstance(port, int) or not 1 <= port <= 65535:
                rep.error(
                    line_of(item, "port", lline), f"{lpath}.port: {describe(port)} is not a port"
                )
                continue
        name = item.get("name") if isinstance(item.get("name"), str) else f"listener-{i}"
        hostname = item.get("hostname") if isinstance(item.get("hostname"), str) else None
        protocol = item.get("protocol") if isinstance(item.get("protocol"), str) else "HTTP"
        listeners.append(Listener(name, port, protocol, hostname))
    if meta is None or rep.fatal:
        return None
    return Gateway(meta[0], meta[1], class_name, tuple(listeners), rep.source())


def build_gateway_route(obj: dict, kind: str, rep: Reporter) -> Route | None:
    meta = parse_meta(obj, rep)
    spec, line = _spec(obj, rep)
    ns = meta[0] if meta else "default"
    parents: list[tuple[str, str, str | None]] = []
    refs = get_list(spec, "parentRefs", "spec", rep, line) or []
    for ref in refs:
        if isinstance(ref, dict) and isinstance(ref.get("name"), str):
            if ref.get("kind", "Gateway") != "Gateway":
                continue  # a Service parent (GAMMA mesh routing) is not an entry from outside
            parent_ns = ref.get("namespace") if isinstance(ref.get("namespace"), str) else ns
            section = ref.get("sectionName") if isinstance(ref.get("sectionName"), str) else None
            parents.append((parent_ns, ref["name"], section))
    hostnames = [h for h in (spec.get("hostnames") or []) if isinstance(h, str)]
    rules: list[RouteRule] = []
    items = get_list(spec, "rules", "spec", rep, line) or []
    for i, rule in enumerate(items):
        rpath, rline = f"spec.rules[{i}]", line_of(items, i, line)
        if not isinstance(rule, dict):
            with rep.entry("the rule"):
                rep.error(rline, f"{rpath}: expected a mapping, got {describe(rule)}")
            continue
        paths = _match_paths(rule.get("matches"))
        backends = get_list(rule, "backendRefs", rpath, rep, rline) or []
        for j, ref in enumerate(backends):
            bpath, bline = f"{rpath}.backendRefs[{j}]", line_of(backends, j, rline)
            with rep.entry("the backend"):
                backend = _gateway_backend(ref, bpath, ns, rep, bline)
            if backend is None:
                continue
            for host in hostnames or [None]:
                for path in paths:
                    rules.append(RouteRule(backend, host, path, bline))
    if meta is None or rep.fatal:
        return None
    return Route(
        kind, ns, meta[1], tuple(rules), None, tuple(parents), kind == "TLSRoute", rep.source()
    )


def _match_paths(matches: object) -> list[str | None]:
    out: list[str | None] = []
    for m in matches if isinstance(matches, list) else []:
        path = m.get("path") if isinstance(m, dict) else None
        value = path.get("value") if isinstance(path, dict) else None
        if isinstance(value, str) and value not in out:
            out.append(value)
    return out or [None]


def _gateway_backend(ref: object, path: str, ns: str, rep: Reporter, line: int) -> Backend | None:
    if not isinstance(ref, dict):
        rep.error(line, f"{path}: expected a mapping, got {describe(ref)}")
        return None
    if ref.get("kind", "Service") != "Service" or ref.get("group", "") not in ("", "core"):
        return None  # another kind of backend: no pods of ours behind it
    name = get_str(ref, "name", path, rep, line)
    if not name:
        rep.error(line, f"{path}.name is missing")
        return None
    backend_ns = get_str(ref, "namespace", path, rep, line) or ns
    port = _port_ref(ref.get("port"), f"{path}.port", rep, line_of(ref, "port", line))
    return Backend(backend_ns, name, port, line)


def build_openshift_route(obj: dict, rep: Reporter) -> Route | None:
    meta = parse_meta(obj, rep)
    spec, line = _spec(obj, rep)
    ns = meta[0] if meta else "default"
    host = get_str(spec, "host", "spec", rep, line)
    path = get_str(spec, "path", "spec", rep, line)
    port_spec = get_map(spec, "port", "spec", rep, line) or {}
    port = _port_ref(port_spec.get("targetPort"), "spec.port.targetPort", rep, line)
    rules: list[RouteRule] = []
    targets = [("spec.to", spec.get("to"))] + [
        (f"spec.alternateBackends[{i}]", b)
        for i, b in enumerate(spec.get("alternateBackends") or [])
    ]
    for tpath, target in targets:
        tline = start_line(target, line)
        with rep.entry("the backend"):
            if not isinstance(target, dict) or not isinstance(target.get("name"), str):
                rep.error(tline, f"{tpath}: expected a mapping with the Service's name")
                continue
        if target.get("kind", "Service") == "Service":
            rules.append(RouteRule(Backend(ns, target["name"], port, tline), host, path, tline))
    if meta is None or rep.fatal:
        return None
    return Route("Route", ns, meta[1], tuple(rules), None, (), bool(spec.get("tls")), rep.source())
