"""How the outside reaches each workload, and whether the policies let that traffic in.

Services are resolved to the endpoints their selector matches, `port` → `targetPort` by number or
by name (a name looked up on each endpoint's container ports). Entry points come from
LoadBalancer and NodePort Services (checked from the external address ranges) and from Ingress,
Gateway API routes and OpenShift Routes (checked from the controller's pods when they are in the
input). Verdicts come from the engine's public `Evaluator.explain`; nothing here makes sentences.
"""

from __future__ import annotations

import ipaddress
import weakref
from dataclasses import dataclass
from typing import Literal

from netviz.engine import Evaluator
from netviz.engine.ports import PortSet
from netviz.engine.selectors import matches
from netviz.k8s.model import NS_NAME_LABEL, Backend, Cluster, Endpoint, Route, Service, ServicePort

Verdict = Literal["allowed", "blocked", "partly", "unknown", "no-port"]
# Caveat codes; formatters and templates own the words.
#   source-nat: externalTrafficPolicy Cluster, the pod may see a node's address, not the client's
#   client-address-kept: externalTrafficPolicy Local, the client's address reaches the pod
#   source-ranges: loadBalancerSourceRanges narrow who may connect before any policy
#   controller-not-in-input: the proxy's pods are not in the input, so its hop is not checked
#   cross-namespace-backend: a route to another namespace needs a ReferenceGrant (not checked)

# Labels that mark the pods of well-known ingress controllers.
_INGRESS_CONTROLLER_NAMES = frozenset(
    {
        "ingress-nginx",
        "nginx-ingress",
        "nginx-ingress-controller",
        "traefik",
        "haproxy-ingress",
        "kubernetes-ingress",
        "kong",
        "contour",
        "envoy",
        "istio-ingressgateway",
    }
)
_NAME_LABELS = ("app.kubernetes.io/name", "app", "k8s-app", "app.kubernetes.io/instance")
_GATEWAY_LABELS = (
    "gateway.networking.k8s.io/gateway-name",
    "gateway.envoyproxy.io/owning-gateway-name",
    "istio.io/gateway-name",
)
# Route kinds a listener takes by default, by its protocol.
_LISTENER_KINDS = {
    "HTTP": ("HTTPRoute", "GRPCRoute"),
    "HTTPS": ("HTTPRoute", "GRPCRoute"),
    "TLS": ("TLSRoute",),
    "TCP": ("TCPRoute",),
    "UDP": ("UDPRoute",),
}
_OPENSHIFT_ROUTER = "ingresscontroller.operator.openshift.io/deployment-ingresscontroller"


@dataclass(frozen=True)
class ServiceTarget:
    """One Service port on one selected endpoint. `port` None: a named targetPort the endpoint's
    containers do not declare (the Service sends that traffic nowhere)."""

    service: str
    endpoint: str
    service_port: ServicePort
    port: int | None

    @property
    def protocol(self) -> str:
        return self.service_port.protocol


@dataclass(frozen=True)
class EntryPoint:
    """One way in from outside to one endpoint's port, and the policies' answer for it.

    `via` is LoadBalancer, NodePort, Ingress, HTTPRoute, GRPCRoute, TLSRoute, TCPRoute or Route;
    `through` the id of the Service or route; `address` what a client uses (host and path, a
    node port, a load balancer port). `sources` are what was checked (controller endpoints or
    external ranges); `allowed_from` those the policies let in.
    """

    endpoint: str
    via: str
    through: str
    service: str
    address: str
    protocol: str
    port: int | None
    verdict: Verdict
    sources: tuple[str, ...] = ()
    allowed_from: tuple[str, ...] = ()
    class_name: str | None = None
    caveats: tuple[str, ...] = ()
    file: str = ""
    line: int = 0

    def as_dict(self) -> dict:
        return {
            "endpoint": self.endpoint,
            "via": self.via,
            "through": self.through,
            "service": self.service,
            "address": self.address,
            "protocol": self.protocol,
            "port": self.port,
            "verdict": self.verdict,
            "sources": list(self.sources),
            "allowed_from": list(self.allowed_from),
            "class": self.class_name,
            "caveats": list(self.caveats),
            "file": self.file,
            "line": self.line,
        }


def selected_endpoints(service: Service, endpoints: list[Endpoint]) -> list[Endpoint]:
    """The endpoints a Service's selector matches (none without a selector)."""
    if not service.selector:
        return []
    return [
        e
        for e in endpoints
        if e.namespace == service.namespace
        and all(e.labels.get(k) == v for k, v in service.selector)
    ]


def resolve_target(sp: ServicePort, endpoint: Endpoint) -> int | None:
    """The container port a Service port lands on, on this endpoint."""
    target = sp.target_port
    if isinstance(target, int):
        return target
    for p in endpoint.ports:
        if p.name == target and p.protocol == sp.protocol:
            return p.port
    return None


