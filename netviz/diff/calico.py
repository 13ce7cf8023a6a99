"""The Calico part of a snapshot: Calico policies and tiers listed with the others, so a diff
(a new revision, or a staged what-if) sees them added, removed or changed."""

from __future__ import annotations

from netviz.diff.snapshot import fingerprint
from netviz.k8s.calico.model import CalicoResources


def calico_policy_entries(calico: CalicoResources) -> list[dict]:
    out = []
    for p in sorted(calico.policies, key=lambda p: (p.kind, p.namespace or "", p.name)):
        out.append(
            {
                "id": f"{p.kind}/{p.id}",
                "kind": p.kind,
                "namespace": p.namespace or "",
                "name": p.name,
                "tier": p.tier,
                "order": p.order,
                "types": sorted(p.types),
                "file": p.source.file if p.source else "",
                "line": p.source.line if p.source else 0,
                "fingerprint": fingerprint(p),
                "selects": [],
            }
        )
    return out
