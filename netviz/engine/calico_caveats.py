"""Caveats of Calico inputs for the whole analysis: host endpoints without expectedIPs."""

from __future__ import annotations

from netviz.engine.calico import policy_selector
from netviz.engine.result import Caveat
from netviz.k8s.calico.model import CalicoResources

NO_IPS = "host-endpoint-without-ips"


def host_endpoint_caveats(calico: CalicoResources) -> list[Caveat]:
    """One per (host endpoint with only an interfaceName, GlobalNetworkPolicy selecting it), or
    one without a policy where none does: the policies apply to the interface's traffic, which
    has no address netviz knows, and no rule selector matches the endpoint (Calico matches host
    endpoints in rules by their expectedIPs)."""
    out = []
    for host in calico.host_endpoints:
        if host.expected_ips:
            continue
        labels = calico.host_labels(host)
        endpoint = f"HostEndpoint {host.name}"
        detail = f"interface {host.interface_name} on node {host.node}"
        selecting = [
            p for p in calico.policies if p.is_global and policy_selector(p).evaluate(labels)
        ]
        if not selecting:
            why = f"{detail}; no GlobalNetworkPolicy selects it: Calico denies all but the "
            why += "failsafe ports through it"
            out.append(Caveat(NO_IPS, endpoint, None, None, why))  # type: ignore[arg-type]
        for p in selecting:
            policy = f"{p.kind}/{p.name}"
            why = f"{detail}; selected by {policy}"
            out.append(Caveat(NO_IPS, endpoint, policy, None, why))  # type: ignore[arg-type]
    return out
