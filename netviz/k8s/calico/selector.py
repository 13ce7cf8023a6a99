"""Calico's selector language: a tokenizer and recursive-descent parser into a typed AST.

Written from libcalico-go/lib/selector (tokenizer, parser, ast), not translated from it:

    selector   := ""                                  (the empty selector is all())
                | or
    or         := and ("||" and)*
    and        := operation ("&&" operation)*
    operation  := "!"* ( "has(" key ")" | "all()" | "global()" | "(" or ")"
                       | key ("==" | "!=" | "contains" | "starts with" | "ends with") string
                       | key ("in" | "not in") "{" [string ("," string)* [","]] "}" )
    key        := [A-Za-z0-9_./-]+
    string     := '"' no '"' '"' | "'" no "'" "'"       (no escapes; the other quote may appear)

Only spaces and tabs separate tokens (a newline is an error, as in Calico). Operators after a
key are matched by prefix, as Calico's tokenizer does (`a notin {}` is `a not in {}`).

Truth table (label `k` on the endpoint):

| expression        | k absent | k = v          | k = other |
|-------------------|----------|----------------|-----------|
| k == 'v'          | no       | yes            | no        |
| k != 'v'          | YES      | no             | yes       |
| k in {'v'}        | no       | yes            | no        |
| k not in {'v'}    | YES      | no             | yes       |
| has(k)            | no       | yes            | yes       |
| k contains / starts with / ends with 's': no when absent, else the string test |

`all()` and `global()` match every label set; `global()` only means something as an entity
rule's namespaceSelector, where the policy compiler turns it into "not in any namespace".
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import lru_cache

_WHITESPACE = " \t"
_KEY_CHARS = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_./-")
MAX_SELECTOR_LENGTH = 65536  # longer text is refused before tokenizing (hostile input)


class SelectorError(ValueError):
    """A syntax error; `column` is 1-based into the selector text."""

    def __init__(self, message: str, column: int, text: str = "") -> None:
        super().__init__(f"{message} (column {column})")
        self.reason = message
        self.column = column
        self.text = text


# -- AST ---------------------------------------------------------------------------------------


class Node:
    """A selector expression. Subclasses are frozen dataclasses, hashable and comparable."""

    def evaluate(self, labels: Mapping[str, str]) -> bool:
        raise NotImplementedError

    def render(self) -> str:
        """Calico's canonical text (what its String() gives), e.g. `(a == "x" && has(b))`."""
        raise NotImplementedError

    def map_keys(self, fn: Callable[[str], str]) -> Node:
        return self

    def replace_all(self, replacement: Node) -> Node:
        return self

    def keys(self) -> frozenset[str]:
        return frozenset()

    def prefixed(self, prefix: str) -> Node:
        """Every label key with `prefix` in front, as Calico's PrefixVisitor does."""
        return self.map_keys(lambda k: prefix + k)

    def uses_global(self) -> bool:
        return False


@dataclass(frozen=True)
class All(Node):
    def evaluate(self, labels: Mapping[str, str]) -> bool:
        return True

    def render(self) -> str:
        return "all()"

    def replace_all(self, replacement: Node) -> Node:
        return replacement


@dataclass(frozen=True)
class Global(Node):
    def evaluate(self, labels: Mapping[str, str]) -> bool:
        return True

    def render(self) -> str:
        return "global()"

    def uses_global(self) -> bool:
        return True


@dataclass(frozen=True)
class Has(Node):
    key: str

    def evaluate(self, labels: Mapping[str, str]) -> bool:
        return self.key in labels

    def render(self) -> str:
        return f"has({self.key})"

    def map_keys(self, fn: Callable[[str], str]) -> Node:
        return Has(fn(self.key))

    def keys(self) -> frozenset[str]:
        return frozenset((self.key,))


def _quote(value: str) -> str:
    q = "'" if '"' in value else '"'
    return f"{q}{value}{q}"


