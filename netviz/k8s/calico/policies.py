"""Calico (Global)NetworkPolicy, the staged kinds and Tier documents → typed objects.

Checked as libcalico-go's v3 validator does; `types` defaulted as the Calico client does
(projectcalico.org/v3), or left for Felix to read as both directions (a crd.projectcalico.org/v1
object that nothing defaulted).
"""

from __future__ import annotations

import re

from netviz.k8s.calico.model import (
    BUILTIN_TIERS,
    DEFAULT_TIER,
    CalicoPolicy,
    Tier,
)
from netviz.k8s.calico.resources import calico_meta
from netviz.k8s.calico.rules import parse_rules, parse_selector_field
from netviz.k8s.fields import (
    Reporter,
    describe,
    get_bool,
    get_list,
    get_str,
    line_of,
    start_line,
    warn_unknown,
)
from netviz.k8s.policy import build_policy
from netviz.k8s.validate import dns_label_error
from netviz.k8s.yamlsrc import LMap

V3 = "projectcalico.org/v3"
CRD = "crd.projectcalico.org/v1"
API_VERSIONS = (V3, CRD)

_LABEL = "[a-z0-9]([-a-z0-9]*[a-z0-9])?"
_SUBDOMAIN = _LABEL + r"(\." + _LABEL + ")*"
_NP_NAME = re.compile(rf"(({_LABEL})(\.{_LABEL})?|((knp|ossg)\.default\.({_SUBDOMAIN})))")
_GNP_NAME = re.compile(rf"({_LABEL}\.)?{_LABEL}")
_COMMON_KEYS = ("order", "tier", "ingress", "egress", "selector", "types")
_NP_KEYS = (*_COMMON_KEYS, "serviceAccountSelector", "performanceHints")
_GNP_KEYS = (*_NP_KEYS, "namespaceSelector", "doNotTrack", "preDNAT", "applyOnForward")
_STAGED_ACTIONS = ("Set", "Delete", "Learn", "Ignore")
NOT_MODELLED = {
    "doNotTrack": "doNotTrack: its rules run before connection tracking, on the host; netviz "
    "evaluates it as an ordinary policy",
    "preDNAT": "preDNAT: its rules see the address before DNAT (NodePorts); netviz evaluates "
    "it as an ordinary ingress policy",
    "applyOnForward": "applyOnForward: traffic forwarded through a host endpoint is not modelled",
    "http": "http match: application-layer (methods, paths) is not modelled; the rule is read "
    "as matching every request",
    "Log": "Log rules are evaluated (they go on to the next rule); what they write is not modelled",
}


def build_calico_policy(
    obj: dict, kind: str, api_version: str, rep: Reporter, text: str = ""
) -> CalicoPolicy | None:
    """A NetworkPolicy, GlobalNetworkPolicy or staged policy; None when Calico would refuse it."""
    line = rep.line
    if kind == "StagedKubernetesNetworkPolicy":
        return _staged_k8s(obj, rep, text)
    is_global = "Global" in kind
    warn_unknown(obj, ("apiVersion", "kind", "metadata", "spec", "status"), "", rep, line)
    meta = calico_meta(obj, rep, namespaced=not is_global)
    spec = obj.get("spec")
    if spec is None:
        spec = LMap(line)
    elif not isinstance(spec, dict):
        rep.error(line_of(obj, "spec", line), f"spec: expected a mapping, got {describe(spec)}")
        return None
    sline = start_line(spec, line_of(obj, "spec", line))
    staged = kind.startswith("Staged")
    keys = _GNP_KEYS if is_global else _NP_KEYS
    warn_unknown(spec, (*keys, "stagedAction") if staged else keys, "spec", rep, sline)
    staged_action = _staged_action(spec, rep, sline) if staged else None
    order = _order(spec, rep, sline)
    tier = get_str(spec, "tier", "spec", rep, sline) or DEFAULT_TIER
    problem = dns_label_error(tier)
    if problem:
        rep.error(line_of(spec, "tier", sline), f'spec.tier "{tier}" {problem}')
    selector = parse_selector_field(spec, "selector", "spec", rep, sline)
    sa_selector = parse_selector_field(spec, "serviceAccountSelector", "spec", rep, sline)
    ns_selector = (
        parse_selector_field(spec, "namespaceSelector", "spec", rep, sline) if is_global else None
    )
    ingress = parse_rules(spec, "ingress", rep, sline, is_global=is_global)
    egress = parse_rules(spec, "egress", rep, sline, is_global=is_global)
    types, defaulted = _types(spec, api_version, rep, sline)
    flags = {k: bool(get_bool(spec, k, "spec", rep, sline)) for k in _GNP_KEYS[-3:]}
    if is_global:
        _check_global_flags(spec, flags, types, rep, sline)
    if staged_action == "Delete":
        given = [k for k in spec if k not in ("tier", "stagedAction")]
        if given:
            rep.error(sline, f"spec: only tier may be given with stagedAction Delete, not {given}")
    if meta is None:
        return None
    name = meta[1]
    name = _check_name(name, kind, api_version, tier, rep)
    if rep.errors:
        return None
    caveats = [NOT_MODELLED[k] for k, on in flags.items() if on]
    if any(r.http for r in ingress + egress):
        caveats.append(NOT_MODELLED["http"])
    for caveat in caveats:
        rep.warning(sline, f"not modelled: {caveat}")
    if any(r.action == "Log" for r in ingress + egress):
        caveats.append(NOT_MODELLED["Log"])
    return CalicoPolicy(
        kind=kind,
        namespace=None if is_global else meta[0],
        name=name,
        tier=tier,
        order=order,
        selector=selector,
        namespace_selector=ns_selector,
        service_account_selector=sa_selector,
        types=types,
        types_defaulted=defaulted,
        ingress=ingress,
        egress=egress,
        do_not_track=flags["doNotTrack"],
        pre_dnat=flags["preDNAT"],
        apply_on_forward=flags["applyOnForward"],
        staged_action=staged_action,
        api_version=api_version,
        source=rep.source(),
        text=text,
        caveats=tuple(caveats),
    )


