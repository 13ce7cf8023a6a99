"""Pods, ReplicaSets and Jobs folded into the workload that owns them: one endpoint per workload.

A Pod's controller ownerReference names its owner; the owner's own ownerReferences (when it is in
the input) go on up, so Pod → ReplicaSet → Deployment and Pod → Job → CronJob. An owner that is not
in the input is still an endpoint, made from its pods: a ReplicaSet named
`<deployment>-<pod-template-hash>` (the hash being the pods' `pod-template-hash` label) stands for
its Deployment. Pods of one owner that policies could treat differently (labels, named ports,
hostNetwork) are split into endpoints of their own, with a warning saying why.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import replace

from netviz.k8s.model import Endpoint, LabelSelector, Problem
from netviz.k8s.workloads import TEMPLATE_KINDS, Workload

# Labels controllers put on each pod to tell revisions or replicas apart. Pods of one workload
# differ in them all the time (a rollout, StatefulSet ordinals), so they split pods only when a
# selector in the input looks at them.
PER_POD_LABELS = frozenset(
    {
        "pod-template-hash",
        "controller-revision-hash",
        "pod-template-generation",
        "statefulset.kubernetes.io/pod-name",
        "apps.kubernetes.io/pod-index",
        "batch.kubernetes.io/job-completion-index",
        "controller-uid",
        "batch.kubernetes.io/controller-uid",
        "job-name",
        "batch.kubernetes.io/job-name",
    }
)
_CRONJOB_JOB = re.compile(r"(.+)-\d+")
_MAX_HOPS = 4
Key = tuple[str, str, str]  # (kind, namespace, name)


def selector_keys(selectors: Iterable[LabelSelector]) -> frozenset[str]:
    """Every label key the given selectors look at."""
    keys: set[str] = set()
    for sel in selectors:
        keys.update(k for k, _ in sel.match_labels)
        keys.update(r.key for r in sel.match_expressions)
    return frozenset(keys)


def fold(
    workloads: list[Workload], watched: frozenset[str] = frozenset(), per_pod: bool = False
) -> tuple[list[Endpoint], list[Problem]]:
    """Endpoints, one per workload, and warnings about owners whose pods had to be split.

    `watched`: label keys some selector looks at (per-pod labels in it split pods apart).
    `per_pod`: every Pod is an endpoint of its own; workloads with pods in the input are left out
    (their pods stand for them), workloads without are kept.
    """
    present = {w.key: w for w in workloads}
    groups: dict[Key, list[Workload]] = {}
    order: list[Key] = []
    for w in workloads:
        key = _target(w, present) or w.key
        if key not in groups:
            groups[key] = []
            order.append(key)
        groups[key].append(w)
    ignored = PER_POD_LABELS - watched
    out: list[Endpoint] = []
    problems: list[Problem] = []
    for key in order:
        members = groups[key]
        pods = [m for m in members if m.endpoint.kind == "Pod" and m.key != key]
        if per_pod and pods:
            out.extend(p.endpoint for p in pods)
            continue
        leader = present.get(key)
        out.extend(_group(key, leader, members, pods, ignored, problems))
    return out, problems


def _target(w: Workload, present: dict[Key, Workload]) -> Key | None:
    """The workload `w` folds into, following owners up; None when it is its own."""
    ns = w.endpoint.namespace
    current = w
    found = None
    for _ in range(_MAX_HOPS):
        if current.owner is None:
            break
        kind, name = current.owner
        if not _may_fold(current.endpoint.kind, kind):
            break
        key = (kind, ns, name)
        owner = present.get(key)
        if owner is None:
            return _infer(kind, name, current, ns, present) or key
        found = key
        current = owner
    return found


def _may_fold(kind: str, owner_kind: str) -> bool:
    if kind == "Pod":
        return owner_kind in TEMPLATE_KINDS
    if kind == "ReplicaSet":
        return owner_kind == "Deployment"
    if kind == "Job":
        return owner_kind == "CronJob"
    return False


def _infer(kind: str, name: str, child: Workload, ns: str, present: dict) -> Key | None:
    """The owner's owner where Kubernetes naming makes it certain enough."""
    if kind == "ReplicaSet" and child.endpoint.kind == "Pod" and child.template_hash:
        suffix = "-" + child.template_hash
        if name.endswith(suffix) and len(name) > len(suffix):
            return ("Deployment", ns, name[: -len(suffix)])
    if kind == "Job" and child.endpoint.kind == "Pod":
        match = _CRONJOB_JOB.fullmatch(name)
        if match and ("CronJob", ns, match.group(1)) in present:
            return ("CronJob", ns, match.group(1))
    return None


