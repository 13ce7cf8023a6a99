"""`domainNames` peers as external endpoints of their own, one per name pattern.

The API (DomainName in policy.networking.k8s.io): `api.example.com` matches only that name;
`*.example.com` matches one or more whole labels before `example.com` (`www.example.com` and
`latest.blog.example.com`, not `example.com`). netviz does not resolve DNS: ipBlocks and
networks never match a domain endpoint, "anywhere" peers (a rule without `to`, an egress side
no policy isolates) always do.

Patterns overlap (`api.example.com` is also under `*.example.com`), so, as the address space is
cut at every ipBlock, each name belongs to one endpoint only: the most specific pattern of the
input that matches it (the exact name, else the wildcard with the longest suffix). The
endpoint `*.example.com` thus stands for the names under example.com that no more specific
pattern names. A peer pattern then matches an endpoint wholly or not at all: exactly when every
name the endpoint's pattern matches is one the peer pattern matches (`covers`).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from netviz.engine.result import Caveat, ExternalRange

NOT_RESOLVED = "domain-not-resolved"
OVERLAP = "domain-overlap"


def normalise(pattern: str) -> str:
    """DNS names compare case-insensitively, and `example.com.` is `example.com`."""
    return pattern.strip().lower().rstrip(".")


def _split(pattern: str) -> tuple[bool, str]:
    """(wildcard, the name or the suffix after `*.`)."""
    if pattern.startswith("*."):
        return True, pattern[2:]
    return False, pattern


def _under(name: str, suffix: str) -> bool:
    """Whether `name` has one or more whole labels before `suffix`."""
    return name.endswith("." + suffix)


def covers(peer: str, endpoint: str) -> bool:
    """Whether every name `endpoint` matches is matched by `peer` (both normalised)."""
    peer_wild, peer_base = _split(peer)
    end_wild, end_base = _split(endpoint)
    if not peer_wild:
        return not end_wild and end_base == peer_base
    if end_wild and end_base == peer_base:
        return True
    return _under(end_base, peer_base)


def holder(name: str, patterns: Iterable[str]) -> str | None:
    """The endpoint a concrete name belongs to: the most specific pattern matching it."""
    name = normalise(name)
    best, best_len = None, -1
    for pattern in patterns:
        wild, base = _split(pattern)
        if not wild and base == name:
            return pattern
        if wild and _under(name, base) and len(base) > best_len:
            best, best_len = pattern, len(base)
    return best


def patterns_of(policies) -> list[str]:
    """Every distinct normalised pattern of the admin policies' domainNames peers, sorted."""
    return sorted(
        {
            normalise(d)
            for p in policies
            for rule in p.egress
            for peer in rule.peers
            if peer.kind == "domainNames"
            for d in peer.domains
        }
    )


def endpoint(pattern: str) -> ExternalRange:
    return ExternalRange(version=0, start=pattern, end=pattern, cidrs=(), domain=pattern)


def carved(pattern: str, patterns: Sequence[str]) -> list[str]:
    """The more specific patterns of the input whose names the endpoint `pattern` leaves out."""
    return [p for p in patterns if p != pattern and covers(pattern, p)]


def domain_caveats(patterns: Sequence[str]) -> list[Caveat]:
    """Per domain endpoint: DNS is not resolved; per wildcard, which names it leaves out."""
    out = []
    for pattern in patterns:
        out.append(Caveat(NOT_RESOLVED, pattern, None, None, pattern))
        inner = carved(pattern, patterns)
        if inner:
            out.append(Caveat(OVERLAP, pattern, None, None, ", ".join(inner)))
    return out


def pair_caveats(other) -> list[Caveat]:
    """For one egress verdict towards a domain endpoint: DNS is not resolved."""
    if isinstance(other, ExternalRange) and other.domain:
        return [Caveat(NOT_RESOLVED, other.id, None, None, other.domain)]
    return []
