"""Writes the kubectl-style fixtures under tests/golden/kubectl-*/input from one object list.

Run `python tests/k8s/dumps/make_dumps.py` after changing the app below; the outputs are
committed. They look like what `kubectl get all,networkpolicies,namespaces -A -o yaml` and the
API server's typed lists (`kubectl get --raw /api/v1/pods`) print: managedFields, status,
ownerReferences, pod-template-hash labels, uids, resourceVersions.
"""

from __future__ import annotations

import copy
import hashlib
import json
from pathlib import Path

import yaml

GOLDEN = Path(__file__).resolve().parents[2] / "golden"
STAMP = "2026-11-30T09:12:44Z"


def uid(*parts: str) -> str:
    h = hashlib.sha256("/".join(parts).encode()).hexdigest()
    return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:32]}"


def meta(kind: str, ns: str | None, name: str, labels=None, owner=None, manager="kubectl") -> dict:
    m: dict = {
        "creationTimestamp": STAMP,
        "generation": 1,
        "managedFields": [
            {
                "apiVersion": "v1",
                "fieldsType": "FieldsV1",
                "fieldsV1": {"f:metadata": {"f:labels": {".": {}}}, "f:spec": {}},
                "manager": manager,
                "operation": "Update",
                "time": STAMP,
            }
        ],
        "name": name,
        "resourceVersion": str(int(hashlib.md5(name.encode()).hexdigest()[:6], 16)),
        "uid": uid(kind, ns or "", name),
    }
    if ns:
        m["namespace"] = ns
    if labels:
        m["labels"] = dict(labels)
    if owner:
        okind, oname, oapi = owner
        m["ownerReferences"] = [
            {
                "apiVersion": oapi,
                "blockOwnerDeletion": True,
                "controller": True,
                "kind": okind,
                "name": oname,
                "uid": uid(okind, ns or "", oname),
            }
        ]
    return m


def container(name: str, image: str, ports: list[tuple[str, int]]) -> dict:
    return {
        "image": image,
        "imagePullPolicy": "IfNotPresent",
        "name": name,
        "ports": [{"containerPort": p, "name": n, "protocol": "TCP"} for n, p in ports],
        "resources": {"requests": {"cpu": "100m", "memory": "64Mi"}},
        "terminationMessagePath": "/dev/termination-log",
        "terminationMessagePolicy": "File",
    }


def pod_spec(c: dict) -> dict:
    return {
        "containers": [c],
        "dnsPolicy": "ClusterFirst",
        "restartPolicy": "Always",
        "schedulerName": "default-scheduler",
        "securityContext": {},
        "terminationGracePeriodSeconds": 30,
    }