@dataclass(frozen=True)
class Compare(Node):
    """`key op 'value'` for op in ==, !=, contains, starts with, ends with."""

    key: str
    op: str
    value: str

    def evaluate(self, labels: Mapping[str, str]) -> bool:
        got = labels.get(self.key)
        if got is None:
            return self.op == "!="
        return _TESTS[self.op](got, self.value)

    def render(self) -> str:
        return f"{self.key} {self.op} {_quote(self.value)}"

    def map_keys(self, fn: Callable[[str], str]) -> Node:
        return Compare(fn(self.key), self.op, self.value)

    def keys(self) -> frozenset[str]:
        return frozenset((self.key,))


_TESTS: dict[str, Callable[[str, str], bool]] = {
    "==": lambda got, v: got == v,
    "!=": lambda got, v: got != v,
    "contains": lambda got, v: v in got,
    "starts with": lambda got, v: got.startswith(v),
    "ends with": lambda got, v: got.endswith(v),
}


@dataclass(frozen=True)
class InSet(Node):
    """`key in {...}`, or `key not in {...}` when `negated` (true where the key is absent)."""

    key: str
    values: frozenset[str]
    negated: bool = False

    def evaluate(self, labels: Mapping[str, str]) -> bool:
        got = labels.get(self.key)
        if got is None:
            return self.negated
        return (got in self.values) != self.negated

    def render(self) -> str:
        inner = ", ".join(_quote(v) for v in sorted(self.values))
        return f"{self.key} {'not in' if self.negated else 'in'} {{{inner}}}"

    def map_keys(self, fn: Callable[[str], str]) -> Node:
        return InSet(fn(self.key), self.values, self.negated)

    def keys(self) -> frozenset[str]:
        return frozenset((self.key,))


@dataclass(frozen=True)
class Not(Node):
    operand: Node

    def evaluate(self, labels: Mapping[str, str]) -> bool:
        return not self.operand.evaluate(labels)

    def render(self) -> str:
        return "!" + self.operand.render()

    def map_keys(self, fn: Callable[[str], str]) -> Node:
        return Not(self.operand.map_keys(fn))

    def replace_all(self, replacement: Node) -> Node:
        return Not(self.operand.replace_all(replacement))

    def keys(self) -> frozenset[str]:
        return self.operand.keys()

    def uses_global(self) -> bool:
        return self.operand.uses_global()


@dataclass(frozen=True)
class And(Node):
    operands: tuple[Node, ...]

    def evaluate(self, labels: Mapping[str, str]) -> bool:
        return all(o.evaluate(labels) for o in self.operands)

    def render(self) -> str:
        return "(" + " && ".join(o.render() for o in self.operands) + ")"

    def map_keys(self, fn: Callable[[str], str]) -> Node:
        return And(tuple(o.map_keys(fn) for o in self.operands))

    def replace_all(self, replacement: Node) -> Node:
        return And(tuple(o.replace_all(replacement) for o in self.operands))

    def keys(self) -> frozenset[str]:
        return frozenset().union(*(o.keys() for o in self.operands))

    def uses_global(self) -> bool:
        return any(o.uses_global() for o in self.operands)


@dataclass(frozen=True)
class Or(Node):
    operands: tuple[Node, ...]

    def evaluate(self, labels: Mapping[str, str]) -> bool:
        return any(o.evaluate(labels) for o in self.operands)

    def render(self) -> str:
        return "(" + " || ".join(o.render() for o in self.operands) + ")"

    def map_keys(self, fn: Callable[[str], str]) -> Node:
        return Or(tuple(o.map_keys(fn) for o in self.operands))

    def replace_all(self, replacement: Node) -> Node:
        return Or(tuple(o.replace_all(replacement) for o in self.operands))

    def keys(self) -> frozenset[str]:
        return frozenset().union(*(o.keys() for o in self.operands))

    def uses_global(self) -> bool:
        return any(o.uses_global() for o in self.operands)


ALL = All()


def conjoin(*nodes: Node | None) -> Node:
    """The AND of the given nodes (None ones left out); all() when none is left."""
    parts = tuple(n for n in nodes if n is not None)
    if not parts:
        return ALL
    return parts[0] if len(parts) == 1 else And(parts)


# -- tokens ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Token:
    kind: str  # key, string, {, }, ",", ==, !=, !, &&, ||, (, ), in, not in, contains,
    # starts with, ends with, has, all, global, eof
    value: str
    column: int  # 1-based


