"""One pair's explanation for the edge page: URL slugs, a per-revision evaluator cache, YAML excerpts.

The slug scheme lives here and in `edgeSlug` of static/js/review.js; keep the two alike.
"""

from __future__ import annotations

import re
import threading
from collections import OrderedDict
from collections.abc import Iterable
from dataclasses import dataclass

from netviz.engine import Evaluator
from netviz.engine.ports import MAX_PORT, MIN_PORT, PortRange, PortSet
from netviz.engine.result import RuleRef
from netviz.formats import describe_caveat, describe_rule, explanation_to_json
from netviz.formats.explain import describe_decision, describe_step
from netviz.formats.words import describe_miss
from netviz.k8s import load_texts
from netviz.k8s.model import PROTOCOLS, Policy
from netviz.web import store
from netviz.web.expectations import is_not_manifest
from netviz.web.filters import endpoint_labels
from netviz.web.models import Revision
from netviz.web.services import reader_limits
from netviz.web.store import cache_key

_WORKLOAD_ID = re.compile(r"^([^/]*)/(.*)\[([^\]]*)\]$")

# Evaluators of the last few revisions looked at: compiling a big cluster takes a second or two,
# and one holds its whole analysis once the findings ask for it (~1 GB at 5,000 workloads).
CACHE_SIZE = 2
_cache: OrderedDict[tuple, Evaluator] = OrderedDict()
_lock = threading.Lock()


def slug(endpoint_id: str) -> str:
    """`ns/name[Kind]` → `ns~name~Kind`; address ranges (`start-end`) stay as they are."""
    m = _WORKLOAD_ID.match(endpoint_id)
    return f"{m.group(1)}~{m.group(2)}~{m.group(3)}" if m else endpoint_id


def slugs(snapshot: dict) -> dict[str, str]:
    """slug → endpoint id for every endpoint and external range of a stored snapshot."""
    ids = [e["id"] for e in snapshot.get("endpoints", ())]
    ids += [x["id"] for x in snapshot.get("externals", ())]
    return {slug(i): i for i in ids}


def evaluator(revision: Revision) -> Evaluator:
    """The revision's files parsed and compiled again, kept for the next question about it."""
    key = cache_key(revision)
    with _lock:
        found = _cache.get(key)
        if found is not None:
            _cache.move_to_end(key)
            return found
    # Not netviz-expect.yaml nor netviz-baseline.json (netviz.web.expectations).
    files = [
        (f.name, bytes(f.content)) for f in revision.files.all() if not is_not_manifest(f.name)
    ]
    made = Evaluator(load_texts(files, limits=reader_limits()))
    with _lock:
        _cache[key] = made
        while len(_cache) > CACHE_SIZE:
            _cache.popitem(last=False)
    return made


def asked_ports(protocol: str | None, port: int | None) -> PortSet | None:
    """The ports a question is about: one port, one protocol, or everything (None). ICMP,
    ICMPv6, UDPLite: that protocol, of ICMP and ICMPv6 with `port` only that ICMP type."""
    if protocol is not None and protocol not in PROTOCOLS:
        return PortSet.of_protocol(protocol, None if port is None else (port, port))
    if port is not None:
        return PortSet(PortRange(p, port, port) for p in ([protocol] if protocol else PROTOCOLS))
    if protocol:
        return PortSet.single(protocol, MIN_PORT, MAX_PORT)
    return None


def stored_connection(revision: Revision, src: str, dst: str) -> dict | None:
    """The stored connection of this pair, found by binary search in the revision's pairs."""
    stored = store.load(revision)
    at = stored.find(src, dst)
    return None if at is None else stored.connection(at)


@dataclass(frozen=True)
class Excerpt:
    """A policy's YAML with some lines marked: `rule` for the whole rule, `hit` for the entry."""

    policy: str
    file: str
    lines: list[tuple[int, str, str]]  # (file line, text, css class)

    @property
    def first(self) -> int:
        """The first marked line, which the caption names."""
        return next((no for no, _t, cls in self.lines if cls), 0)


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip(" "))


def rule_span(text_lines: list[str], first: int) -> range:
    """Indexes of the rule starting at `first`: the `- ` line and everything indented below it."""
    if not 0 <= first < len(text_lines):
        return range(0)
    base = _indent(text_lines[first])
    end = first + 1
    while end < len(text_lines):
        line = text_lines[end]
        if line.strip() and _indent(line) <= base:
            break
        end += 1
    while end > first + 1 and not text_lines[end - 1].strip():
        end -= 1
    return range(first, end)


def excerpt(policy: Policy, rule_lines: Iterable[int], hits: set[int] = frozenset()) -> Excerpt:
    """The policy's text with the rules starting at file lines `rule_lines` marked, and lines
    `hits` (the peer or port entry that decides) marked more."""
    start = policy.source.line if policy.source else 1
    lines = policy.text.splitlines()
    spans = set()
    for line in rule_lines:
        if line:
            spans.update(rule_span(lines, line - start))
    marked = []
    for i, text in enumerate(lines):
        no = start + i
        cls = "hit" if no in hits else ("rule" if i in spans else "")
        marked.append((no, text, cls))
    return Excerpt(policy.id, policy.source.file if policy.source else "", marked)


def _rule_hits(policy: Policy, ref: RuleRef) -> set[int]:
    rules = policy.rules(ref.direction)
    if not 0 <= ref.rule_index < len(rules):
        return set()
    rule = rules[ref.rule_index]
    hits = set()
    if ref.peer_index is not None and ref.peer_index < len(rule.peers):
        hits.add(rule.peers[ref.peer_index].line)
    if ref.port_index is not None and ref.port_index < len(rule.ports):
        hits.add(rule.ports[ref.port_index].line)
    return hits