class App:
    def __init__(self) -> None:
        self.items: list[dict] = []
        self.ip = 10

    def add(self, obj: dict) -> dict:
        self.items.append(obj)
        return obj

    def deployment(self, ns, name, labels, c, replicas, rs_hash, old_hash=None):
        template = {"metadata": {"labels": dict(labels)}, "spec": pod_spec(c)}
        self.add(
            {
                "apiVersion": "apps/v1",
                "kind": "Deployment",
                "metadata": {
                    **meta("Deployment", ns, name, labels),
                    "annotations": {"deployment.kubernetes.io/revision": "2" if old_hash else "1"},
                },
                "spec": {
                    "progressDeadlineSeconds": 600,
                    "replicas": replicas,
                    "revisionHistoryLimit": 10,
                    "selector": {"matchLabels": dict(labels)},
                    "strategy": {
                        "rollingUpdate": {"maxSurge": "25%", "maxUnavailable": "25%"},
                        "type": "RollingUpdate",
                    },
                    "template": template,
                },
                "status": {
                    "availableReplicas": replicas,
                    "readyReplicas": replicas,
                    "replicas": replicas,
                    "updatedReplicas": replicas,
                    "observedGeneration": 1,
                },
            }
        )
        for h, count in ((rs_hash, replicas), (old_hash, 0)):
            if h is None:
                continue
            rs_labels = {**labels, "pod-template-hash": h}
            rs_template = copy.deepcopy(template)
            rs_template["metadata"]["labels"] = rs_labels
            self.add(
                {
                    "apiVersion": "apps/v1",
                    "kind": "ReplicaSet",
                    "metadata": meta(
                        "ReplicaSet",
                        ns,
                        f"{name}-{h}",
                        rs_labels,
                        ("Deployment", name, "apps/v1"),
                        "kube-controller-manager",
                    ),
                    "spec": {
                        "replicas": count,
                        "selector": {"matchLabels": rs_labels},
                        "template": rs_template,
                    },
                    "status": {"replicas": count, "readyReplicas": count, "observedGeneration": 1},
                }
            )
        for i in range(replicas):
            suffix = hashlib.sha256(f"{name}{i}".encode()).hexdigest()[:5]
            self.pod(
                ns,
                f"{name}-{rs_hash}-{suffix}",
                {**labels, "pod-template-hash": rs_hash},
                c,
                ("ReplicaSet", f"{name}-{rs_hash}", "apps/v1"),
            )

    def statefulset(self, ns, name, labels, c, replicas, service):
        template = {"metadata": {"labels": dict(labels)}, "spec": pod_spec(c)}
        self.add(
            {
                "apiVersion": "apps/v1",
                "kind": "StatefulSet",
                "metadata": meta("StatefulSet", ns, name, labels),
                "spec": {
                    "replicas": replicas,
                    "serviceName": service,
                    "selector": {"matchLabels": dict(labels)},
                    "template": template,
                    "podManagementPolicy": "OrderedReady",
                    "updateStrategy": {"type": "RollingUpdate"},
                },
                "status": {
                    "replicas": replicas,
                    "readyReplicas": replicas,
                    "currentRevision": f"{name}-6d9f7c8b5",
                    "observedGeneration": 1,
                },
            }
        )
        for i in range(replicas):
            self.pod(
                ns,
                f"{name}-{i}",
                {
                    **labels,
                    "controller-revision-hash": f"{name}-6d9f7c8b5",
                    "statefulset.kubernetes.io/pod-name": f"{name}-{i}",
                    "apps.kubernetes.io/pod-index": str(i),
                },
                c,
                ("StatefulSet", name, "apps/v1"),
            )

    def pod(self, ns, name, labels, c, owner):
        self.ip += 1
        spec = pod_spec(c)
        spec.update({"nodeName": f"node-{self.ip % 3 + 1}", "serviceAccountName": "default"})
        self.add(
            {
                "apiVersion": "v1",
                "kind": "Pod",
                "metadata": meta("Pod", ns, name, labels, owner, "kubelet"),
                "spec": spec,
                "status": {
                    "conditions": [
                        {"lastTransitionTime": STAMP, "status": "True", "type": "Ready"}
                    ],
                    "hostIP": f"172.18.0.{self.ip % 3 + 2}",
                    "phase": "Running",
                    "podIP": f"10.244.{self.ip % 3}.{self.ip}",
                    "podIPs": [{"ip": f"10.244.{self.ip % 3}.{self.ip}"}],
                    "qosClass": "Burstable",
                    "startTime": STAMP,
                },
            }
        )

    def service(self, ns, name, selector, ports, type_="ClusterIP", headless=False, **extra):
        spec = {
            "clusterIP": "None" if headless else f"10.96.{len(self.items) % 250}.{len(name) * 7}",
            "internalTrafficPolicy": "Cluster",
            "ipFamilies": ["IPv4"],
            "ipFamilyPolicy": "SingleStack",
            "ports": [
                {
                    k: v
                    for k, v in {
                        "name": n,
                        "port": p,
                        "protocol": "TCP",
                        "targetPort": t,
                        "nodePort": np_,
                    }.items()
                    if v is not None
                }
                for n, p, t, np_ in ports
            ],
            "selector": dict(selector),
            "sessionAffinity": "None",
            "type": type_,
            **extra,
        }
        status = (
            {"loadBalancer": {"ingress": [{"ip": "203.0.113.10"}]}}
            if type_ == "LoadBalancer"
            else {"loadBalancer": {}}
        )
        self.add(
            {
                "apiVersion": "v1",
                "kind": "Service",
                "metadata": meta("Service", ns, name, {"app.kubernetes.io/name": name}),
                "spec": spec,
                "status": status,
            }
        )

    def namespace(self, name, labels=None):
        self.add(
            {
                "apiVersion": "v1",
                "kind": "Namespace",
                "metadata": meta(
                    "Namespace", None, name, {"kubernetes.io/metadata.name": name, **(labels or {})}
                ),
                "spec": {"finalizers": ["kubernetes"]},
                "status": {"phase": "Active"},
            }
        )

    def policy(self, ns, name, spec):
        self.add(
            {
                "apiVersion": "networking.k8s.io/v1",
                "kind": "NetworkPolicy",
                "metadata": meta("NetworkPolicy", ns, name),
                "spec": spec,
            }
        )


