"""Pods and workload controllers → Endpoints from their pod templates (netviz.k8s.owners folds them)."""

from __future__ import annotations

from dataclasses import dataclass

from netviz.k8s.fields import (
    Reporter,
    describe,
    get_bool,
    get_int,
    get_list,
    get_map,
    get_str,
    line_of,
    start_line,
)
from netviz.k8s.model import PROTOCOLS, ContainerPort, Endpoint
from netviz.k8s.validate import ip_error, parse_labels, parse_meta, port_name_error

# Where each kind keeps its pod template.
_TEMPLATE_PATH = {
    "Deployment": ("spec", "template"),
    "ReplicaSet": ("spec", "template"),
    "ReplicationController": ("spec", "template"),
    "StatefulSet": ("spec", "template"),
    "DaemonSet": ("spec", "template"),
    "Job": ("spec", "template"),
    "CronJob": ("spec", "jobTemplate", "spec", "template"),
}
TEMPLATE_KINDS = frozenset(_TEMPLATE_PATH)
# The field counting a kind's pods (default 1); kinds not listed have no fixed count.
_REPLICAS_FIELD = {
    "Deployment": "replicas",
    "ReplicaSet": "replicas",
    "ReplicationController": "replicas",
    "StatefulSet": "replicas",
    "Job": "parallelism",
}


@dataclass
class Workload:
    """An endpoint plus what folding needs: its controller owner and the pod-template-hash label."""

    endpoint: Endpoint
    owner: tuple[str, str] | None = None  # (kind, name) of the controlling owner
    template_hash: str | None = None

    @property
    def key(self) -> tuple[str, str, str]:
        return (self.endpoint.kind, self.endpoint.namespace, self.endpoint.name)


def build_workload(obj: dict, kind: str, rep: Reporter) -> Workload | None:
    """The endpoint of a Pod or workload, or None when the API would reject the object."""
    meta = parse_meta(obj, rep)
    line = rep.line
    if kind == "Pod":
        labels = meta[2] if meta else {}
        pod_spec = get_map(obj, "spec", "", rep, line)
        spec_path = "spec"
    else:
        labels, pod_spec, spec_path = _template(obj, kind, rep)
    ports, host_network = _pod_spec(pod_spec or {}, spec_path, rep, start_line(pod_spec, line))
    with rep.entry("the replica count"):
        replicas = _replicas(obj, kind, rep)
    account = _service_account(pod_spec, spec_path, rep, start_line(pod_spec, line))
    pod_ips, host_ip = _status(obj, rep) if kind == "Pod" else ((), None)
    owner = _owner(obj, rep)
    if meta is None or rep.fatal:
        return None
    endpoint = Endpoint(
        kind=kind,
        namespace=meta[0],
        name=meta[1],
        labels=labels,
        ports=ports,
        replicas=replicas,
        host_network=bool(host_network),
        pod_ips=pod_ips,
        host_ip=host_ip,
        source=rep.source(),
        service_account=account,
    )
    return Workload(endpoint, owner, labels.get("pod-template-hash") if kind == "Pod" else None)


def _service_account(spec: dict | None, path: str, rep: Reporter, line: int) -> str:
    """spec.serviceAccountName (or the deprecated serviceAccount); admission defaults it."""
    if not isinstance(spec, dict):
        return "default"
    name = get_str(spec, "serviceAccountName", path, rep, line)
    name = name or get_str(spec, "serviceAccount", path, rep, line)
    return name or "default"


def _template(obj: dict, kind: str, rep: Reporter) -> tuple[dict[str, str], dict | None, str]:
    value: object = obj
    path = ""
    line = rep.line
    for key in _TEMPLATE_PATH[kind]:
        if not isinstance(value, dict):
            break
        line = line_of(value, key, line)
        value = get_map(value, key, path, rep, line)
        path = f"{path}.{key}" if path else key
        if value is None:
            rep.error(line, f"{path} is missing: a {kind} needs a pod template")
            return {}, None, path
    meta = get_map(value, "metadata", path, rep, start_line(value, line))  # type: ignore[arg-type]
    labels = {}
    if meta is not None:
        with rep.entry("the label" if isinstance(meta.get("labels"), dict) else "its labels"):
            labels = parse_labels(
                meta.get("labels"),
                f"{path}.metadata.labels",
                rep,
                line_of(meta, "labels", start_line(meta, line)),
            )
    pod_spec = get_map(value, "spec", path, rep, start_line(value, line))  # type: ignore[arg-type]
    return labels, pod_spec, f"{path}.spec"


