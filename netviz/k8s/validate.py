"""The Kubernetes API's value checks (names, labels, selectors, port names, CIDRs) as plain functions."""

from __future__ import annotations

import ipaddress
import re
from functools import lru_cache

from netviz.k8s.fields import (
    Reporter,
    child,
    describe,
    get_list,
    get_str,
    line_of,
    start_line,
    warn_unknown,
)
from netviz.k8s.model import LabelSelector, Requirement

_DNS_LABEL = re.compile(r"[a-z0-9]([-a-z0-9]*[a-z0-9])?")
_DNS_SUBDOMAIN = re.compile(r"[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*")
_QUALIFIED_NAME = re.compile(r"([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]")
_LABEL_VALUE = re.compile(r"(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?")
_PORT_NAME = re.compile(r"[-a-z0-9]+")
_IPV4_LEADING_ZERO = re.compile(r"(?<![0-9])0+(?=[0-9])")
OPERATORS = ("In", "NotIn", "Exists", "DoesNotExist")


@lru_cache(maxsize=65536)
def dns_label_error(value: str) -> str | None:
    if len(value) > 63:
        return "must be no more than 63 characters"
    if not _DNS_LABEL.fullmatch(value):
        return (
            "must be lowercase letters, digits and '-', starting and ending with a letter or digit"
        )
    return None


@lru_cache(maxsize=65536)
def dns_subdomain_error(value: str) -> str | None:
    if len(value) > 253:
        return "must be no more than 253 characters"
    if not _DNS_SUBDOMAIN.fullmatch(value):
        return (
            "must be lowercase letters, digits, '-' and '.', "
            "starting and ending with a letter or digit"
        )
    return None


@lru_cache(maxsize=65536)
def label_key_error(key: str) -> str | None:
    """IsQualifiedName: optional DNS-subdomain prefix and '/', then a name of at most 63 chars."""
    parts = key.split("/")
    if len(parts) == 2:
        prefix, name = parts
        if not prefix:
            return "prefix before '/' must not be empty"
        problem = dns_subdomain_error(prefix)
        if problem:
            return f"prefix {problem}"
    elif len(parts) == 1:
        name = parts[0]
    else:
        return "may contain at most one '/'"
    if not name:
        return "name part must not be empty"
    if len(name) > 63:
        return "name part must be no more than 63 characters"
    if not _QUALIFIED_NAME.fullmatch(name):
        return (
            "name part must be letters, digits, '-', '_' and '.', "
            "starting and ending with a letter or digit"
        )
    return None


@lru_cache(maxsize=65536)
def label_value_error(value: str) -> str | None:
    if len(value) > 63:
        return "must be no more than 63 characters"
    if not _LABEL_VALUE.fullmatch(value):
        return "must be empty or letters, digits, '-', '_' and '.', starting and ending with a letter or digit"
    return None


@lru_cache(maxsize=65536)
def port_name_error(name: str) -> str | None:
    """IsValidPortName (IANA_SVC_NAME)."""
    if len(name) > 15:
        return "must be no more than 15 characters"
    if not _PORT_NAME.fullmatch(name):
        return "must contain only lowercase letters, digits and '-'"
    if not re.search(r"[a-z]", name):
        return "must contain at least one letter"
    if "--" in name:
        return "must not contain '--'"
    if name.startswith("-") or name.endswith("-"):
        return "must not begin or end with '-'"
    return None


def parse_cidr(
    value: str,
) -> tuple[ipaddress.IPv4Network | ipaddress.IPv6Network | None, str | None, str | None]:
    """(network, error, warning). Host bits are accepted like the API does, with a warning."""
    if "/" not in value:
        return None, "must be a CIDR such as 10.0.0.0/16 (the /prefix is missing)", None
    address, _, prefix = value.partition("/")
    warning = None
    if "." in address and ":" not in address and _IPV4_LEADING_ZERO.search(address):
        # The API's legacy parser reads leading zeros as decimal; Python refuses them.
        address = ".".join(str(int(p)) if p.isdigit() else p for p in address.split("."))
        warning = f'non-standard CIDR "{value}": leading zeros are read as decimal'
    if not prefix.isdigit():
        return None, "has an invalid prefix length", None
    try:
        net = ipaddress.ip_network(f"{address}/{int(prefix)}", strict=False)
    except ValueError:
        return None, "is not a valid CIDR (e.g. 10.9.8.0/24 or 2001:db8::/64)", None
    if net.network_address != ipaddress.ip_address(address):
        host = f"{address}/{net.max_prefixlen}"
        warning = (
            f'CIDR "{value}" has host bits set; it is read as "{net}" (as the API does), '
            f'did you mean "{host}"?'
        )
    return net, None, warning


def ip_error(value: str) -> str | None:
    try:
        ipaddress.ip_address(value)
    except ValueError:
        return "is not a valid IP address"
    return None


