"""Random small, API-valid clusters as manifest dicts (hypothesis), and a reference evaluator
written straight from the networking.k8s.io/v1 API text, independent of netviz.engine."""

from __future__ import annotations

import ipaddress
from collections.abc import Mapping

import yaml
from hypothesis import strategies as st

POD_LABELS = {"app": ("web", "db", "api"), "tier": ("front", "back")}
NS_LABELS = {"team": ("red", "blue"), "env": ("prod", "dev")}
NS_SELECTOR_KEYS = {**NS_LABELS, "kubernetes.io/metadata.name": ("x", "y", "z")}
PORT_POOL = ((80, "TCP"), (443, "TCP"), (8080, "TCP"), (53, "UDP"), (53, "TCP"), (5000, "SCTP"))
NAME_POOL = ("http", "https", "dns", "metrics")
PROBES = tuple(
    (proto, port) for proto in ("TCP", "UDP", "SCTP") for port in (53, 80, 81, 443, 5000, 8080)
)
IP_BLOCKS = (
    {"cidr": "10.0.0.0/8", "except": ["10.1.0.0/16"]},
    {"cidr": "0.0.0.0/0"},
    {"cidr": "192.168.1.0/24"},
    {"cidr": "2001:db8::/32", "except": ["2001:db8:1::/48"]},
)


def _labels(vocab: Mapping[str, tuple[str, ...]]):
    return st.fixed_dictionaries(
        {}, optional={k: st.sampled_from(v) for k, v in vocab.items()}
    ).map(dict)


@st.composite
def selectors(draw, vocab: Mapping[str, tuple[str, ...]]) -> dict:
    sel: dict = {}
    labels = draw(_labels(vocab).filter(lambda d: len(d) <= 1))
    if labels:
        sel["matchLabels"] = labels
    exprs = []
    for _ in range(draw(st.integers(0, 2))):
        key = draw(st.sampled_from(sorted(vocab)))
        op = draw(st.sampled_from(("In", "NotIn", "Exists", "DoesNotExist")))
        expr: dict = {"key": key, "operator": op}
        if op in ("In", "NotIn"):
            pool = (*vocab[key], "absent-value")
            expr["values"] = draw(
                st.lists(st.sampled_from(pool), min_size=1, max_size=2, unique=True)
            )
        exprs.append(expr)
    if exprs:
        sel["matchExpressions"] = exprs
    return sel


@st.composite
def peers(draw) -> dict:
    kind = draw(st.sampled_from(("pod", "ns", "both", "ip")))
    if kind == "ip":
        return {"ipBlock": dict(draw(st.sampled_from(IP_BLOCKS)))}
    peer = {}
    if kind in ("pod", "both"):
        peer["podSelector"] = draw(selectors(POD_LABELS))
    if kind in ("ns", "both"):
        peer["namespaceSelector"] = draw(selectors(NS_SELECTOR_KEYS))
    return peer


@st.composite
def port_specs(draw) -> dict:
    spec: dict = {}
    proto = draw(st.sampled_from((None, "TCP", "UDP", "SCTP")))
    if proto:
        spec["protocol"] = proto
    kind = draw(st.sampled_from(("all", "number", "range", "name")))
    if kind == "number":
        spec["port"] = draw(st.sampled_from((53, 80, 81, 443, 5000, 8080)))
    elif kind == "range":
        spec["port"] = draw(st.sampled_from((53, 80, 443, 5000)))
        spec["endPort"] = spec["port"] + draw(st.sampled_from((0, 1, 400, 8000)))
    elif kind == "name":
        spec["port"] = draw(st.sampled_from(NAME_POOL))
    return spec


@st.composite
def rules(draw, direction: str) -> dict:
    rule: dict = {}
    peer_key = "from" if direction == "ingress" else "to"
    choice = draw(st.sampled_from(("absent", "empty", "some")))
    if choice == "empty":
        rule[peer_key] = []
    elif choice == "some":
        rule[peer_key] = draw(st.lists(peers(), min_size=1, max_size=2))
    if draw(st.booleans()):
        rule["ports"] = draw(st.lists(port_specs(), min_size=1, max_size=2))
    return rule