def shop_app() -> App:
    app = App()
    for ns in ("default", "ingress-nginx", "shop"):
        app.namespace(ns, {"team": "web"} if ns == "shop" else None)
    nginx = {
        "app.kubernetes.io/name": "ingress-nginx",
        "app.kubernetes.io/component": "controller",
        "app.kubernetes.io/instance": "ingress-nginx",
    }
    app.deployment(
        "ingress-nginx",
        "ingress-nginx-controller",
        nginx,
        container(
            "controller",
            "registry.k8s.io/ingress-nginx/controller:v1.11.2",
            [("http", 80), ("https", 443), ("webhook", 8443)],
        ),
        2,
        "5c8d66c76d",
    )
    app.deployment(
        "shop",
        "frontend",
        {"app": "frontend"},
        container("web", "shop/frontend:2.4.1", [("http", 8080)]),
        3,
        "7d77fb55cc",
        old_hash="6b9c4f7d8",
    )
    app.deployment(
        "shop",
        "api",
        {"app": "api"},
        container("api", "shop/api:1.9.0", [("http", 9000), ("metrics", 9100)]),
        2,
        "59f8d7b6c4",
    )
    app.statefulset(
        "shop",
        "postgres",
        {"app": "postgres"},
        container("postgres", "postgres:16", [("postgres", 5432)]),
        2,
        "postgres",
    )
    app.service("default", "kubernetes", {}, [("https", 443, 6443, None)])
    app.items[-1]["spec"].pop("selector")
    app.service(
        "ingress-nginx",
        "ingress-nginx-controller",
        nginx,
        [("http", 80, "http", 31080), ("https", 443, "https", 31443)],
        "LoadBalancer",
        externalTrafficPolicy="Local",
        allocateLoadBalancerNodePorts=True,
    )
    app.service("shop", "frontend", {"app": "frontend"}, [("http", 80, "http", None)])
    app.service(
        "shop", "api", {"app": "api"}, [("http", 80, 9000, None), ("admin", 8081, "admin", None)]
    )
    app.service(
        "shop", "postgres", {"app": "postgres"}, [("postgres", 5432, 5432, None)], headless=True
    )
    app.policy("shop", "default-deny", {"podSelector": {}, "policyTypes": ["Ingress"]})
    app.policy(
        "shop",
        "frontend-from-ingress",
        {
            "podSelector": {"matchLabels": {"app": "frontend"}},
            "ingress": [
                {
                    "from": [
                        {
                            "namespaceSelector": {
                                "matchLabels": {"kubernetes.io/metadata.name": "ingress-nginx"}
                            }
                        }
                    ],
                    "ports": [{"port": "http"}],
                }
            ],
        },
    )
    app.policy(
        "shop",
        "api-from-frontend",
        {
            "podSelector": {"matchLabels": {"app": "api"}},
            "ingress": [
                {
                    "from": [{"podSelector": {"matchLabels": {"app": "frontend"}}}],
                    "ports": [{"port": 9000}],
                }
            ],
        },
    )
    app.policy(
        "shop",
        "postgres-from-api",
        {
            "podSelector": {"matchLabels": {"app": "postgres"}},
            "ingress": [
                {
                    "from": [{"podSelector": {"matchLabels": {"app": "api"}}}],
                    "ports": [{"port": 5432}, {"port": 9187}],
                }
            ],
        },
    )
    app.add(
        {
            "apiVersion": "networking.k8s.io/v1",
            "kind": "Ingress",
            "metadata": meta("Ingress", "shop", "shop"),
            "spec": {
                "ingressClassName": "nginx",
                "tls": [{"hosts": ["shop.example.com"], "secretName": "shop-tls"}],
                "rules": [
                    {
                        "host": "shop.example.com",
                        "http": {
                            "paths": [
                                {
                                    "path": "/",
                                    "pathType": "Prefix",
                                    "backend": {
                                        "service": {"name": "frontend", "port": {"name": "http"}}
                                    },
                                },
                                {
                                    "path": "/api",
                                    "pathType": "Prefix",
                                    "backend": {"service": {"name": "api", "port": {"number": 80}}},
                                },
                            ]
                        },
                    }
                ],
            },
            "status": {"loadBalancer": {"ingress": [{"ip": "203.0.113.10"}]}},
        }
    )
    return app


