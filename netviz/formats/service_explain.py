"""`explain --dst ns/name[Service]`: one explanation per endpoint the Service sends to, through
its port mapping (a Service port → its targetPort on each endpoint)."""

from __future__ import annotations

from collections.abc import Sequence

from netviz.engine.result import Explanation
from netviz.entry import ServiceTarget
from netviz.formats.explain import explanation_to_json, render_explanation_text
from netviz.formats.jsonout import dump_json
from netviz.k8s.model import Service

Answer = tuple[ServiceTarget, Explanation | None]


def _mapping(t: ServiceTarget) -> str:
    sp = t.service_port
    target = sp.target_port
    name = f" ({sp.name})" if sp.name else ""
    to = f"targetPort {target}" + (f" = {t.port}" if isinstance(target, str) and t.port else "")
    return f"port {sp.protocol} {sp.port}{name} -> {to} on {t.endpoint}"


def render_service_explanation(service: Service, answers: Sequence[Answer], fmt: str) -> str:
    if fmt == "json":
        return dump_json(service_explanation_json(service, answers), depth=3)
    out = [f"Service: {service.id} ({service.type})"]
    if not answers:
        out.append(
            "It sends to no endpoint: its selector matches none in the input."
            if service.selector
            else "It has no selector: its endpoints are managed by hand and not in the input."
        )
        return "\n".join(out) + "\n"
    for target, explanation in answers:
        out.append("")
        out.append(f"== {_mapping(target)}")
        if explanation is None:
            out.append(
                f"No container of {target.endpoint} declares a port named "
                f'"{target.service_port.target_port}": the Service sends this traffic nowhere.'
            )
            continue
        out.append(render_explanation_text(explanation).rstrip("\n"))
    return "\n".join(out) + "\n"


def service_explanation_json(service: Service, answers: Sequence[Answer]) -> dict:
    return {
        "service": service.id,
        "type": service.type,
        "targets": [
            {
                "endpoint": t.endpoint,
                "service_port": {
                    "name": t.service_port.name,
                    "protocol": t.service_port.protocol,
                    "port": t.service_port.port,
                    "target_port": t.service_port.target_port,
                },
                "port": t.port,
                "explanation": explanation_to_json(e) if e is not None else None,
            }
            for t, e in answers
        ],
    }
