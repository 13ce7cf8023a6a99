"""Small clusters as YAML for the generate tests, read by the real reader."""

from __future__ import annotations

import yaml

from netviz.engine import Evaluator
from netviz.generate.kept import read_keep
from netviz.k8s import load_texts
from netviz.k8s.model import Cluster


def pod(ns: str, name: str, labels: dict, ports=(), host_network=False, host_ip=None) -> dict:
    spec: dict = {
        "containers": [
            {
                "name": "c",
                "image": "x",
                "ports": [
                    {"containerPort": p, "protocol": proto, **({"name": n} if n else {})}
                    for p, proto, n in ports
                ],
            }
        ]
    }
    if host_network:
        spec["hostNetwork"] = True
    doc = {
        "apiVersion": "v1",
        "kind": "Pod",
        "metadata": {"name": name, "namespace": ns, "labels": labels},
        "spec": spec,
    }
    if host_ip:
        doc["status"] = {"hostIP": host_ip}
    return doc


def deployment(ns: str, name: str, labels: dict, ports=(), replicas: int = 2) -> dict:
    template = pod(ns, name, labels, ports)
    return {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": {"name": name, "namespace": ns},
        "spec": {
            "replicas": replicas,
            "selector": {"matchLabels": labels},
            "template": {"metadata": {"labels": labels}, "spec": template["spec"]},
        },
    }


def netpol(ns: str, name: str, selector: dict, types: list[str], **rules) -> dict:
    return {
        "apiVersion": "networking.k8s.io/v1",
        "kind": "NetworkPolicy",
        "metadata": {"name": name, "namespace": ns},
        "spec": {"podSelector": selector, "policyTypes": types, **rules},
    }


def namespace(name: str, labels: dict | None = None) -> dict:
    return {
        "apiVersion": "v1",
        "kind": "Namespace",
        "metadata": {"name": name, "labels": labels or {}},
    }


def cluster(*docs: dict) -> Cluster:
    text = yaml.safe_dump_all(list(docs), sort_keys=False)
    c = load_texts([("input.yaml", text)])
    assert not c.errors, c.errors
    return c


def keep_entries(c: Cluster, connections: list[dict]):
    import json

    return read_keep(json.dumps({"connections": connections}), Evaluator(c))


def policies_of(result, ns: str) -> dict[str, dict]:
    """The generated manifests of one namespace by name, read back from the YAML written."""
    docs = [d for d in yaml.safe_load_all(result.files[f"{ns}.yaml"]) if d]
    return {d["metadata"]["name"]: d for d in docs}