@st.composite
def policies(draw, namespaces: tuple[str, ...], name: str) -> dict:
    spec: dict = {"podSelector": draw(selectors(POD_LABELS))}
    if draw(st.booleans()):
        types = draw(st.lists(st.sampled_from(("Ingress", "Egress")), min_size=1, unique=True))
        spec["policyTypes"] = types
    for direction in ("ingress", "egress"):
        choice = draw(st.sampled_from(("absent", "empty", "some")))
        if choice == "empty":
            spec[direction] = []
        elif choice == "some":
            spec[direction] = draw(st.lists(rules(direction), min_size=1, max_size=2))
    ns = draw(st.sampled_from(namespaces))
    return {
        "apiVersion": "networking.k8s.io/v1",
        "kind": "NetworkPolicy",
        "metadata": {"name": name, "namespace": ns},
        "spec": spec,
    }


@st.composite
def pods(draw, ns: str, name: str) -> dict:
    served = draw(st.lists(st.sampled_from(PORT_POOL), max_size=3, unique=True))
    names = draw(st.permutations(NAME_POOL))
    ports = []
    for i, (port, proto) in enumerate(served):
        entry: dict = {"containerPort": port, "protocol": proto}
        if draw(st.booleans()):
            entry["name"] = names[i]
        ports.append(entry)
    spec: dict = {"containers": [{"name": "main", "image": "agnhost", "ports": ports}]}
    if draw(st.integers(0, 7)) == 0:
        spec["hostNetwork"] = True
    labels = draw(_labels(POD_LABELS))
    if draw(st.integers(0, 3)) == 0:
        # A workload: its replicas are distinct pods, so it also talks to itself by policy.
        return {
            "apiVersion": "apps/v1",
            "kind": "Deployment",
            "metadata": {"name": name, "namespace": ns},
            "spec": {
                "replicas": draw(st.integers(2, 3)),
                "selector": {"matchLabels": {"workload": name}},
                "template": {"metadata": {"labels": {**labels, "workload": name}}, "spec": spec},
            },
        }
    pod = {
        "apiVersion": "v1",
        "kind": "Pod",
        "metadata": {"name": name, "namespace": ns, "labels": labels},
        "spec": spec,
    }
    if draw(st.booleans()):
        pod["status"] = {"podIP": f"10.{draw(st.integers(0, 2))}.0.{draw(st.integers(1, 9))}"}
    return pod


@st.composite
def clusters(draw, max_policies: int = 4, max_pods: int = 3) -> dict:
    """{"namespaces": [...], "pods": [...], "policies": [...]} of manifest dicts."""
    names = ("x", "y", "z")[: draw(st.integers(2, 3))]
    namespaces = [
        {
            "apiVersion": "v1",
            "kind": "Namespace",
            "metadata": {"name": ns, "labels": draw(_labels(NS_LABELS))},
        }
        for ns in names
        if draw(st.integers(0, 4))  # now and then a namespace is only referenced
    ]
    pod_docs = []
    for ns in names:
        for i in range(draw(st.integers(0, max_pods))):
            pod_docs.append(draw(pods(ns, f"p{i}")))
    count = draw(st.integers(0, max_policies))
    pols = [draw(policies(names, f"np{i}")) for i in range(count)]
    return {"namespaces": namespaces, "pods": pod_docs, "policies": pols}


def to_yaml(docs: list[dict]) -> str:
    dumper = getattr(yaml, "CSafeDumper", yaml.SafeDumper)  # libyaml: pure Python is the bottleneck
    return yaml.dump_all(docs, Dumper=dumper, sort_keys=False)


def cluster_files(c: Mapping[str, list[dict]]) -> list[tuple[str, str]]:
    files = [("cluster.yaml", to_yaml([*c["namespaces"], *c["pods"]]))]
    if c["policies"]:
        files.append(("policies.yaml", to_yaml(c["policies"])))
    return files


def pod_id(pod: Mapping) -> str:
    return f"{pod['metadata']['namespace']}/{pod['metadata']['name']}[{pod['kind']}]"


def pod_labels(doc: Mapping) -> Mapping[str, str]:
    meta = doc["metadata"] if doc["kind"] == "Pod" else doc["spec"]["template"]["metadata"]
    return meta.get("labels") or {}


def pod_spec(doc: Mapping) -> Mapping:
    return doc["spec"] if doc["kind"] == "Pod" else doc["spec"]["template"]["spec"]


# ---- the reference evaluator --------------------------------------------------------------


