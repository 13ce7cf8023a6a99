"""The vectorised engine against the API-literal reference evaluator on a 1,000-workload cluster:
a seeded sample of a few thousand pairs, each probed on the ports that matter to it.

The small random clusters of test_properties never fill an equivalence class or a port atom
table the way a real cluster does; this one has 500 policies, named ports that differ per
workload, endPort ranges, ipBlocks with except and namespaceSelectors.
"""

from __future__ import annotations

import ipaddress
import random
from pathlib import Path

import pytest
import yaml

from bench.generate import DEFAULT_SEED, parse_spec, write
from netviz.engine import Evaluator
from netviz.engine.ports import PortSet
from netviz.k8s import load_paths

from .randomized import Reference, pod_id, pod_spec
from .test_properties import SAMPLE_ADDRESSES

PAIRS = 3000
PROBES_PER_PAIR = 24


class CachedReference(Reference):
    """The same literal reading; which policies select a pod is looked up once per pod."""

    def __init__(self, c) -> None:
        super().__init__(c)
        self._selecting: dict[tuple[int, str], list] = {}

    def selecting(self, pod, direction):
        key = (id(pod), direction)
        if key not in self._selecting:
            self._selecting[key] = super().selecting(pod, direction)
        return self._selecting[key]


def _as_reference_doc(doc: dict) -> dict:
    """A CronJob's pod template sits one level deeper; the reference reads spec.template."""
    if doc["kind"] == "CronJob":
        template = doc["spec"]["jobTemplate"]["spec"]["template"]
        return {**doc, "spec": {"template": template}}
    return doc


@pytest.fixture(scope="module")
def cluster(tmp_path_factory):
    root = tmp_path_factory.mktemp("bench-m")
    write(parse_spec("M"), root, DEFAULT_SEED)
    docs = [
        d
        for p in sorted(Path(root).rglob("*.yaml"))
        for d in yaml.load_all(p.read_text(), Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
        if d
    ]
    c = {
        "namespaces": [d for d in docs if d["kind"] == "Namespace"],
        "pods": [
            _as_reference_doc(d) for d in docs if d["kind"] not in ("Namespace", "NetworkPolicy")
        ],
        "policies": [d for d in docs if d["kind"] == "NetworkPolicy"],
    }
    analysis = Evaluator(load_paths([str(root)])).analysis()
    return c, analysis


def _probes(c, rng: random.Random) -> list[tuple[str, int]]:
    """Every port number the input names, both ends of every range and just past them, and a few
    that nothing names: where an off-by-one in the port atoms would show."""
    found = {("TCP", 1), ("TCP", 65535), ("UDP", 53), ("TCP", 53), ("SCTP", 9), ("UDP", 40000)}
    for pod in c["pods"]:
        for container in pod_spec(pod)["containers"]:
            for cp in container.get("ports", []):
                found.add((cp.get("protocol", "TCP"), cp["containerPort"]))
    for policy in c["policies"]:
        for direction in ("ingress", "egress"):
            for rule in policy["spec"].get(direction) or []:
                for spec in rule.get("ports") or []:
                    if isinstance(spec.get("port"), int):
                        proto, start = spec.get("protocol", "TCP"), spec["port"]
                        end = spec.get("endPort", start)
                        found |= {
                            (proto, start),
                            (proto, end),
                            (proto, start - 1),
                            (proto, end + 1),
                        }
    return sorted(p for p in found if 1 <= p[1] <= 65535)


def test_engine_agrees_with_the_reference_on_a_sample_of_a_big_cluster(cluster):
    c, analysis = cluster
    ref = CachedReference(c)
    rng = random.Random(DEFAULT_SEED)
    by_id = {pod_id(p): p for p in c["pods"]}
    allowed: dict[tuple[str, str], PortSet] = {
        (x.src, x.dst): x.ports for x in analysis.connections
    }
    externals = [
        (r, ipaddress.ip_address(r.start), ipaddress.ip_address(r.end)) for r in analysis.externals
    ]

    def external_id(ip: str) -> str:
        a = ipaddress.ip_address(ip)
        return next(r.id for r, lo, hi in externals if lo.version == a.version and lo <= a <= hi)

    ids = sorted(by_id)
    assert set(ids) == {e.id for e in analysis.endpoints}
    open_pairs = sorted(k for k in allowed if k[0] in by_id and k[1] in by_id)
    # Half the sample among allowed pairs (where port sets are partial), half anywhere.
    pairs = rng.sample(open_pairs, PAIRS // 2)
    pairs += [tuple(rng.sample(ids, 2)) for _ in range(PAIRS // 2)]
    pairs += [(rng.choice(ids), ip) for ip in SAMPLE_ADDRESSES] * 10
    pairs += [(ip, rng.choice(ids)) for ip in SAMPLE_ADDRESSES] * 10
    probes = _probes(c, rng)
    checked = disagree = yes = 0
    failures = []
    for src, dst in pairs:
        key = tuple(external_id(x) if x not in by_id else x for x in (src, dst))
        got = allowed.get(key, PortSet.empty())
        for proto, port in rng.sample(probes, min(PROBES_PER_PAIR, len(probes))):
            want = ref.allowed(by_id.get(src, src), by_id.get(dst, dst), proto, port)
            checked += 1
            yes += want
            if ((proto, port) in got) != want:
                disagree += 1
                failures.append(f"{src} -> {dst} {proto}/{port}: reference {want}, engine {got}")
    assert checked > 50_000
    assert 0.1 < yes / checked < 0.9, (yes, checked)  # both verdicts are well represented
    assert not failures, f"{disagree} of {checked} probes differ, e.g. {failures[:5]}"