def _rule_line(policy: Policy, ref: RuleRef) -> int:
    rules = policy.rules(ref.direction)
    return rules[ref.rule_index].line if 0 <= ref.rule_index < len(rules) else ref.line


def _side(ev: Evaluator, explanation, verdict, data: dict, labels: dict, shown: dict) -> dict:
    """One direction of the explanation with each rule and denial shown in its policy's YAML.

    Only what decides the verdict: the isolating policies that allow nothing are listed only for
    the ports this side does not allow. `shown` collects one excerpt per policy for the whole
    panel (policy id → marked rule lines and hits), so a policy's YAML appears once."""
    policies = {p.id: p for p in ev.policies}
    other_id = explanation.src if verdict.direction == "ingress" else explanation.dst
    other = labels.get(other_id, other_id)
    allowed = verdict.allowed & explanation.asked
    rest = explanation.asked - allowed
    asked = "all ports" if explanation.asked.is_all() else str(explanation.asked)

    def excerpt_of(policy_id: str, rule_lines: list[int], hits: set[int]) -> dict | None:
        if policy_id not in policies:
            return None
        first = policy_id not in shown
        entry = shown.setdefault(policy_id, {"lines": [], "hits": set(), "holder": None})
        entry["lines"] += rule_lines
        entry["hits"] |= hits
        holder = {"excerpt": None, "above": not first}
        if first:
            entry["holder"] = holder
        return holder

    allows = []
    for ref, ports in verdict.allowed_by:
        policy = policies.get(ref.policy_id)
        lines, hits = (
            ([_rule_line(policy, ref)], _rule_hits(policy, ref)) if policy else ([], set())
        )
        allows.append(
            {
                "text": describe_rule(ref),
                "policy": ref.policy_id,
                "ports": str(ports),
                "yaml": excerpt_of(ref.policy_id, lines, hits),
            }
        )
    denials = []
    for d in verdict.denied_by if not rest.is_empty() else ():
        # Each rule that did not match, marked whole; the policy's head when it has no rule.
        miss_lines = [m.line for m in d.misses if m.line]
        denials.append(
            {
                "policy": d.policy,
                "file": d.file,
                "line": d.line,
                "reasons": [describe_miss(m, verdict.direction, other, asked) for m in d.misses],
                "yaml": excerpt_of(d.policy, miss_lines, set()),
            }
        )
    subject = explanation.src if verdict.direction == "egress" else explanation.dst
    return {
        **data,
        "decision_rows": _decisions(ev, verdict),
        "direction": verdict.direction,
        "subject": subject,
        "subject_label": labels.get(subject, subject),
        "external": not subject.endswith("]"),
        "self": any(c.code == "self" for c in verdict.caveats),
        "partly": not allowed.is_empty() and not rest.is_empty(),
        "rest_text": str(rest),
        "allows": allows,
        "denials": denials,
        "caveat_texts": [describe_caveat(c) for c in verdict.caveats],
    }


def _decisions(ev: Evaluator, verdict) -> list[dict]:
    """The decision path of each port range, each deciding step with its rule lit in the YAML."""
    if not verdict.decisions:
        return []
    policies = {p.id: p for p in ev.policies}
    policies.update((p.id, p) for p in ev.cluster.admin_policies)
    out = []
    for d in verdict.decisions:
        steps = []
        for step in d.steps:
            policy = policies.get(step.policy)
            lines = [step.line] if step.rule_index is not None else []
            steps.append(
                {
                    "text": describe_step(step),
                    "policy": step.policy,
                    "action": step.action,
                    "excerpt": excerpt(policy, lines, set(lines)) if policy else None,
                }
            )
        out.append(
            {
                "ports": str(d.ports),
                "verdict": d.verdict,
                "path": describe_decision(d),
                "steps": steps,
            }
        )
    return out


def _fill_excerpts(ev: Evaluator, shown: dict) -> None:
    """Each policy's one excerpt, with every line any side marked in it."""
    policies = {p.id: p for p in ev.policies}
    for policy_id, entry in shown.items():
        if entry["holder"] is not None:
            entry["holder"]["excerpt"] = excerpt(policies[policy_id], entry["lines"], entry["hits"])


def explanation_context(revision: Revision, src: str, dst: str, asked: PortSet | None) -> dict:
    """Everything templates/review/_explanation.html shows for one ordered pair."""
    ev = evaluator(revision)
    explanation = ev.explain(src, dst, asked)
    data = explanation_to_json(explanation)
    stored = stored_connection(revision, src, dst)
    rules = revision.snapshot.get("rules", [])

    def resolve(indexes: list[int] | None) -> list[dict] | None:
        return None if indexes is None else [rules[i] for i in indexes]

    grants = [
        {**g, "egress": resolve(g["egress"]), "ingress": resolve(g["ingress"])}
        for g in (stored["grants"] if stored else [])
    ]
    labels = endpoint_labels(revision.snapshot)
    shown: dict = {}
    sides = [
        _side(ev, explanation, explanation.egress, data["egress"], labels, shown),
        _side(ev, explanation, explanation.ingress, data["ingress"], labels, shown),
    ]
    _fill_excerpts(ev, shown)
    return {
        "explanation": data,
        "src": src,
        "dst": dst,
        "asked_text": None if asked is None else str(asked),
        "allowed_text": str(explanation.allowed),
        "all_allowed": explanation.allowed.is_all(),
        "grants": grants,
        "sides": sides,
    }
