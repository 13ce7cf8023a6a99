"""Which pairs the ordered tiers decided, for matrix and graph: "admin-deny" (nothing allowed,
and a Deny rule of an ordered tier denied some of it) and "admin-accept" (allowed, and an
Admin-tier allow rule allowed ports the NetworkPolicy tier would have denied). Other denied pairs
are "not allowed by NetworkPolicy". Vectorised over class pairs; only for tiered input."""

from __future__ import annotations

import numpy as np

from netviz.engine.matrix import Matrix, _nonzero

KINDS = ("admin-deny", "admin-accept")


def side_flags(m: Matrix) -> dict[str, np.ndarray]:
    """Per side cell (egress: es × ed, ingress: is × id): accepted-over-isolation and denied."""
    d = m.decider
    assert d is not None, "only for the ordered program"
    _, acc, den = d.compose("egress", m.es_rep, m.ed_rep, m.egress_union, track=True)
    out = {"eg_acc": _nonzero(acc), "eg_den": _nonzero(den)}
    n_is = len(m.is_rep)
    in_acc = np.zeros((n_is, len(m.id_rep)), dtype=bool)
    in_den = np.zeros_like(in_acc)
    step = max(1, m._block_rows)
    for lo in range(0, n_is, step):
        hi = min(n_is, lo + step)
        union = m.union_block(lo, hi)
        _, acc, den = d.compose("ingress", m.is_rep[lo:hi], m.id_rep, union, track=True)
        in_acc[lo:hi], in_den[lo:hi] = _nonzero(acc), _nonzero(den)
    out.update(in_acc=in_acc, in_den=in_den)
    return out


def class_kinds(m: Matrix, src: int, flags: dict[str, np.ndarray]) -> np.ndarray:
    """Kind per destination class from class `src`: -1 none, else an index into KINDS."""
    pod = m.class_is_pod
    n = m.classes
    acc = np.zeros(n, dtype=bool)
    den = np.zeros(n, dtype=bool)
    if pod[src]:
        es = m.class_es[src]
        acc |= flags["eg_acc"][es, m.class_ed]
        den |= flags["eg_den"][es, m.class_ed]
    is_ = m.class_is[src]
    acc |= flags["in_acc"][is_, m.class_id] & pod
    den |= flags["in_den"][is_, m.class_id] & pod
    dst, _, _, _ = m.allowed_from(src)
    allowed = np.zeros(n, dtype=bool)
    allowed[dst] = True
    out = np.full(n, -1, dtype=np.int64)
    out[den & ~allowed] = 0
    out[acc & allowed] = 1
    if not pod[src]:
        out[~pod] = -1  # no pair of two external ranges
    return out
