"""The upstream e2e model (namespaces x/y/z × pods a/b/c) as YAML text, and truth tables
over it in upstream's layout ("." allowed, "X" blocked, rows are sources)."""

from __future__ import annotations

import ipaddress
import textwrap
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # imported lazily so the harness itself is testable before the engine lands
    from netviz.engine import Evaluator
    from netviz.engine.ports import PortSet
    from netviz.engine.result import Analysis

NAMESPACES: tuple[str, ...] = ("x", "y", "z")
POD_NAMES: tuple[str, ...] = ("a", "b", "c")
ALL_PODS: tuple[str, ...] = tuple(f"{ns}/{p}" for ns in NAMESPACES for p in POD_NAMES)
SERVED: tuple[tuple[int, str], ...] = tuple(
    (port, proto) for proto in ("TCP", "UDP", "SCTP") for port in (80, 81)
)


def port_name(port: int, protocol: str) -> str:
    """Upstream's container port name, e.g. `serve-80-tcp`."""
    return f"serve-{port}-{protocol.lower()}"


def namespace_yaml(name: str, labels: Mapping[str, str] | None = None) -> str:
    """A Namespace labelled `ns: <name>` (the reader adds kubernetes.io/metadata.name itself)."""
    all_labels = {"ns": name, **(labels or {})}
    lines = ["apiVersion: v1", "kind: Namespace", "metadata:", f"  name: {name}", "  labels:"]
    lines += [f"    {k}: {_q(v)}" for k, v in all_labels.items()]
    return "\n".join(lines) + "\n"


def pod_yaml(
    namespace: str,
    name: str,
    labels: Mapping[str, str] | None = None,
    served: Iterable[tuple[int, str]] = SERVED,
    named: bool = True,
    host_network: bool = False,
    pod_ip: str | None = None,
) -> str:
    """A bare Pod labelled `pod: <name>`, one agnhost container per served (port, protocol)."""
    all_labels = {"pod": name, **(labels or {})}
    lines = ["apiVersion: v1", "kind: Pod", "metadata:", f"  name: {name}"]
    lines += [f"  namespace: {namespace}", "  labels:"]
    lines += [f"    {k}: {_q(v)}" for k, v in all_labels.items()]
    lines.append("spec:")
    if host_network:
        lines.append("  hostNetwork: true")
    lines.append("  containers:")
    for port, proto in served:
        lines += [
            f"  - name: cont-{port}-{proto.lower()}",
            "    image: registry.k8s.io/e2e-test-images/agnhost:2.43",
            "    ports:",
            f"    - containerPort: {port}",
            f"      protocol: {proto}",
        ]
        if named:
            lines.append(f"      name: {port_name(port, proto)}")
    if pod_ip:
        lines += ["status:", f"  podIP: {pod_ip}", "  podIPs:", f"  - ip: {pod_ip}"]
    return "\n".join(lines) + "\n"


def e2e_model(
    pods: Sequence[str] = ALL_PODS,
    pod_labels: Mapping[str, Mapping[str, str]] | None = None,
    namespace_labels: Mapping[str, Mapping[str, str]] | None = None,
    pod_ips: Mapping[str, str] | None = None,
) -> str:
    """The whole model as one multi-document YAML text; extra labels/IPs keyed by "ns/pod"."""
    docs = [namespace_yaml(ns, (namespace_labels or {}).get(ns)) for ns in NAMESPACES]
    for pod in pods:
        ns, name = pod.split("/")
        docs.append(
            pod_yaml(ns, name, (pod_labels or {}).get(pod), pod_ip=(pod_ips or {}).get(pod))
        )
    return "---\n".join(docs)


def manifest(text: str) -> str:
    """Inline YAML as written in a test: dedented, first line of YAML is line 1."""
    return textwrap.dedent(text).lstrip("\n")


def _q(value: str) -> str:
    return f'"{value}"'


def endpoint_id(pod: str, kind: str = "Pod") -> str:
    return f"{pod}[{kind}]"


def evaluate(*files: tuple[str, str]) -> Evaluator:
    """Read (name, text) files with the real reader, insist on no errors, compile the engine."""
    from netviz.engine import Evaluator
    from netviz.k8s import load_texts

    from tests.tiered.crosscheck import checked

    cluster = load_texts(list(files))
    assert not cluster.errors, [p.as_dict() for p in cluster.errors]
    return checked(cluster) if not cluster.admin_policies else Evaluator(cluster)


def run(policies: str, model: str | None = None) -> Evaluator:
    """The e2e model in `model.yaml` plus the policies in `policy.yaml` (lines count from 1)."""
    files = [("model.yaml", model if model is not None else e2e_model())]
    if policies.strip():
        files.append(("policy.yaml", manifest(policies)))
    return evaluate(*files)


