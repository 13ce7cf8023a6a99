"""An expectations file (YAML) → Statements, with file and line for every statement and error.

    version: 1                      # optional
    expect:
      - allow: {from: shop/frontend, to: shop/api, ports: [TCP 8080]}
        name: the shop front calls the API        # optional, for messages
      - deny: {from: {not: payments/*}, to: payments/*}
      - deny: {from: external, to: db/*}

`allow`: every pair from × to may connect (on every port listed; without ports, on some port).
`deny`: no pair from × to may connect (on any port listed; without ports, on any port).
A pair of an endpoint with itself is never checked, and only endpoints of the input and outside
addresses are (a pod of a namespace not created yet is lint's business). Endpoints (from, to),
one or a list of:
    ns/name, ns/name[Kind]   one workload          ns/*    every endpoint of a namespace
    */*                      every endpoint         external   every address outside the cluster
    10.0.0.0/8, 1.2.3.4      outside addresses in that range
    *                        everything: endpoints and outside addresses
    {namespace: NS, name: N, kind: K, labels: {k: v}, podSelector: {...}, namespaceSelector: {...}}
                             (all keys optional, ANDed; selectors as in a NetworkPolicy)
    {not: ENDPOINTS}         everything (endpoints and outside addresses) except those
Ports: `8080`, `TCP 8080`, `UDP 53`, `TCP 8000-8080`, `SCTP` (every port of it); TCP by default.
"""

from __future__ import annotations

import ipaddress
import re
from dataclasses import dataclass

from netviz.engine.ports import MAX_PORT, MIN_PORT, PortSet
from netviz.k8s.fields import Reporter, describe, line_of, start_line
from netviz.k8s.model import PROTOCOLS, LabelSelector
from netviz.k8s.validate import parse_selector
from netviz.k8s.yamlsrc import Budget, LList, LMap, parse_text

VERSION = 1
KINDS = ("allow", "deny")
_STATEMENT_KEYS = {"allow", "deny", "name"}
_RULE_KEYS = {"from", "to", "ports"}
_MATCH_KEYS = {"namespace", "name", "kind", "labels", "podSelector", "namespaceSelector"}
_REF = re.compile(r"^([^/\s\[\]]+)/([^/\s\[\]]+)(?:\[([A-Za-z]+)\])?$")
_PORT = re.compile(r"^(?:([A-Za-z]+)\s*)?(?:(\d{1,5})(?:\s*-\s*(\d{1,5}))?)?$")


@dataclass(frozen=True)
class ExpectError:
    file: str
    line: int
    message: str

    def __str__(self) -> str:
        return (
            f"{self.file}:{self.line}: {self.message}"
            if self.line
            else f"{self.file}: {self.message}"
        )


class ExpectationsInvalid(ValueError):
    """The file cannot be checked; `errors` say where and why (every one found, not the first)."""

    def __init__(self, errors: list[ExpectError]) -> None:
        super().__init__("; ".join(str(e) for e in errors))
        self.errors = errors


@dataclass(frozen=True)
class Match:
    """One endpoint pattern; None fields match anything. `cidr` set: outside addresses only."""

    namespace: str | None = None
    name: str | None = None
    kind: str | None = None
    pod_selector: LabelSelector | None = None
    namespace_selector: LabelSelector | None = None
    cidr: str | None = None
    external: bool = False  # outside addresses (all of them unless `cidr`)
    everything: bool = False  # endpoints and outside addresses


@dataclass(frozen=True)
class Endpoints:
    """A union of Matches as written (`text`); `negate`: everything but them."""

    text: str
    matches: tuple[Match, ...]
    negate: bool = False


@dataclass(frozen=True)
class Statement:
    kind: str  # "allow" | "deny"
    src: Endpoints
    dst: Endpoints
    ports: PortSet | None  # None: no ports given
    file: str
    line: int
    name: str = ""

    @property
    def text(self) -> str:
        """`allow shop/frontend -> shop/api on TCP 8080`: the statement in one line."""
        text = f"{self.kind} {self.src.text} -> {self.dst.text}"
        if self.ports is not None:
            text += f" on {self.ports}"
        return text

    @property
    def id(self) -> str:
        """Stable across edits that do not change the statement: the fingerprint for CI tools."""
        return self.name or self.text