def _signature(e: Endpoint, ignored: frozenset[str]) -> tuple:
    labels = tuple(sorted((k, v) for k, v in e.labels.items() if k not in ignored))
    named = tuple(sorted((p.name, p.port, p.protocol) for p in e.ports if p.name))
    return labels, named, e.host_network


def _group(
    key: Key,
    leader: Workload | None,
    members: list[Workload],
    pods: list[Workload],
    ignored: frozenset[str],
    problems: list[Problem],
) -> list[Endpoint]:
    kind, ns, name = key
    ips = tuple(dict.fromkeys(ip for m in members for ip in m.endpoint.pod_ips))
    # The template that stands for the workload: its own object, else an owned ReplicaSet or Job.
    template = leader or next((m for m in members if m.endpoint.kind != "Pod"), None)
    if not pods:
        assert template is not None  # a group without pods has an object of its own
        base = template.endpoint
        if template is not leader:
            replicas = _sum([m.endpoint.replicas for m in members if m.endpoint.kind != "Pod"])
            base = replace(base, kind=kind, name=name, replicas=replicas)
        return [replace(base, pod_ips=ips) if ips != base.pod_ips else base]
    classes: dict[tuple, list[Workload]] = {}
    for p in pods:
        classes.setdefault(_signature(p.endpoint, ignored), []).append(p)
    reference = _signature(template.endpoint, ignored) if template else next(iter(classes))
    if reference not in classes:
        reference = next(iter(classes))
    out: list[Endpoint] = []
    for sig, group in sorted(classes.items(), key=lambda item: item[0] != reference):
        first = group[0].endpoint
        group_ips = tuple(dict.fromkeys(ip for m in group for ip in m.endpoint.pod_ips))
        if sig == reference:
            if template is not None and sig == _signature(template.endpoint, ignored):
                base = template.endpoint
                if template is not leader:
                    base = replace(base, kind=kind, name=name)
            else:
                base = _from_pods(kind, ns, name, group)
            # Owned objects without pods of their own (an old ReplicaSet at 0) add no address.
            other = tuple(ip for m in members if m not in pods for ip in m.endpoint.pod_ips)
            merged = tuple(dict.fromkeys((*other, *group_ips)))
            out.append(replace(base, replicas=len(group), pod_ips=merged))
            continue
        split = _from_pods(kind, ns, f"{name}@{first.name}", group)
        out.append(split)
        problems.append(_split_warning(key, reference, sig, split, first))
    return out


def _from_pods(kind: str, ns: str, name: str, pods: list[Workload]) -> Endpoint:
    """An endpoint for pods whose owner is not in the input: what all of them share."""
    first = pods[0].endpoint
    labels = dict(first.labels)
    for p in pods[1:]:
        labels = {k: v for k, v in labels.items() if p.endpoint.labels.get(k) == v}
    ports = tuple(dict.fromkeys(port for p in pods for port in p.endpoint.ports))
    return Endpoint(
        kind=kind,
        namespace=ns,
        name=name,
        labels=labels,
        ports=ports,
        replicas=len(pods),
        host_network=first.host_network,
        pod_ips=tuple(dict.fromkeys(ip for p in pods for ip in p.endpoint.pod_ips)),
        host_ip=first.host_ip,
        source=first.source,
    )


def _sum(values: list[int | None]) -> int | None:
    return None if any(v is None for v in values) else sum(v for v in values if v is not None)


def _split_warning(key: Key, reference: tuple, sig: tuple, split: Endpoint, pod: Endpoint):
    kind, ns, name = key
    reasons = []
    ref_labels, sig_labels = dict(reference[0]), dict(sig[0])
    keys = sorted(
        set(ref_labels) ^ set(sig_labels)
        | {k for k in ref_labels if k in sig_labels and ref_labels[k] != sig_labels[k]}
    )
    if keys:
        shown = ", ".join(
            f"{k}: {_shown(ref_labels.get(k))} vs {_shown(sig_labels.get(k))}" for k in keys[:5]
        )
        reasons.append(f"labels differ ({shown})")
    if reference[1] != sig[1]:
        reasons.append(f"named ports differ ({_ports(reference[1])} vs {_ports(sig[1])})")
    if reference[2] != sig[2]:
        reasons.append("hostNetwork differs")
    return Problem(
        "warning",
        f"pods of {kind} {ns}/{name} are not all alike: {'; '.join(reasons)}. Policies could "
        f"treat them differently, so pod {pod.name} and those like it are shown apart as "
        f"{split.id}",
        pod.source,  # type: ignore[arg-type]
        "Pod",
        ns,
        pod.name,
    )


def _shown(value: str | None) -> str:
    return "(none)" if value is None else f'"{value}"'


def _ports(named: tuple) -> str:
    return ", ".join(f"{n} {p}/{proto}" for n, p, proto in named) or "none"