_AFTER_KEY = (
    ("contains", "contains", None),
    ("starts", "starts with", "with"),
    ("ends", "ends with", "with"),
    ("not", "not in", "in"),
    ("in", "in", None),
)


def tokenize(text: str) -> list[Token]:
    tokens: list[Token] = []
    i, n = 0, len(text)
    while True:
        while i < n and text[i] in _WHITESPACE:
            i += 1
        col = i + 1
        if i >= n:
            tokens.append(Token("eof", "", col))
            return tokens
        c = text[i]
        last = tokens[-1].kind if tokens else None
        if c in "(){},":
            tokens.append(Token(c, c, col))
            i += 1
        elif c in "\"'":
            end = text.find(c, i + 1)
            if end < 0:
                raise SelectorError(f"unterminated string: no closing {c}", col, text)
            tokens.append(Token("string", text[i + 1 : end], col))
            i = end + 1
        elif c == "=":
            if text.startswith("==", i):
                tokens.append(Token("==", "==", col))
                i += 2
            else:
                raise SelectorError("expected == (a single = is not an operator)", col, text)
        elif c == "!":
            if text.startswith("!=", i):
                tokens.append(Token("!=", "!=", col))
                i += 2
            else:
                tokens.append(Token("!", "!", col))
                i += 1
        elif c in "&|":
            if text.startswith(c * 2, i):
                tokens.append(Token(c * 2, c * 2, col))
                i += 2
            else:
                raise SelectorError(f"expected {c * 2}", col, text)
        elif last == "key":
            i = _operator_after_key(text, i, tokens)
        elif text.startswith("has(", i):
            j = _skip_ws(text, i + 4)
            key_end = _key_end(text, j)
            if key_end == j:
                raise SelectorError("no label name in has( )", j + 1, text)
            k = _skip_ws(text, key_end)
            if not text.startswith(")", k):
                raise SelectorError(f"no closing ')' after has({text[j:key_end]}", k + 1, text)
            tokens.append(Token("has", text[j:key_end], col))
            i = k + 1
        elif text.startswith("all(", i) or text.startswith("global(", i):
            word = "all" if c == "a" else "global"
            j = _skip_ws(text, i + len(word) + 1)
            if not text.startswith(")", j):
                raise SelectorError(f"no closing ')' after {word}(", j + 1, text)
            tokens.append(Token(word, word, col))
            i = j + 1
        else:
            key_end = _key_end(text, i)
            if key_end == i:
                if c in "\r\n":
                    raise SelectorError(
                        "unexpected line break: Calico allows only spaces and tabs in a selector",
                        col,
                        text,
                    )
                shown = repr(c) if c.isprintable() else f"U+{ord(c):04X}"
                raise SelectorError(f"unexpected character {shown}", col, text)
            tokens.append(Token("key", text[i:key_end], col))
            i = key_end


def _skip_ws(text: str, i: int) -> int:
    while i < len(text) and text[i] in _WHITESPACE:
        i += 1
    return i


def _key_end(text: str, i: int) -> int:
    while i < len(text) and text[i] in _KEY_CHARS:
        i += 1
    return i


def _operator_after_key(text: str, i: int, tokens: list[Token]) -> int:
    col = i + 1
    for word, kind, second in _AFTER_KEY:
        if not text.startswith(word, i):
            continue
        j = i + len(word)
        if second is not None:
            j = _skip_ws(text, j)
            if not text.startswith(second, j):
                break
            j += len(second)
        tokens.append(Token(kind, kind, col))
        return j
    raise SelectorError(
        f"expected an operator after label {tokens[-1].value!r} "
        "(==, !=, in, not in, contains, starts with, ends with)",
        col,
        text,
    )


# -- parser ------------------------------------------------------------------------------------


