"""Services, Ingress, Gateway API and OpenShift Route documents → typed objects."""

from __future__ import annotations

from netviz.k8s.model import Backend, ServicePort

from .helpers import load

SERVICE = """
apiVersion: v1
kind: Service
metadata: {name: api, namespace: shop}
spec:
  type: LoadBalancer
  externalTrafficPolicy: Local
  loadBalancerSourceRanges: [203.0.113.0/24]
  selector: {app: api}
  ports:
  - {name: http, port: 80, targetPort: http, nodePort: 30080}
  - {name: grpc, port: 9000, targetPort: "9090", protocol: TCP}
  - {name: broken, port: 70000}
  - {port: 53, protocol: UDP}
"""


def test_it_reads_a_service_with_its_ports_and_drops_only_a_bad_port():
    cluster = load(SERVICE)
    (service,) = cluster.services
    assert service.id == "shop/api[Service]"
    assert (service.type, service.external_traffic_policy) == ("LoadBalancer", "Local")
    assert service.selector == (("app", "api"),)
    assert service.source_ranges == ("203.0.113.0/24",)
    assert service.ports == (
        ServicePort(80, "TCP", "http", "http", 30080),
        ServicePort(9000, "TCP", 9090, "grpc"),
        ServicePort(53, "UDP", 0),
    )
    assert service.ports[2].target_port == 53
    (error,) = cluster.errors
    assert error.source.line == 12 and "the port is left out" in error.message
    assert not cluster.warnings  # a Service is modelled now: not counted as "not modelled"


def test_headless_external_name_and_selectorless_services():
    cluster = load(
        "apiVersion: v1\nkind: Service\nmetadata: {name: h}\nspec: {clusterIP: None, selector: {a: b}}\n"
        "---\napiVersion: v1\nkind: Service\nmetadata: {name: x}\n"
        "spec: {type: ExternalName, externalName: db.example.com}\n"
        "---\napiVersion: v1\nkind: Service\nmetadata: {name: manual}\nspec: {selector: {}}\n"
    )
    h, x, manual = cluster.services
    assert h.headless and h.selector == (("a", "b"),)
    assert x.type == "ExternalName" and x.external_name == "db.example.com" and x.selector is None
    assert manual.selector is None


def test_it_reads_an_ingress_with_class_hosts_paths_and_default_backend():
    cluster = load(
        """
        apiVersion: networking.k8s.io/v1
        kind: Ingress
        metadata: {name: web, namespace: shop}
        spec:
          ingressClassName: nginx
          defaultBackend: {service: {name: fallback, port: {number: 80}}}
          tls: [{hosts: [shop.example.com]}]
          rules:
          - host: shop.example.com
            http:
              paths:
              - {path: /api, pathType: Prefix, backend: {service: {name: api, port: {name: http}}}}
              - {path: /, pathType: Prefix, backend: {service: {name: front, port: {number: 8080}}}}
        """
    )
    (route,) = cluster.routes
    assert (route.id, route.class_name, route.tls) == ("shop/web[Ingress]", "nginx", True)
    assert [(r.host, r.path, r.backend) for r in route.rules] == [
        (None, None, Backend("shop", "fallback", 80, 6)),
        ("shop.example.com", "/api", Backend("shop", "api", "http", 12)),
        ("shop.example.com", "/", Backend("shop", "front", 8080, 13)),
    ]


def test_it_reads_gateway_api_objects():
    cluster = load(
        """
        apiVersion: gateway.networking.k8s.io/v1
        kind: Gateway
        metadata: {name: edge, namespace: infra}
        spec:
          gatewayClassName: istio
          listeners: [{name: https, port: 443, protocol: HTTPS, hostname: "*.example.com"}]
        ---
        apiVersion: gateway.networking.k8s.io/v1
        kind: HTTPRoute
        metadata: {name: shop, namespace: shop}
        spec:
          parentRefs: [{name: edge, namespace: infra, sectionName: https}]
          hostnames: [shop.example.com]
          rules:
          - matches: [{path: {type: PathPrefix, value: /api}}]
            backendRefs: [{name: api, port: 80}, {name: bucket, kind: Bucket, group: x.io}]
        ---
        apiVersion: gateway.networking.k8s.io/v1alpha2
        kind: TCPRoute
        metadata: {name: db, namespace: shop}
        spec:
          parentRefs: [{name: edge, namespace: infra}]
          rules: [{backendRefs: [{name: db, port: 5432}]}]
        """
    )
    (gateway,) = cluster.gateways
    assert gateway.class_name == "istio" and gateway.listeners[0].port == 443
    http, tcp = cluster.routes
    assert http.parents == (("infra", "edge", "https"),)
    assert [(r.host, r.path, r.backend.service, r.backend.port) for r in http.rules] == [
        ("shop.example.com", "/api", "api", 80)
    ]
    assert [(r.host, r.backend.service) for r in tcp.rules] == [(None, "db")]
    assert cluster.errors == ()


def test_it_reads_an_openshift_route():
    cluster = load(
        "apiVersion: route.openshift.io/v1\nkind: Route\nmetadata: {name: web, namespace: shop}\n"
        "spec:\n  host: web.apps.example.com\n  to: {kind: Service, name: front}\n"
        "  port: {targetPort: http}\n  tls: {termination: edge}\n"
    )
    (route,) = cluster.routes
    assert route.id == "shop/web[Route]" and route.tls
    assert [(r.host, r.backend.service, r.backend.port) for r in route.rules] == [
        ("web.apps.example.com", "front", "http")
    ]
