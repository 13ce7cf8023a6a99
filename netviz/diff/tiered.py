"""The tiered part of a snapshot: cluster-scoped policies (also listed with the NetworkPolicies
so diffs see them), their rules with action and pairs decided, and the pairs the ordered tiers
decided (matrix and graph mark them). Empty for NetworkPolicy-only input."""

from __future__ import annotations

from netviz.diff.snapshot import fingerprint
from netviz.formats.tiered import rule_entries

# Pairs marked in the page data at most; the count of all is kept beside them.
MAX_VERDICTS = 50_000


def tiered_snapshot(evaluator) -> dict:
    view = evaluator.view()
    policies = view.tiered_policies()
    if not policies:
        return {}
    pairs = {
        (ref.policy_id, ref.direction, ref.rule_index): n
        for ref, n in evaluator.rule_pairs().items()
    }
    entries = []
    for tp in policies:
        p = tp.source
        rules = [
            {**r, "pairs": pairs.get((p.id, r["direction"], r["index"]), 0)}
            for r in rule_entries(p)
        ]
        entries.append(
            {
                "id": p.id,
                "kind": p.kind,
                "namespace": "",
                "name": p.name,
                "tier": p.tier,
                "priority": tp.ref.priority,
                "types": sorted(tp.rules),
                "file": p.source.file if p.source else "",
                "line": p.source.line if p.source else 0,
                "fingerprint": fingerprint(p),
                "selects": [e.id for e in view.members(tp.on_nodes)],
                "rules": rules,
            }
        )
    verdicts, total = evaluator.verdicts(MAX_VERDICTS)
    return {
        "tiered_policies": entries,
        "verdicts": [list(v) for v in verdicts],
        "verdicts_total": total,
    }