class Reference:
    """Answers "may src open (proto, port) on dst?" by reading the API text literally.

    Project rules on top of the API: ipBlock never matches a pod; a hostNetwork pod is never
    isolated and never matched by a selector.
    """

    def __init__(self, c: Mapping[str, list[dict]]) -> None:
        self.ns_labels = {
            n["metadata"]["name"]: {
                **n["metadata"].get("labels", {}),
                "kubernetes.io/metadata.name": n["metadata"]["name"],
            }
            for n in c["namespaces"]
        }
        self.policies = c["policies"]

    @staticmethod
    def policy_types(policy: Mapping) -> set[str]:
        spec = policy["spec"]
        if "policyTypes" in spec:
            return {t.lower() for t in spec["policyTypes"]}
        return {"ingress", "egress"} if spec.get("egress") else {"ingress"}

    def selecting(self, pod: Mapping, direction: str) -> list[Mapping]:
        if pod_spec(pod).get("hostNetwork"):
            return []
        return [
            p
            for p in self.policies
            if p["metadata"]["namespace"] == pod["metadata"]["namespace"]
            and direction in self.policy_types(p)
            and matches(p["spec"]["podSelector"], pod_labels(pod))
        ]

    def isolated(self, pod: Mapping, direction: str) -> bool:
        return bool(self.selecting(pod, direction))

    def allowed(self, src: Mapping | str, dst: Mapping | str, proto: str, port: int) -> bool:
        """src/dst are pod docs or addresses outside the cluster (never isolated)."""
        egress = isinstance(src, str) or self._side(src, dst, "egress", dst, proto, port)
        ingress = isinstance(dst, str) or self._side(dst, src, "ingress", dst, proto, port)
        return egress and ingress

    def _side(self, subject, other, direction, dst, proto, port) -> bool:
        chosen = self.selecting(subject, direction)
        if not chosen:
            return True
        peer_key = "from" if direction == "ingress" else "to"
        for policy in chosen:
            ns = policy["metadata"]["namespace"]
            for rule in policy["spec"].get(direction) or []:
                peer_ok = not rule.get(peer_key) or any(
                    self._peer(p, ns, other) for p in rule[peer_key]
                )
                port_ok = not rule.get("ports") or any(
                    _port(s, dst, proto, port) for s in rule["ports"]
                )
                if peer_ok and port_ok:
                    return True
        return False

    def _peer(self, peer: Mapping, policy_ns: str, pod: Mapping | str) -> bool:
        if isinstance(pod, str):
            return "ipBlock" in peer and _in_block(peer["ipBlock"], pod)
        if "ipBlock" in peer or pod_spec(pod).get("hostNetwork"):
            return False
        pod_ns = pod["metadata"]["namespace"]
        nss = peer.get("namespaceSelector")
        if nss is None:
            ns_ok = pod_ns == policy_ns
        else:
            ns_ok = matches(
                nss, self.ns_labels.get(pod_ns, {"kubernetes.io/metadata.name": pod_ns})
            )
        ps = peer.get("podSelector")
        return ns_ok and (ps is None or matches(ps, pod_labels(pod)))


def matches(selector: Mapping, labels: Mapping[str, str]) -> bool:
    for k, v in (selector.get("matchLabels") or {}).items():
        if labels.get(k) != v:
            return False
    for e in selector.get("matchExpressions") or []:
        key, op, values = e["key"], e["operator"], e.get("values") or []
        ok = {
            "In": key in labels and labels[key] in values,
            "NotIn": key not in labels or labels[key] not in values,
            "Exists": key in labels,
            "DoesNotExist": key not in labels,
        }[op]
        if not ok:
            return False
    return True


def _in_block(block: Mapping, ip: str) -> bool:
    addr = ipaddress.ip_address(ip)

    def inside(cidr: str) -> bool:
        net = ipaddress.ip_network(cidr, strict=False)
        return net.version == addr.version and addr in net

    return inside(block["cidr"]) and not any(inside(e) for e in block.get("except", []))


def _port(spec: Mapping, dst: Mapping | str, proto: str, port: int) -> bool:
    if spec.get("protocol", "TCP") != proto:
        return False
    want = spec.get("port")
    if want is None:
        return True
    if isinstance(want, int):
        return want <= port <= spec.get("endPort", want)
    if isinstance(dst, str):  # a name is looked up in a pod's containers; an address has none
        return False
    return any(
        cp.get("name") == want
        and cp.get("protocol", "TCP") == proto
        and cp["containerPort"] == port
        for container in pod_spec(dst)["containers"]
        for cp in container.get("ports", [])
    )
