"""Random small, valid clusters with Calico resources (hypothesis), as manifest dicts."""

from __future__ import annotations

from hypothesis import strategies as st

from .randomized import NS_LABELS, _labels, pods
from .randomized import policies as k8s_policies

SELECTORS = (
    "app == 'web'",
    "app != 'db'",
    "has(tier)",
    "!has(app)",
    "app in {'web', 'api'}",
    "tier not in {'front'}",
    "app starts with 'w'",
    "tier contains 'ac' || app == 'db'",
    "all()",
    "role == 'dns'",
    "role == 'partner'",
    "pcns.team == 'red'",  # unusual but legal: namespace labels are on every endpoint
    "host == 'node1'",
)
NS_SELECTORS = ("team == 'red'", "has(env)", "all()", "projectcalico.org/name == 'y'", "global()")
SA_SELECTORS = ("role == 'api'", "has(role)")
NETS = ("10.0.0.0/8", "192.168.1.0/24", "0.0.0.0/0", "8.8.8.8/32")
PORTS = (80, 443, "80:443", 53, "http", "dns", "5000:5001")
ADDRESSES = ("8.8.8.8", "192.168.1.5", "10.0.0.1", "1.2.3.4")
PROBES = tuple(
    (proto, port) for proto in ("TCP", "UDP", "SCTP") for port in (22, 53, 80, 81, 443, 5000)
)
# Probes of the other protocols: checked where the input names one (else they are not modelled).
OTHER_PROBES = (
    ("ICMP", (8, 0)),
    ("ICMP", (3, 1)),
    ("ICMP", (3, 4)),
    ("ICMPv6", (128, 0)),
    ("UDPLite", None),
    (47, None),
    (50, None),
)
ICMP_MATCHES = ({"type": 8}, {"type": 8, "code": 0}, {"type": 3, "code": 1}, {"type": 3})


@st.composite
def entity(draw, allow_global_ns: bool) -> dict:
    out: dict = {}
    if draw(st.integers(0, 4)) == 0:  # the scoping trap: notSelector alone
        return {"notSelector": draw(st.sampled_from(SELECTORS))}
    if draw(st.integers(0, 2)) == 0:
        out["selector"] = draw(st.sampled_from(SELECTORS))
    if draw(st.integers(0, 4)) == 0:
        out["notSelector"] = draw(st.sampled_from(SELECTORS))
    if draw(st.integers(0, 4)) == 0:
        pool = NS_SELECTORS if allow_global_ns else NS_SELECTORS[:-1]
        out["namespaceSelector"] = draw(st.sampled_from(pool))
    if draw(st.integers(0, 4)) == 0:
        out["nets"] = draw(st.lists(st.sampled_from(NETS), min_size=1, max_size=2, unique=True))
    if draw(st.integers(0, 5)) == 0:
        out["notNets"] = [draw(st.sampled_from(NETS))]
    if draw(st.integers(0, 5)) == 0:
        sa: dict = {}
        if draw(st.booleans()):
            sa["names"] = draw(
                st.lists(st.sampled_from(("api", "default")), min_size=1, max_size=2, unique=True)
            )
        if draw(st.booleans()) or not sa:
            sa["selector"] = draw(st.sampled_from(SA_SELECTORS))
        out["serviceAccounts"] = sa
    return out


@st.composite
def rule(draw) -> dict:
    out: dict = {"action": draw(st.sampled_from(("Allow", "Deny", "Pass", "Log", "Allow")))}
    protocol = draw(
        st.sampled_from(
            (None, None, "TCP", "UDP", "SCTP", "ICMP", 6, "ICMPv6", "UDPLite", 47, 132, "1")
        )
    )
    if protocol is not None:
        out["protocol"] = protocol
    if draw(st.integers(0, 6)) == 0 and protocol is None:
        out["notProtocol"] = draw(st.sampled_from(("TCP", "UDP", "ICMP", 47)))
    icmp_like = protocol in ("ICMP", "ICMPv6", "1")
    if icmp_like and draw(st.integers(0, 2)) == 0:
        out["icmp"] = draw(st.sampled_from(ICMP_MATCHES))
    if icmp_like and draw(st.integers(0, 3)) == 0:
        out["notICMP"] = draw(st.sampled_from(ICMP_MATCHES))
    icmp_named = icmp_like or out.get("notProtocol") == "ICMP"
    if draw(st.integers(0, 6)) == 0 and not icmp_named:
        out["ipVersion"] = draw(st.sampled_from((4, 6)))
    source = draw(entity(True))
    destination = draw(entity(True))
    if protocol in ("TCP", "UDP", "SCTP", 6):
        if draw(st.booleans()):
            destination["ports"] = draw(
                st.lists(st.sampled_from(PORTS), min_size=1, max_size=2, unique=True)
            )
        if draw(st.integers(0, 3)) == 0:
            destination["notPorts"] = [draw(st.sampled_from(PORTS))]
    if source:
        out["source"] = source
    if destination:
        out["destination"] = destination
    if "ipVersion" in out:
        for side in (source, destination):  # nets must agree with ipVersion; keep it valid
            side.pop("nets", None)
            side.pop("notNets", None)
    return out


