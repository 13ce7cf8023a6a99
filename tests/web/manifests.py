"""Small manifests the web tests upload: a known pair of revisions and inputs of each bad kind."""

NAMESPACE = """\
apiVersion: v1
kind: Namespace
metadata:
  name: shop
"""

PODS = """\
apiVersion: v1
kind: Pod
metadata:
  name: web
  namespace: shop
  labels: {app: web}
spec:
  containers:
    - name: web
      image: nginx
      ports: [{containerPort: 80, name: http}]
---
apiVersion: v1
kind: Pod
metadata:
  name: api
  namespace: shop
  labels: {app: api}
spec:
  containers:
    - name: api
      image: api
      ports: [{containerPort: 8080}]
"""

# Revision 1: api accepts web on TCP 8080 only.
POLICY_V1 = """\
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: api-from-web
  namespace: shop
spec:
  podSelector:
    matchLabels: {app: api}
  ingress:
    - from:
        - podSelector:
            matchLabels: {app: web}
      ports:
        - {protocol: TCP, port: 8080}
"""

# Revision 2: api also accepts 9090 from web; web is locked down to nothing.
POLICY_V2 = """\
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: api-from-web
  namespace: shop
spec:
  podSelector:
    matchLabels: {app: api}
  ingress:
    - from:
        - podSelector:
            matchLabels: {app: web}
      ports:
        - {protocol: TCP, port: 8080}
        - {protocol: TCP, port: 9090}
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: web-deny-ingress
  namespace: shop
spec:
  podSelector:
    matchLabels: {app: web}
  policyTypes: [Ingress]
"""

BROKEN = """\
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: broken
  namespace: shop
spec:
  podSelector: {matchLabels: [not, a, map]}
---
apiVersion: v1
kind: Pod
metadata: {name: lonely, namespace: shop, labels: {app: lonely}}
spec:
  containers: [{name: c, image: x}]
"""

NOT_YAML = "key: [unclosed\n  - : :\n"

ALIAS_BOMB = 'a: &a ["x","x","x","x","x","x","x","x","x"]\n' + "".join(
    f"{chr(98 + i)}: &{chr(98 + i)} [*{chr(97 + i)},*{chr(97 + i)},*{chr(97 + i)},"
    f"*{chr(97 + i)},*{chr(97 + i)},*{chr(97 + i)},*{chr(97 + i)},*{chr(97 + i)}]\n"
    for i in range(8)
)

DEEP = "kind: Pod\nspec: " + "[" * 200 + "]" * 200 + "\n"
