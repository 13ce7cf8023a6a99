"""The Policies tab: each policy, what it selects, its rules in plain words and what each permits."""

from __future__ import annotations

import threading
from collections import OrderedDict, defaultdict

from netviz.k8s.model import IPBlock, LabelSelector, Peer, Policy, PortSpec, Rule
from netviz.web import edges, links, store
from netviz.web.calico_policies import calico_context
from netviz.web.models import Review, Revision

# How many selected endpoints a policy lists before the rest go behind "more".
SHOWN_SELECTED = 50

_counts: OrderedDict[tuple, dict] = OrderedDict()
_lock = threading.Lock()


def selector_words(sel: LabelSelector) -> str:
    """`app=web, tier in (a, b), !legacy`; the empty selector is `everything`."""
    if sel.is_empty:
        return "everything"
    parts = [f"{k}={v}" for k, v in sel.match_labels]
    for r in sel.match_expressions:
        values = ", ".join(sorted(r.values))
        parts.append(
            {
                "In": f"{r.key} in ({values})",
                "NotIn": f"{r.key} not in ({values})",
                "Exists": f"{r.key} exists",
                "DoesNotExist": f"no {r.key} label",
            }[r.operator]
        )
    return ", ".join(parts)


def _block_words(block: IPBlock) -> str:
    text = f"addresses in {block.cidr}"
    return text + (f" except {', '.join(block.excepts)}" if block.excepts else "")


def peer_words(peer: Peer, namespace: str) -> str:
    if peer.ip_block is not None:
        return _block_words(peer.ip_block)
    pods, nss = peer.pod_selector, peer.namespace_selector
    if nss is None:
        who = "every pod" if pods is None or pods.is_empty else f"pods with {selector_words(pods)}"
        return f"{who} in namespace {namespace}"
    where = "every namespace" if nss.is_empty else f"namespaces with {selector_words(nss)}"
    who = "every pod" if pods is None or pods.is_empty else f"pods with {selector_words(pods)}"
    return f"{who} in {where}"


def port_words(spec: PortSpec) -> str:
    if spec.port is None:
        return f"every {spec.protocol} port"
    if isinstance(spec.port, str):
        return f"{spec.protocol} port named {spec.port}"
    if spec.end_port is not None and spec.end_port != spec.port:
        return f"{spec.protocol} {spec.port}-{spec.end_port}"
    return f"{spec.protocol} {spec.port}"


def rule_words(rule: Rule, direction: str, namespace: str) -> str:
    """e.g. `from pods with app=web in namespace shop, on TCP 8080`."""
    word = "from" if direction == "ingress" else "to"
    peers = (
        " or ".join(peer_words(p, namespace) for p in rule.peers)
        if rule.peers
        else "anyone (every pod and address)"
    )
    ports = ", ".join(port_words(s) for s in rule.ports) if rule.ports else "every port"
    return f"{word} {peers}, on {ports}"


def rule_counts(revision: Revision) -> dict[tuple[str, str, int], int]:
    """(policy id, direction, rule index) → how many stored connections name that rule."""
    key = edges.cache_key(revision)
    with _lock:
        if key in _counts:
            _counts.move_to_end(key)
            return _counts[key]
    rules = revision.snapshot.get("rules", [])
    keys = [(r["policy"], r["direction"], r["rule_index"]) for r in rules]
    counts: dict[tuple[str, str, int], int] = defaultdict(int)
    stored = store.load(revision)
    # Pairs of one cell name the same rules: count per cell, then add the cells up.
    for c, n in zip(stored.cells, stored.cell_counts().tolist(), strict=True):
        if not n:
            continue
        named = set()
        for g in c["grants"]:
            named.update(g["egress"] or ())
            named.update(g["ingress"] or ())
        for key in {keys[i] for i in named}:
            counts[key] += n
    with _lock:
        _counts[key] = dict(counts)
        while len(_counts) > edges.CACHE_SIZE:
            _counts.popitem(last=False)
    return dict(counts)


