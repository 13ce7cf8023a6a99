"""The upstream network-policy-api conformance layout, in small: five namespaces (houses), two
StatefulSets each serving TCP 80 ("web"), UDP 53 ("dns") and SCTP 9003 ("sctp"), pods with
known IPs, and one host-network workload."""

from __future__ import annotations

from netviz.engine import Evaluator
from netviz.engine.ports import PortSet
from netviz.k8s import load_texts

HOUSES = ("gryffindor", "hufflepuff", "ravenclaw", "slytherin", "forbidden-forest")
POD_IP = {
    "gryffindor": "10.10.1.5",
    "hufflepuff": "10.10.2.5",
    "ravenclaw": "10.10.3.5",
    "slytherin": "10.10.4.5",
    "forbidden-forest": "10.10.5.5",
}


def model() -> str:
    docs = []
    for house in HOUSES:
        docs.append(
            f"apiVersion: v1\nkind: Namespace\nmetadata:\n  name: {house}\n"
            f"  labels: {{conformance-house: {house}}}\n"
        )
        for n in (0, 1):
            docs.append(
                f"""apiVersion: apps/v1
kind: StatefulSet
metadata: {{name: {house}-{n}, namespace: {house}}}
spec:
  replicas: 2
  selector: {{matchLabels: {{app: {house}-{n}}}}}
  template:
    metadata: {{labels: {{app: {house}-{n}, house: {house}}}}}
    spec:
      containers:
      - name: main
        ports:
        - {{containerPort: 80, name: web}}
        - {{containerPort: 53, protocol: UDP, name: dns}}
        - {{containerPort: 9003, protocol: SCTP, name: sctp}}
"""
            )
        docs.append(
            f"""apiVersion: v1
kind: Pod
metadata: {{name: {house}-pod, namespace: {house}, labels: {{app: {house}-pod, house: {house}}}}}
spec: {{containers: [{{name: main, ports: [{{containerPort: 80, name: web}}]}}]}}
status: {{podIP: {POD_IP[house]}}}
"""
        )
    docs.append(
        """apiVersion: apps/v1
kind: DaemonSet
metadata: {name: node-agent, namespace: forbidden-forest}
spec:
  selector: {matchLabels: {app: node-agent}}
  template:
    metadata: {labels: {app: node-agent, house: forbidden-forest}}
    spec:
      hostNetwork: true
      containers: [{name: main, ports: [{containerPort: 9100, name: metrics}]}]
"""
    )
    return "---\n".join(docs)


def evaluate(policies: str) -> Evaluator:
    cluster = load_texts([("model.yaml", model()), ("policies.yaml", policies)])
    assert not cluster.errors, [p.as_dict() for p in cluster.errors]
    return Evaluator(cluster)


def sts(house: str, n: int = 0) -> str:
    return f"{house}/{house}-{n}[StatefulSet]"


def pod(house: str) -> str:
    return f"{house}/{house}-pod[Pod]"


def allowed(ev: Evaluator, src: str, dst: str) -> PortSet:
    for c in ev.analysis().connections:
        if c.src == src and c.dst == dst:
            return c.ports
    return PortSet.empty()


def external(ev: Evaluator, src: str, ip: str) -> PortSet:
    out = PortSet.empty()
    for c in ev.analysis().connections:
        if c.src == src and c.dst == ev.resolve(ip):
            out |= c.ports
    return out
