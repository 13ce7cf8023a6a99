"""Trigger and near-miss manifests for the Service and entry-route checks (added to CASES)."""

from __future__ import annotations

from .helpers import policy


def service(name: str, selector: str, ports: str, kind: str = "ClusterIP") -> str:
    return (
        f"---\napiVersion: v1\nkind: Service\nmetadata: {{name: {name}, namespace: shop}}\n"
        f"spec:\n  type: {kind}\n  selector: {selector}\n  ports: {ports}\n"
    )


def ingress(service_name: str, port: str) -> str:
    return (
        "---\napiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata: {name: edge, namespace: shop}\n"
        "spec:\n  ingressClassName: nginx\n  rules:\n  - host: shop.example.com\n    http:\n"
        "      paths:\n      - path: /\n        pathType: Prefix\n"
        f"        backend: {{service: {{name: {service_name}, port: {port}}}}}\n"
    )


CONTROLLER = (
    "---\napiVersion: v1\nkind: Namespace\nmetadata: {name: ingress-nginx}\n"
    "---\napiVersion: apps/v1\nkind: Deployment\n"
    "metadata: {name: ingress-nginx-controller, namespace: ingress-nginx}\n"
    "spec:\n  template:\n    metadata: {labels: {app.kubernetes.io/name: ingress-nginx}}\n"
    "    spec: {containers: [{name: c, ports: [{name: http, containerPort: 80}]}]}\n"
)
WEB_SERVICE = service("web", "{app: web}", "[{name: http, port: 80, targetPort: http}]")
WEB_FROM_NGINX = policy(
    "web",
    """
    podSelector: {matchLabels: {app: web}}
    ingress:
      - from: [{namespaceSelector: {matchLabels: {kubernetes.io/metadata.name: %s}}}]
        ports: [{port: http}]
    """,
)
API_FROM_WEB = policy(
    "api",
    """
    podSelector: {matchLabels: {app: api}}
    ingress:
      - from: [{podSelector: {matchLabels: {app: web}}}]
        ports: [{port: %s}]
    """,
)
API_SERVICE = service("api", "{app: api}", "[{name: api, port: 80, targetPort: 9000}]")

ENTRY_CASES = [
    (
        "exposed-but-blocked:shop/edge[Ingress]:shop/web[Deployment]:TCP/8080:shop.example.com/",
        [CONTROLLER, WEB_SERVICE, ingress("web", "{name: http}"), WEB_FROM_NGINX % "elsewhere"],
        [CONTROLLER, WEB_SERVICE, ingress("web", "{name: http}"), WEB_FROM_NGINX % "ingress-nginx"],
    ),
    (
        "exposed-but-blocked:shop/web[Service]:shop/web[Deployment]:TCP/8080:load balancer :80",
        [
            service(
                "web", "{app: web}", "[{name: http, port: 80, targetPort: http}]", "LoadBalancer"
            ),
            WEB_FROM_NGINX % "ingress-nginx",
        ],
        [
            service(
                "web", "{app: web}", "[{name: http, port: 80, targetPort: http}]", "LoadBalancer"
            )
        ],
    ),
    (
        "service-target-port-undeclared:shop/web[Service]:TCP/80",
        [service("web", "{app: web}", "[{port: 80, targetPort: htttp}]")],
        [service("web", "{app: web}", "[{port: 80, targetPort: http}]")],
    ),
    (
        "service-target-port-undeclared:shop/api[Service]:TCP/80",
        [service("api", "{app: api}", "[{port: 80, targetPort: 9001}]")],
        [service("api", "{app: api}", "[{port: 80, targetPort: 9000}]")],
    ),
    (
        "route-to-nothing:shop/edge[Ingress]:shop/web",
        [service("web", "{app: webb}", "[{name: http, port: 80}]"), ingress("web", "{number: 80}")],
        [service("web", "{app: web}", "[{name: http, port: 80}]"), ingress("web", "{number: 80}")],
    ),
    (
        "route-to-nothing:shop/edge[Ingress]:shop/web",
        [WEB_SERVICE, ingress("web", "{number: 8080}")],
        [WEB_SERVICE, ingress("web", "{number: 80}")],
    ),
    (
        "port-without-service:shop/api:ingress[0].ports[0]",
        [API_SERVICE, API_FROM_WEB % "9090"],
        [API_SERVICE, API_FROM_WEB % "9000"],
    ),
]