def service_targets(service: Service, endpoints: list[Endpoint]) -> list[ServiceTarget]:
    return [
        ServiceTarget(service.id, e.id, sp, resolve_target(sp, e))
        for e in selected_endpoints(service, endpoints)
        for sp in service.ports
    ]


def backend_ports(route: Route, backend: Backend, service: Service) -> list[ServicePort]:
    """The Service ports a route backend names (all of them when it names none)."""
    ref = backend.port
    if ref is None:
        return list(service.ports)
    if route.kind == "Route":  # OpenShift: a Service port name or number, or a target port
        return [sp for sp in service.ports if ref in (sp.name, sp.port, sp.target_port)]
    if isinstance(ref, int):
        return [sp for sp in service.ports if sp.port == ref]
    return [sp for sp in service.ports if sp.name == ref]


class _Checker:
    def __init__(self, cluster: Cluster, evaluator: Evaluator) -> None:
        self.cluster = cluster
        self.ev = evaluator
        self.endpoints = list(evaluator.nodes.endpoints)
        self.by_ns: dict[str, list[Endpoint]] = {}
        for e in self.endpoints:
            self.by_ns.setdefault(e.namespace, []).append(e)
        self.services = {(s.namespace, s.name): s for s in cluster.services}
        self.gateways = {(g.namespace, g.name): g for g in cluster.gateways}
        # Outside traffic comes from addresses: domainNames endpoints only name destinations.
        self.externals = [x for x in evaluator.externals if not x.domain]
        self._verdicts: dict[tuple[str, str, str, int], bool] = {}
        self._ports: dict[tuple[str, str], PortSet] | None = None
        self._ingress_controllers: list[Endpoint] | None = None

    def local(self, service: Service) -> list[Endpoint]:
        return self.by_ns.get(service.namespace, [])

    def use_analysis(self) -> None:
        """Answer from the analysis' allowed connections instead of one explain per question:
        the same verdicts (tests compare both), read from what is computed anyway."""
        targets = {
            e.id for s in self.cluster.services for e in selected_endpoints(s, self.local(s))
        }
        self._ports = {
            (c.src, c.dst): c.ports for c in self.ev.analysis().connections if c.dst in targets
        }

    def allowed(self, src: str, dst: str, protocol: str, port: int) -> bool:
        if self._ports is not None:
            ports = self._ports.get((src, dst))
            return ports is not None and (protocol, port) in ports
        key = (src, dst, protocol, port)
        found = self._verdicts.get(key)
        if found is None:
            asked = PortSet.single(protocol, port, port)  # type: ignore[arg-type]
            found = self._verdicts[key] = self.ev.explain(src, dst, asked).is_allowed
        return found

    def verdict(self, sources: list[str], target: ServiceTarget) -> tuple[Verdict, tuple]:
        if target.port is None:
            return "no-port", ()
        if not sources:
            return "unknown", ()
        ok = tuple(
            s for s in sources if self.allowed(s, target.endpoint, target.protocol, target.port)
        )
        if len(ok) == len(sources):
            return "allowed", ok
        return ("partly" if ok else "blocked"), ok

    def external_sources(self, service: Service) -> list[str]:
        ranges = self.externals
        if service.source_ranges:
            nets = [ipaddress.ip_network(c) for c in service.source_ranges]
            ranges = [x for x in ranges if any(ipaddress.ip_address(x.start) in n for n in nets)]
        return [x.id for x in ranges]

    def controllers(self, route: Route) -> list[str]:
        """Endpoints of the proxy that carries this route's traffic, where the input has them."""
        if route.kind == "Ingress":
            if self._ingress_controllers is None:
                self._ingress_controllers = [e for e in self.endpoints if _is_ingress_controller(e)]
            found = self._ingress_controllers
            # With several controllers, the one whose name holds the class ("nginx" in
            # "ingress-nginx") serves it; the sources listed say which were taken.
            cls = route.class_name
            named = [
                e for e in found if cls and any(cls in e.labels.get(k, "") for k in _NAME_LABELS)
            ]
            return [e.id for e in (named or found)]
        if route.kind == "Route":
            return [e.id for e in self.endpoints if _OPENSHIFT_ROUTER in e.labels]
        out: list[str] = []
        for ns, name, _section in route.parents:
            for e in self.endpoints:
                if any(e.labels.get(k) == name for k in _GATEWAY_LABELS) and (
                    e.namespace == ns or "gateway.envoyproxy.io/owning-gateway-name" in e.labels
                ):
                    out.append(e.id)
        return list(dict.fromkeys(out))

    def run(self) -> list[EntryPoint]:
        out: list[EntryPoint] = []
        for service in self.cluster.services:
            if service.type in ("LoadBalancer", "NodePort"):
                out.extend(self._exposed(service))
        for route in self.cluster.routes:
            out.extend(self._routed(route))
        return out

    def _exposed(self, service: Service) -> list[EntryPoint]:
        """LoadBalancer ports, and node ports (a LoadBalancer Service has them too, open on every
        node, and loadBalancerSourceRanges do not narrow them)."""
        nat = (
            "source-nat" if service.external_traffic_policy == "Cluster" else "client-address-kept"
        )
        everyone = [x.id for x in self.externals]
        out = []
        for t in service_targets(service, self.local(service)):
            sp = t.service_port
            ways = []
            if service.type == "LoadBalancer":
                ranges = ("source-ranges",) if service.source_ranges else ()
                ways.append(
                    (
                        "LoadBalancer",
                        f"load balancer :{sp.port}",
                        self.external_sources(service),
                        (nat, *ranges),
                    )
                )
            if service.type == "NodePort" or sp.node_port or service.node_ports:
                address = f"node port :{sp.node_port}" if sp.node_port else "node port (assigned)"
                ways.append(("NodePort", address, everyone, (nat,)))
            for via, address, sources, caveats in ways:
                verdict, ok = self.verdict(sources, t)
                out.append(
                    EntryPoint(
                        t.endpoint,
                        via,
                        service.id,
                        service.id,
                        address,
                        sp.protocol,
                        t.port,
                        verdict,
                        tuple(sources),
                        ok,
                        None,
                        caveats,
                        *_where(service.source),
                    )
                )
        return out

    def _routed(self, route: Route) -> list[EntryPoint]:
        if not route_attached(route, self.cluster):
            return []  # no listener takes it: the route leads nowhere (findings say so)
        sources = self.controllers(route)
        class_name = (
            route.class_name
            or ", ".join(
                self.gateways[(ns, n)].class_name
                for ns, n, _ in route.parents
                if (ns, n) in self.gateways
            )
            or None
        )
        out = []
        for rule in route.rules:
            b = rule.backend
            service = self.services.get((b.namespace, b.service))
            if service is None:
                continue
            caveats = [] if sources else ["controller-not-in-input"]
            if b.namespace != route.namespace:
                caveats.append("cross-namespace-backend")
            address = (rule.host or "*") + (rule.path or "")
            wanted = set(backend_ports(route, b, service))
            for t in service_targets(service, self.local(service)):
                if t.service_port not in wanted:
                    continue
                verdict, ok = self.verdict(sources, t)
                out.append(
                    EntryPoint(
                        t.endpoint,
                        route.kind,
                        route.id,
                        service.id,
                        address,
                        t.protocol,
                        t.port,
                        verdict,
                        tuple(sources),
                        ok,
                        class_name,
                        tuple(caveats),
                        route.source.file if route.source else "",
                        rule.line,
                    )
                )
        return out


