"""Kubernetes objects, once parsed, into typed ones kept by kind and name, then the Cluster: the
object half of the reader (netviz.k8s.load reads files into documents and hands each here)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from netviz.k8s import builders
from netviz.k8s.built import built
from netviz.k8s.calico.reader import CalicoCollector, is_calico
from netviz.k8s.clusterpolicy import API_VERSIONS as ADMIN_API_VERSIONS
from netviz.k8s.clusterpolicy import build_admin_policy
from netviz.k8s.fields import Reporter, describe, line_of
from netviz.k8s.ignored import NO_EFFECT_KINDS, summary
from netviz.k8s.model import (
    NS_NAME_LABEL,
    WORKLOAD_KINDS,
    Cluster,
    Gateway,
    Namespace,
    Policy,
    Problem,
    Route,
    Service,
    Source,
)
from netviz.k8s.nodes import build_node, peer_warnings
from netviz.k8s.owners import fold, selector_keys
from netviz.k8s.policy import build_policy
from netviz.k8s.routes import (
    ENTRY_API_VERSIONS,
    ROUTE_KINDS,
    build_gateway,
    build_gateway_route,
    build_ingress,
    build_openshift_route,
)
from netviz.k8s.services import build_service
from netviz.k8s.validate import parse_meta
from netviz.k8s.workloads import Workload, build_workload
from netviz.k8s.yamlsrc import LINE_BREAK

if TYPE_CHECKING:
    from netviz.k8s.load import Limits

_API_VERSIONS = {
    "Namespace": "v1",
    "Pod": "v1",
    "ReplicationController": "v1",
    "Deployment": "apps/v1",
    "ReplicaSet": "apps/v1",
    "StatefulSet": "apps/v1",
    "DaemonSet": "apps/v1",
    "Job": "batch/v1",
    "CronJob": "batch/v1",
    "NetworkPolicy": "networking.k8s.io/v1",
    "Node": "v1",
    **ADMIN_API_VERSIONS,
}


class ObjectReader:
    """Every object read so far, by kind; `finish` turns them into the Cluster."""

    def __init__(self, limits: Limits, pods: bool = False) -> None:
        self.limits = limits
        self.per_pod = pods
        self.documents = 0
        self.full = False  # max_documents reached
        self.problems: list[Problem] = []
        self.namespaces: dict[str, Namespace] = {}
        self.workloads: dict[tuple[str, str, str], Workload] = {}
        self.policies: dict[tuple[str, str], Policy] = {}
        self.admin_policies: dict[tuple[str, str], object] = {}
        self.nodes: dict[str, object] = {}
        self.ignored: list[tuple[str, str, Source]] = []
        self.no_effect: list[tuple[str, Source]] = []  # counted in one line at the end
        self.services: dict[tuple[str, str], Service] = {}
        self.routes: dict[tuple[str, str, str], Route] = {}
        self.gateways: dict[tuple[str, str], Gateway] = {}
        self.calico = CalicoCollector()
        self.labelled_accounts: set[Source] = set()  # ServiceAccounts Calico selectors can match

    def file_problem(self, file: str, line: int, message: str, doc: int = 0) -> None:
        self.problems.append(Problem("error", message, Source(file, doc, line)))

    # -- objects -----------------------------------------------------------------------------

    def _object(
        self,
        value: object,
        file: str,
        doc: int,
        line: int,
        span: tuple[int, int],
        text: SourceText,
        inherit: tuple[str, str] | None = None,
    ) -> None:
        if self.full:
            return
        self.documents += 1
        if self.documents > self.limits.max_documents:
            self.full = True
            self.file_problem(
                file,
                line,
                f"more than {self.limits.max_documents} documents: the rest is not read",
                doc,
            )
            return
        rep = Reporter(file, doc, line)
        if not isinstance(value, dict):
            rep.error(
                line,
                f"document is {describe(value)}, not a Kubernetes object (a mapping with apiVersion and kind)",
            )
            self.problems.extend(rep.problems)
            return
        kind, api_version = value.get("kind"), value.get("apiVersion")
        if inherit is not None:
            # Items of a typed list (PodList, ...) as the API server returns them carry no kind or
            # apiVersion of their own: the list's say what they are.
            kind = inherit[0] if kind is None else kind
            api_version = inherit[1] if api_version is None else api_version
        for field_name, field_value in (("kind", kind), ("apiVersion", api_version)):
            if field_value is None:
                rep.error(line, f"document has no {field_name}: not a Kubernetes object")
            elif not isinstance(field_value, str) or not field_value:
                rep.error(
                    line_of(value, field_name, line),
                    f"{field_name}: expected a string, got {describe(field_value)}",
                )
        if rep.errors:
            self.problems.extend(rep.problems)
            return
        rep.kind = kind
        if kind.endswith("List") and "items" in value:
            self._list(value, rep, span, text)
            return
        if is_calico(kind, api_version):
            self._calico(value, kind, api_version, rep, text.lines(span[0], span[1]))
            return
        if kind in ("Kustomization", "Component") and api_version.startswith("kustomize.config"):
            severity, message = builders.kustomization_problem(rep.file, value)
            (rep.error if severity == "error" else rep.warning)(rep.line, message)
            self.problems.extend(rep.problems)
            return
        if api_version in ENTRY_API_VERSIONS.get(kind, ()):
            self._entry(value, kind, rep)
            return
        if _API_VERSIONS.get(kind) != api_version:
            self._ignore(value, kind, api_version, rep)
            return
        if kind == "Namespace":
            self._namespace(value, rep)
        elif kind == "NetworkPolicy":
            policy = built(value, rep, lambda: build_policy(value, rep, text.lines(*span)))
            if policy is not None:
                self._keep(self.policies, (policy.namespace, policy.name), policy, rep)
        elif kind in ADMIN_API_VERSIONS:
            admin = built(
                value, rep, lambda: build_admin_policy(value, kind, rep, text.lines(*span))
            )
            if admin is not None:
                self._keep(self.admin_policies, (kind, admin.name), admin, rep)
        elif kind == "Node":
            node = built(value, rep, lambda: build_node(value, rep))
            if node is not None:
                self._keep(self.nodes, node.name, node, rep)
        elif kind in WORKLOAD_KINDS:
            workload = built(value, rep, lambda: build_workload(value, kind, rep))
            if workload is not None:
                self._keep(self.workloads, workload.key, workload, rep)
        self.problems.extend(rep.problems)

    def _list(self, value: dict, rep: Reporter, span: tuple[int, int], text: SourceText) -> None:
        items = value.get("items")
        line = rep.line
        if items is None:
            return
        if not isinstance(items, list):
            rep.error(
                line_of(value, "items", line), f"items: expected a list, got {describe(items)}"
            )
            self.problems.extend(rep.problems)
            return
        # An item's text runs to the next item, or to the List's next field, or to the end.
        items_line = line_of(value, "items", line)
        lines = getattr(value, "lines", {})
        after = [ln for ln in lines.values() if ln > items_line] if isinstance(lines, dict) else []
        list_end = min(after) - 1 if after else span[1]
        starts = [line_of(items, i, line) for i in range(len(items))]
        inherit = _typed_list_item(rep.kind or "", value.get("apiVersion"))
        for i, item in enumerate(items):
            start = starts[i]
            end = starts[i + 1] - 1 if i + 1 < len(starts) and starts[i + 1] > start else list_end
            self._object(item, rep.file, rep.doc, start, (start, max(start, end)), text, inherit)

    def _ignore(self, value: dict, kind: str, api_version: str, rep: Reporter) -> None:
        meta = value.get("metadata")
        meta = meta if isinstance(meta, dict) else {}
        name, ns = meta.get("name"), meta.get("namespace")
        name = name if isinstance(name, str) else ""
        ns = ns if isinstance(ns, str) else None
        rep.namespace, rep.name = ns, name or None
        self.ignored.append((kind, f"{ns}/{name}" if ns else name, rep.source()))
        if kind in NO_EFFECT_KINDS:
            self.no_effect.append((kind, rep.source()))
            return
        rep.warning(rep.line, f"ignored: kind {kind} (apiVersion {api_version}) is not modelled")
        self.problems.extend(rep.problems)

    def _calico(self, value: dict, kind: str, api_version: str, rep: Reporter, text: str) -> None:
        """Calico resources (netviz.k8s.calico). A v1 ServiceAccount is read for Calico and
        counted as a kind without effect unless it has labels and the input has Calico resources
        (only then can a serviceAccountSelector match it)."""
        self.calico.add(value, kind, api_version, rep, text)
        if kind == "ServiceAccount":
            meta = value.get("metadata")
            labels = meta.get("labels") if isinstance(meta, dict) else None
            if labels and isinstance(labels, dict) and not rep.errors:
                self.labelled_accounts.add(rep.source())
            self._ignore(value, kind, api_version, rep)
        self.problems.extend(rep.problems)

    def _entry(self, value: dict, kind: str, rep: Reporter) -> None:
        """Services and the routes that lead to them from outside (netviz.k8s.services, .routes)."""
        if kind == "Service":
            service = built(value, rep, lambda: build_service(value, rep))
            if service is not None:
                self._keep(self.services, (service.namespace, service.name), service, rep)
        elif kind == "Gateway":
            gateway = built(value, rep, lambda: build_gateway(value, rep))
            if gateway is not None:
                self._keep(self.gateways, (gateway.namespace, gateway.name), gateway, rep)
        else:
            route = built(value, rep, lambda: _build_route(value, kind, rep))
            if route is not None:
                self._keep(self.routes, (kind, route.namespace, route.name), route, rep)
        self.problems.extend(rep.problems)

    def _namespace(self, value: dict, rep: Reporter) -> None:
        meta = parse_meta(value, rep, namespaced=False)
        if meta is None or rep.fatal:
            return
        name = meta[1]
        labels = {**meta[2], NS_NAME_LABEL: name}
        self._keep(self.namespaces, name, Namespace(name, labels, True, rep.source()), rep)

    def _keep(self, store: dict, key: object, item: object, rep: Reporter) -> None:
        old = store.get(key)
        if old is not None:
            old_source = old.endpoint.source if isinstance(old, Workload) else old.source
            rep.warning(
                rep.line,
                f"duplicate {rep.kind} {_display(key)}: {rep.source()} replaces {old_source}",
            )
        store[key] = item

    def _warn_undeclared_policy_namespaces(self) -> None:
        # Only when the input declares namespaces at all: then a missing one is likely a typo, and
        # namespaceSelectors see it with no label but its name.
        warned: set[str] = set()
        for policy in self.policies.values():
            ns = policy.namespace
            if ns in self.namespaces or ns in warned or policy.source is None:
                continue
            warned.add(ns)
            self.problems.append(
                Problem(
                    "warning",
                    f'namespace "{ns}" is not declared in the input, which declares others: '
                    "its policies are kept, and namespace selectors see it with only its "
                    "kubernetes.io/metadata.name label",
                    policy.source,
                    "NetworkPolicy",
                    ns,
                    policy.name,
                )
            )

    def _watched_keys(self) -> frozenset[str]:
        """Label keys that some pod selector looks at: pods differing in them are told apart."""
        selectors = []
        for policy in self.policies.values():
            selectors.append(policy.pod_selector)
            for rule in (*policy.ingress, *policy.egress):
                selectors.extend(p.pod_selector for p in rule.peers if p.pod_selector)
        for admin in self.admin_policies.values():  # subjects and peers of the ordered tiers
            pod_sets = [admin.subject] + [
                peer.pods for rule in (*admin.ingress, *admin.egress) for peer in rule.peers
            ]
            selectors.extend(ps.pod_selector for ps in pod_sets if ps and ps.pod_selector)
        keys = {k for s in self.services.values() for k, _ in (s.selector or ())}
        return selector_keys(selectors) | keys

    def finish(self) -> Cluster:
        endpoints, fold_problems = fold(
            list(self.workloads.values()), self._watched_keys(), self.per_pod
        )
        self.problems.extend(fold_problems)
        namespaces = dict(self.namespaces)
        for ns in [e.namespace for e in endpoints] + [p.namespace for p in self.policies.values()]:
            if ns not in namespaces:
                namespaces[ns] = Namespace(ns, {NS_NAME_LABEL: ns}, declared=False)
        if self.namespaces:
            self._warn_undeclared_policy_namespaces()
        self.problems.extend(peer_warnings(self.admin_policies.values(), bool(self.nodes)))
        calico = self.calico.finish()
        self.problems.extend(self.calico.problems)
        if calico is not None:
            # Labelled ServiceAccounts feed Calico's serviceAccountSelector: read, not ignored.
            self.ignored = [i for i in self.ignored if i[2] not in self.labelled_accounts]
            self.no_effect = [i for i in self.no_effect if i[1] not in self.labelled_accounts]
        counted = summary(self.no_effect)
        if counted is not None:
            self.problems.append(counted)
        return Cluster(
            namespaces=tuple(namespaces[n] for n in sorted(namespaces)),
            endpoints=tuple(endpoints),
            policies=tuple(self.policies.values()),
            problems=tuple(self.problems),
            ignored=tuple(self.ignored),
            admin_policies=tuple(self.admin_policies.values()),
            nodes=tuple(self.nodes.values()),
            services=tuple(self.services.values()),
            routes=tuple(self.routes.values()),
            gateways=tuple(self.gateways.values()),
            calico=calico,
        )


def _build_route(value: dict, kind: str, rep: Reporter) -> Route | None:
    if kind == "Ingress":
        return build_ingress(value, rep)
    if kind in ROUTE_KINDS:
        return build_gateway_route(value, kind, rep)
    return build_openshift_route(value, rep)


def _typed_list_item(list_kind: str, api_version: object) -> tuple[str, str] | None:
    """(kind, apiVersion) of the items of a typed list: `PodList` of v1 → (`Pod`, `v1`).

    The generic `List` (what `kubectl get -o yaml` prints) has items that name their own kind.
    """
    kind = list_kind[: -len("List")]
    if not kind or not isinstance(api_version, str) or not api_version:
        return None
    return kind, api_version


def _display(key: object) -> str:
    if isinstance(key, tuple):
        return "/".join(key[-2:])
    return str(key)


class SourceText:
    """A file's text, split into lines only when a policy's source text is asked for."""

    def __init__(self, text: str) -> None:
        self.text = text
        self._lines: list[str] | None = None

    def lines(self, first: int, last: int) -> str:
        if first <= 0:
            return ""
        if self._lines is None:
            # Not str.splitlines: it also breaks at \v, \f and others that libyaml does not.
            breaks = [m.end() for m in LINE_BREAK.finditer(self.text)]
            starts = [0, *breaks]
            self._lines = [
                self.text[a:b] for a, b in zip(starts, [*breaks, len(self.text)], strict=True)
            ]
        return "".join(self._lines[first - 1 : last])
