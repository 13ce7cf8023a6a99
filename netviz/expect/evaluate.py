"""Check Statements against the computed connectivity; each violation keeps the rules behind it.

For a `deny` broken by an allowed pair, the reasons are the grants: per direction, the rules that
allow the ports (or that the side is not isolated). For an `allow` broken by a denied pair, the
reasons are the explanation's denials: per direction, the policies that isolate the endpoint and
have no rule for it. Reasons are data; netviz.expect.render words them.
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass

from netviz.engine import Evaluator
from netviz.engine.ports import PortSet
from netviz.engine.result import Connection, ExternalRange, RuleRef
from netviz.engine.selectors import matches
from netviz.expect.schema import Endpoints, Match, Statement
from netviz.k8s.model import NS_NAME_LABEL, Endpoint

SHOWN_PAIRS = 5  # pairs explained per violated statement; the rest are counted


@dataclass(frozen=True)
class Reason:
    """Why one side lets the pair through (`rule`, or not isolated) or stops it (`policy`)."""

    direction: str  # "egress" (of the source) | "ingress" (of the destination)
    rule: RuleRef | None = None  # a rule that allows (deny violations)
    policy: str | None = None  # a policy that isolates without allowing (allow violations)
    file: str = ""
    line: int = 0
    not_isolated: bool = False

    def as_dict(self) -> dict:
        return {
            "direction": self.direction,
            "rule": self.rule.as_dict() if self.rule else None,
            "policy": self.policy,
            "file": self.file,
            "line": self.line,
            "not_isolated": self.not_isolated,
        }


@dataclass(frozen=True)
class Violation:
    """One pair that breaks the statement: `ports` allowed (deny) or missing (allow)."""

    src: str
    dst: str
    ports: PortSet
    reasons: tuple[Reason, ...]

    def as_dict(self) -> dict:
        return {
            "src": self.src,
            "dst": self.dst,
            "ports": str(self.ports),
            "reasons": [r.as_dict() for r in self.reasons],
        }


@dataclass(frozen=True)
class Outcome:
    """A statement's result: `count` offending pairs, the first SHOWN_PAIRS of them explained.

    `empty` names the side (from/to) that matches nothing: a typo must not pass as "no pair".
    """

    statement: Statement
    count: int
    violations: tuple[Violation, ...]
    empty: str | None = None

    @property
    def passed(self) -> bool:
        return self.count == 0 and self.empty is None


def _in_cidr(x: ExternalRange, cidr: str) -> bool:
    net = ipaddress.ip_network(cidr)
    if net.version != x.version:
        return False
    start, end = ipaddress.ip_address(x.start), ipaddress.ip_address(x.end)
    return start <= net.broadcast_address and end >= net.network_address


class _Matcher:
    def __init__(self, evaluator: Evaluator) -> None:
        analysis = evaluator.analysis()
        self.endpoints: list[Endpoint] = list(analysis.endpoints)
        self.externals: list[ExternalRange] = list(analysis.externals)
        declared = {ns.name: ns.labels for ns in evaluator.cluster.namespaces}
        self.ns_labels = {
            e.namespace: declared.get(e.namespace) or {NS_NAME_LABEL: e.namespace}
            for e in self.endpoints
        }
        self.all = {e.id for e in self.endpoints} | {x.id for x in self.externals}

    def _one(self, m: Match) -> set[str]:
        if m.everything:
            return set(self.all)
        if m.external:
            return {x.id for x in self.externals if m.cidr is None or _in_cidr(x, m.cidr)}
        out = set()
        for e in self.endpoints:
            if m.namespace is not None and e.namespace != m.namespace:
                continue
            if m.name is not None and e.name != m.name:
                continue
            if m.kind is not None and e.kind.lower() != m.kind.lower():
                continue
            if m.pod_selector is not None and not matches(m.pod_selector, e.labels):
                continue
            if m.namespace_selector is not None and not matches(
                m.namespace_selector, self.ns_labels[e.namespace]
            ):
                continue
            out.add(e.id)
        return out

    def ids(self, endpoints: Endpoints) -> set[str]:
        found: set[str] = set().union(*(self._one(m) for m in endpoints.matches))
        return self.all - found if endpoints.negate else found


def _grant_reasons(conn: Connection, asked: PortSet | None) -> tuple[Reason, ...]:
    out: dict[tuple, Reason] = {}
    for grant in conn.grants:
        if asked is not None and (grant.ports & asked).is_empty():
            continue
        for direction, refs in (("egress", grant.egress), ("ingress", grant.ingress)):
            if refs is None:
                out.setdefault((direction,), Reason(direction, not_isolated=True))
            for ref in refs or ():
                out.setdefault((direction, ref), Reason(direction, rule=ref))
    return tuple(out.values())


def _denial_reasons(evaluator: Evaluator, src: str, dst: str, asked: PortSet | None):
    explanation = evaluator.explain(src, dst, asked)
    out = []
    for verdict in (explanation.egress, explanation.ingress):
        wanted = asked if asked is not None else PortSet.all()
        if not verdict.isolated or (asked is not None and wanted.issubset(verdict.allowed)):
            continue
        if asked is None and not verdict.allowed.is_empty():
            continue
        for denial in verdict.denied_by:
            out.append(
                Reason(verdict.direction, policy=denial.policy, file=denial.file, line=denial.line)
            )
    return tuple(out)


def check(evaluator: Evaluator, statements: list[Statement]) -> list[Outcome]:
    """One Outcome per statement, in the file's order."""
    matcher = _Matcher(evaluator)
    analysis = evaluator.analysis()
    by_pair = {(c.src, c.dst): c for c in analysis.connections}
    outcomes = []
    for s in statements:
        srcs, dsts = matcher.ids(s.src), matcher.ids(s.dst)
        empty = "from" if not srcs else "to" if not dsts else None
        violations: list[Violation] = []
        count = 0
        if s.kind == "deny":
            hits = []
            for (a, b), conn in by_pair.items():
                if a == b or a not in srcs or b not in dsts:
                    continue
                hit = conn.ports if s.ports is None else conn.ports & s.ports
                if not hit.is_empty():
                    hits.append((a, b, hit, conn))
            hits.sort(key=lambda h: (h[0], h[1]))
            count = len(hits)
            for a, b, hit, conn in hits[:SHOWN_PAIRS]:
                violations.append(Violation(a, b, hit, _grant_reasons(conn, s.ports)))
        else:
            for a in sorted(srcs):
                for b in sorted(dsts):
                    if a == b:
                        continue
                    conn = by_pair.get((a, b))
                    allowed = conn.ports if conn is not None else PortSet.empty()
                    if s.ports is None:
                        missing = PortSet.all() if allowed.is_empty() else PortSet.empty()
                    else:
                        missing = s.ports - allowed
                    if missing.is_empty():
                        continue
                    count += 1
                    if len(violations) < SHOWN_PAIRS:
                        reasons = _denial_reasons(evaluator, a, b, s.ports)
                        violations.append(Violation(a, b, missing, reasons))
        outcomes.append(Outcome(s, count, tuple(violations), empty))
    return outcomes
