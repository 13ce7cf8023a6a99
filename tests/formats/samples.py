"""Hand-built analyses and explanations: the formatters are tested without the reader or engine."""

from __future__ import annotations

from netviz.engine.ports import PortSet
from netviz.engine.result import (
    Analysis,
    Caveat,
    Connection,
    DirectionVerdict,
    Explanation,
    ExternalRange,
    Grant,
    PolicyDenial,
    RuleMiss,
    RuleRef,
)
from netviz.k8s.model import Endpoint, LabelSelector, Policy, Problem, Source

WEB = Endpoint("Deployment", "shop", "web", labels={"tier": "web", "app": "shop"}, replicas=2)
API = Endpoint("Deployment", "shop", "api", labels={"app": "api"}, replicas=3)
DNS = Endpoint("DaemonSet", "kube-system", "coredns", labels={"k8s-app": "kube-dns"}, replicas=None)
LOW = ExternalRange(4, "0.0.0.0", "9.255.255.255", ("0.0.0.0/5", "8.0.0.0/7"))
TEN = ExternalRange(4, "10.0.0.0", "10.255.255.255", ("10.0.0.0/8",))
HIGH = ExternalRange(4, "11.0.0.0", "255.255.255.255", ("11.0.0.0/8", "12.0.0.0/6"))
V6 = ExternalRange(6, "::", "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", ("::/0",))

WEB_EGRESS = RuleRef("shop", "web-egress", "egress", 0, 0, 1, "input/shop.yaml", 31)
API_INGRESS = RuleRef("shop", "api-ingress", "ingress", 1, 0, None, "input/shop.yaml", 14)
DNS_EGRESS = RuleRef("shop", "web-egress", "egress", 1, None, 0, "input/shop.yaml", 38)
POLICY = Policy(
    "shop",
    "web-egress",
    LabelSelector((("app", "shop"),)),
    frozenset({"egress"}),
    source=Source("input/shop.yaml", 2, 25),
)

TCP_8080 = PortSet.single("TCP", 8080)
UDP_53 = PortSet.single("UDP", 53)

ERROR = Problem(
    "error", "spec.ingress[0].ports[0].port: 70000 is not in 1-65535", Source("in/b.yaml", 2, 9)
)
WARNING = Problem(
    "warning",
    "unknown field `podSelectr`",
    Source("in/a.yaml", 1, 7),
    kind="NetworkPolicy",
    namespace="shop",
    name="typo",
)
CAVEAT = Caveat("ipblock-matches-pod-ip", API.id, "shop/web-egress", WEB_EGRESS, "10.1.2.3")


def analysis() -> Analysis:
    """web reaches api on TCP 8080 and DNS on UDP 53; api reaches the whole internet."""
    grant = Grant(TCP_8080, egress=(WEB_EGRESS,), ingress=(API_INGRESS,))
    return Analysis(
        # Deliberately unsorted: the formatters own the order.
        endpoints=[WEB, DNS, API],
        externals=[V6, HIGH, LOW, TEN],
        policies=[POLICY],
        connections=[
            Connection(WEB.id, DNS.id, UDP_53, (Grant(UDP_53, (DNS_EGRESS,), None),)),
            Connection(WEB.id, API.id, TCP_8080, (grant,)),
            Connection(API.id, V6.id, PortSet.all()),
            Connection(API.id, TEN.id, PortSet.all()),
        ],
        caveats=[CAVEAT, CAVEAT],
    )


def allowed_explanation() -> Explanation:
    return Explanation(
        src=WEB.id,
        dst=API.id,
        asked=TCP_8080,
        allowed=TCP_8080,
        egress=DirectionVerdict("egress", True, TCP_8080, allowed_by=((WEB_EGRESS, TCP_8080),)),
        ingress=DirectionVerdict("ingress", False, PortSet.all()),
    )


def denied_explanation() -> Explanation:
    """api → web on all ports: api's egress is open, web's ingress is isolated by two policies."""
    denials = (
        PolicyDenial("shop/default-deny", "input/shop.yaml", 3, (RuleMiss(None, "no-rules"),)),
        PolicyDenial(
            "shop/web-ingress",
            "input/shop.yaml",
            50,
            (RuleMiss(0, "peer", 57), RuleMiss(1, "port", 62)),
        ),
    )
    return Explanation(
        src=API.id,
        dst=WEB.id,
        asked=PortSet.all(),
        allowed=PortSet.empty(),
        egress=DirectionVerdict("egress", False, PortSet.all()),
        ingress=DirectionVerdict("ingress", True, PortSet.empty(), denied_by=denials),
    )
