"""A small shop for the browser tests: web → api on 8080, api → db on 5432, db closed otherwise.

A comment in a policy is an HTML injection attempt: every view must show it as text.
"""

SHOP = """\
apiVersion: v1
kind: Namespace
metadata: {name: shop, labels: {team: shop}}
---
apiVersion: v1
kind: Namespace
metadata: {name: data}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: shop}
spec:
  replicas: 2
  selector: {matchLabels: {app: web}}
  template:
    metadata:
      labels: {app: web}
    spec:
      containers: [{name: web, image: nginx, ports: [{containerPort: 80}]}]
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: api, namespace: shop}
spec:
  selector: {matchLabels: {app: api}}
  template:
    metadata: {labels: {app: api}}
    spec:
      containers: [{name: api, image: api, ports: [{containerPort: 8080}]}]
---
apiVersion: apps/v1
kind: StatefulSet
metadata: {name: db, namespace: data}
spec:
  selector: {matchLabels: {app: db}}
  template:
    metadata: {labels: {app: db}}
    spec:
      containers: [{name: db, image: postgres, ports: [{containerPort: 5432}]}]
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: api-from-web, namespace: shop}
spec:
  podSelector: {matchLabels: {app: api}}
  ingress:
    - from:  # owner: </script><script>alert(1)</script>
        - podSelector: {matchLabels: {app: web}}
      ports:
        - {protocol: TCP, port: 8080}
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: db-from-api, namespace: data}
spec:
  podSelector: {matchLabels: {app: db}}
  policyTypes: [Ingress]
  ingress:
    - from:
        - namespaceSelector: {matchLabels: {team: shop}}
          podSelector: {matchLabels: {app: api}}
      ports:
        - {protocol: TCP, port: 5432}
    - from:
        - podSelector: {matchLabels: {app: nobody}}
"""


# A 12-service shop laid out as the public "online boutique" demo: one namespace, a deny-all,
# one policy per service (ingress from its callers on its port, egress anywhere), the Services
# and ServiceAccounts, and Istio policies netviz does not read.
BOUTIQUE_SERVICES = {
    "adservice": (9555, ["frontend"]),
    "cartservice": (7070, ["frontend", "checkoutservice"]),
    "checkoutservice": (5050, ["frontend"]),
    "currencyservice": (7000, ["frontend", "checkoutservice"]),
    "emailservice": (8080, ["checkoutservice"]),
    "frontend": (8080, ["loadgenerator", "*"]),
    "loadgenerator": (None, []),
    "paymentservice": (50051, ["checkoutservice"]),
    "productcatalogservice": (3550, ["frontend", "checkoutservice", "recommendationservice"]),
    "recommendationservice": (8080, ["frontend"]),
    "redis-cart": (6379, ["cartservice"]),
    "shippingservice": (50051, ["frontend", "checkoutservice"]),
}


def _boutique_docs(name: str, port: int | None, callers: list[str]) -> str:
    ports = f"ports: [{{containerPort: {port}}}]" if port else "ports: []"
    docs = [
        f"""apiVersion: apps/v1
kind: Deployment
metadata: {{name: {name}, namespace: default}}
spec:
  selector: {{matchLabels: {{app: {name}}}}}
  template:
    metadata: {{labels: {{app: {name}}}}}
    spec:
      serviceAccountName: {name}
      containers: [{{name: server, image: {name}, {ports}}}]
""",
        f"""apiVersion: v1
kind: ServiceAccount
metadata: {{name: {name}, namespace: default}}
""",
    ]
    if port:
        docs.append(
            f"""apiVersion: v1
kind: Service
metadata: {{name: {name}, namespace: default}}
spec:
  selector: {{app: {name}}}
  ports: [{{port: {port}, targetPort: {port}}}]
"""
        )
    peers = [f"        - podSelector: {{matchLabels: {{app: {c}}}}}" for c in callers if c != "*"]
    ingress = "  ingress: []\n"
    if "*" in callers:
        ingress = f"  ingress:\n    - ports: [{{port: {port}, protocol: TCP}}]\n"
    elif peers:
        ingress = (
            "  ingress:\n    - from:\n"
            + "\n".join(peers)
            + f"\n      ports: [{{port: {port}, protocol: TCP}}]\n"
        )
    if "*" in callers and peers:
        ingress += "    - from:\n" + "\n".join(peers) + "\n"
    docs.append(
        f"""apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {{name: {name}, namespace: default}}
spec:
  podSelector: {{matchLabels: {{app: {name}}}}}
  policyTypes: [Ingress, Egress]
{ingress}  egress:
    - {{}}
"""
    )
    return "---\n".join(docs)


# Istio policies, which netviz does not read: each one a warning, the page folds them in one line.
BOUTIQUE_ISTIO = "---\n".join(
    f"""apiVersion: security.istio.io/v1
kind: AuthorizationPolicy
metadata: {{name: {n}, namespace: default}}
spec:
  selector: {{matchLabels: {{app: {n}}}}}
  action: ALLOW
  rules: [{{from: [{{source: {{principals: [cluster.local/ns/default/sa/frontend]}}}}]}}]
"""
    for n in (
        "adservice",
        "cartservice",
        "checkoutservice",
        "currencyservice",
        "emailservice",
        "shippingservice",
    )
)


def boutique() -> list[tuple[str, str]]:
    """(file name, text) of each service, the deny-all and six Istio policies."""
    files = [(f"{n}.yaml", _boutique_docs(n, *spec)) for n, spec in BOUTIQUE_SERVICES.items()]
    files.append(("istio.yaml", BOUTIQUE_ISTIO))
    files.append(
        (
            "network-policy-deny-all.yaml",
            """apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: deny-all, namespace: default}
spec:
  podSelector: {}
  policyTypes: [Ingress, Egress]
""",
        )
    )
    return files
