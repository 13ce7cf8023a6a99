"""Overly broad allows: from anywhere, from the whole internet, from every namespace, to anywhere."""

from __future__ import annotations

from collections.abc import Iterator

from netviz.findings.checks.base import finding, rule_key
from netviz.findings.facts import (
    PEER_FIELD,
    Facts,
    RuleView,
    is_open_namespace_selector,
    is_whole_internet,
    peer_path,
    policy_subject,
    rule_path,
)
from netviz.findings.model import Finding
from netviz.k8s.model import PortSpec


def ports_text(ports: tuple[PortSpec, ...]) -> list[str]:
    """The port entries as written: `TCP 80`, `TCP 8000-8080`, `UDP http`, `TCP all`."""
    out = []
    for s in ports:
        if s.port is None:
            out.append(f"{s.protocol} all")
        elif s.end_port is not None:
            out.append(f"{s.protocol} {s.port}-{s.end_port}")
        else:
            out.append(f"{s.protocol} {s.port}")
    return out


def _data(facts: Facts, view: RuleView, peer: int | None, **extra) -> dict:
    cp = facts.compiled_policies[view.compiled.policy]
    return {
        "policy": view.policy.id,
        "direction": view.direction,
        "rule": view.index,
        "peer": peer,
        "ports": ports_text(view.rule.ports),
        "all_ports": not view.rule.ports,
        "selected": [e.id for e in facts.selected(cp)],
        **extra,
    }


def _emit(check, severity, facts, view, qi, **extra) -> Finding:
    p = view.policy
    if qi is None:
        path, key, line = rule_path(view.direction, view.index), "", view.rule.line
    else:
        path = peer_path(view.direction, view.index, qi)
        key, line = f"{PEER_FIELD[view.direction]}[{qi}]", view.rule.peers[qi].line
    subject = policy_subject(p, path, line or view.rule.line)
    data = _data(facts, view, qi, **extra)
    return finding(
        check, severity, rule_key(p.id, view.direction, view.index, key), [subject], data
    )


def check_broad(facts: Facts) -> Iterator[Finding]:
    taken = set(facts.ns_labels)
    for view in facts.rules():
        if not view.effective:
            continue
        rule = view.rule
        wide_open = "danger" if not rule.ports else "warning"
        if view.direction == "ingress":
            if not rule.peers:
                yield _emit("ingress-from-anywhere", wide_open, facts, view, None)
            for qi, peer in enumerate(rule.peers):
                if peer.ip_block is not None and is_whole_internet(peer.ip_block):
                    extra = {"cidr": peer.ip_block.cidr, "except": list(peer.ip_block.excepts)}
                    yield _emit("ingress-from-internet", wide_open, facts, view, qi, **extra)
                elif peer.namespace_selector is not None and is_open_namespace_selector(
                    peer.namespace_selector, taken
                ):
                    extra = {
                        "namespaces": facts.namespaces_matching(peer.namespace_selector),
                        "pod_selector": peer.pod_selector is not None
                        and not peer.pod_selector.is_empty,
                    }
                    yield _emit("ingress-from-all-namespaces", "warning", facts, view, qi, **extra)
        else:
            severity = "warning" if not rule.ports else "info"
            if not rule.peers:
                yield _emit("egress-to-anywhere", severity, facts, view, None)
            for qi, peer in enumerate(rule.peers):
                if peer.ip_block is not None and is_whole_internet(peer.ip_block):
                    extra = {"cidr": peer.ip_block.cidr, "except": list(peer.ip_block.excepts)}
                    yield _emit("egress-to-anywhere", severity, facts, view, qi, **extra)