def parse_labels(value: object, path: str, rep: Reporter, line: int) -> dict[str, str]:
    """A `labels` / `matchLabels` map; non-string or invalid keys and values are errors."""
    if value is None:
        return {}
    if not isinstance(value, dict):
        rep.error(line, f"{path}: expected a mapping, got {describe(value)}")
        return {}
    out: dict[str, str] = {}
    for key, val in value.items():
        kline = line_of(value, key, line)
        problem = label_key_error(key) if isinstance(key, str) else "must be a string"
        if problem:
            rep.error(kline, f'{path}: label key "{key}" {problem}')
            continue
        if not isinstance(val, str):
            rep.error(
                kline,
                f'{child(path, key)}: label values must be strings, got {describe(val)}; quote it "{val}"'
                if isinstance(val, int | float) and not isinstance(val, bool)
                else f"{child(path, key)}: label values must be strings, got {describe(val)}",
            )
            continue
        problem = label_value_error(val)
        if problem:
            rep.error(kline, f'{child(path, key)}: label value "{val}" {problem}')
            continue
        out[key] = val
    return out


def parse_selector(value: object, path: str, rep: Reporter, line: int) -> LabelSelector:
    """A metav1.LabelSelector (null reads as the empty selector, as the API does)."""
    if value is None:
        return LabelSelector()
    line = start_line(value, line)
    if not isinstance(value, dict):
        rep.error(line, f"{path}: expected a mapping, got {describe(value)}")
        return LabelSelector()
    warn_unknown(value, ("matchLabels", "matchExpressions"), path, rep, line)
    labels = parse_labels(
        value.get("matchLabels"),
        child(path, "matchLabels"),
        rep,
        line_of(value, "matchLabels", line),
    )
    requirements: list[Requirement] = []
    exprs = get_list(value, "matchExpressions", path, rep, line) or []
    for i, expr in enumerate(exprs):
        req = _parse_requirement(
            expr, child(child(path, "matchExpressions"), i), rep, line_of(exprs, i, line)
        )
        if req is not None:
            requirements.append(req)
    return LabelSelector(tuple(sorted(labels.items())), tuple(requirements))


def _parse_requirement(expr: object, path: str, rep: Reporter, line: int) -> Requirement | None:
    if not isinstance(expr, dict):
        rep.error(line, f"{path}: expected a mapping, got {describe(expr)}")
        return None
    warn_unknown(expr, ("key", "operator", "values"), path, rep, line)
    errors = rep.errors
    key = expr.get("key")
    if not isinstance(key, str):
        rep.error(
            line_of(expr, "key", line), f"{path}.key: expected a label key, got {describe(key)}"
        )
    else:
        problem = label_key_error(key)
        if problem:
            rep.error(line_of(expr, "key", line), f'{path}.key: "{key}" {problem}')
    op = expr.get("operator")
    if op not in OPERATORS:
        shown = f'"{op}"' if isinstance(op, str) else describe(op)
        rep.error(
            line_of(expr, "operator", line),
            f"{path}.operator: {shown} is not one of In, NotIn, Exists, DoesNotExist",
        )
    values: list[str] = []
    raw = get_list(expr, "values", path, rep, line) or []
    for i, val in enumerate(raw):
        vline = line_of(raw, i, line_of(expr, "values", line))
        if not isinstance(val, str):
            rep.error(
                vline, f"{path}.values[{i}]: label values must be strings, got {describe(val)}"
            )
            continue
        problem = label_value_error(val)
        if problem:
            rep.error(vline, f'{path}.values[{i}]: "{val}" {problem}')
        values.append(val)
    vline = line_of(expr, "values", line_of(expr, "operator", line))
    if op in ("In", "NotIn") and not raw:
        rep.error(vline, f"{path}.values: must not be empty when operator is {op}")
    if op in ("Exists", "DoesNotExist") and raw:
        rep.error(vline, f"{path}.values: must be empty when operator is {op}")
    if rep.errors != errors:
        return None
    return Requirement(key, op, frozenset(values))  # type: ignore[arg-type]


def _labels_entry(value: object) -> str:
    return "the label" if isinstance(value, dict) else "metadata.labels"


def parse_meta(
    obj: dict, rep: Reporter, namespaced: bool = True
) -> tuple[str, str, dict[str, str]] | None:
    """(namespace, name, labels) from metadata; None when there is no usable name."""
    line = rep.line
    meta = obj.get("metadata")
    if not isinstance(meta, dict):
        rep.error(
            line_of(obj, "metadata", line), f"metadata: expected a mapping, got {describe(meta)}"
        )
        return None
    mline = start_line(meta, line)
    name = get_str(meta, "name", "metadata", rep, mline)
    namespace = get_str(meta, "namespace", "metadata", rep, mline) if namespaced else None
    rep.namespace = (namespace or "default") if namespaced else None
    rep.name = name
    if not name:
        if "name" not in meta:
            rep.error(mline, "metadata.name is missing")
        elif isinstance(name, str):
            rep.error(line_of(meta, "name", mline), "metadata.name is empty")
        return None
    check = dns_subdomain_error if namespaced else dns_label_error
    problem = check(name)
    if problem:
        rep.error(line_of(meta, "name", mline), f'metadata.name "{name}" {problem}')
    if namespace:
        problem = dns_label_error(namespace)
        if problem:
            rep.error(
                line_of(meta, "namespace", mline), f'metadata.namespace "{namespace}" {problem}'
            )
    with rep.entry(_labels_entry(meta.get("labels"))):
        labels = parse_labels(
            meta.get("labels"), "metadata.labels", rep, line_of(meta, "labels", mline)
        )
    return (namespace or "default", name, labels)
