"""Entry points from outside the cluster (Services, Ingress, Gateway API, OpenShift Route) and
whether the policies let that traffic in. Pure Python on top of netviz.engine; no Django.

    entry_points(cluster, evaluator) -> list[EntryPoint]
    service_targets(service, endpoints) -> list[ServiceTarget]   port → targetPort per endpoint
"""

from netviz.entry.points import (
    EntryPoint,
    ServiceTarget,
    backend_ports,
    entry_points,
    resolve_target,
    selected_endpoints,
    service_targets,
)

__all__ = [
    "EntryPoint",
    "ServiceTarget",
    "backend_ports",
    "entry_points",
    "resolve_target",
    "selected_endpoints",
    "service_targets",
]
