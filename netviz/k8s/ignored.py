"""Kinds netviz reads past: counted in one line when they cannot change connectivity."""

from __future__ import annotations

from collections import Counter

from netviz.k8s.model import Problem, Source

# Kinds whose objects never decide which pod may reach which: said once, as a count.
# Anything else that is not modelled (another policy API, a controller that makes pods, a known
# kind at an unknown apiVersion) is warned about document by document.
NO_EFFECT_KINDS = frozenset(
    {
        "APIService",
        "Certificate",
        "CertificateRequest",
        "ClusterIssuer",
        "ClusterRole",
        "ClusterRoleBinding",
        "ComponentStatus",
        "ConfigMap",
        "ControllerRevision",
        "CSIDriver",
        "CustomResourceDefinition",
        "Endpoints",
        "EndpointSlice",
        "Event",
        "HorizontalPodAutoscaler",
        "IngressClass",
        "GatewayClass",
        "Issuer",
        "Lease",
        "LimitRange",
        "MutatingWebhookConfiguration",
        "PersistentVolume",
        "PersistentVolumeClaim",
        "PodDisruptionBudget",
        "PodMonitor",
        "PriorityClass",
        "PrometheusRule",
        "ResourceQuota",
        "Role",
        "RoleBinding",
        "RuntimeClass",
        "Secret",
        "ServiceAccount",
        "ServiceMonitor",
        "StorageClass",
        "ValidatingAdmissionPolicy",
        "ValidatingAdmissionPolicyBinding",
        "ValidatingWebhookConfiguration",
        "VerticalPodAutoscaler",
        "VolumeAttachment",
        "VolumeSnapshot",
    }
)


def summary(counted: list[tuple[str, Source]]) -> Problem | None:
    """One warning counting the documents of kinds that do not change connectivity."""
    if not counted:
        return None
    counts = Counter(kind for kind, _ in counted)
    shown = ", ".join(
        f"{n} {kind}" for kind, n in sorted(counts.items(), key=lambda i: (-i[1], i[0]))
    )
    return Problem(
        "warning",
        f"not modelled (they do not change connectivity): {shown}",
        min(source for _, source in counted),
    )
