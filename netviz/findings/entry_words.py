"""Words for the Service and entry-route findings (netviz.findings.checks.entry)."""

from __future__ import annotations

from netviz.findings.words import D, listing


def exposed_but_blocked(d: D) -> str:
    how = "only partly let" if d["partly"] else "do not let"
    text = (
        f"{d['endpoint']} is exposed through {d['via']} {d['through']} ({d['address']}, "
        f"{d['port']}) but the policies {how} that traffic in"
    )
    if d["partly"]:
        return text + f": allowed from {listing(list(d['allowed_from']))} only."
    return text + f" (checked from {listing(list(d['sources']))})."


def target_port(d: D) -> str:
    if d["named"]:
        return (
            f"Service {d['service']} port {d['protocol']} {d['port']} targets the named port "
            f'"{d["target"]}", which no container of {listing(list(d["missing"]))} declares: '
            "that traffic goes nowhere."
        )
    return (
        f"Service {d['service']} port {d['protocol']} {d['port']} targets port {d['target']}, "
        f"which {listing(list(d['missing']))} do(es) not declare (they may still listen on it)."
    )


def route_to_nothing(d: D) -> str:
    if not d["in_input"]:
        return f"{d['route']} sends traffic to {d['service']}, which is not in the input."
    if not d["has_port"]:
        return f"{d['route']} sends traffic to port {d['port']} of {d['service']}, which has no such port."
    return f"{d['route']} sends traffic to {d['service']}, whose selector matches no endpoint."


def port_without_service(d: D) -> str:
    return (
        f"Policy {d['policy']} ingress rule {d['rule']} opens {d['port']} on "
        f"{listing(list(d['endpoints']))}, but no Service sends traffic to that port "
        "(pod-to-pod traffic may still use it)."
    )


ENTRY_MESSAGES = {
    "exposed-but-blocked": exposed_but_blocked,
    "service-target-port-undeclared": target_port,
    "route-to-nothing": route_to_nothing,
    "port-without-service": port_without_service,
}
