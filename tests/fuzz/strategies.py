"""Hypothesis strategies for manifests that look like Kubernetes, mostly right and sometimes not."""

from __future__ import annotations

from hypothesis import strategies as st

NAMESPACES = ["default", "shop", "ops", "kube-system", "Bad_NS", ""]
NAMES = ["web", "api", "db", "a", "b", "x-1", "Bad_Name"]
LABEL_KEYS = ["app", "tier", "team", "kubernetes.io/metadata.name", "k8s-app", "-bad", "a b"]
LABEL_VALUES = ["web", "api", "db", "front", "back", "kube-dns", "shop", "", "has space"]
WORKLOAD_KINDS = ["Pod", "Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "Job", "CronJob"]
API_VERSIONS = {
    "Pod": "v1",
    "Namespace": "v1",
    "Deployment": "apps/v1",
    "StatefulSet": "apps/v1",
    "DaemonSet": "apps/v1",
    "ReplicaSet": "apps/v1",
    "Job": "batch/v1",
    "CronJob": "batch/v1",
    "NetworkPolicy": "networking.k8s.io/v1",
}
CIDRS = [
    "0.0.0.0/0",
    "10.0.0.0/8",
    "10.1.0.0/16",
    "10.0.0.1/8",
    "192.168.1.0/24",
    "::/0",
    "fd00::/8",
    "fd00::1/128",
    "10.0.0.300/8",
    "not-a-cidr",
]

label_maps = st.dictionaries(st.sampled_from(LABEL_KEYS), st.sampled_from(LABEL_VALUES), max_size=3)
port_numbers = st.one_of(
    st.integers(1, 65535), st.sampled_from([0, 80, 443, 8080, 65535, 65536, -1])
)
port_values = st.one_of(port_numbers, st.sampled_from(["http", "metrics", "dns", "Bad Name"]))
protocols = st.sampled_from(["TCP", "UDP", "SCTP", "tcp", "ICMP"])

expressions = st.fixed_dictionaries(
    {"key": st.sampled_from(LABEL_KEYS)},
    optional={
        "operator": st.sampled_from(["In", "NotIn", "Exists", "DoesNotExist", "in"]),
        "values": st.lists(st.sampled_from(LABEL_VALUES), max_size=3),
    },
)
selectors = st.fixed_dictionaries(
    {},
    optional={
        "matchLabels": label_maps,
        "matchExpressions": st.lists(expressions, max_size=2),
    },
)
ip_blocks = st.fixed_dictionaries(
    {"cidr": st.sampled_from(CIDRS)},
    optional={"except": st.lists(st.sampled_from(CIDRS), max_size=2)},
)
peers = st.one_of(
    st.fixed_dictionaries({}, optional={"podSelector": selectors, "namespaceSelector": selectors}),
    st.fixed_dictionaries({"ipBlock": ip_blocks}),
)
policy_ports = st.fixed_dictionaries(
    {},
    optional={"port": port_values, "protocol": protocols, "endPort": port_numbers},
)


def rules(direction: str) -> st.SearchStrategy:
    peer_key = "from" if direction == "ingress" else "to"
    return st.fixed_dictionaries(
        {},
        optional={
            peer_key: st.lists(peers, max_size=3),
            "ports": st.lists(policy_ports, max_size=3),
        },
    )


def metadata(namespaced: bool = True) -> st.SearchStrategy:
    required = {"name": st.sampled_from(NAMES)}
    optional = {"labels": label_maps}
    if namespaced:
        optional["namespace"] = st.sampled_from(NAMESPACES)
    return st.fixed_dictionaries(required, optional=optional)


policies = st.fixed_dictionaries(
    {
        "apiVersion": st.just("networking.k8s.io/v1"),
        "kind": st.just("NetworkPolicy"),
        "metadata": metadata(),
        "spec": st.fixed_dictionaries(
            {"podSelector": selectors},
            optional={
                "policyTypes": st.lists(
                    st.sampled_from(["Ingress", "Egress", "ingress"]), max_size=2
                ),
                "ingress": st.lists(rules("ingress"), max_size=3),
                "egress": st.lists(rules("egress"), max_size=3),
            },
        ),
    }
)

containers = st.fixed_dictionaries(
    {"name": st.sampled_from(["c", "main", "sidecar"]), "image": st.just("nginx")},
    optional={
        "ports": st.lists(
            st.fixed_dictionaries(
                {"containerPort": port_numbers},
                optional={
                    "name": st.sampled_from(["http", "metrics", "dns"]),
                    "protocol": protocols,
                },
            ),
            max_size=3,
        )
    },
)
pod_specs = st.fixed_dictionaries(
    {"containers": st.lists(containers, min_size=1, max_size=2)},
    optional={"hostNetwork": st.booleans()},
)


@st.composite
def workloads(draw) -> dict:
    kind = draw(st.sampled_from(WORKLOAD_KINDS))
    meta = draw(metadata())
    if kind == "Pod":
        spec = draw(pod_specs)
        status = draw(
            st.fixed_dictionaries(
                {}, optional={"podIP": st.sampled_from(["10.1.2.3", "fd00::5", "x"])}
            )
        )
        return {"apiVersion": "v1", "kind": kind, "metadata": meta, "spec": spec, "status": status}
    template = {"metadata": {"labels": draw(label_maps)}, "spec": draw(pod_specs)}
    spec: dict = {"template": template}
    if kind == "CronJob":
        spec = {"schedule": "* * * * *", "jobTemplate": {"spec": {"template": template}}}
    elif kind != "Job" and draw(st.booleans()):
        spec["selector"] = {"matchLabels": template["metadata"]["labels"]}
        spec["replicas"] = draw(st.integers(-1, 5))
    return {"apiVersion": API_VERSIONS[kind], "kind": kind, "metadata": meta, "spec": spec}


namespaces = st.fixed_dictionaries(
    {"apiVersion": st.just("v1"), "kind": st.just("Namespace"), "metadata": metadata(False)}
)

# A wrong-typed value to put anywhere in an otherwise well-formed object.
wrong_values = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(2**70), 2**70),
    st.floats(allow_nan=True),
    st.text(max_size=6),
    st.just([]),
    st.just({}),
    st.just([{"a": 1}]),
)


def _paths(value: object, prefix: tuple = ()) -> list[tuple]:
    out = [prefix] if prefix else []
    if isinstance(value, dict):
        for k, v in value.items():
            out += _paths(v, (*prefix, k))
    elif isinstance(value, list):
        for i, v in enumerate(value):
            out += _paths(v, (*prefix, i))
    return out


@st.composite
def mutated(draw, objects: st.SearchStrategy) -> dict:
    """An object with, sometimes, one field anywhere in it replaced by a value of the wrong type."""
    obj = draw(objects)
    paths = _paths(obj)
    if not paths or not draw(st.booleans()):
        return obj
    path = draw(st.sampled_from(paths))
    target = obj
    for step in path[:-1]:
        target = target[step]
    target[path[-1]] = draw(wrong_values)
    return obj


objects = mutated(st.one_of(policies, workloads(), namespaces))
manifests = st.lists(objects, min_size=1, max_size=8)