def _pod_spec(
    spec: dict, path: str, rep: Reporter, line: int
) -> tuple[tuple[ContainerPort, ...], bool | None]:
    ports: list[ContainerPort] = []
    for group in ("containers", "initContainers"):
        with rep.entry(f"{path}.{group}"):
            containers = get_list(spec, group, path, rep, line) or []
        for i, container in enumerate(containers):
            cpath = f"{path}.{group}[{i}]"
            cline = line_of(containers, i, line)
            if not isinstance(container, dict):
                with rep.entry("the container"):
                    rep.error(cline, f"{cpath}: expected a mapping, got {describe(container)}")
                continue
            # Init containers only serve traffic when they are sidecars (restartPolicy Always).
            if group == "initContainers" and container.get("restartPolicy") != "Always":
                continue
            with rep.entry("its ports list"):
                items = get_list(container, "ports", cpath, rep, cline) or []
            for j, item in enumerate(items):
                shown = _port_shown(item)
                with rep.entry(f"the port{shown}"):
                    port = _container_port(
                        item, f"{cpath}.ports[{j}]", rep, line_of(items, j, cline)
                    )
                if port is not None:
                    ports.append(port)
    with rep.entry("hostNetwork (read as false)"):
        host_network = get_bool(spec, "hostNetwork", path, rep, line)
    return tuple(ports), host_network


def _port_shown(item: object) -> str:
    name = item.get("name") if isinstance(item, dict) else None
    return f' "{name}"' if isinstance(name, str) and name else ""


def _container_port(item: object, path: str, rep: Reporter, line: int) -> ContainerPort | None:
    if not isinstance(item, dict):
        rep.error(line, f"{path}: expected a mapping, got {describe(item)}")
        return None
    errors = rep.errors
    number = get_int(item, "containerPort", path, rep, line)
    if number is None and "containerPort" not in item:
        rep.error(line, f"{path}.containerPort is missing")
    elif number is not None and not 1 <= number <= 65535:
        rep.error(
            line_of(item, "containerPort", line),
            f"{path}.containerPort: {number} is not between 1 and 65535",
        )
    protocol = item.get("protocol") or "TCP"
    if protocol not in PROTOCOLS:
        shown = f'"{protocol}"' if isinstance(protocol, str) else describe(protocol)
        rep.error(
            line_of(item, "protocol", line),
            f"{path}.protocol: {shown} is not one of TCP, UDP, SCTP",
        )
    name = get_str(item, "name", path, rep, line)
    if name:
        problem = port_name_error(name)
        if problem:
            rep.error(line_of(item, "name", line), f'{path}.name: "{name}" {problem}')
    if rep.errors != errors or number is None:
        return None
    return ContainerPort(port=number, protocol=protocol, name=name or None)


def _replicas(obj: dict, kind: str, rep: Reporter) -> int | None:
    if kind == "Pod":
        return 1
    field = _REPLICAS_FIELD.get(kind)
    if field is None:
        return None
    spec = obj.get("spec")
    if not isinstance(spec, dict):
        return 1
    value = get_int(spec, field, "spec", rep, rep.line)
    if value is None:
        return 1
    if value < 0:
        rep.error(line_of(spec, field, rep.line), f"spec.{field}: {value} is negative")
        return None
    return value


def _status(obj: dict, rep: Reporter) -> tuple[tuple[str, ...], str | None]:
    """Pod IPs and host IP; bad values here come from the cluster, so they are warnings only."""
    status = obj.get("status")
    if not isinstance(status, dict):
        return (), None
    line = start_line(status, rep.line)
    ips: list[str] = []
    pod_ips = status.get("podIPs")
    candidates = (
        [
            (e.get("ip"), line_of(pod_ips, i, line))
            for i, e in enumerate(pod_ips)
            if isinstance(e, dict)
        ]
        if isinstance(pod_ips, list)
        else []
    )
    candidates.append((status.get("podIP"), line_of(status, "podIP", line)))
    for ip, ip_line in candidates:
        if ip is None or ip in ips:
            continue
        if not isinstance(ip, str) or ip_error(ip):
            rep.warning(ip_line, f"status: pod IP {ip!r} is not a valid IP address; ignored")
            continue
        ips.append(ip)
    host_ip = status.get("hostIP")
    if host_ip is not None and (not isinstance(host_ip, str) or ip_error(host_ip)):
        rep.warning(
            line_of(status, "hostIP", line),
            f"status.hostIP {host_ip!r} is not a valid IP address; ignored",
        )
        host_ip = None
    return tuple(ips), host_ip


def _owner(obj: dict, rep: Reporter) -> tuple[str, str] | None:
    meta = obj.get("metadata")
    refs = meta.get("ownerReferences") if isinstance(meta, dict) else None
    if not isinstance(refs, list):
        return None
    refs = [
        r
        for r in refs
        if isinstance(r, dict) and isinstance(r.get("kind"), str) and isinstance(r.get("name"), str)
    ]
    controllers = [r for r in refs if r.get("controller") is True] or refs
    return (controllers[0]["kind"], controllers[0]["name"]) if controllers else None