def _staged_action(spec: dict, rep: Reporter, line: int) -> str:
    value = spec.get("stagedAction")
    if value is None:
        return "Set"
    if value not in _STAGED_ACTIONS:
        shown = f'"{value}"' if isinstance(value, str) else describe(value)
        rep.error(
            line_of(spec, "stagedAction", line),
            f"spec.stagedAction: {shown} is not one of {', '.join(_STAGED_ACTIONS)}",
        )
        return "Set"
    return value


def _order(spec: dict, rep: Reporter, line: int) -> float | None:
    value = spec.get("order")
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float):
        rep.error(
            line_of(spec, "order", line), f"spec.order: expected a number, got {describe(value)}"
        )
        return None
    if value != value or value in (float("inf"), float("-inf")):
        rep.error(line_of(spec, "order", line), "spec.order: must be a finite number")
        return None
    return float(value)


def _types(spec: dict, api_version: str, rep: Reporter, line: int) -> tuple[frozenset, bool]:
    given = get_list(spec, "types", "spec", rep, line)
    if not given:
        ingress, egress = bool(spec.get("ingress")), bool(spec.get("egress"))
        if api_version == CRD:
            # Only the Calico client defaults types; a CRD written straight to the API server
            # keeps none, and Felix reads no types as both directions.
            if "types" not in spec:
                rep.warning(
                    line,
                    "spec.types is missing from this crd.projectcalico.org/v1 object: nothing "
                    "defaults it there, and Felix applies the policy to ingress and egress",
                )
            return frozenset(("ingress", "egress")), True
        # The Calico client: egress rules only → [Egress]; both → both; otherwise [Ingress].
        if egress and not ingress:
            return frozenset(("egress",)), True
        if egress:
            return frozenset(("ingress", "egress")), True
        return frozenset(("ingress",)), True
    out: set[str] = set()
    for i, value in enumerate(given):
        tline = line_of(given, i, line)
        if value not in ("Ingress", "Egress"):
            shown = f'"{value}"' if isinstance(value, str) else describe(value)
            rep.error(tline, f'spec.types[{i}]: {shown} is not "Ingress" or "Egress"')
        elif value.lower() in out:
            rep.error(tline, f"spec.types[{i}]: '{value}' type specified more than once")
        else:
            out.add(value.lower())
    return frozenset(out), False


def _check_global_flags(spec: dict, flags: dict, types: frozenset, rep: Reporter, line: int):
    if flags["doNotTrack"] and flags["preDNAT"]:
        rep.error(line, "spec: preDNAT and doNotTrack cannot both be true")
    if flags["preDNAT"] and (spec.get("egress") or "egress" in types and spec.get("types")):
        rep.error(line, "spec: a preDNAT policy cannot have egress rules or the Egress type")
    if not flags["applyOnForward"] and (flags["doNotTrack"] or flags["preDNAT"]):
        rep.error(line, "spec.applyOnForward: must be true when preDNAT or doNotTrack is")