class _Parser:
    def __init__(self, text: str, tokens: list[Token]) -> None:
        self.text = text
        self.tokens = tokens
        self.pos = 0

    def peek(self) -> Token:
        return self.tokens[self.pos]

    def take(self) -> Token:
        tok = self.tokens[self.pos]
        if tok.kind != "eof":
            self.pos += 1
        return tok

    def fail(self, message: str, tok: Token) -> SelectorError:
        return SelectorError(message, tok.column, self.text)

    def parse_or(self, depth: int) -> Node:
        if depth > 100:
            raise self.fail("too deeply nested", self.peek())
        parts = [self.parse_and(depth)]
        while self.peek().kind == "||":
            self.take()
            parts.append(self.parse_and(depth))
        return parts[0] if len(parts) == 1 else Or(tuple(parts))

    def parse_and(self, depth: int) -> Node:
        parts = [self.parse_operation(depth)]
        while self.peek().kind == "&&":
            self.take()
            parts.append(self.parse_operation(depth))
        return parts[0] if len(parts) == 1 else And(tuple(parts))

    def parse_operation(self, depth: int) -> Node:
        negated = False
        while self.peek().kind == "!":
            self.take()
            negated = not negated
        tok = self.take()
        node: Node
        if tok.kind == "has":
            node = Has(tok.value)
        elif tok.kind == "all":
            node = ALL
        elif tok.kind == "global":
            node = Global()
        elif tok.kind == "(":
            node = self.parse_or(depth + 1)
            close = self.take()
            if close.kind != ")":
                raise self.fail(f"expected ')' to match the '(' at column {tok.column}", close)
        elif tok.kind == "key":
            node = self.parse_comparison(tok)
        elif tok.kind == "eof":
            raise self.fail("unexpected end of selector: expected an expression", tok)
        else:
            raise self.fail(f"unexpected {_describe(tok)}: expected an expression", tok)
        return Not(node) if negated else node

    def parse_comparison(self, key: Token) -> Node:
        op = self.take()
        if op.kind in _TESTS:
            value = self.take()
            if value.kind != "string":
                raise self.fail(
                    f"expected a quoted string after {op.kind}, got {_describe(value)}", value
                )
            return Compare(key.value, op.kind, value.value)
        if op.kind in ("in", "not in"):
            brace = self.take()
            if brace.kind != "{":
                raise self.fail(
                    f"expected a set literal {{...}} after {op.kind}, got {_describe(brace)}",
                    brace,
                )
            values: list[str] = []
            while self.peek().kind == "string":
                values.append(self.take().value)
                if self.peek().kind != ",":
                    break
                self.take()
            close = self.take()
            if close.kind != "}":
                raise self.fail(f"expected }} or a quoted string, got {_describe(close)}", close)
            return InSet(key.value, frozenset(values), op.kind == "not in")
        if op.kind == "eof":
            raise self.fail(f"unexpected end of selector after label {key.value!r}", op)
        raise self.fail(f"expected an operator after label {key.value!r}, got {_describe(op)}", op)


def _describe(tok: Token) -> str:
    if tok.kind == "eof":
        return "the end of the selector"
    if tok.kind == "string":
        return f"string {_quote(tok.value)}"
    if tok.kind == "key":
        return f"label {tok.value!r}"
    if tok.kind == "has":
        return f"has({tok.value})"
    if tok.kind in ("all", "global"):
        return f"{tok.kind}()"
    return repr(tok.value)


@lru_cache(maxsize=16384)
def parse(text: str) -> Node:
    """The AST of a selector; raises SelectorError (with a column) on bad syntax."""
    if len(text) > MAX_SELECTOR_LENGTH:
        raise SelectorError(f"selector longer than {MAX_SELECTOR_LENGTH} characters", 1, "")
    tokens = tokenize(text)
    if tokens[0].kind == "eof":
        return ALL
    parser = _Parser(text, tokens)
    node = parser.parse_or(0)
    rest = parser.peek()
    if rest.kind != "eof":
        raise parser.fail(f"unexpected {_describe(rest)} after a complete expression", rest)
    return node


def matches(selector: str | Node, labels: Mapping[str, str]) -> bool:
    node = parse(selector) if isinstance(selector, str) else selector
    return node.evaluate(labels)


# The vectorised evaluator lives beside this module; imported last, as it builds on the AST.
from netviz.k8s.calico.selector_index import SelectorIndex, mask  # noqa: E402

__all__ = ["SelectorIndex", "mask"]
