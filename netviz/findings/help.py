"""What each check looks for and what to do about it: the rule texts of SARIF and the README.

Keys are a Finding's `check`; a test keeps this in step with netviz.findings.checks.CHECK_IDS.
"""

from __future__ import annotations

# check → (one-line description, what to do)
CHECK_HELP: dict[str, tuple[str, str]] = {
    "namespace-without-default-deny-ingress": (
        "A namespace has no default-deny policy for ingress.",
        "Add a NetworkPolicy with `podSelector: {}` and `policyTypes: [Ingress]` and no rules, "
        "so pods added later start isolated; then allow what each workload needs.",
    ),
    "namespace-without-default-deny-egress": (
        "A namespace has no default-deny policy for egress.",
        "Add a NetworkPolicy with `podSelector: {}` and `policyTypes: [Egress]` and no rules "
        "(allow DNS to kube-system), then allow what each workload needs.",
    ),
    "unprotected-ingress": (
        "An endpoint is selected by no policy with Ingress, so it accepts any connection.",
        "Select it with a policy listing Ingress in policyTypes, allowing only its clients.",
    ),
    "unprotected-egress": (
        "An endpoint is selected by no policy with Egress, so it may open any connection.",
        "Select it with a policy listing Egress in policyTypes, allowing only what it calls.",
    ),
    "egress-blocks-dns": (
        "Egress isolation blocks DNS to the cluster's DNS service: name lookups will fail.",
        "Allow UDP and TCP 53 to the DNS pods (kube-system, k8s-app=kube-dns) in an egress rule.",
    ),
    "policy-selects-nothing": (
        "A policy's podSelector matches no endpoint of the input.",
        "Check the labels of podSelector against the workloads' pod templates, or delete it.",
    ),
    "peer-matches-nothing": (
        "A from/to peer matches no endpoint or namespace of the input.",
        "Check the peer's selectors for typos; the message suggests close label values.",
    ),
    "rule-never-matches": (
        "A rule can never take effect (its direction is not in policyTypes, or it is empty).",
        "List the direction in policyTypes or remove the rule.",
    ),
    "redundant-rule": (
        "Everything a rule allows is allowed by another rule already.",
        "Remove the rule, or narrow the broader one if that is what was meant.",
    ),
    "redundant-policy": (
        "A policy changes nothing: other policies allow all it allows and isolate its pods.",
        "Remove it, or check whether another policy is broader than intended.",
    ),
    "ingress-from-anywhere": (
        "A rule allows ingress from every source (no from, or an empty peer).",
        "Name the clients with podSelector/namespaceSelector peers or ipBlocks.",
    ),
    "ingress-from-internet": (
        "A rule allows ingress from the whole internet (an ipBlock like 0.0.0.0/0).",
        "Narrow the ipBlock to the addresses that need it, or accept the finding if public.",
    ),
    "ingress-from-all-namespaces": (
        "A rule allows every pod of every namespace, including namespaces created later.",
        "Add a namespaceSelector with labels (e.g. kubernetes.io/metadata.name) to the peer.",
    ),
    "egress-to-anywhere": (
        "A rule allows egress to every destination.",
        "Name the destinations with selectors or ipBlocks.",
    ),
    "named-port-undefined": (
        "A named port is not defined by any destination container, so it matches nothing.",
        "Define the port name in the containers or use the port number.",
    ),
    "port-not-listening": (
        "A port is allowed that no destination declares.",
        "Check for a typo in the port or declare it in the containers.",
    ),
    "network-plugin-dependent": (
        "The verdict depends on the network plugin (hostNetwork pods, ipBlocks over pod IPs).",
        "Avoid relying on it: select such pods by IP deliberately or move them off hostNetwork.",
    ),
    "exposed-but-blocked": (
        "A Service or route exposes a workload to outside traffic that its policies do not admit.",
        "Allow ingress from the ingress controller's pods (or the external ranges for "
        "LoadBalancer and NodePort) on the target port, or stop exposing it.",
    ),
    "service-target-port-undeclared": (
        "A Service port targets a port that no container of the selected workload declares.",
        "Fix the Service's targetPort, or declare the port (and its name) in the containers.",
    ),
    "route-to-nothing": (
        "An Ingress or route sends traffic to a Service that selects no workload.",
        "Fix the backend Service's name or its selector so it selects the workload meant.",
    ),
    "admin-matches-nothing": (
        "An Admin or Baseline policy's subject or peer matches no endpoint of the input.",
        "Check the selectors for typos against the namespaces' and pods' labels, or delete it.",
    ),
    "admin-rule-never-decides": (
        "An Admin or Baseline rule decides no pair: earlier rules or priorities decide them all.",
        "Remove the rule, or move it (or its policy's priority) ahead of what shadows it.",
    ),
    "equal-priority-overlap": (
        "Policies of one tier share a priority and their rules overlap; the API leaves their "
        "order undefined, so the network plugin may decide differently.",
        "Give each policy its own priority.",
    ),
    "pass-changes-nothing": (
        "A Pass rule changes nothing: no later rule of its tier could match what it passes.",
        "Remove the rule if nothing later in the tier was meant to be skipped.",
    ),
    "admin-deny-blocks-dns": (
        "An Admin or Baseline Deny blocks DNS to the cluster's DNS service: lookups fail.",
        "Accept UDP and TCP 53 to the DNS pods at a higher priority, or narrow the Deny.",
    ),
    "baseline-unreached": (
        "A Baseline rule is never reached: NetworkPolicies select every pod of its subject.",
        "Remove the rule, or keep it as a guardrail for pods added later and accept the finding.",
    ),
    "port-without-service": (
        "A policy admits a port on a workload that no Service sends traffic to.",
        "Informational: remove the port from the policy if nothing reaches the pods directly.",
    ),
    "calico-rule-unreachable": (
        "A Calico rule comes after an unconditional Allow, Deny or Pass, so it never applies.",
        "Move the rule before the unconditional one, or delete it.",
    ),
    "calico-order-missing": (
        "A Calico policy has no order in a tier where order decides between policies.",
        "Give it an explicit order: without one it comes after every ordered policy.",
    ),
    "calico-tier-end-deny": (
        "A Calico tier's end-of-tier deny cuts traffic that no policy in the tier mentions.",
        "End the tier with a Pass rule (or set defaultAction: Pass) for traffic it does not own.",
    ),
    "calico-selector-matches-nothing": (
        "A Calico selector parses but matches nothing in the input.",
        "Check the labels and operators of the selector for typos.",
    ),
    "calico-gnp-denies-dns": (
        "A GlobalNetworkPolicy denies DNS to the cluster's DNS service: name lookups will fail.",
        "Allow UDP and TCP 53 to kube-system's DNS pods before the Deny, or in an earlier tier.",
    ),
}


def check_help(check: str) -> tuple[str, str]:
    return CHECK_HELP.get(check, (check, "See the netviz README, section Findings."))