KUBECTL_ORDER = (
    "Pod",
    "Service",
    "DaemonSet",
    "Deployment",
    "ReplicaSet",
    "StatefulSet",
    "NetworkPolicy",
    "Namespace",
    "Ingress",
)


class _NoAliases(yaml.SafeDumper):
    """kubectl never writes anchors: every repeated mapping is written out again."""

    def ignore_aliases(self, data) -> bool:
        return True


def _plural(kind: str) -> str:
    lower = kind.lower()
    return (
        lower[:-1] + "ies"
        if lower.endswith("y")
        else lower + ("es" if lower.endswith("s") else "s")
    )


def write_kubectl_yaml(app: App, path: Path) -> None:
    items = sorted(app.items, key=lambda o: KUBECTL_ORDER.index(o["kind"]))
    doc = {"apiVersion": "v1", "items": items, "kind": "List", "metadata": {"resourceVersion": ""}}
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(yaml.dump(doc, Dumper=_NoAliases, sort_keys=True, width=200))


def write_typed_json(app: App, folder: Path) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    by_kind: dict[str, list[dict]] = {}
    api: dict[str, str] = {}
    for o in app.items:
        by_kind.setdefault(o["kind"], []).append(
            {k: v for k, v in o.items() if k not in ("kind", "apiVersion")}
        )
        api[o["kind"]] = o["apiVersion"]
    for kind, items in by_kind.items():
        doc = {
            "kind": f"{kind}List",
            "apiVersion": api[kind],
            "metadata": {"resourceVersion": "48213"},
            "items": items,
        }
        (folder / f"{_plural(kind)}.json").write_text(json.dumps(doc, indent=4) + "\n")


