"""Self pairs: a bare Pod always reaches itself (unlisted); workload replicas are evaluated."""

from __future__ import annotations

from .build import ALL, NONE, allowed, evaluator, pod, policy, port, rule, sel, tcp

BARE = pod("x", "bare", app="a")
DEPLOY = pod("x", "web", kind="Deployment", app="a")


def test_a_bare_pod_to_itself_is_never_listed_even_when_open():
    ev = evaluator([BARE])
    assert [c for c in ev.analysis().connections if c.src == c.dst] == []


def test_explaining_a_bare_pod_to_itself_says_loopback():
    ev = evaluator([BARE], [policy("x", "deny", sel(), egress=[], types={"ingress", "egress"})])
    e = ev.explain("x/bare", "x/bare")
    assert e.is_allowed and e.allowed == ALL
    assert e.egress.isolated and e.ingress.isolated  # the truth about isolation is kept
    assert e.egress.allowed_by == () and e.egress.denied_by == ()
    assert [c.code for c in e.egress.caveats] == ["self"]
    assert [c.code for c in e.ingress.caveats] == ["self"]


def test_workload_replicas_to_each_other_follow_the_policies():
    open_ev = evaluator([DEPLOY])
    assert allowed(open_ev, "x/web", "x/web") == ALL
    ev = evaluator([DEPLOY], [policy("x", "p", sel(), ingress=[rule(ports=[port(80)])])])
    assert allowed(ev, "x/web", "x/web") == tcp(80)
    assert ev.explain("x/web", "x/web").allowed == tcp(80)
    denied = evaluator([DEPLOY], [policy("x", "deny", sel())])
    assert allowed(denied, "x/web", "x/web") == NONE
    assert not denied.explain("x/web", "x/web").is_allowed
