"""Port entries that point at nothing: named ports not defined, numbers no destination listens on."""

from __future__ import annotations

from collections.abc import Iterator

from netviz.findings.checks.base import finding, rule_key
from netviz.findings.facts import Facts, RuleView, policy_subject, port_path
from netviz.findings.model import Finding
from netviz.k8s.model import Endpoint


def _destinations(facts: Facts, view: RuleView) -> tuple[list[Endpoint], bool]:
    """The endpoints a rule's ports are read at, and whether external addresses are among them."""
    if view.direction == "ingress":
        return facts.selected(facts.compiled_policies[view.compiled.policy]), False
    match = view.compiled.match
    return facts.members(match), bool(match[facts.pods :].any())


def _emit(check, severity, view: RuleView, qi: int, data: dict) -> Finding:
    p = view.policy
    spec = view.rule.ports[qi]
    subject = policy_subject(p, port_path(view.direction, view.index, qi), spec.line)
    key = rule_key(p.id, view.direction, view.index, f"ports[{qi}]")
    base = {"policy": p.id, "direction": view.direction, "rule": view.index, "port_index": qi}
    return finding(check, severity, key, [subject], {**base, **data})


def check_named_ports(facts: Facts) -> Iterator[Finding]:
    for view in facts.rules():
        if not view.effective or not any(isinstance(s.port, str) for s in view.rule.ports):
            continue
        dests, _ = _destinations(facts, view)
        if not dests:
            continue
        for qi, spec in enumerate(view.rule.ports):
            if not isinstance(spec.port, str):
                continue
            missing = [
                e.id
                for e in dests
                if not any(p.name == spec.port and p.protocol == spec.protocol for p in e.ports)
            ]
            if not missing:
                continue
            data = {
                "port": spec.port,
                "protocol": spec.protocol,
                "destinations": len(dests),
                "missing": missing,
            }
            severity = "warning" if len(missing) == len(dests) else "info"
            yield _emit("named-port-undefined", severity, view, qi, data)


def check_unused_ports(facts: Facts) -> Iterator[Finding]:
    for view in facts.rules():
        if not view.effective or not any(isinstance(s.port, int) for s in view.rule.ports):
            continue
        dests, external = _destinations(facts, view)
        # Only when every destination says what it listens on: otherwise it may listen anywhere.
        if external or not dests or any(not e.ports for e in dests):
            continue
        for qi, spec in enumerate(view.rule.ports):
            if not isinstance(spec.port, int):
                continue
            end = spec.end_port if spec.end_port is not None else spec.port
            if any(
                p.protocol == spec.protocol and spec.port <= p.port <= end
                for e in dests
                for p in e.ports
            ):
                continue
            shown = f"{spec.port}-{end}" if end != spec.port else str(spec.port)
            declared = sorted({f"{p.protocol} {p.port}" for e in dests for p in e.ports})
            data = {
                "ports": f"{spec.protocol} {shown}",
                "destinations": [e.id for e in dests],
                "declared": declared,
            }
            yield _emit("port-not-listening", "info", view, qi, data)