def _text(value: object) -> str:
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k}: {_text(v)}" for k, v in value.items()) + "}"
    if isinstance(value, list):
        return "[" + ", ".join(_text(v) for v in value) + "]"
    return str(value)


class _Parser:
    def __init__(self, file: str) -> None:
        self.file = file
        self.errors: list[ExpectError] = []

    def error(self, line: int, message: str) -> None:
        self.errors.append(ExpectError(self.file, line, message))

    def string_match(self, text: str, line: int) -> Match | None:
        text = text.strip()
        if text == "*":
            return Match(everything=True)
        if text == "*/*":
            return Match()
        if text == "external":
            return Match(external=True)
        if text[:1].isdigit() or ":" in text:
            try:
                net = ipaddress.ip_network(text, strict=False)
            except ValueError:
                self.error(line, f"{text!r} is not an address or CIDR (e.g. 10.0.0.0/8)")
                return None
            return Match(cidr=str(net), external=True)
        m = _REF.match(text)
        if not m:
            self.error(
                line,
                f"{text!r}: expected ns/name, ns/name[Kind], ns/*, */*, *, external or a CIDR",
            )
            return None
        ns, name, kind = m.group(1), m.group(2), m.group(3)
        return Match(
            namespace=None if ns == "*" else ns, name=None if name == "*" else name, kind=kind
        )

    def selector(self, value: object, path: str, line: int) -> LabelSelector | None:
        rep = Reporter(self.file, 1, line)
        selector = parse_selector(value, path, rep, line)
        for p in rep.problems:
            self.error(p.source.line, p.message)
        return selector if not rep.errors else None

    def map_match(self, value: LMap, path: str) -> Match | None:
        line = start_line(value, 0)
        unknown = sorted(set(value) - _MATCH_KEYS - {"not"})
        if unknown:
            self.error(
                line_of(value, unknown[0], line),
                f"{path}: unknown key {unknown[0]!r} (expected not, {', '.join(sorted(_MATCH_KEYS))})",
            )
            return None
        fields: dict = {}
        for key in ("namespace", "name", "kind"):
            if key in value:
                item = value[key]
                if not isinstance(item, str) or not item:
                    self.error(line_of(value, key, line), f"{path}.{key}: expected a name")
                    return None
                fields[key] = None if item == "*" else item
        if "labels" in value:
            sel = self.selector({"matchLabels": value["labels"]}, f"{path}.labels", line)
            if sel is None:
                return None
            fields["pod_selector"] = sel
        for key, attr in (
            ("podSelector", "pod_selector"),
            ("namespaceSelector", "namespace_selector"),
        ):
            if key in value:
                if attr in fields:
                    self.error(
                        line_of(value, key, line), f"{path}: give labels or podSelector, not both"
                    )
                    return None
                sel = self.selector(value[key], f"{path}.{key}", line_of(value, key, line))
                if sel is None:
                    return None
                fields[attr] = sel
        return Match(**fields)

    def endpoints(self, value: object, path: str, line: int) -> Endpoints | None:
        negate = False
        if isinstance(value, dict) and "not" in value:
            if len(value) != 1:
                self.error(line, f"{path}: `not` stands alone: {{not: ENDPOINTS}}")
                return None
            negate, line, value = True, line_of(value, "not", line), value["not"]
        items = value if isinstance(value, list) else [value]
        if not items:
            self.error(line, f"{path}: expected at least one endpoint")
            return None
        matches = []
        for i, item in enumerate(items):
            item_line = line_of(items, i, line) if isinstance(items, LList) else line
            if isinstance(item, str):
                match = self.string_match(item, item_line)
            elif isinstance(item, dict) and "not" not in item:
                match = self.map_match(item, path)
            else:
                self.error(item_line, f"{path}: expected an endpoint, got {describe(item)}")
                match = None
            if match is None:
                return None
            matches.append(match)
        text = _text(value)
        return Endpoints(f"not {text}" if negate else text, tuple(matches), negate)

    def ports(self, value: object, path: str, line: int) -> PortSet | None:
        items = value if isinstance(value, list) else [value]
        out = PortSet.empty()
        for i, item in enumerate(items):
            item_line = line_of(items, i, line) if isinstance(items, LList) else line
            m = _PORT.match(str(item).strip()) if isinstance(item, str | int) else None
            if not m or not (m.group(1) or m.group(2)):
                self.error(item_line, f"{path}: expected a port like 8080, TCP 8080 or UDP 53")
                return None
            protocol = (m.group(1) or "TCP").upper()
            if protocol not in PROTOCOLS:
                self.error(item_line, f"{path}: protocol {m.group(1)!r}: expected TCP, UDP or SCTP")
                return None
            start = int(m.group(2)) if m.group(2) else MIN_PORT
            end = int(m.group(3)) if m.group(3) else (start if m.group(2) else MAX_PORT)
            if not MIN_PORT <= start <= end <= MAX_PORT:
                self.error(item_line, f"{path}: ports run from 1 to 65535, low to high: {item!r}")
                return None
            out = out | PortSet.single(protocol, start, end)  # type: ignore[arg-type]
        return out

    def statement(self, item: object, index: int, line: int) -> Statement | None:
        path = f"expect[{index}]"
        if not isinstance(item, dict):
            self.error(line, f"{path}: expected a mapping with allow or deny, got {describe(item)}")
            return None
        line = start_line(item, line)
        kinds = [k for k in KINDS if k in item]
        unknown = sorted(set(item) - _STATEMENT_KEYS)
        if unknown:
            self.error(
                line_of(item, unknown[0], line),
                f"{path}: unknown key {unknown[0]!r} (expected allow, deny, name)",
            )
            return None
        if len(kinds) != 1:
            self.error(line, f"{path}: give exactly one of allow or deny")
            return None
        kind = kinds[0]
        name = item.get("name", "")
        if not isinstance(name, str):
            self.error(line_of(item, "name", line), f"{path}.name: expected a string")
            return None
        rule = item[kind]
        rule_line = start_line(rule, line_of(item, kind, line))
        if not isinstance(rule, dict):
            self.error(rule_line, f"{path}.{kind}: expected a mapping with from, to and ports")
            return None
        unknown = sorted(set(rule) - _RULE_KEYS)
        missing = [k for k in ("from", "to") if k not in rule]
        if unknown or missing:
            what = f"unknown key {unknown[0]!r}" if unknown else f"{missing[0]} is missing"
            self.error(rule_line, f"{path}.{kind}: {what} (expected from, to and optional ports)")
            return None
        src = self.endpoints(rule["from"], f"{path}.{kind}.from", line_of(rule, "from", rule_line))
        dst = self.endpoints(rule["to"], f"{path}.{kind}.to", line_of(rule, "to", rule_line))
        ports = None
        if "ports" in rule:
            ports = self.ports(
                rule["ports"], f"{path}.{kind}.ports", line_of(rule, "ports", rule_line)
            )
            if ports is None:
                return None
        if src is None or dst is None:
            return None
        return Statement(kind, src, dst, ports, self.file, line, name)