@st.composite
def calico_policy(draw, name: str, namespaces: tuple[str, ...], tiers: tuple[str, ...]) -> dict:
    is_global = draw(st.booleans())
    spec: dict = {}
    tier = draw(st.sampled_from(tiers))
    if tier != "default":
        spec["tier"] = tier
    if draw(st.integers(0, 3)):
        spec["order"] = draw(st.sampled_from((1, 10, 500, 1000, 1000, 2000)))
    if draw(st.booleans()):
        spec["selector"] = draw(st.sampled_from(SELECTORS))
    if is_global and draw(st.integers(0, 3)) == 0:
        spec["namespaceSelector"] = draw(st.sampled_from(NS_SELECTORS[:-1]))
    if draw(st.integers(0, 5)) == 0:
        spec["serviceAccountSelector"] = draw(st.sampled_from(SA_SELECTORS))
    for direction in ("ingress", "egress"):
        if draw(st.booleans()):
            spec[direction] = draw(st.lists(rule(), max_size=3))
    if draw(st.booleans()):
        spec["types"] = draw(
            st.lists(st.sampled_from(("Ingress", "Egress")), min_size=1, unique=True)
        )
    meta: dict = {"name": name}
    if not is_global:
        meta["namespace"] = draw(st.sampled_from(namespaces))
    kind = "GlobalNetworkPolicy" if is_global else "NetworkPolicy"
    return {"apiVersion": "projectcalico.org/v3", "kind": kind, "metadata": meta, "spec": spec}


@st.composite
def calico_clusters(draw, max_policies: int = 4) -> dict:
    names = ("x", "y")
    namespaces = [
        {
            "apiVersion": "v1",
            "kind": "Namespace",
            "metadata": {"name": ns, "labels": draw(_labels(NS_LABELS))},
        }
        for ns in names
    ]
    pod_docs = []
    for ns in names:
        for i in range(draw(st.integers(0, 3))):
            pod = draw(pods(ns, f"p{i}"))
            spec = pod["spec"] if pod["kind"] == "Pod" else pod["spec"]["template"]["spec"]
            account = draw(st.sampled_from((None, "api", "default")))
            if account:
                spec["serviceAccountName"] = account
            pod_docs.append(pod)
    accounts = [
        {
            "apiVersion": "v1",
            "kind": "ServiceAccount",
            "metadata": {"name": "api", "namespace": ns, "labels": {"role": "api"}},
        }
        for ns in names
        if draw(st.booleans())
    ]
    sets = [
        {
            "apiVersion": "projectcalico.org/v3",
            "kind": "GlobalNetworkSet",
            "metadata": {"name": "dns", "labels": {"role": "dns"}},
            "spec": {"nets": ["8.8.8.8/32"]},
        },
        {
            "apiVersion": "projectcalico.org/v3",
            "kind": "NetworkSet",
            "metadata": {"name": "partners", "namespace": "x", "labels": {"role": "partner"}},
            "spec": {"nets": ["192.168.1.0/24"]},
        },
    ][: draw(st.integers(0, 2))]
    if draw(st.booleans()):
        spec = {"node": "node1", "interfaceName": "eth0", "expectedIPs": ["10.0.0.1"]}
        if draw(st.booleans()):
            spec["profiles"] = ["projectcalico-default-allow"]
        sets.append(
            {
                "apiVersion": "projectcalico.org/v3",
                "kind": "HostEndpoint",
                "metadata": {"name": "node1-eth0", "labels": {"host": "node1"}},
                "spec": spec,
            }
        )
    if draw(st.integers(0, 3)) == 0:  # a profile's labelsToApply: x looks red to selectors
        sets.append(
            {
                "apiVersion": "projectcalico.org/v3",
                "kind": "Profile",
                "metadata": {"name": "kns.x"},
                "spec": {"labelsToApply": {"pcns.team": "red", "pcns.env": "prod"}},
            }
        )
    if draw(st.integers(0, 3)) == 0:
        spec = {"labelsToApply": {"host": "node1", "app": "web"}}
        sets.append(
            {
                "apiVersion": "projectcalico.org/v3",
                "kind": "Profile",
                "metadata": {"name": "edge"},
                "spec": spec,
            }
        )
        for doc in sets:
            if doc["kind"] == "HostEndpoint":
                doc["spec"]["profiles"] = ["edge", *doc["spec"].get("profiles", [])]
                doc["metadata"]["labels"] = {}
    tier_docs = []
    tier_names = ["default"]
    for name in ("security", "platform")[: draw(st.integers(0, 2))]:
        spec: dict = {}
        if draw(st.integers(0, 3)):
            spec["order"] = draw(st.sampled_from((50, 100, 1000, 2_000_000)))
        if draw(st.booleans()):
            spec["defaultAction"] = draw(st.sampled_from(("Deny", "Pass")))
        tier_docs.append(
            {
                "apiVersion": "projectcalico.org/v3",
                "kind": "Tier",
                "metadata": {"name": name},
                "spec": spec,
            }
        )
        tier_names.append(name)
    count = draw(st.integers(0, max_policies))
    pols = [draw(calico_policy(f"cp{i}", names, tuple(tier_names))) for i in range(count)]
    k8s = [draw(k8s_policies(names, f"np{i}")) for i in range(draw(st.integers(0, 2)))]
    return {
        "namespaces": namespaces,
        "pods": pod_docs,
        "other": accounts + sets + tier_docs,
        "policies": pols + k8s,
    }
