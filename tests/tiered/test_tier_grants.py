"""The grants of every cell from remembered runs (netviz.engine.tier_grants) against the plain
decision path (the finder's memo off: TieredGranter, nothing remembered), on generated clusters
of a few hundred workloads with admin policies, with Calico tiers, and with Calico host
endpoints (failsafe ports, a host default, policies selecting hosts); rows in small blocks."""

from __future__ import annotations

import pytest

import netviz.engine.pair_arrays as pair_arrays
from bench.generate import DEFAULT_SEED, Spec, write
from netviz.engine import Evaluator
from netviz.engine.tier_grants import MemoTieredGranter
from netviz.k8s import load_paths

V3 = "apiVersion: projectcalico.org/v3\n"
HOSTS = (
    f"{V3}kind: HostEndpoint\nmetadata: {{name: edge-1, labels: {{role: edge}}}}\n"
    "spec: {node: n1, interfaceName: eth0, expectedIPs: [192.168.77.1]}\n---\n"
    f"{V3}kind: HostEndpoint\nmetadata: {{name: edge-2, labels: {{role: edge}}}}\n"
    "spec: {node: n2, interfaceName: eth0, expectedIPs: [192.168.77.2],"
    " profiles: [projectcalico-default-allow]}\n---\n"
    f"{V3}kind: GlobalNetworkPolicy\nmetadata: {{name: edge-in}}\n"
    "spec:\n  selector: role == 'edge'\n  order: 5\n  types: [Ingress, Egress]\n"
    "  ingress:\n  - {action: Allow, protocol: TCP, destination: {ports: [443, 8443]}}\n"
    "  - {action: Pass, protocol: UDP}\n"
    "  egress:\n  - {action: Deny, protocol: TCP, destination: {ports: [25]}}\n"
    "  - {action: Allow, destination: {selector: all()}}\n---\n"
    f"{V3}kind: GlobalNetworkPolicy\nmetadata: {{name: from-edge}}\n"
    "spec:\n  selector: all()\n  order: 7\n  types: [Ingress]\n"
    "  ingress:\n  - {action: Allow, protocol: TCP, source: {selector: role == 'edge'}}\n"
)


def all_grants(cluster, memo: bool) -> tuple[list, type]:
    ev = Evaluator(cluster)
    ev._paths.memo = memo
    connections = ev.analysis().connections
    granter = type(connections[0][3]._granter)
    return [(c.src, c.dst, c.grants) for c in connections], granter


@pytest.mark.parametrize(
    "spec, extra",
    [
        (Spec(12, 300, 100, admin=60), ""),
        (Spec(12, 300, 100, calico=60), ""),
        (Spec(10, 200, 80, calico=40), HOSTS),
    ],
    ids=["admin", "calico", "calico-hosts"],
)
def test_it_gives_every_cell_the_grants_of_the_plain_path(spec, extra, tmp_path, monkeypatch):
    write(spec, tmp_path, DEFAULT_SEED)
    if extra:
        (tmp_path / "zzzz-hosts.yaml").write_text(extra)
    cluster = load_paths([str(tmp_path)])
    assert not cluster.errors
    plain, plain_granter = all_grants(cluster, memo=False)
    assert plain_granter is not MemoTieredGranter
    monkeypatch.setattr(pair_arrays, "BLOCK_BYTES", 4096)  # cells made over many blocks
    fast, fast_granter = all_grants(cluster, memo=True)
    assert fast_granter is MemoTieredGranter
    assert len(plain) > 5_000
    cells = {id(g) for _, _, g in plain}
    assert len(cells) > 1_000  # many distinct cells, not a few repeated
    assert fast == plain
    refs = {
        r for _, _, gs in fast for g in gs for side in (g.egress, g.ingress) for r in side or ()
    }
    assert len({r.kind for r in refs}) >= 2  # ordered tiers' rules and NetworkPolicy rules
    if extra:  # Felix's failsafe ports allow on the host endpoints
        assert any(r.tier == "failsafe" for r in refs)
