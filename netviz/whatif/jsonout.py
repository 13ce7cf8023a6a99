"""Proposals, block plans and generated sets as JSON-able data (the web app's JSON endpoints)."""

from __future__ import annotations

from netviz.engine.ports import PortSet
from netviz.generate import Generated
from netviz.generate.pairs import Piece
from netviz.generate.words import REASONS, decided_text, describe_note
from netviz.whatif.allow import Proposal
from netviz.whatif.block import BlockPlan
from netviz.whatif.effects import Entry


def ports_json(ports: PortSet) -> dict:
    return {"ports": ports.as_json(), "ports_text": str(ports)}


def entry_json(entry: Entry) -> dict:
    src, dst, ports = entry
    out = {
        "src": src.id if isinstance(src, Piece) else src,
        "dst": dst.id if isinstance(dst, Piece) else dst,
        **ports_json(ports),
    }
    for key, side in (("src_cidrs", src), ("dst_cidrs", dst)):
        if isinstance(side, Piece):
            out[key] = side.cidrs()
    return out


def proposal_json(p: Proposal) -> dict:
    return {
        "src": p.src,
        "dst": p.dst,
        "asked": p.asked.as_json(),
        "asked_text": str(p.asked),
        "status": p.status,
        "changes": [
            {
                "namespace": c.namespace,
                "name": c.name,
                "direction": c.direction,
                "selects": list(c.subject),
                "yaml": c.yaml,
            }
            for c in p.changes
        ],
        "yaml": p.yaml,
        "opened": [entry_json(e) for e in p.opened],
        "closed": [entry_json(e) for e in p.closed],
        "allowed_after": p.allowed_after.as_json(),
        "allowed_after_text": str(p.allowed_after),
        "blockers": list(p.blockers),
        "errors": [x.as_dict() for x in p.problems],
    }


def block_json(plan: BlockPlan) -> dict:
    return {
        "src": plan.src,
        "dst": plan.dst,
        "asked": plan.asked.as_json(),
        "asked_text": str(plan.asked),
        "allowed": plan.allowed.as_json(),
        "allowed_text": str(plan.allowed),
        "is_allowed": plan.is_allowed,
        "sides": [
            {
                "direction": s.direction,
                "subject": s.subject,
                "isolated": s.isolated,
                "rules": [
                    {
                        "rule": r.ref.as_dict(),
                        **ports_json(r.ports),
                        "blocks": r.blocks,
                        "left": r.left.as_json(),
                        "left_text": str(r.left),
                        "closes": [entry_json(e) for e in r.closes],
                    }
                    for r in s.rules
                ],
                "closes": [entry_json(e) for e in s.closes],
            }
            for s in plan.sides
        ],
    }


def generated_json(result: Generated) -> dict:
    counts: dict[str, int] = {}
    for p in result.plan.policies:
        counts[p.namespace] = counts.get(p.namespace, 0) + 1
    check = result.check
    out: dict = {
        "namespaces": result.plan.namespaces,
        "files": [
            {
                "name": name,
                "namespace": name[: -len(".yaml")],
                "text": text,
                "policies": counts.get(name[: -len(".yaml")], 0),
            }
            for name, text in result.files.items()
        ],
        "notes": [
            {
                "code": n.code,
                "namespace": n.namespace,
                "endpoints": list(n.endpoints),
                "count": n.count,
                "text": describe_note(n),
            }
            for n in result.notes
        ],
        "summary": {
            "policies": len(result.plan.policies),
            "kept_connections": len(result.selection.kept),
        },
    }
    if check is not None:

        def entries(items):
            rows = []
            for e in items:
                row = entry_json(e)
                why = check.reasons.get((row["src"], row["dst"]), ())
                row["reasons"] = list(why)
                row["reasons_text"] = [REASONS.get(w, w) for w in why]
                rows.append(row)
            return rows

        out["check"] = {
            "exact": check.exact,
            "extra": entries(check.difference.extra),
            "missing": entries(check.difference.missing),
            "errors": [p.as_dict() for p in check.problems],
        }
        if check.tiered:  # cluster-scoped or Calico policies: NetworkPolicy-only output as it was

            def decided(items, stays: bool):
                return [
                    {
                        **entry_json((d.src, d.dst, d.ports)),
                        "decided_by": [s.as_dict() for s in d.steps],
                        "reason": d.reason,
                        "text": decided_text(d, stays),
                    }
                    for d in items
                ]

            out["check"]["stays_allowed"] = decided(check.stays_allowed, True)
            out["check"]["cannot_allow"] = decided(check.cannot_allow, False)
    return out
