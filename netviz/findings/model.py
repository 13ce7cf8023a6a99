"""What the findings layer answers, as data: findings, per-endpoint exposure and blast radius."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Literal

from netviz.engine.ports import PortSet

Severity = Literal["info", "warning", "danger"]
SEVERITIES: tuple[Severity, ...] = ("info", "warning", "danger")
RANK: dict[str, int] = {s: i for i, s in enumerate(SEVERITIES)}


def at_or_above(severity: str, threshold: str) -> bool:
    return RANK[severity] >= RANK[threshold]


@dataclass(frozen=True, order=True)
class Subject:
    """A resource a finding is about, where it is written, and (optionally) which part of it.

    `path` is a manifest path such as `spec.ingress[0].from[1]`, empty for the whole object.
    """

    kind: str
    namespace: str | None
    name: str
    file: str = ""
    line: int = 0
    path: str = ""

    @property
    def ref(self) -> str:
        name = f"{self.namespace}/{self.name}" if self.namespace else self.name
        return f"{self.kind} {name}" + (f" {self.path}" if self.path else "")

    def as_dict(self) -> dict:
        return {
            "kind": self.kind,
            "namespace": self.namespace,
            "name": self.name,
            "file": self.file,
            "line": self.line,
            "path": self.path,
        }


@dataclass(frozen=True)
class Finding:
    """One thing a reviewer should look at. `id` stays the same across revisions of the input.

    `data` holds the numbers, names and ports the `message` is made from (JSON-ready values).
    """

    id: str
    check: str
    severity: Severity
    subjects: tuple[Subject, ...]
    data: Mapping[str, object] = field(default_factory=dict, hash=False, compare=False)
    message: str = ""
    fix_yaml: str | None = None

    def as_dict(self) -> dict:
        return {
            "id": self.id,
            "check": self.check,
            "severity": self.severity,
            "message": self.message,
            "subjects": [s.as_dict() for s in self.subjects],
            "data": dict(self.data),
            "fix_yaml": self.fix_yaml,
        }


def findings_to_json(findings: Iterable[Finding]) -> list[dict]:
    return [f.as_dict() for f in findings]


def count_by_severity(findings: Iterable[Finding]) -> dict[str, int]:
    """`{"info": n, "warning": n, "danger": n}`, every key present."""
    out = dict.fromkeys(SEVERITIES, 0)
    for f in findings:
        out[f.severity] += 1
    return out


# Exposure levels, least to most exposed; `Exposure.score` sorts within a level.
ExposureLevel = Literal["none", "namespace", "cluster", "any-namespace", "external"]
LEVELS: tuple[ExposureLevel, ...] = ("none", "namespace", "cluster", "any-namespace", "external")


@dataclass(frozen=True)
class Exposure:
    """Who can reach one endpoint, and where it can send outside the cluster.

    `namespaces`: namespaces of the input with an endpoint that may connect to it (its own
    included). `any_namespace_ports`: what a pod in a namespace not yet created may reach (empty
    when nothing). `external_in` / `external_out`: external ranges (ids) it may be reached from /
    send to, with the union of ports.
    """

    endpoint: str
    level: ExposureLevel
    namespaces: tuple[str, ...]
    sources: int  # in-cluster endpoints that may connect to it
    any_namespace_ports: PortSet
    external_in: tuple[str, ...]
    external_in_ports: PortSet
    external_out: tuple[str, ...]
    external_out_ports: PortSet
    ingress_isolated: bool
    egress_isolated: bool

    @property
    def score(self) -> tuple:
        """Sort key, larger is more exposed: level, then breadth."""
        return (
            LEVELS.index(self.level),
            len(self.external_in),
            not self.any_namespace_ports.is_empty(),
            len(self.namespaces),
            self.sources,
            len(self.external_out),
        )

    def as_dict(self) -> dict:
        return {
            "endpoint": self.endpoint,
            "level": self.level,
            "namespaces": list(self.namespaces),
            "sources": self.sources,
            "any_namespace": not self.any_namespace_ports.is_empty(),
            "any_namespace_ports": str(self.any_namespace_ports),
            "external_in": list(self.external_in),
            "external_in_ports": str(self.external_in_ports),
            "external_out": list(self.external_out),
            "external_out_ports": str(self.external_out_ports),
            "ingress_isolated": self.ingress_isolated,
            "egress_isolated": self.egress_isolated,
        }


@dataclass(frozen=True)
class Reach:
    """One node reached from (or reaching) the origin: hop count and one shortest path.

    `path` runs in traffic direction (source first), origin included; `ports` is what each
    step of the path allows.
    """

    node: str
    hops: int
    path: tuple[str, ...]
    ports: tuple[str, ...]
    external: bool = False

    def as_dict(self) -> dict:
        return {
            "node": self.node,
            "hops": self.hops,
            "external": self.external,
            "path": list(self.path),
            "ports": list(self.ports),
        }


@dataclass(frozen=True)
class BlastRadius:
    """Everything `origin` can reach transitively (or, `reverse`, everything that can reach it)."""

    origin: str
    reverse: bool
    reached: tuple[Reach, ...]

    @property
    def by_hop(self) -> dict[int, list[str]]:
        out: dict[int, list[str]] = {}
        for r in self.reached:
            out.setdefault(r.hops, []).append(r.node)
        return out

    @property
    def external(self) -> bool:
        return any(r.external for r in self.reached)

    def as_dict(self) -> dict:
        return {
            "origin": self.origin,
            "reverse": self.reverse,
            "count": len(self.reached),
            "max_hops": max((r.hops for r in self.reached), default=0),
            "external": self.external,
            "by_hop": {str(k): v for k, v in sorted(self.by_hop.items())},
            "reached": [r.as_dict() for r in self.reached],
        }
