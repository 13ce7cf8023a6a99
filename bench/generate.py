"""Seeded synthetic clusters for the benchmark: namespaces, workloads and NetworkPolicies as YAML.

`python bench/generate.py --size L --out DIR` writes one multi-document file per namespace.
"""

from __future__ import annotations

import argparse
import random
import sys
from dataclasses import dataclass
from pathlib import Path

import yaml

if __package__ in (None, ""):  # run as a script: make the `bench` package importable
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench.admin import admin_policies  # noqa: E402
from bench.calico import calico_resources  # noqa: E402
from bench.patterns import (  # noqa: E402
    DBS,
    GRPC_PORTS,
    HTTP_PORTS,
    TEAMS,
    namespace_policies,
    ns_is,
    policy,
)

# Bump when the output changes, so cached clusters from an older generator are not reused.
GENERATOR_VERSION = 4
DEFAULT_SEED = 20240611


@dataclass(frozen=True)
class Spec:
    """How big a cluster to make. Counts include the platform namespaces and their workloads."""

    namespaces: int
    workloads: int
    policies: int
    admin: int = 0  # cluster-scoped admin policies (ClusterNetworkPolicy, AdminNetworkPolicy)
    calico: int = 0  # Calico (Global)NetworkPolicies, over two tiers and `default`


SIZES: dict[str, Spec] = {
    "S": Spec(10, 100, 50),
    "M": Spec(50, 1_000, 500),
    "L": Spec(200, 5_000, 2_000),
    "XL": Spec(500, 20_000, 5_000),
    # L plus 300 ClusterNetworkPolicies / AdminNetworkPolicies (the NetworkPolicy part is L's)
    "L+ANP": Spec(200, 5_000, 2_000, admin=300),
    # L plus 300 Calico policies in three tiers and five global network sets
    "L+Calico": Spec(200, 5_000, 2_000, calico=300),
}

ENVS = ("prod", "staging", "dev")
METRICS_PORTS = (9090, 9100, 8081, 9113, 9187)
CACHES = (("redis", 6379), ("memcached", 11211))
TIER_NAMES = {
    "frontend": ("web", "ui", "gateway", "portal"),
    "backend": ("api", "orders", "billing", "accounts", "inventory", "auth", "cart", "pricing"),
    "db": tuple(name for name, _ in DBS),
    "cache": tuple(name for name, _ in CACHES),
    "worker": ("worker", "consumer", "scheduler", "indexer"),
}
TIER_WEIGHTS = (("frontend", 2), ("backend", 5), ("db", 1), ("cache", 1), ("worker", 2))
# Platform workloads every cluster has; the remaining workloads go to application namespaces.
PLATFORM_WORKLOADS = 7
PLATFORM_POLICIES = 2


def _workload(
    kind: str, ns: str, name: str, labels: dict, ports: list, replicas: int, **pod
) -> dict:
    container = {"name": name, "image": f"registry.example.com/{name}:1.{len(name) % 7}.0"}
    if ports:
        container["ports"] = [
            {"name": pn, "containerPort": num, "protocol": proto} for pn, num, proto in ports
        ]
    template = {
        "metadata": {"labels": dict(labels)},
        "spec": {**pod, "containers": [container]},
    }
    spec: dict = {"selector": {"matchLabels": {"app": labels["app"]}}, "template": template}
    if kind == "CronJob":
        template["spec"]["restartPolicy"] = "OnFailure"
        spec = {"schedule": "*/15 * * * *", "jobTemplate": {"spec": {"template": template}}}
    elif kind == "StatefulSet":
        spec = {"serviceName": name, "replicas": replicas, **spec}
    elif kind == "Deployment":
        spec = {"replicas": replicas, **spec}
    api = "batch/v1" if kind == "CronJob" else "apps/v1"
    return {
        "apiVersion": api,
        "kind": kind,
        "metadata": {"name": name, "namespace": ns, "labels": {"app": labels["app"]}},
        "spec": spec,
    }


def _bare_pod(ns: str, name: str, labels: dict, ports: list, number: int) -> dict:
    """A Pod started by hand (kubectl run), with the IPs a cluster dump would show."""
    pod = _workload("Deployment", ns, name, labels, ports, 1)["spec"]["template"]
    pod_ip = f"10.244.{number // 250 % 256}.{number % 250 + 2}"
    return {
        "apiVersion": "v1",
        "kind": "Pod",
        "metadata": {"name": name, "namespace": ns, "labels": pod["metadata"]["labels"]},
        "spec": pod["spec"],
        "status": {
            "phase": "Running",
            "hostIP": f"10.0.{number % 16}.{number % 200 + 10}",
            "podIP": pod_ip,
            "podIPs": [{"ip": pod_ip}],
        },
    }


