"""The hostile-input corpus: each bad upload in corpus/ (or made here, when large) and what it must say.

`Case.problem` is the reader's exact (severity, line, message); `alone` is what an upload of only
that file gets: "stored" (with the problem shown next to the analysis) or "refused" (a clear
message, nothing half-stored). Every case is also uploaded next to a good file, and must then be
stored with its bytes kept verbatim.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

CORPUS = Path(__file__).parent / "corpus"
NOTHING_USABLE = "Nothing usable was found"
NOTHING_UPLOADED = "Nothing was uploaded"

# A good file to upload next to each hostile one: its pod must survive whatever is beside it.
GOOD_NAME = "good.yaml"
GOOD = b"""\
apiVersion: v1
kind: Pod
metadata:
  name: good
  namespace: shop
  labels: {app: good}
spec:
  containers:
    - name: good
      image: nginx
      ports: [{containerPort: 80}]
"""


@dataclass(frozen=True)
class Case:
    name: str
    content: bytes
    problem: tuple[str, int, str] | None  # (severity, line, message), None: the reader is silent
    alone: str = "refused"  # "stored" or "refused"
    refusal: str = NOTHING_USABLE  # the page's message when refused
    beside_good: tuple[str, int, str] | None = None  # the problem after GOOD, if it differs

    @property
    def id(self) -> str:
        return self.name.rsplit(".", 1)[0]


def _file(name: str, problem, alone: str = "refused", refusal: str = NOTHING_USABLE) -> Case:
    return Case(name, (CORPUS / name).read_bytes(), problem, alone, refusal)


def _error(line: int, message: str) -> tuple[str, int, str]:
    return ("error", line, message)


def _dropped(line: int, message: str, what: str = "the label") -> tuple[str, int, str]:
    return ("error", line, f"{message}; {what} is left out, the rest of the Pod is used")


def _warning(line: int, message: str) -> tuple[str, int, str]:
    return ("warning", line, message)


_LABEL_CHARS = "letters, digits, '-', '_' and '.', starting and ending with a letter or digit"
_NOT_OBJECT = "not a Kubernetes object (a mapping with apiVersion and kind)"

FILES = [
    # Broken YAML and text that is not YAML at all.
    _file(
        "tab-indent.yaml",
        _error(
            4,
            "YAML syntax error: while scanning for the next token, found character that "
            "cannot start any token",
        ),
    ),
    _file(
        "unclosed-quote.yaml",
        _error(
            6, "YAML syntax error: while scanning a quoted scalar, found unexpected end of stream"
        ),
    ),
    _file("binary.yaml", _error(1, "not read: not UTF-8 text (is this a binary file?)")),
    _file("latin-1.yaml", _error(6, "not read: not UTF-8 text (is this a binary file?)")),
    _file(
        "utf-16-without-bom.yaml",
        _error(1, "not read: contains NUL characters (is this a binary file?)"),
    ),
    _file("empty.yaml", None, refusal=NOTHING_UPLOADED),
    _file("only-comments.yaml", None),
    _file("document-is-a-list.yaml", _error(1, f"document is a list, {_NOT_OBJECT}")),
    _file(
        "document-is-a-scalar.yaml",
        _error(1, f'document is a string ("just some words"), {_NOT_OBJECT}'),
    ),
    # Objects netviz does not model: kept as warnings, never guessed at.
    _file(
        "unknown-kind.yaml",
        _warning(1, "ignored: kind Rollout (apiVersion argoproj.io/v1alpha1) is not modelled"),
    ),
    _file(
        "unknown-api-version.yaml",
        _warning(
            1, "ignored: kind NetworkPolicy (apiVersion networking.k8s.io/v1beta1) is not modelled"
        ),
    ),
    # Every field of the right name with the wrong type.
    _file(
        "wrong-type-metadata.yaml", _error(3, 'metadata: expected a mapping, got a string ("web")')
    ),
    _file("wrong-type-name.yaml", _error(4, "metadata.name: expected a string, got a number (5)")),
    # An error inside one entry drops that entry only: the object stays with what is valid.
    _file(
        "wrong-type-labels.yaml",
        _dropped(6, "metadata.labels: expected a mapping, got a list", "metadata.labels"),
        alone="stored",
    ),
    _file(
        "wrong-type-containers.yaml",
        _dropped(7, "spec.containers: expected a list, got a mapping", "spec.containers"),
        alone="stored",
    ),
    _file(
        "wrong-type-container-port.yaml",
        _dropped(
            10,
            'spec.containers[0].ports[0].containerPort: expected an integer, got a string ("80")',
            "the port",
        ),
        alone="stored",
    ),
    _file(
        "wrong-type-pod-selector.yaml",
        _error(7, "spec.podSelector: expected a mapping, got a list"),
    ),
    _file("wrong-type-ingress.yaml", _error(8, "spec.ingress: expected a list, got a mapping")),
    _file(
        "wrong-type-from.yaml",
        _error(9, 'spec.ingress[0].from: expected a list, got a string ("web")'),
    ),
    _file(
        "wrong-type-ports.yaml",
        _error(9, 'spec.ingress[0].ports: expected a list, got a string ("80")'),
    ),
    _file(
        "wrong-type-port.yaml",
        _error(10, "spec.ingress[0].ports[0].port: expected a port number or name, got a list"),
    ),
    _file(
        "wrong-type-protocol.yaml",
        _error(
            10,
            "spec.ingress[0].ports[0].protocol: a number (6) is not supported; use TCP, UDP or SCTP",
        ),
    ),
    _file(
        "wrong-type-cidr.yaml",
        _error(
            10,
            "spec.egress[0].to[0].ipBlock.cidr: expected a CIDR such as 10.0.0.0/16, "
            "got a number (10)",
        ),
    ),
    _file(
        "wrong-type-except.yaml",
        _error(
            10, 'spec.egress[0].to[0].ipBlock.except: expected a list, got a string ("10.1.0.0/16")'
        ),
    ),
    _file(
        "wrong-type-policy-types.yaml",
        _error(8, 'spec.policyTypes: expected a list, got a string ("Ingress")'),
    ),
    _file(
        "wrong-type-match-expressions.yaml",
        _error(8, "spec.podSelector.matchExpressions: expected a list, got a mapping"),
    ),
    # Values out of range or spelled as the API refuses them.
    _file(
        "port-zero.yaml", _error(10, "spec.ingress[0].ports[0].port: 0 is not between 1 and 65535")
    ),
    _file(
        "port-too-high.yaml",
        _error(10, "spec.ingress[0].ports[0].port: 70000 is not between 1 and 65535"),
    ),
    _file(
        "end-port-below-port.yaml",
        _error(10, "spec.ingress[0].ports[0].endPort: 8000 is less than port 9000"),
    ),
    _file(
        "container-port-too-high.yaml",
        _dropped(
            10,
            "spec.containers[0].ports[0].containerPort: 70000 is not between 1 and 65535",
            "the port",
        ),
        alone="stored",
    ),
    _file(
        "protocol-lowercase.yaml",
        _error(
            10,
            'spec.ingress[0].ports[0].protocol: "tcp" is not supported; use TCP, UDP or SCTP '
            '(the API wants upper case: "TCP", "UDP" or "SCTP")',
        ),
    ),
    # Addresses: host bits are read as the API reads them, and said so; IPv6 is fine.
    _file(
        "cidr-host-bits.yaml",
        _warning(
            10,
            'spec.egress[0].to[0].ipBlock.cidr: CIDR "10.0.0.1/8" has host bits set; it is read '
            'as "10.0.0.0/8" (as the API does), did you mean "10.0.0.1/32"?',
        ),
        alone="stored",
    ),
    _file(
        "cidr-invalid.yaml",
        _error(
            10,
            'spec.egress[0].to[0].ipBlock.cidr: "10.0.0.300/8" is not a valid CIDR '
            "(e.g. 10.9.8.0/24 or 2001:db8::/64)",
        ),
    ),
    _file("ipv6.yaml", None, alone="stored"),
    _file(
        "ipv6-except-ipv4.yaml",
        _error(
            12,
            'spec.egress[0].to[0].ipBlock.except[0]: "10.0.0.0/8" is IPv4 but cidr "fd00::/8" is IPv6',
        ),
    ),
    # Labels and names the API would refuse.
    _file(
        "label-key-invalid.yaml",
        _dropped(7, f'metadata.labels: label key "-bad" name part must be {_LABEL_CHARS}'),
        alone="stored",
    ),
    _file(
        "label-value-invalid.yaml",
        _dropped(
            7, f'metadata.labels.app: label value "has space" must be empty or {_LABEL_CHARS}'
        ),
        alone="stored",
    ),
    _file(
        "label-value-too-long.yaml",
        _dropped(
            7, f'metadata.labels.app: label value "{"a" * 64}" must be no more than 63 characters'
        ),
        alone="stored",
    ),
    _file(
        "selector-label-key-invalid.yaml",
        _error(
            9, f'spec.podSelector.matchLabels: label key "a b" name part must be {_LABEL_CHARS}'
        ),
    ),
    # The same object twice: the later one wins, and the warning says which.
    _file(
        "duplicate-pod.yaml",
        _warning(
            12,
            "duplicate Pod shop/w: duplicate-pod.yaml:12 (document 2) replaces "
            "duplicate-pod.yaml:1 (document 1)",
        ),
        alone="stored",
    ),
]

# A policy in a namespace the input does not declare, while it declares others: kept, with a warning.
MISSING_NAMESPACE = _file(
    "policy-in-missing-namespace.yaml",
    _warning(6, 'namespace "ghost" is not declared'),
    alone="stored",
)

# Found by tests/fuzz: a mapping as a policyTypes entry once escaped as a TypeError.
POLICY_TYPE_MAPPING = _file(
    "wrong-type-policy-types-entry.yaml",
    _error(8, 'spec.policyTypes[0]: a mapping is not supported; use "Ingress" or "Egress"'),
)


# Large inputs are made here rather than kept in git.
def billion_laughs() -> bytes:
    """The classic: nine levels of ten aliases each, a billion strings if expanded."""
    lines = ["lol0: &lol0 lol"]
    lines += [f"lol{i}: &lol{i} [" + ", ".join([f"*lol{i - 1}"] * 10) + "]" for i in range(1, 10)]
    return ("\n".join(lines) + "\n").encode()


def deep_block_nesting(levels: int = 10_000) -> bytes:
    """A block sequence nested `levels` deep, on one line: `- - - ... x`."""
    return ("- " * levels + "x\n").encode()


def deep_flow_nesting(levels: int = 10_000) -> bytes:
    return ("{a: " * levels + "x" + "}" * levels + "\n").encode()


def deep_json_nesting(levels: int = 10_000) -> bytes:
    return ("[" * levels + "]" * levels).encode()


def fifty_megabytes() -> bytes:
    """50 MB of YAML comments after one good pod: over any default limit."""
    line = b"# " + b"x" * 1021 + b"\n"
    return GOOD + line * (50 * 1024)


def hundred_thousand_documents() -> bytes:
    """A pod, then 100,000 empty documents."""
    return GOOD.replace(b"good", b"first") + b"---\n" * 100_000


LARGE = [
    Case(
        "billion-laughs.yaml",
        billion_laughs(),
        _error(7, "document expands to more than 200000 values (alias bomb?); it is not used"),
    ),
    Case(
        "deep-block-nesting.yaml",
        deep_block_nesting(),
        _error(
            1, "YAML syntax error: while increasing block level, exceeded maximum nesting depth"
        ),
    ),
    Case(
        "deep-flow-nesting.yaml",
        deep_flow_nesting(),
        _error(1, "YAML syntax error: while increasing flow level, exceeded maximum nesting depth"),
    ),
    Case(
        "deep-json-nesting.json",
        deep_json_nesting(),
        _error(1, "YAML syntax error: while increasing flow level, exceeded maximum nesting depth"),
    ),
    Case(
        "hundred-thousand-documents.yaml",
        hundred_thousand_documents(),
        _error(20011, "more than 20000 documents: the rest is not read"),
        alone="stored",
        # The limit is for the whole upload, and good.yaml used one document of it.
        beside_good=_error(20010, "more than 19999 documents: the rest is not read"),
    ),
]