def _check_name(name: str, kind: str, api_version: str, tier: str, rep: Reporter) -> str:
    nline = rep.line
    if len(name) > 253:
        rep.error(nline, f"metadata.name is too long by {len(name) - 253} characters")
        return name
    if api_version == CRD and tier == DEFAULT_TIER and name.startswith("default."):
        # Before Calico v3.32 the CRD stored default-tier policies as "default.<name>".
        name = name[len("default.") :]
    pattern = _GNP_NAME if "Global" in kind else _NP_NAME
    if not pattern.fullmatch(name):
        rep.error(
            nline,
            f'metadata.name "{name}": must be lower-case letters, digits and "-", '
            'with at most one "." (e.g. tier-name.policy-name)',
        )
        return name
    prefix, dot, _ = name.partition(".")
    if dot and tier == DEFAULT_TIER and prefix not in ("knp", "ossg", DEFAULT_TIER):
        rep.warning(
            nline,
            f'metadata.name "{name}" looks prefixed with tier "{prefix}", but spec.tier is not '
            f'set: the policy is in tier "default"',
        )
    return name


def _staged_k8s(obj: dict, rep: Reporter, text: str) -> CalicoPolicy | None:
    spec = obj.get("spec")
    if not isinstance(spec, dict):
        spec = LMap(rep.line)
    sline = start_line(spec, rep.line)
    action = _staged_action(spec, rep, sline)
    plain = LMap(getattr(obj, "line", rep.line))
    plain.lines = dict(getattr(obj, "lines", {}))
    plain.update(obj)
    inner = LMap(getattr(spec, "line", sline))
    inner.lines = dict(getattr(spec, "lines", {}))
    inner.update({k: v for k, v in spec.items() if k != "stagedAction"})
    plain["spec"] = inner
    plain["apiVersion"], plain["kind"] = "networking.k8s.io/v1", "NetworkPolicy"
    if action == "Delete" and [k for k in inner if k != "tier"]:
        rep.error(sline, "spec: no other field may be given with stagedAction Delete")
    k8s = build_policy(plain, rep, text)
    if k8s is None or rep.errors:
        return None
    return CalicoPolicy(
        kind="StagedKubernetesNetworkPolicy",
        namespace=k8s.namespace,
        name=k8s.name,
        tier=DEFAULT_TIER,
        order=1000.0,
        types=k8s.policy_types,
        staged_action=action,
        k8s=k8s,
        source=rep.source(),
        text=text,
    )


def build_tier(obj: dict, rep: Reporter) -> Tier | None:
    line = rep.line
    warn_unknown(obj, ("apiVersion", "kind", "metadata", "spec", "status"), "", rep, line)
    meta = calico_meta(obj, rep, namespaced=False)
    spec = obj.get("spec") or {}
    if not isinstance(spec, dict):
        rep.error(line_of(obj, "spec", line), f"spec: expected a mapping, got {describe(spec)}")
        return None
    sline = start_line(spec, line_of(obj, "spec", line))
    warn_unknown(spec, ("order", "defaultAction"), "spec", rep, sline)
    order = _order(spec, rep, sline)
    action = spec.get("defaultAction")
    if action is None:
        action = "Deny"
    elif action not in ("Deny", "Pass"):
        shown = f'"{action}"' if isinstance(action, str) else describe(action)
        rep.error(
            line_of(spec, "defaultAction", sline),
            f"spec.defaultAction: {shown} is not Deny or Pass",
        )
    if meta is None:
        return None
    name = meta[1]
    problem = dns_label_error(name)
    if problem:
        rep.error(rep.line, f'metadata.name "{name}": a tier name {problem} (no dots)')
    if name in BUILTIN_TIERS:
        fixed = BUILTIN_TIERS[name][0]
        if order != fixed:
            rep.error(
                line_of(spec, "order", sline),
                f"spec.order: the {name} tier's order must be {fixed:g}",
            )
    if name == DEFAULT_TIER and action == "Pass":
        rep.error(
            line_of(spec, "defaultAction", sline), "spec.defaultAction: the default tier must Deny"
        )
    if rep.errors:
        return None
    return Tier(name, order, action, source=rep.source())  # type: ignore[arg-type]
