"""The generated set's summary, notes and check in words, for the CLI (the web app has its own)."""

from __future__ import annotations

from netviz.formats.explain import describe_step
from netviz.generate import Check, Generated
from netviz.generate.build import Note
from netviz.generate.pairs import side_id
from netviz.generate.tiers import Decided

REASONS = {
    "same-labels": "labels identical to another endpoint's: no selector tells them apart",
    "host-network": "a hostNetwork pod: no policy selects it, peers reach it by its node's IP",
    "host-network-no-ip": "a hostNetwork pod without a host IP: no rule can name it",
}


def describe_note(note: Note) -> str:
    ids = ", ".join(note.endpoints)
    if note.code == "same-labels":
        return (
            f"{ids} have the same labels: one selector selects them all, so each one's rules "
            "apply to every one of them (the check lists what that adds)."
        )
    if note.code == "host-network":
        return (
            f"{ids}: hostNetwork pods cannot be selected by a NetworkPolicy; their own ingress "
            "and egress stay open, and other pods' rules name them by their node's IP."
        )
    if note.code == "host-network-no-ip":
        return (
            f"{ids}: hostNetwork pods without a host IP in the input; no rule can name them as a "
            f"peer in namespace {note.namespace} (connections with them are left out)."
        )
    if note.code == "domain-names":
        return (
            f"{ids}: domainNames endpoints of cluster-scoped policies; a NetworkPolicy cannot name "
            f"a domain, so connections with them are left out in namespace {note.namespace}."
        )
    if note.code == "other-protocols":
        return (
            f"Namespace {note.namespace}: kept connections on ICMP or other protocols besides TCP, "
            "UDP and SCTP are left out: a NetworkPolicy rule allows them only by allowing every "
            "port of every protocol."
        )
    if note.code == "dns-assumed":
        return (
            f"{note.namespace}: no kube-dns in the input; allow-dns-egress lets every pod reach "
            "kube-system pods labelled k8s-app=kube-dns on UDP and TCP 53 (--no-dns leaves it out)."
        )
    if note.code == "dns-kept":
        return (
            f"{note.count} DNS connection(s) to kube-dns kept although the keep file left them out."
        )
    if note.code == "not-allowed-now":
        return (
            f"{note.count} keep entr{'y is' if note.count == 1 else 'ies are'} not allowed now and "
            "left out: generating keeps connections, it never adds them."
        )
    if note.code == "loopback":
        return (
            f"{note.count} keep entr{'y goes' if note.count == 1 else 'ies go'} from a bare pod to "
            "itself: that is loopback, always allowed, and no policy can change it."
        )
    return f"{note.code}: {ids}"


def decided_text(d: Decided, stays: bool) -> str:
    """`stays allowed: decided by [Admin] guard (10) ingress 'scrape' Accept`, or
    `cannot be allowed by NetworkPolicy: decided by ...` for a keep entry."""
    what = "stays allowed" if stays else "cannot be allowed by NetworkPolicy"
    if d.reason == "domain-name":
        return f"{what}: a domainNames endpoint, which no NetworkPolicy rule can name"
    if d.reason == "other-protocols":
        return f"{what}: {d.ports} only, which no NetworkPolicy rule can allow on its own"
    return f"{what}: decided by " + " and ".join(map(_step_text, d.steps))


def _step_text(step) -> str:
    return describe_step(step) + (f" ({step.file}:{step.line})" if step.file else "")


def describe_decided(check: Check, limit: int | None = 20) -> list[str]:
    """The pairs NetworkPolicy cannot shape (tiered input only): both lists, each entry with the
    rule that decides it."""
    lines = []
    heads = (
        ("Stays allowed whatever NetworkPolicy says (not kept)", "~", check.stays_allowed, True),
        ("Cannot be allowed by NetworkPolicy (kept or listed)", "!", check.cannot_allow, False),
    )
    for head, sign, entries, stays in heads:
        if not entries:
            continue
        lines.append(f"  {head}: {len(entries)}")
        for i, d in enumerate(entries):
            if limit is not None and i >= limit:
                lines.append(f"  {sign} ... and {len(entries) - limit} more")
                break
            text = f"{side_id(d.src)} => {side_id(d.dst)} : {d.ports}"
            lines.append(f"  {sign} {text}  ({decided_text(d, stays)})")
    return lines


def describe_check(check: Check, kept: int, limit: int | None = 20) -> list[str]:
    """The check in words; at most `limit` pairs listed per kind (None: all)."""
    if check.exact and check.tiered:
        stays = len(check.stays_allowed)
        return [
            "Check: exact. Evaluated again with the workloads and the input's other policies, "
            f"the generated policies allow exactly the {kept} kept connection(s)"
            + (f", plus {stays} that other policies decide," if stays else "")
            + " and nothing else."
        ] + describe_decided(check, limit)
    if check.exact:
        return [
            "Check: exact. Evaluated again with the workloads, the generated policies allow "
            f"exactly the {kept} kept connection(s) and nothing else."
        ]
    diff = check.difference
    lines = [
        f"Check: DIFFERS. Evaluated again, the generated policies allow {len(diff.extra)} "
        f"connection(s) more and {len(diff.missing)} fewer than kept:"
    ]
    counts: dict[str, int] = {}
    for sign, entries in (("+", diff.extra), ("-", diff.missing)):
        for i, (src, dst, ports) in enumerate(entries):
            why = check.reasons.get((side_id(src), side_id(dst)), ())
            for w in why or ("unexplained",):
                counts[w] = counts.get(w, 0) + 1
            if limit is not None and i >= limit:
                continue
            text = f"  {sign} {side_id(src)} => {side_id(dst)} : {ports}"
            if why:
                text += "  (" + "; ".join(REASONS.get(w, w) for w in why) + ")"
            lines.append(text)
        if limit is not None and len(entries) > limit:
            lines.append(f"  {sign} ... and {len(entries) - limit} more")
    lines.append(
        "  Why: " + ", ".join(f"{REASONS.get(w, w)}: {n}" for w, n in sorted(counts.items()))
    )
    for p in check.problems:
        lines.append(f"  generated YAML rejected: {p.source}: {p.message}")
    return lines + describe_decided(check, limit)


def summary(result: Generated, written: dict[str, str], limit: int | None = 20) -> list[str]:
    """Lines for stdout: what was written where, the notes, the check."""
    counts: dict[str, int] = {}
    for p in result.plan.policies:
        counts[p.namespace] = counts.get(p.namespace, 0) + 1
    kept = len(result.selection.kept)
    lines = [
        f"Generated {len(result.plan.policies)} NetworkPolicies in {len(counts)} namespace(s) "
        f"for {kept} kept connection(s):"
    ]
    for ns in result.plan.namespaces:
        lines.append(f"  {written.get(ns, ns)}: {counts.get(ns, 0)} policies")
    if result.notes:
        lines.append("Notes:")
        lines += [f"  - {describe_note(n)}" for n in result.notes]
    if result.check is not None:
        lines += describe_check(result.check, kept, limit)
    return lines
