"""Plugin-dependent readings: hostNetwork pods and ipBlocks covering pod IPs, flagged as caveats."""

from __future__ import annotations

import ipaddress

from netviz.k8s.model import Endpoint

from .build import ALL, NONE, allowed, block, evaluator, peer, pod, policy, port, rule, sel, tcp

CLIENT = pod("x", "client", app="client")
AGENT = Endpoint(
    "DaemonSet", "x", "agent", {"app": "agent"}, host_network=True, host_ip="192.168.1.5"
)
BLIND = Endpoint("DaemonSet", "x", "blind", {"app": "agent"}, host_network=True)


def codes(caveats):
    return sorted(
        (c.code, c.endpoint, c.policy, c.rule.peer_index if c.rule else None) for c in caveats
    )


def test_host_network_pods_are_never_isolated():
    ev = evaluator([CLIENT, AGENT], [policy("x", "deny", sel())])
    assert allowed(ev, "x/client", "x/agent") == ALL
    assert allowed(ev, "x/agent", "x/client") == NONE
    assert ev.explain("x/client", "x/agent").ingress.isolated is False
    assert codes(ev.analysis().caveats) == [
        ("host-network-pod", "x/agent[DaemonSet]", "x/deny", None)
    ]
    verdict = ev.explain("x/client", "x/agent").ingress
    assert codes(verdict.caveats) == [("host-network-pod", "x/agent[DaemonSet]", "x/deny", None)]


def test_host_network_pods_are_not_matched_by_selectors_but_by_their_host_ip():
    ev = evaluator(
        [CLIENT, AGENT, BLIND],
        [
            policy(
                "x",
                "p",
                sel(app="client"),
                egress=[
                    rule(peer(sel(app="agent"))),
                    rule(block("192.168.0.0/16"), ports=[port(22)]),
                ],
                types={"egress"},
            )
        ],
    )
    assert allowed(ev, "x/client", "x/agent") == tcp(22)
    assert allowed(ev, "x/client", "x/blind") == NONE
    assert codes(ev.analysis().caveats) == [
        ("host-network-pod", "x/agent[DaemonSet]", "x/p", 0),  # ipBlock matches its host IP
        ("host-network-pod", "x/agent[DaemonSet]", "x/p", 0),  # selector would match it
        ("host-network-pod", "x/blind[DaemonSet]", "x/p", 0),
    ]
    details = {c.detail for c in ev.explain("x/client", "x/agent").egress.caveats}
    assert details == {"ipBlock matches its host IP", "peer selector would match it"}
    # the host IP is not an external address: no range holds it
    host = ipaddress.ip_address("192.168.1.5")
    for x in [x for x in ev.analysis().externals if x.version == 4]:
        assert not ipaddress.ip_address(x.start) <= host <= ipaddress.ip_address(x.end)
    assert ev.resolve("192.168.1.5") == "x/agent[DaemonSet]"


SERVER = Endpoint("Pod", "x", "server", {"app": "server"}, pod_ips=("10.0.0.9",))


def test_an_ip_block_covering_a_pod_ip_is_flagged_where_it_would_change_a_verdict():
    ev = evaluator(
        [CLIENT, SERVER],
        [policy("x", "p", sel(app="client"), egress=[rule(block("10.0.0.0/8"))], types={"egress"})],
    )
    assert allowed(ev, "x/client", "x/server") == NONE  # the common reading
    (caveat,) = ev.analysis().caveats
    assert (caveat.code, caveat.endpoint, caveat.policy, caveat.detail) == (
        "ipblock-matches-pod-ip",
        "x/server[Pod]",
        "x/p",
        "10.0.0.9",
    )
    assert caveat.rule.rule_index == 0 and caveat.rule.peer_index == 0
    assert ev.explain("x/client", "x/server").egress.caveats == (caveat,)


def test_no_ip_block_caveat_when_the_other_reading_changes_nothing():
    ev = evaluator(
        [CLIENT, SERVER],
        [
            policy(
                "x", "p", sel(app="client"), egress=[rule(block("10.0.0.0/8"))], types={"egress"}
            ),
            policy("x", "deny-in", sel(app="server")),  # the server's ingress denies anyway
        ],
    )
    assert ev.analysis().caveats == []
    assert ev.explain("x/client", "x/server").egress.caveats == ()


def test_an_ip_block_on_ingress_covering_the_source_pod_ip():
    ev = evaluator(
        [CLIENT, SERVER],
        [policy("x", "p", sel(app="client"), ingress=[rule(block("10.0.0.0/24", "10.0.0.8/29"))])],
    )
    assert ev.analysis().caveats == []  # 10.0.0.9 is in the except
    ev = evaluator(
        [CLIENT, SERVER],
        [policy("x", "p", sel(app="client"), ingress=[rule(block("10.0.0.0/24"))])],
    )
    assert codes(ev.analysis().caveats) == [("ipblock-matches-pod-ip", "x/server[Pod]", "x/p", 0)]
    assert len(ev.explain("x/server", "x/client").ingress.caveats) == 1
