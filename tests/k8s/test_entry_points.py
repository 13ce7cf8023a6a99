"""Entry points: port mapping by number and name, sources per way in, verdicts from explain."""

from __future__ import annotations

from netviz.engine import Evaluator
from netviz.entry import entry_points

from .helpers import load

APP = """
apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: shop}
spec:
  template:
    metadata: {labels: {app: web}}
    spec: {containers: [{name: c, ports: [{name: http, containerPort: 8080}]}]}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: traefik, namespace: edge}
spec:
  template:
    metadata: {labels: {app.kubernetes.io/name: traefik}}
    spec: {containers: [{name: c}]}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: ingress-nginx-controller, namespace: edge}
spec:
  template:
    metadata: {labels: {app.kubernetes.io/name: ingress-nginx}}
    spec: {containers: [{name: c}]}
---
apiVersion: v1
kind: Service
metadata: {name: web, namespace: shop}
spec:
  type: NodePort
  externalTrafficPolicy: Cluster
  selector: {app: web}
  ports: [{name: http, port: 80, targetPort: http, nodePort: 30080}, {name: raw, port: 81, targetPort: 8081}]
---
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: {name: web, namespace: shop}
spec:
  ingressClassName: nginx
  rules: [{host: a.example.com, http: {paths: [{path: /, pathType: Prefix, backend: {service: {name: web, port: {name: http}}}}]}}]
"""
ONLY_NGINX = """
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: web, namespace: shop}
spec:
  podSelector: {}
  ingress:
  - from:
    - namespaceSelector: {}
      podSelector: {matchLabels: {app.kubernetes.io/name: ingress-nginx}}
    - ipBlock: {cidr: 198.51.100.0/24}
"""


def points(text: str):
    cluster = load(text)
    assert cluster.errors == ()
    return {(p.via, p.address, p.port): p for p in entry_points(cluster, Evaluator(cluster))}


def test_without_policies_every_way_in_is_allowed_and_ports_map_by_name_and_number():
    found = points(APP)
    assert sorted(found) == [
        ("Ingress", "a.example.com/", 8080),
        ("NodePort", "node port (assigned)", 8081),
        ("NodePort", "node port :30080", 8080),
    ]
    assert all(p.verdict == "allowed" for p in found.values())
    node_port = found[("NodePort", "node port :30080", 8080)]
    assert node_port.caveats == ("source-nat",)


def test_the_ingress_is_checked_from_the_controller_of_its_class_only():
    ingress = points(APP)[("Ingress", "a.example.com/", 8080)]
    assert ingress.sources == ("edge/ingress-nginx-controller[Deployment]",)
    assert ingress.class_name == "nginx"


def test_policies_decide_per_source_blocked_partly_and_allowed():
    found = points(APP + ONLY_NGINX)
    assert found[("Ingress", "a.example.com/", 8080)].verdict == "allowed"
    node_port = found[("NodePort", "node port :30080", 8080)]
    assert node_port.verdict == "partly"
    assert node_port.allowed_from == ("198.51.100.0-198.51.100.255",)


def test_a_named_target_port_the_pods_do_not_declare_is_no_port():
    text = APP.replace("targetPort: http,", "targetPort: htttp,")
    found = points(text)
    assert found[("NodePort", "node port :30080", None)].verdict == "no-port"


def test_without_the_controller_in_the_input_the_ingress_is_not_checked():
    text = APP.replace("app.kubernetes.io/name: ingress-nginx", "app: other").replace(
        "app.kubernetes.io/name: traefik", "app: other2"
    )
    ingress = points(text)[("Ingress", "a.example.com/", 8080)]
    assert (ingress.verdict, ingress.caveats) == ("unknown", ("controller-not-in-input",))


GATEWAY = """
apiVersion: v1
kind: Namespace
metadata: {name: shop, labels: {expose: "yes"}}
---
apiVersion: gateway.networking.k8s.io/v1
kind: Gateway
metadata: {name: gw, namespace: edge}
spec:
  gatewayClassName: example
  listeners:
  - {name: web, port: 80, protocol: HTTP%s}
---
apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: {name: web, namespace: shop}
spec:
  parentRefs: [{name: gw, namespace: edge}]
  rules: [{backendRefs: [{name: web, port: 80}]}]
"""


def test_a_route_from_another_namespace_needs_the_gateways_allowed_routes():
    def routed(allowed: str) -> list[str]:
        return [
            via for via, _, _ in points(APP + "---\n" + GATEWAY % allowed) if via == "HTTPRoute"
        ]

    assert routed("") == []  # allowedRoutes defaults to the Gateway's own namespace
    assert routed(", allowedRoutes: {namespaces: {from: All}}") == ["HTTPRoute"]
    selector = (
        ", allowedRoutes: {namespaces: {from: Selector, selector: {matchLabels: {expose: '%s'}}}}"
    )
    assert routed(selector % "yes") == ["HTTPRoute"]
    assert routed(selector % "no") == []
    assert routed(", allowedRoutes: {namespaces: {from: All}, kinds: [{kind: GRPCRoute}]}") == []


def test_a_load_balancer_has_node_ports_unless_it_says_allocate_none():
    lb = APP.replace("type: NodePort", "type: LoadBalancer")
    assert {via for via, _, _ in points(lb)} == {"LoadBalancer", "NodePort", "Ingress"}
    off = lb.replace(
        "type: LoadBalancer", "type: LoadBalancer\n  allocateLoadBalancerNodePorts: false"
    )
    off = off.replace(", nodePort: 30080", "")
    assert {via for via, _, _ in points(off)} == {"LoadBalancer", "Ingress"}
