"""Generators of realistic manifest text for the k8s reader's tests (sizes and shapes)."""

from __future__ import annotations

DEPLOYMENT = """\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: app-{i}
  namespace: ns-{ns}
  labels:
    app: app-{i}
    team: team-{team}
  annotations:
    description: "generated workload number {i} used to measure how fast manifests are read"
spec:
  replicas: 3
  selector:
    matchLabels:
      app: app-{i}
  template:
    metadata:
      labels:
        app: app-{i}
        tier: tier-{tier}
        team: team-{team}
    spec:
      containers:
      - name: main
        image: registry.example.com/team-{team}/app-{i}:1.2.3
        args: ["--port=8080", "--metrics=9090", "--log-level=info"]
        env:
        - name: DATABASE_URL
          value: postgres://db-{team}.ns-{ns}.svc:5432/app
        - name: CACHE_URL
          value: redis://cache-{team}.ns-{ns}.svc:6379/0
        - name: FEATURE_FLAGS
          value: "alpha,beta,gamma"
        ports:
        - containerPort: 8080
          name: http
        - containerPort: 9090
          name: metrics
          protocol: TCP
        resources:
          requests: {{cpu: 100m, memory: 128Mi}}
          limits: {{cpu: "1", memory: 512Mi}}
        readinessProbe:
          httpGet: {{path: /healthz, port: http}}
          periodSeconds: 10
        livenessProbe:
          httpGet: {{path: /livez, port: http}}
          periodSeconds: 20
      - name: sidecar
        image: registry.example.com/proxy:2.0
        ports:
        - containerPort: 15001
          name: proxy
"""

POLICY = """\
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: policy-{i}
  namespace: ns-{ns}
spec:
  podSelector:
    matchLabels:
      app: app-{i}
  policyTypes: [Ingress, Egress]
  ingress:
  - from:
    - podSelector:
        matchLabels:
          tier: tier-{tier}
    - namespaceSelector:
        matchExpressions:
        - {{key: team, operator: In, values: [team-{team}, team-x]}}
      podSelector:
        matchLabels:
          app: app-{other}
    ports:
    - port: http
    - port: 9090
      protocol: TCP
  - from:
    - ipBlock:
        cidr: 10.{ns}.0.0/16
        except: [10.{ns}.1.0/24]
    ports:
    - port: 8000
      endPort: 8100
  egress:
  - to:
    - podSelector: {{}}
      namespaceSelector:
        matchLabels:
          kubernetes.io/metadata.name: kube-system
    ports:
    - port: 53
      protocol: UDP
"""


def cluster_yaml(workloads: int, policies: int, namespaces: int = 50) -> str:
    """One multi-document stream of `workloads` Deployments and `policies` NetworkPolicies."""
    docs = [
        f"apiVersion: v1\nkind: Namespace\nmetadata:\n  name: ns-{n}\n  labels:\n    team: team-{n % 7}\n"
        for n in range(namespaces)
    ]
    for i in range(workloads):
        docs.append(DEPLOYMENT.format(i=i, ns=i % namespaces, team=i % 7, tier=i % 3))
    for i in range(policies):
        docs.append(
            POLICY.format(i=i, ns=i % namespaces, team=i % 7, tier=i % 3, other=(i * 7) % workloads)
        )
    return "---\n".join(docs)