def gateway_app() -> App:
    app = App()
    for ns in ("infra", "store"):
        app.namespace(ns)
    gw = {"gateway.networking.k8s.io/gateway-name": "edge", "istio.io/gateway-name": "edge"}
    app.deployment(
        "infra",
        "edge-istio",
        gw,
        container("istio-proxy", "istio/proxyv2:1.23.0", [("http", 8080), ("https", 8443)]),
        2,
        "6f5b8c9d77",
    )
    app.deployment(
        "store",
        "web",
        {"app": "web"},
        container("web", "store/web:3.0", [("http", 8080)]),
        2,
        "8c6d5f4b9a",
    )
    app.deployment(
        "store",
        "orders",
        {"app": "orders"},
        container("orders", "store/orders:1.2", [("grpc", 50051)]),
        1,
        "5d7c9b8f6e",
    )
    app.deployment(
        "store",
        "cache",
        {"app": "cache"},
        container("redis", "redis:7", [("redis", 6379)]),
        1,
        "77c8d9f5b4",
    )
    app.service(
        "infra",
        "edge-istio",
        gw,
        [("http", 80, 8080, 30080), ("https", 443, 8443, 30443)],
        "LoadBalancer",
    )
    app.service("store", "web", {"app": "web"}, [("http", 80, "http", None)])
    app.service("store", "orders", {"app": "orders"}, [("grpc", 50051, "grpc", None)])
    app.service("store", "cache", {"app": "cache"}, [("redis", 6379, "redis", None)])
    app.service("store", "legacy", {"app": "legacy"}, [("http", 80, 8080, None)])
    app.policy("store", "default-deny", {"podSelector": {}, "policyTypes": ["Ingress"]})
    app.policy(
        "store",
        "web-from-gateway",
        {
            "podSelector": {"matchLabels": {"app": "web"}},
            "ingress": [
                {
                    "from": [
                        {
                            "namespaceSelector": {
                                "matchLabels": {"kubernetes.io/metadata.name": "infra"}
                            },
                            "podSelector": {
                                "matchLabels": {"gateway.networking.k8s.io/gateway-name": "edge"}
                            },
                        }
                    ],
                    "ports": [{"port": "http"}],
                }
            ],
        },
    )
    app.policy(
        "store",
        "orders-from-web",
        {
            "podSelector": {"matchLabels": {"app": "orders"}},
            "ingress": [
                {
                    "from": [{"podSelector": {"matchLabels": {"app": "web"}}}],
                    "ports": [{"port": 50051}],
                }
            ],
        },
    )
    gw_api = "gateway.networking.k8s.io/v1"
    app.add(
        {
            "apiVersion": gw_api,
            "kind": "Gateway",
            "metadata": meta("Gateway", "infra", "edge"),
            "spec": {
                "gatewayClassName": "istio",
                "listeners": [
                    {
                        "name": "http",
                        "port": 80,
                        "protocol": "HTTP",
                        "allowedRoutes": {"namespaces": {"from": "All"}},
                    },
                    {
                        "name": "https",
                        "port": 443,
                        "protocol": "HTTPS",
                        "hostname": "*.example.com",
                        "allowedRoutes": {"namespaces": {"from": "All"}},
                    },
                ],
            },
        }
    )
    app.add(
        {
            "apiVersion": gw_api,
            "kind": "HTTPRoute",
            "metadata": meta("HTTPRoute", "store", "web"),
            "spec": {
                "parentRefs": [{"name": "edge", "namespace": "infra", "sectionName": "https"}],
                "hostnames": ["store.example.com"],
                "rules": [
                    {
                        "matches": [{"path": {"type": "PathPrefix", "value": "/"}}],
                        "backendRefs": [{"name": "web", "port": 80}],
                    }
                ],
            },
        }
    )
    app.add(
        {
            "apiVersion": gw_api,
            "kind": "GRPCRoute",
            "metadata": meta("GRPCRoute", "store", "orders"),
            "spec": {
                "parentRefs": [{"name": "edge", "namespace": "infra"}],
                "hostnames": ["orders.example.com"],
                "rules": [{"backendRefs": [{"name": "orders", "port": 50051}]}],
            },
        }
    )
    app.add(
        {
            "apiVersion": "gateway.networking.k8s.io/v1alpha2",
            "kind": "TCPRoute",
            "metadata": meta("TCPRoute", "store", "legacy"),
            "spec": {
                "parentRefs": [{"name": "edge", "namespace": "infra"}],
                "rules": [{"backendRefs": [{"name": "legacy", "port": 80}]}],
            },
        }
    )
    return app


def main() -> None:
    shop = shop_app()
    write_kubectl_yaml(shop, GOLDEN / "kubectl-dump" / "input" / "all.yaml")
    write_typed_json(shop, GOLDEN / "kubectl-typed-json" / "input")
    gw = gateway_app()
    folder = GOLDEN / "gateway-api" / "input"
    folder.mkdir(parents=True, exist_ok=True)
    docs = sorted(gw.items, key=lambda o: (o["kind"] not in ("Namespace",), o["kind"]))
    text = yaml.dump_all(docs, Dumper=_NoAliases, sort_keys=False, width=200)
    (folder / "cluster.yaml").write_text(text)


if __name__ == "__main__":
    main()
