"""`netviz explain PATH... --src A --dst B`: may A reach B, and which rules say so."""

from __future__ import annotations

import argparse
import re

from netviz.cli.base import (
    Context,
    UsageError,
    add_output_argument,
    add_paths_argument,
    add_pods_argument,
    emit,
    finish,
    load,
    report_problems,
)
from netviz.engine import Evaluator, UnknownEndpoint, protocols
from netviz.engine.ports import MAX_PORT, MIN_PORT, PortSet
from netviz.entry import service_targets
from netviz.formats import dump_json, explanation_to_json, render_explanation
from netviz.formats.connections import ordered_problems
from netviz.formats.service_explain import render_service_explanation, service_explanation_json
from netviz.k8s.model import PROTOCOLS, Cluster, Service

HELP = (
    "Explain whether --src may reach --dst under the NetworkPolicies in PATH, rule by rule. "
    "Endpoints are namespace/name, namespace/name[Kind] or an IP address."
)


def port_range(text: str) -> tuple[int, int]:
    """`80` or `80-90` (an ICMP type or types with --protocol ICMP/ICMPv6); named ports are
    not accepted (they differ per destination pod). Bounds are checked per protocol later."""
    match = re.fullmatch(r"(\d{1,5})(?:-(\d{1,5}))?", text.strip())
    if not match:
        raise argparse.ArgumentTypeError(f"expected a port like 80 or a range like 80-90: {text!r}")
    start = int(match[1])
    end = int(match[2]) if match[2] else start
    if not 0 <= start <= end <= MAX_PORT:
        raise argparse.ArgumentTypeError(f"ports run from 1 to 65535, low to high: {text!r}")
    return start, end


_NAMED = {"ICMP": 1, "ICMPV6": 58, "UDPLITE": 136}


def protocol_arg(text: str) -> str | int:
    """TCP, UDP, SCTP, ICMP, ICMPv6, UDPLite (any case) or an IP protocol number 1-255, as
    Calico names them: `6`, `17`, `132` are TCP, UDP, SCTP; `1`, `58`, `136` the named ones."""
    word = text.strip().upper()
    if word in PROTOCOLS:
        return word
    number = _NAMED.get(word)
    if number is None and word.isdigit() and 1 <= int(word) <= 255:
        number = int(word)
    if number is None:
        raise argparse.ArgumentTypeError(
            f"expected TCP, UDP, SCTP, ICMP, ICMPv6, UDPLite or a protocol number 1-255: {text!r}"
        )
    own = {6: "TCP", 17: "UDP", 132: "SCTP"}
    return own.get(number) or protocols.NAMES.get(number) or number


def asked_ports(
    protocol: str | int | None, ports: tuple[int, int] | None, universe: PortSet | None = None
) -> PortSet | None:
    """None (every connection) unless --protocol or --port narrows it; TCP by default. Another
    protocol than TCP, UDP and SCTP needs an input that models it (`universe`,
    Evaluator.universe()); --port is then its ICMP types (ICMP, ICMPv6 only)."""
    if protocol is None and ports is None:
        return None
    if protocol is None or protocol in PROTOCOLS:
        start, end = ports or (MIN_PORT, MAX_PORT)
        if start < MIN_PORT:
            raise UsageError(f"ports run from {MIN_PORT} to {MAX_PORT}: --port {start}")
        return PortSet.single(protocol or "TCP", start, end)  # type: ignore[arg-type]
    if universe is None or not universe.models_ip:
        raise UsageError(
            f"--protocol {protocol}: this input's rules name no protocol besides TCP, UDP and "
            "SCTP, so netviz does not model it (docs/protocols.md)"
        )
    number = protocols.number_of(protocol)
    if ports is not None and number not in protocols.ICMP_LIKE:
        raise UsageError(
            f"--port with --protocol {protocol}: netviz matches it as a whole "
            "(--port is an ICMP type only for ICMP and ICMPv6)"
        )
    if ports is not None and ports[1] > 255:
        raise UsageError(f"ICMP types run from 0 to 255: --port {ports[0]}-{ports[1]}")
    return PortSet.of_protocol(number, ports)


