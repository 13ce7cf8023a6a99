"""v1 Node objects (`kubectl get nodes -o yaml`) → NodeObject: labels and InternalIP addresses."""

from __future__ import annotations

from netviz.k8s.fields import Reporter, describe, get_list, get_map, line_of, start_line
from netviz.k8s.model import Problem, Source
from netviz.k8s.tiermodel import NodeObject
from netviz.k8s.validate import dns_subdomain_error, ip_error, parse_labels


def build_node(obj: dict, rep: Reporter) -> NodeObject | None:
    """The Node, or None without a usable name. Only InternalIP addresses are kept: they are the
    node IPs pod traffic to a node goes to."""
    line = rep.line
    meta = get_map(obj, "metadata", "", rep, line) or {}
    mline = start_line(meta, line_of(obj, "metadata", line))
    name = meta.get("name")
    if not isinstance(name, str) or not name:
        rep.error(mline, "metadata.name is missing or not a string")
        return None
    rep.name = name
    problem = dns_subdomain_error(name)
    if problem:
        rep.error(line_of(meta, "name", mline), f'metadata.name "{name}" {problem}')
        return None
    labels = parse_labels(
        meta.get("labels"), "metadata.labels", rep, line_of(meta, "labels", mline)
    )
    status = get_map(obj, "status", "", rep, line) or {}
    sline = start_line(status, line_of(obj, "status", line))
    addresses = get_list(status, "addresses", "status", rep, sline) or []
    ips: list[str] = []
    for i, item in enumerate(addresses):
        aline = line_of(addresses, i, sline)
        if not isinstance(item, dict):
            rep.error(aline, f"status.addresses[{i}]: expected a mapping, got {describe(item)}")
            continue
        address = item.get("address")
        if item.get("type") != "InternalIP":
            continue
        if not isinstance(address, str) or ip_error(address):
            rep.warning(aline, f"status.addresses[{i}].address: not an IP address; ignored")
            continue
        if address not in ips:
            ips.append(address)
    if not ips:
        rep.warning(line, f"Node {name} has no InternalIP address: nodes peers cannot reach it")
    return NodeObject(name, labels, tuple(ips), rep.source())


def peer_warnings(policies, have_nodes: bool) -> list[Problem]:
    """One warning per policy with nodes peers when the input has no Node objects, and per
    policy with domainNames peers (netviz does not resolve DNS)."""
    out = []
    for p in policies:
        kinds = {peer.kind for rule in p.egress for peer in rule.peers}
        source = p.source or Source("", 0, 0)
        if "nodes" in kinds and not have_nodes:
            out.append(
                Problem(
                    "warning",
                    "nodes peers match nothing: the input has no Node objects "
                    "(add the output of `kubectl get nodes -o yaml`)",
                    source,
                    p.kind,
                    None,
                    p.name,
                )
            )
        if "domainNames" in kinds:
            out.append(
                Problem(
                    "warning",
                    "domainNames peers: DNS is not resolved; each name pattern is shown as an "
                    "external endpoint of its own, which ipBlocks and networks never match",
                    source,
                    p.kind,
                    None,
                    p.name,
                )
            )
    return out
