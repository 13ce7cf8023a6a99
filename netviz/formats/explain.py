"""One pair's verdict in words (text) or as data (JSON): which rules allow, which policies deny."""

from __future__ import annotations

import ipaddress

from netviz.engine.ports import PortSet
from netviz.engine.result import Decision, DecisionStep, DirectionVerdict, Explanation
from netviz.formats.connections import ordered_caveats
from netviz.formats.jsonout import dump_json
from netviz.formats.words import describe_caveat, describe_miss, describe_rule, location


def _side_ports(verdict: DirectionVerdict, asked: PortSet) -> PortSet:
    return verdict.allowed & asked


def _asked_words(asked: PortSet) -> str:
    return "all ports" if asked.is_all() else str(asked)


def _direction_to_json(verdict: DirectionVerdict, explanation: Explanation) -> dict:
    other = explanation.src if verdict.direction == "ingress" else explanation.dst
    asked = _asked_words(explanation.asked)
    allowed = _side_ports(verdict, explanation.asked)
    return {
        "allowed": not allowed.is_empty(),
        "isolated": verdict.isolated,
        "ports": allowed.as_json(),
        "allowed_by": [
            {**ref.as_dict(), "ports": ports.as_json()} for ref, ports in verdict.allowed_by
        ],
        "denied_by": [
            {
                "policy": d.policy,
                "file": d.file,
                "line": d.line,
                "reasons": [
                    {
                        "rule_index": m.rule_index,
                        "reason": m.reason,
                        "line": m.line,
                        "message": describe_miss(m, verdict.direction, other, asked),
                    }
                    for m in d.misses
                ],
            }
            for d in verdict.denied_by
        ],
        "caveats": [c.as_dict() for c in ordered_caveats(verdict.caveats)],
        # Only with tiered policies in the input: NetworkPolicy-only output stays as it was.
        **(
            {"decisions": [_decision_json(d) for d in verdict.decisions]}
            if verdict.decisions
            else {}
        ),
    }


_ACTION_WORDS = {"allow": "Allow", "deny": "Deny", "pass": "Pass", "log": "Log"}


def describe_step(step: DecisionStep) -> str:
    """`[Admin] platform-guardrails (10) ingress 'pass-monitoring' Pass`,
    `[NetworkPolicy] monitoring/allow-scrape ingress[0] Allow`."""
    if step.kind == "NetworkPolicy":
        if step.rule_index is None:
            return f"[NetworkPolicy] {step.policy} isolates {step.direction}: no rule allows, Deny"
        return f"[NetworkPolicy] {step.policy} {step.direction}[{step.rule_index}] Allow"
    name = step.policy.split("/", 1)[-1]
    priority = f" ({step.priority})" if step.priority is not None else ""
    rule = f"'{step.rule_name}'" if step.rule_name else f"[{step.rule_index}]"
    action = _ACTION_WORDS.get(step.action, step.action)
    if step.kind == "ClusterNetworkPolicy" and step.action == "allow":
        action = "Accept"
    return f"[{step.tier}] {name}{priority} {step.direction} {rule} {action}"


def describe_decision(decision: Decision) -> str:
    verdict = "allowed" if decision.verdict == "allow" else "denied"
    if not decision.steps:
        return f"no tier decided: {verdict}"
    return " → ".join(describe_step(s) for s in decision.steps) + f" → {verdict}"


def _decision_json(decision: Decision) -> dict:
    return {**decision.as_dict(), "path": describe_decision(decision)}


def explanation_to_json(explanation: Explanation) -> dict:
    return {
        "src": explanation.src,
        "dst": explanation.dst,
        "asked": explanation.asked.as_json(),
        "allowed": explanation.is_allowed,
        "ports": explanation.allowed.as_json(),
        "egress": _direction_to_json(explanation.egress, explanation),
        "ingress": _direction_to_json(explanation.ingress, explanation),
    }


def _is_range(endpoint_id: str) -> bool:
    """Whether an id that is not a workload's names an address range (else a domain endpoint)."""
    try:
        ipaddress.ip_address(endpoint_id.split("-", 1)[0])
    except ValueError:
        return False
    return True


def _direction_text(verdict: DirectionVerdict, explanation: Explanation) -> list[str]:
    asked = explanation.asked
    if verdict.direction == "egress":
        head, other = f"Egress from {explanation.src}", explanation.dst
    else:
        head, other = f"Ingress to {explanation.dst}", explanation.src
    allowed = _side_ports(verdict, asked)
    caveats = ordered_caveats(verdict.caveats)
    if any(c.code == "self" for c in caveats):
        lines = [f"{head}: allowed (loopback: a pod always reaches itself, whatever the policies)"]
        caveats = [c for c in caveats if c.code != "self"]
    elif not verdict.isolated:
        subject = explanation.src if verdict.direction == "egress" else explanation.dst
        # Workload ids end in [Kind]; the others are address ranges, which no policy governs.
        why = (
            f"no policy selects it for {verdict.direction}"
            if subject.endswith("]")
            else "an address outside the cluster"
            if _is_range(subject)
            else "a domain name outside the cluster"
        )
        lines = [f"{head}: allowed ({why})"]
    elif allowed.is_empty():
        lines = [f"{head}: DENIED"]
    elif allowed == asked:
        lines = [f"{head}: allowed"]
    else:
        lines = [f"{head}: partly allowed ({allowed} of {_asked_words(asked)})"]
    if verdict.allowed_by:
        lines.append("  allowed by:")
        for ref, ports in verdict.allowed_by:
            lines.append(f"    - {describe_rule(ref)}: {ports}")
    if verdict.denied_by:
        if allowed.is_empty():
            lines.append("  no rule of these isolating policies allows it:")
        else:
            # Policies add up: these deny nothing by themselves, but show what else was checked.
            lines.append("  isolating policies that do not allow all of it:")
        for denial in verdict.denied_by:
            where = location(denial.file, denial.line)
            name = f"{denial.policy} ({where})" if where else denial.policy
            misses = [
                describe_miss(m, verdict.direction, other, _asked_words(asked))
                for m in denial.misses
            ]
            if len(misses) == 1 and denial.misses[0].reason == "no-rules":
                lines.append(f"    - {name} {misses[0]}")
                continue
            lines.append(f"    - {name}:")
            lines += [f"        {m}" for m in misses]
    if verdict.decisions:
        lines.append("  decisions:")
        for d in verdict.decisions:
            lines.append(f"    - {d.ports}: {describe_decision(d)}")
    for caveat in caveats:
        lines.append(f"  caveat: {describe_caveat(caveat)}")
    return lines


def render_explanation_text(explanation: Explanation) -> str:
    verdict = f"ALLOWED ({explanation.allowed})" if explanation.is_allowed else "DENIED"
    lines = [
        f"From:    {explanation.src}",
        f"To:      {explanation.dst}",
        f"Asked:   {_asked_words(explanation.asked)}",
        f"Verdict: {verdict}",
        "",
        *_direction_text(explanation.egress, explanation),
        "",
        *_direction_text(explanation.ingress, explanation),
    ]
    return "\n".join(lines) + "\n"


def render_explanation_json(explanation: Explanation) -> str:
    return dump_json(explanation_to_json(explanation), depth=3)