def _namespace(name: str, labels: dict) -> dict:
    return {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": name, "labels": labels}}


def _split(total: int, weights: list[float]) -> list[int]:
    """Largest-remainder split of `total` in proportion to `weights` (exact sum)."""
    wsum = sum(weights)
    if total <= 0 or wsum <= 0:
        return [0] * len(weights)
    raw = [total * w / wsum for w in weights]
    counts = [int(r) for r in raw]
    order = sorted(range(len(raw)), key=lambda i: (counts[i] - raw[i], i))
    for i in order[: total - sum(counts)]:
        counts[i] += 1
    return counts


class _Generator:
    """Draws one cluster from `random.Random(seed)`; call `files()` once."""

    def __init__(self, spec: Spec, seed: int) -> None:
        if spec.namespaces < 4:
            raise ValueError("need at least 4 namespaces (3 platform + 1 application)")
        if spec.workloads < PLATFORM_WORKLOADS + spec.namespaces - 3:
            raise ValueError("need at least one workload per application namespace")
        self.spec = spec
        self.rng = random.Random(seed)
        rng = self.rng
        # Partner / SaaS ranges for ipBlock egress; the pool grows slowly with the cluster.
        # Namespaces share an organisation's list of partner ranges, which grows slowly with size;
        # every distinct CIDR splits the outside world into more external ranges.
        self.partner_cidrs: list[tuple[str, str]] = []
        for _ in range(max(8, round(2 * spec.namespaces**0.5))):
            a = rng.choice([n for n in range(20, 224) if n not in (100, 127, 169, 172, 192)])
            prefix = f"{a}.{rng.randrange(256)}.{rng.randrange(256)}"
            self.partner_cidrs.append(
                (f"{prefix}.0/24", f"{prefix}.{rng.choice((0, 64, 128, 192))}/26")
            )
        self.partner_cidrs += [(f"2001:db8:{n:x}::/48", f"2001:db8:{n:x}:ff::/64") for n in (1, 2)]
        self.bare_pods = 0
        self.app_namespaces: list[tuple[str, dict]] = []
        used: set[str] = set()
        for i in range(spec.namespaces - 3):
            team, env = rng.choice(TEAMS), rng.choice(ENVS)
            name = f"{team}-{env}"
            if name in used:
                name = f"{team}-{env}-{i}"
            used.add(name)
            labels = {"team": team, "env": env}
            if rng.random() < 0.2:
                labels["compliance"] = "pci"
            if rng.random() < 0.3:
                labels["istio-injection"] = "enabled"
            self.app_namespaces.append((name, labels))

    # -- platform ---------------------------------------------------------------------------

    def platform(self) -> list[tuple[str, list[dict]]]:
        rng = self.rng
        ks = "kube-system"
        kube_system = [
            _namespace(ks, {}),
            _workload(
                "Deployment",
                ks,
                "coredns",
                {"app": "coredns", "k8s-app": "kube-dns"},
                [("dns", 53, "UDP"), ("dns-tcp", 53, "TCP"), ("metrics", 9153, "TCP")],
                2,
            ),
            _workload(
                "DaemonSet",
                ks,
                "kube-proxy",
                {"app": "kube-proxy", "k8s-app": "kube-proxy"},
                [("metrics", 10249, "TCP")],
                1,
                hostNetwork=True,
            ),
            _workload(
                "Deployment",
                ks,
                "metrics-server",
                {"app": "metrics-server", "k8s-app": "metrics-server"},
                [("https", 10250, "TCP")],
                1,
            ),
        ]
        mon = "monitoring"
        platform_labels = {"team": "platform", "env": "prod"}
        monitoring = [
            _namespace(mon, dict(platform_labels)),
            _workload(
                "StatefulSet",
                mon,
                "prometheus",
                {"app": "prometheus", "tier": "monitoring", **platform_labels},
                [("web", 9090, "TCP")],
                2,
            ),
            _workload(
                "DaemonSet",
                mon,
                "node-exporter",
                {"app": "node-exporter", "tier": "monitoring", **platform_labels},
                [("metrics", 9100, "TCP")],
                1,
                hostNetwork=True,
            ),
            _workload(
                "DaemonSet",
                mon,
                "fluent-bit",
                {"app": "fluent-bit", "tier": "logging", **platform_labels},
                [("metrics", 2020, "TCP")],
                1,
            ),
        ]
        ing = "ingress-nginx"
        ingress = [
            _namespace(ing, dict(platform_labels)),
            _workload(
                "Deployment",
                ing,
                "ingress-nginx-controller",
                {"app": "ingress-nginx", "tier": "edge", **platform_labels},
                [("http", 80, "TCP"), ("https", 443, "TCP"), ("metrics", 10254, "TCP")],
                rng.randint(2, 3),
            ),
        ]
        budget = min(PLATFORM_POLICIES, self.spec.policies)
        platform_policies = [
            policy(
                ing,
                "allow-external-http",
                {"matchLabels": {"app": "ingress-nginx"}},
                ["Ingress"],
                ingress=[
                    {
                        "from": [
                            {"ipBlock": {"cidr": "0.0.0.0/0"}},
                            {"ipBlock": {"cidr": "::/0"}},
                        ],
                        "ports": [{"protocol": "TCP", "port": "http"}, {"port": 443}],
                    }
                ],
            ),
            policy(
                mon,
                "prometheus-scrape",
                {"matchLabels": {"app": "prometheus"}},
                ["Ingress", "Egress"],
                ingress=[{"from": [{"podSelector": {}}], "ports": [{"port": "web"}]}],
                egress=[
                    {"to": [{"namespaceSelector": {}}], "ports": [{"port": "metrics"}]},
                    {
                        "to": [{"namespaceSelector": ns_is(ks), "podSelector": {}}],
                        "ports": [{"protocol": "UDP", "port": 53}, {"protocol": "TCP", "port": 53}],
                    },
                ],
            ),
        ][:budget]
        ingress += [p for p in platform_policies if p["metadata"]["namespace"] == ing]
        monitoring += [p for p in platform_policies if p["metadata"]["namespace"] == mon]
        return [(ks, kube_system), (mon, monitoring), (ing, ingress)]

    # -- applications -----------------------------------------------------------------------

    def app_workloads(self, ns: str, labels: dict, count: int) -> list[dict]:
        rng = self.rng
        tiers = [t for t, _ in TIER_WEIGHTS]
        weights = [w for _, w in TIER_WEIGHTS]
        docs, seen = [], set()
        for i in range(count):
            tier = rng.choices(tiers, weights)[0] if i else "frontend"
            base = rng.choice(TIER_NAMES[tier])
            name = base if base not in seen else f"{base}-{i}"
            seen.add(name)
            pod_labels = {"app": name, "tier": tier, "team": labels["team"], "env": labels["env"]}
            if rng.random() < 0.7:
                pod_labels["monitoring"] = "enabled"
            if rng.random() < 0.1:
                pod_labels["canary"] = "true"
            if rng.random() < 0.3:
                pod_labels["version"] = rng.choice(("v1", "v2", "v3"))
            metrics = ("metrics", rng.choice(METRICS_PORTS), "TCP")
            kind, replicas = "Deployment", rng.randint(1, 6)
            if tier == "frontend":
                ports = [("http", rng.choice(HTTP_PORTS), "TCP"), metrics]
            elif tier == "backend":
                ports = [("http", rng.choice(HTTP_PORTS), "TCP"), metrics]
                if rng.random() < 0.6:
                    ports.insert(1, ("grpc", rng.choice(GRPC_PORTS), "TCP"))
            elif tier == "db":
                db_port = dict(DBS)[base]
                ports, kind, replicas = [("db", db_port, "TCP"), metrics], "StatefulSet", 3
            elif tier == "cache":
                ports = [("cache", dict(CACHES)[base], "TCP")]
                kind = "StatefulSet" if rng.random() < 0.5 else "Deployment"
            else:
                ports = [metrics]
                if rng.random() < 0.15:
                    kind, ports = "CronJob", []
                elif rng.random() < 0.05:
                    kind = "DaemonSet"
            if rng.random() < 0.1:
                ports.append(("statsd", 8125, "UDP"))
            if rng.random() < 0.02:
                self.bare_pods += 1
                docs.append(_bare_pod(ns, name, pod_labels, ports, self.bare_pods))
            else:
                docs.append(_workload(kind, ns, name, pod_labels, ports, replicas))
        return docs

    def files(self) -> list[tuple[str, list[dict]]]:
        rng, spec = self.rng, self.spec
        out = self.platform()
        n_apps = len(self.app_namespaces)
        # A few small application namespaces have no policy at all, as in real clusters; everything
        # may reach them, so they are what makes connection counts grow with the square of size.
        n_open = round(n_apps * 0.04)
        open_ns = set(rng.sample(range(1, n_apps), n_open)) if n_apps > 1 else set()
        weights = [rng.uniform(0.3, 2.0) * (0.5 if i in open_ns else 1) for i in range(n_apps)]
        extra = spec.workloads - PLATFORM_WORKLOADS - n_apps
        w_counts = [1 + c for c in _split(extra, weights)]
        p_weights = [0.0 if i in open_ns else w for i, w in enumerate(w_counts)]
        p_counts = _split(max(0, spec.policies - PLATFORM_POLICIES), p_weights)
        for idx, ((ns, labels), nw, np_) in enumerate(
            zip(self.app_namespaces, w_counts, p_counts, strict=True)
        ):
            apps = self.app_workloads(ns, labels, nw)
            names = [d["metadata"]["name"] for d in apps]
            policies = namespace_policies(rng, ns, labels, names, np_, idx, self.partner_cidrs)
            out.append((ns, [_namespace(ns, labels), *apps, *policies]))
        return out


def generate(spec: Spec, seed: int = DEFAULT_SEED) -> list[tuple[str, str]]:
    """The cluster as [(file name, YAML text)], identical for identical spec and seed."""
    dumper = getattr(yaml, "CSafeDumper", yaml.SafeDumper)
    files = []
    gen = _Generator(spec, seed)
    namespaces = []
    for i, (ns, docs) in enumerate(gen.files()):
        namespaces.append(ns)
        text = yaml.dump_all(docs, Dumper=dumper, sort_keys=False, default_flow_style=False)
        files.append((f"{i:04d}-{ns}.yaml", text))
    if spec.admin:
        cidrs = [cidr for cidr, _ in gen.partner_cidrs] + ["0.0.0.0/0"]
        docs = admin_policies(spec.admin, seed, cidrs)
        text = yaml.dump_all(docs, Dumper=dumper, sort_keys=False, default_flow_style=False)
        files.append(("zzzz-admin-policies.yaml", text))
    if spec.calico:
        cidrs = [cidr for cidr, _ in gen.partner_cidrs] + ["0.0.0.0/0"]
        docs = calico_resources(spec.calico, seed, sorted(set(namespaces)), cidrs)
        text = yaml.dump_all(docs, Dumper=dumper, sort_keys=False, default_flow_style=False)
        files.append(("zzzz-calico-policies.yaml", text))
    return files


def write(spec: Spec, out: Path, seed: int = DEFAULT_SEED) -> dict:
    """Write the cluster into directory `out` (created); returns counts for the record."""
    out.mkdir(parents=True, exist_ok=True)
    total = 0
    files = generate(spec, seed)
    for name, text in files:
        data = text.encode()
        (out / name).write_bytes(data)
        total += len(data)
    return {
        "namespaces": spec.namespaces,
        "workloads": spec.workloads,
        "policies": spec.policies,
        "admin_policies": spec.admin,
        "files": len(files),
        "yaml_bytes": total,
        "seed": seed,
        "generator_version": GENERATOR_VERSION,
    }


def parse_spec(size: str) -> Spec:
    """A size name (S, M, L, XL) or `NAMESPACES/WORKLOADS/POLICIES`, e.g. `20/300/120`."""
    for name, spec in SIZES.items():
        if name.upper() == size.upper():
            return spec
    try:
        ns, wl, pol = (int(x.replace(",", "").replace("_", "")) for x in size.split("/"))
    except ValueError:
        raise ValueError(f"unknown size {size!r}: use S, M, L, XL or N/W/P") from None
    return Spec(ns, wl, pol)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--size", default="S", help="S, M, L, XL or NAMESPACES/WORKLOADS/POLICIES")
    ap.add_argument("--seed", type=int, default=DEFAULT_SEED)
    ap.add_argument("--out", required=True, type=Path, help="directory to write YAML files into")
    args = ap.parse_args(argv)
    try:
        spec = parse_spec(args.size)
        stats = write(spec, args.out, args.seed)
    except ValueError as exc:
        ap.error(str(exc))
    print(
        f"wrote {stats['files']} files, {stats['yaml_bytes'] / 1e6:.1f} MB: {spec.namespaces} "
        f"namespaces, {spec.workloads} workloads, {spec.policies} policies -> {args.out}",
        file=sys.stderr,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