def find_service(cluster: Cluster, ref: str) -> Service | None:
    """The Service `ns/name[Service]` names (any case of `Service`), or None."""
    match = re.fullmatch(r"\s*([^/\s]+)/([^\[\s]+)\[service\]\s*", ref, flags=re.IGNORECASE)
    if match is None:
        return None
    for service in cluster.services:
        if (service.namespace, service.name) == (match[1], match[2]):
            return service
    raise UsageError(f"no Service {match[1]}/{match[2]} in the input")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add_paths_argument(parser)
    parser.add_argument("--src", required=True, help="source: ns/name, ns/name[Kind] or an IP")
    parser.add_argument(
        "--dst",
        required=True,
        help="destination: same forms as --src, or ns/name[Service] for the Service's "
        "endpoints through its port mapping (--port is then the Service port)",
    )
    parser.add_argument(
        "--protocol",
        type=protocol_arg,
        metavar="PROTOCOL",
        help="only this protocol: TCP, UDP, SCTP, or where the input's Calico rules name "
        "other protocols ICMP, ICMPv6, UDPLite or a number 1-255 (default: all, or TCP when "
        "--port is given)",
    )
    parser.add_argument(
        "--port",
        type=port_range,
        help="only this port or range, e.g. 80 or 8000-8080; with --protocol ICMP or ICMPv6 "
        "the ICMP type or types (0-255), every code",
    )
    parser.add_argument("--format", "-f", choices=("text", "json"), default="text")
    add_pods_argument(parser)
    add_output_argument(parser)


def run(ctx: Context, opts: argparse.Namespace) -> None:
    cluster = load(ctx, opts.paths, pods=opts.pods)
    evaluator = Evaluator(cluster)
    service = find_service(cluster, opts.dst)
    if service is not None:
        if opts.format != "json":
            report_problems(ctx, cluster, opts.verbosity)
        _service(ctx, cluster, evaluator, service, opts)
        finish(cluster)
        return
    try:
        src_id, dst_id = evaluator.resolve(opts.src), evaluator.resolve(opts.dst)
    except UnknownEndpoint as e:
        raise UsageError(e.args[0] if e.args else str(e)) from None
    explanation = evaluator.explain(
        src_id, dst_id, asked_ports(opts.protocol, opts.port, evaluator.universe())
    )
    if opts.format == "json":
        data = explanation_to_json(explanation)
        data["errors"] = [p.as_dict() for p in ordered_problems(cluster.problems, "error")]
        data["warnings"] = [p.as_dict() for p in ordered_problems(cluster.problems, "warning")]
        text = dump_json(data, depth=3)
    else:
        report_problems(ctx, cluster, opts.verbosity)
        text = render_explanation(explanation, opts.format)
    emit(ctx, text, opts.output)
    finish(cluster)


def _service(ctx: Context, cluster: Cluster, evaluator: Evaluator, service: Service, opts) -> None:
    """The Service's endpoints, each through its port mapping (`--port` is the Service port)."""
    try:
        src_id = evaluator.resolve(opts.src)
    except UnknownEndpoint as e:
        raise UsageError(e.args[0] if e.args else str(e)) from None
    answers = []
    for target in service_targets(service, list(evaluator.nodes.endpoints)):
        sp = target.service_port
        if opts.protocol is not None and sp.protocol != opts.protocol:
            continue
        if opts.port is not None and not opts.port[0] <= sp.port <= opts.port[1]:
            continue
        asked = (
            PortSet.single(sp.protocol, target.port, target.port)
            if target.port is not None
            else None
        )
        explanation = evaluator.explain(src_id, target.endpoint, asked) if asked else None
        answers.append((target, explanation))
    if opts.format == "json":
        data = service_explanation_json(service, answers)
        data["errors"] = [p.as_dict() for p in ordered_problems(cluster.problems, "error")]
        data["warnings"] = [p.as_dict() for p in ordered_problems(cluster.problems, "warning")]
        emit(ctx, dump_json(data, depth=3), opts.output)
    else:
        emit(ctx, render_service_explanation(service, answers, opts.format), opts.output)