def _policy(p: Policy, stored: dict, counts: dict) -> dict:
    directions = []
    for direction in ("ingress", "egress"):
        effective = direction in p.policy_types
        rules = []
        for i, rule in enumerate(p.rules(direction)):
            n = counts.get((p.id, direction, i), 0)
            rules.append(
                {
                    "index": i,
                    "line": rule.line,
                    "words": rule_words(rule, direction, p.namespace),
                    "connections": n,
                    "dead": effective and n == 0,
                }
            )
        if effective or rules:
            directions.append({"direction": direction, "effective": effective, "rules": rules})
    selects = stored.get("selects", [])
    return {
        "id": p.id,
        "namespace": p.namespace,
        "name": p.name,
        "file": stored.get("file", ""),
        "line": stored.get("line", 0),
        "selector": selector_words(p.pod_selector),
        "types": sorted(p.policy_types),
        "selects": selects[:SHOWN_SELECTED],
        "selects_more": max(0, len(selects) - SHOWN_SELECTED),
        "selects_count": len(selects),
        "directions": directions,
    }


def policies_context(review: Review, revision: Revision) -> dict:
    """Every policy of the revision as templates/review/_policies.html lists them."""
    stored = {p["id"]: p for p in revision.snapshot.get("policies", ())}
    counts = rule_counts(revision)
    parsed = edges.evaluator(revision).policies
    return {
        "policies": [_policy(p, stored.get(p.id, {}), counts) for p in parsed],
        "policies_url": links.policies(review, revision.number),
        **tiered_context(revision, counts),
        **calico_context(revision),
    }


_ACTION = {"allow": "Allow", "deny": "Deny", "pass": "Pass"}


def pod_set_words(pods) -> str:
    where = pods.namespace_selector
    nss = "every namespace" if where.is_empty else f"namespaces with {selector_words(where)}"
    if pods.pod_selector is None or pods.pod_selector.is_empty:
        return f"every pod in {nss}"
    return f"pods with {selector_words(pods.pod_selector)} in {nss}"


def admin_peer_words(peer) -> str:
    if peer.kind in ("namespaces", "pods"):
        return pod_set_words(peer.pods)
    if peer.kind == "networks":
        return "addresses in " + ", ".join(b.cidr for b in peer.networks)
    if peer.kind == "nodes":
        return f"nodes with {selector_words(peer.nodes)}"
    return "domains " + ", ".join(peer.domains) + " (DNS is not resolved)"


def admin_rule_words(rule, direction: str) -> str:
    word = "from" if direction == "ingress" else "to"
    peers = " or ".join(admin_peer_words(p) for p in rule.peers)
    if rule.ports is None:
        ports = "every port"
    else:
        seen = []
        for spec in rule.ports:
            text = f"port named {spec.port}" if isinstance(spec.port, str) else port_words(spec)
            if text not in seen:
                seen.append(text)
        ports = ", ".join(seen)
    return f"{word} {peers}, on {ports}"


def tiered_context(revision: Revision, counts: dict) -> dict:
    """The Admin and Baseline tiers, by priority, each rule with its action and pairs decided;
    empty when the revision has only NetworkPolicies."""
    stored = revision.snapshot.get("tiered_policies")
    if not stored:
        return {}
    parsed = {p.id: p for p in edges.evaluator(revision).cluster.admin_policies}
    tiers: dict[str, list[dict]] = {"Admin": [], "Baseline": []}
    for entry in stored:
        policy = parsed.get(entry["id"])
        if policy is None:
            continue
        rules = []
        for r in entry["rules"]:
            rule = policy.rules(r["direction"])[r["index"]]
            rules.append(
                {
                    **r,
                    "words": admin_rule_words(rule, r["direction"]),
                    "action_word": r["written"] or _ACTION.get(r["action"], r["action"]),
                    "connections": counts.get((entry["id"], r["direction"], r["index"]), 0),
                }
            )
        selects = entry.get("selects", [])
        group = tiers.setdefault(entry["tier"], [])
        if not group or group[-1]["priority"] != entry["priority"]:
            group.append({"priority": entry["priority"], "policies": []})
        group[-1]["policies"].append(
            {
                **entry,
                "subject": pod_set_words(policy.subject),
                "selects": selects[:SHOWN_SELECTED],
                "selects_more": max(0, len(selects) - SHOWN_SELECTED),
                "selects_count": len(selects),
                "rules": rules,
            }
        )
    return {"tiered": True, "admin_tier": tiers["Admin"], "baseline_tier": tiers["Baseline"]}
