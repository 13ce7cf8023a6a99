"""Allow this / Block this on input with Calico and cluster-scoped policies: "everything" is the
input's whole universe, an ICMP opening is a rule without ports, the preview keeps every policy."""

from __future__ import annotations

from netviz.engine import Evaluator
from netviz.engine.ports import PortSet
from netviz.whatif import allow, block
from tests.generate.helpers import netpol
from tests.generate.test_protocols import TIER
from tests.generate.test_tiered import DB, GUARD, PODS, WEB, load

# A Calico tier before the NetworkPolicies with db's ingress rules (%s), then Pass.
SECURITY = TIER


def db_from_web(ports=None) -> dict:
    rule = {"from": [{"podSelector": {"matchLabels": {"app": "web"}}}]}
    if ports:
        rule["ports"] = ports
    return netpol(
        "shop", "db-from-web", {"matchLabels": {"app": "db"}}, ["Ingress"], ingress=[rule]
    )


def test_allow_everything_on_a_pair_without_icmp_opens_icmp_too():
    # web reaches db on TCP 5432 only; ICMP (which the Calico tier names) is not allowed.
    cluster = load(
        SECURITY % "  - {action: Pass, protocol: ICMP}\n",
        docs=[*PODS, db_from_web([{"protocol": "TCP", "port": 5432}])],
    )
    ev = Evaluator(cluster)
    proposal = allow(ev, WEB, DB)
    assert proposal.status == "proposed"
    (change,) = [c for c in proposal.changes if c.direction == "ingress"]
    (rule,) = change.manifest["spec"]["ingress"]
    assert "ports" not in rule  # every port of every protocol: ICMP needs a port-less rule
    assert proposal.allowed_after == ev.universe()


def test_an_opening_of_the_other_protocols_only_is_a_rule_without_ports_never_an_empty_list():
    cluster = load(
        SECURITY % "  - {action: Pass, protocol: ICMP}\n",
        docs=[*PODS, db_from_web([{"protocol": "TCP", "port": 5432}])],
    )
    ev = Evaluator(cluster)
    others = ev.universe() - PortSet.all()  # ICMP and every protocol besides TCP, UDP, SCTP
    assert not others.is_empty()
    proposal = allow(ev, WEB, DB, others)
    assert proposal.status == "proposed"
    (change,) = [c for c in proposal.changes if c.direction == "ingress"]
    assert "ports" not in change.manifest["spec"]["ingress"][0]


def test_block_sees_a_pair_allowed_only_on_icmp():
    cluster = load(
        SECURITY % "  - {action: Deny, notProtocol: ICMP, source: {selector: app == 'web'}}\n",
        docs=[*PODS, db_from_web()],
    )
    plan = block(Evaluator(cluster), WEB, DB)
    assert plan.is_allowed
    assert str(plan.allowed) == "ICMP"


def test_the_preview_keeps_the_cluster_scoped_policies():
    """An Admin Deny still decides after "Allow this" adds its NetworkPolicy: the preview says
    the pair stays closed instead of evaluating without the admin policy."""
    ev = Evaluator(load(GUARD))
    proposal = allow(ev, WEB, DB)
    assert proposal.allowed_after.is_empty()
    assert all((s, d) != (WEB, DB) for s, d, _ in proposal.opened)