def route_attached(route: Route, cluster: Cluster) -> bool:
    """Whether some parent Gateway in the input accepts the route (its listeners'
    allowedRoutes: namespaces Same by default, and the kinds their protocol takes). A parent that
    is not in the input is given the benefit of the doubt."""
    if route.kind in ("Ingress", "Route") or not route.parents:
        return True
    gateways = {(g.namespace, g.name): g for g in cluster.gateways}
    for ns, name, section in route.parents:
        gateway = gateways.get((ns, name))
        if gateway is None:
            return True
        for listener in gateway.listeners:
            if section is not None and listener.name != section:
                continue
            kinds = listener.kinds or _LISTENER_KINDS.get(listener.protocol.upper(), ())
            if route.kind in kinds and _namespace_allowed(cluster, listener, ns, route.namespace):
                return True
    return False


def _namespace_allowed(cluster: Cluster, listener, gateway_ns: str, route_ns: str) -> bool:
    if listener.namespaces == "All":
        return True
    if listener.namespaces == "Same":
        return route_ns == gateway_ns
    labels = next((n.labels for n in cluster.namespaces if n.name == route_ns), None)
    labels = labels or {NS_NAME_LABEL: route_ns}
    return listener.selector is not None and matches(listener.selector, labels)


def _where(source) -> tuple[str, int]:
    return (source.file, source.line) if source is not None else ("", 0)


def _is_ingress_controller(e: Endpoint) -> bool:
    return any(e.labels.get(k) in _INGRESS_CONTROLLER_NAMES for k in _NAME_LABELS) or (
        e.labels.get("istio") == "ingressgateway"
    )


_CACHE: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def entry_points(cluster: Cluster, evaluator: Evaluator, fast: bool = True) -> list[EntryPoint]:
    """Every entry point, by endpoint then way in; computed once per evaluator.

    `fast` reads verdicts from the analysis; False asks `Evaluator.explain` for each one.
    """
    # Keyed by the compiled policies, not the evaluator: callers may hold a weakref proxy of it.
    key = evaluator.compiled
    found = _CACHE.get(key) if fast else None
    if found is None or found[0] is not cluster:
        checker = _Checker(cluster, evaluator)
        if fast:
            checker.use_analysis()
        points = sorted(
            checker.run(),
            key=lambda p: (p.endpoint, p.via, p.through, p.port or 0, p.address, p.protocol),
        )
        found = (cluster, points)
        if fast:
            _CACHE[key] = found
    return found[1]