@dataclass(frozen=True)
class TruthTable:
    """Which (source, destination) pod pairs may connect for one (protocol, port)."""

    pods: tuple[str, ...]
    allowed: frozenset[tuple[str, str]]

    @classmethod
    def parse(cls, text: str) -> TruthTable:
        """Upstream's ASCII layout: a header row `- x/a x/b ...`, then `x/a . X ...` per source."""
        rows = [line.split() for line in text.strip().splitlines() if line.strip()]
        header = tuple(rows[0][1:])
        allowed = set()
        for row in rows[1:]:
            src, cells = row[0], row[1:]
            if len(cells) != len(header):
                raise ValueError(f"row {src} has {len(cells)} cells, header has {len(header)}")
            for dst, cell in zip(header, cells, strict=True):
                if cell not in (".", "X"):
                    raise ValueError(f"cell {src}->{dst} is {cell!r}, want '.' or 'X'")
                if cell == ".":
                    allowed.add((src, dst))
        return cls(header, frozenset(allowed))

    @classmethod
    def expect(
        cls,
        *rules: tuple[str, str, bool],
        default: bool = True,
        pods: Sequence[str] = ALL_PODS,
    ) -> TruthTable:
        """Start from `default`, apply (src pattern, dst pattern, allowed) rules in order.

        Patterns: "*", "x/*" (a namespace), "*/a" (a pod name), "x/a". Like upstream's
        ExpectPeer. Loopback (a pod to itself) stays allowed whatever the rules say.
        """
        cells = {(s, d): default for s in pods for d in pods}
        for src_pat, dst_pat, value in rules:
            for s, d in cells:
                if _matches(src_pat, s) and _matches(dst_pat, d):
                    cells[(s, d)] = value
        for p in pods:
            cells[(p, p)] = True
        return cls(tuple(pods), frozenset(k for k, v in cells.items() if v))

    def render(self) -> str:
        width = max(len(p) for p in self.pods)
        out = ["-".ljust(width) + " " + " ".join(p.ljust(width) for p in self.pods)]
        for s in self.pods:
            cells = ("." if (s, d) in self.allowed else "X" for d in self.pods)
            out.append(s.ljust(width) + " " + " ".join(c.ljust(width) for c in cells))
        return "\n".join(out)

    def mismatches(self, other: TruthTable) -> list[str]:
        out = []
        for s in self.pods:
            for d in self.pods:
                want, got = (s, d) in self.allowed, (s, d) in other.allowed
                if want != got:
                    out.append(f"{s} -> {d}: expected {'allowed' if want else 'blocked'}")
        return out


def _matches(pattern: str, pod: str) -> bool:
    if pattern == "*":
        return True
    p_ns, p_name = pattern.split("/")
    ns, name = pod.split("/")
    return p_ns in ("*", ns) and p_name in ("*", name)


def observed_table(
    analysis: Analysis, protocol: str, port: int, pods: Sequence[str] = ALL_PODS
) -> TruthTable:
    """The table the engine's connection list implies; loopback is allowed by project rule."""
    ids = {endpoint_id(p): p for p in pods}
    allowed = {(p, p) for p in pods}
    for conn in analysis.connections:
        if conn.src in ids and conn.dst in ids and (protocol, port) in conn.ports:
            allowed.add((ids[conn.src], ids[conn.dst]))
    return TruthTable(tuple(pods), frozenset(allowed))


def explained_table(
    ev: Evaluator, protocol: str, port: int, pods: Sequence[str] = ALL_PODS
) -> TruthTable:
    """The same table asked pair by pair through `Evaluator.explain`."""
    from netviz.engine.ports import PortSet

    asked = PortSet.single(protocol, port)
    allowed = {(p, p) for p in pods}
    for s in pods:
        for d in pods:
            if s != d and ev.explain(endpoint_id(s), endpoint_id(d), asked).is_allowed:
                allowed.add((s, d))
    return TruthTable(tuple(pods), frozenset(allowed))


def assert_reachability(ev: Evaluator, protocol: str, port: int, expected: TruthTable) -> None:
    """Both the connection list and explain() must agree with the hand-written table."""
    analysis = ev.analysis()
    ids = {endpoint_id(p) for p in expected.pods}
    loops = [c for c in analysis.connections if c.src == c.dst and c.src in ids]
    assert not loops, f"bare-pod loopback must not be listed: {loops}"
    for name, got in (
        ("analysis().connections", observed_table(analysis, protocol, port, expected.pods)),
        ("explain()", explained_table(ev, protocol, port, expected.pods)),
    ):
        wrong = expected.mismatches(got)
        assert not wrong, (
            f"{protocol}/{port} via {name}: {len(wrong)} wrong cell(s)\n"
            + "\n".join(wrong)
            + f"\nexpected:\n{expected.render()}\nobserved:\n{got.render()}"
        )


def external_ports(analysis: Analysis, src: str, ip: str) -> PortSet:
    """Ports `src` may open to address `ip`: the connection to the external range holding it."""
    return _external(analysis, ip, lambda c, rid: c.src == src and c.dst == rid)


def ports_from_external(analysis: Analysis, ip: str, dst: str) -> PortSet:
    """Ports address `ip` may open to `dst`."""
    return _external(analysis, ip, lambda c, rid: c.dst == dst and c.src == rid)


def _external(analysis: Analysis, ip: str, pick) -> PortSet:
    from netviz.engine.ports import PortSet

    addr = ipaddress.ip_address(ip)
    holders = [
        r
        for r in analysis.externals
        if ipaddress.ip_address(r.start).version == addr.version
        and ipaddress.ip_address(r.start) <= addr <= ipaddress.ip_address(r.end)
    ]
    assert len(holders) <= 1, f"{ip} lies in several external ranges: {holders}"
    if not holders:
        return PortSet.empty()
    found = PortSet.empty()
    for conn in analysis.connections:
        if pick(conn, holders[0].id):
            found = found | conn.ports
    return found


def allowed_ports(ev: Evaluator, src: str, dst: str) -> PortSet:
    """Allowed ports src -> dst from the connection list, insisting explain() says the same."""
    from netviz.engine.ports import PortSet

    listed = PortSet.empty()
    for conn in ev.analysis().connections:
        if conn.src == src and conn.dst == dst:
            listed = listed | conn.ports
    explained = ev.explain(src, dst, None).allowed
    assert listed == explained, f"{src}->{dst}: connections say {listed}, explain says {explained}"
    return listed
