"""Words for the engine's data: rule references, caveat codes, rule misses and parse problems."""

from __future__ import annotations

from netviz.engine.result import Caveat, RuleMiss, RuleRef
from netviz.k8s.model import Direction, Problem


def peer_field(direction: Direction) -> str:
    """The manifest field that lists a rule's peers: `from` for ingress, `to` for egress."""
    return "from" if direction == "ingress" else "to"


def location(file: str, line: int) -> str:
    """`file:line`, or whatever part of it is known."""
    if file and line:
        return f"{file}:{line}"
    if file:
        return file
    return f"line {line}" if line else ""


def describe_rule(ref: RuleRef) -> str:
    """e.g. `x/allow-web ingress rule 0, from[1], ports[0] (policies.yaml:14)`."""
    text = f"{ref.policy_id} {ref.direction} rule {ref.rule_index}"
    if ref.kind != "NetworkPolicy":  # a tiered rule: its tier, priority, name and action
        priority = f" ({ref.priority})" if ref.priority is not None else ""
        name = f" '{ref.rule_name}'" if ref.rule_name else ""
        action = {"allow": "Allow", "deny": "Deny", "pass": "Pass"}.get(ref.action, ref.action)
        if ref.kind == "ClusterNetworkPolicy" and ref.action == "allow":
            action = "Accept"
        text = f"[{ref.tier}] {ref.policy_id}{priority} {ref.direction} rule {ref.rule_index}"
        text += f"{name} {action}"
    if ref.peer_index is not None:
        text += f", {peer_field(ref.direction)}[{ref.peer_index}]"
    if ref.port_index is not None:
        text += f", ports[{ref.port_index}]"
    where = location(ref.file, ref.line)
    return f"{text} ({where})" if where else text


# Each text reads after the endpoint id; `{detail}` and `{policy}` are filled in where known.
_CAVEATS = {
    "ipblock-matches-pod-ip": (
        "has pod IP {detail} inside an ipBlock of {policy}; netviz applies ipBlock only to "
        "addresses outside the cluster, but some network plugins apply it to pod IPs too"
    ),
    "host-network-pod": (
        "uses the host network; netviz treats it as never isolated and matched only by ipBlocks "
        "containing its node address, but some network plugins treat it like an ordinary pod"
        "{policy_clause}"
    ),
    "self": "is the same pod at both ends: traffic to itself over loopback is always allowed",
    "networks-may-cover-pods": (
        "has no known pod IP; the networks peer {detail} of {policy} matches pods by IP too, so "
        "it may apply to it (netviz matches networks only to pods whose status.podIP is given)"
    ),
    "domain-not-resolved": (
        "is a domainNames pattern; netviz does not resolve DNS, so ipBlocks and networks never "
        "match it and only rules that reach anywhere or name the pattern do, but its names may "
        "resolve to addresses other rules cover"
    ),
    "domain-overlap": (
        "stands only for the names it matches that no more specific pattern names; the more "
        "specific patterns ({detail}) are endpoints of their own, which rules for this wildcard "
        "also reach"
    ),
    "host-endpoint-without-ips": (
        "({detail}) has no expectedIPs: the traffic through it has no address netviz knows, so "
        "no connection to or from it is shown; no rule selector matches it either (Calico "
        "matches host endpoints in rules by expectedIPs)"
    ),
}


def describe_caveat(caveat: Caveat) -> str:
    """One sentence naming the endpoint, the policy and rule concerned, and both readings."""
    template = _CAVEATS.get(caveat.code)
    if template is None:
        # A code added to the engine after this table: still say everything the data holds.
        text = f"{caveat.endpoint}: {caveat.code}"
        if caveat.policy:
            text += f" ({caveat.policy})"
        if caveat.detail:
            text += f": {caveat.detail}"
    else:
        text = f"{caveat.endpoint} " + template.format(
            detail=caveat.detail or "an address",
            policy=caveat.policy or "a policy",
            policy_clause=f", which {caveat.policy} would then select or match"
            if caveat.policy
            else "",
        )
    if caveat.rule is not None:
        text += f" [{describe_rule(caveat.rule)}]"
    return text


def describe_miss(miss: RuleMiss, direction: Direction, other: str, asked: str) -> str:
    """Why one rule of an isolating policy did not allow the traffic asked about."""
    if miss.reason == "no-rules":
        return f"has no {direction} rules, so it allows no {direction} traffic"
    rule = f"{direction} rule {miss.rule_index}" if miss.rule_index is not None else direction
    if miss.line:
        rule += f" (line {miss.line})"
    if miss.reason == "peer":
        return f"{rule}: no `{peer_field(direction)}` entry matches {other}"
    return f"{rule}: a peer matches but its ports do not cover {asked}"


def describe_problem(problem: Problem) -> str:
    """`file:line (document N): error: message`; the object is named when the reader knew it."""
    src = problem.source
    where = f"{src.file}:{src.line} (document {src.doc})" if src.doc else src.file
    what = ""
    if problem.kind or problem.name:
        name = "/".join(p for p in (problem.namespace, problem.name) if p)
        what = " ".join(p for p in (problem.kind, name) if p) + ": "
    return f"{where}: {problem.severity}: {what}{problem.message}"