def parse_expectations(text: str, file: str) -> list[Statement]:
    """The statements of an expectations file; ExpectationsInvalid lists every problem found."""
    budget = Budget(max_aliases=100, max_depth=32, max_nodes=100_000, max_documents=2)
    docs, syntax = parse_text(text, budget)
    parser = _Parser(file)
    for _index, line, message in syntax:
        parser.error(line, message)
    for doc in docs:
        for _severity, line, message in doc.problems:
            parser.error(line, message)
    values = [d for d in docs if d.value is not None]
    if parser.errors:
        raise ExpectationsInvalid(parser.errors)
    if len(values) != 1 or not isinstance(values[0].value, dict):
        parser.error(values[0].line if values else 1, "expected one mapping with `expect:`")
        raise ExpectationsInvalid(parser.errors)
    top = values[0].value
    top_line = start_line(top, 1)
    unknown = sorted(set(top) - {"version", "expect"})
    if unknown:
        parser.error(
            line_of(top, unknown[0], top_line),
            f"unknown key {unknown[0]!r} (expected version, expect)",
        )
    if top.get("version", VERSION) != VERSION:
        parser.error(
            line_of(top, "version", top_line),
            f"version {top['version']!r}: this netviz reads version 1",
        )
    items = top.get("expect")
    if not isinstance(items, list) or not items:
        parser.error(line_of(top, "expect", top_line), "expect: expected a list of statements")
        raise ExpectationsInvalid(parser.errors)
    statements = []
    for i, item in enumerate(items):
        s = parser.statement(item, i, line_of(items, i, top_line))
        if s is not None:
            statements.append(s)
    if parser.errors:
        raise ExpectationsInvalid(parser.errors)
    return statements
