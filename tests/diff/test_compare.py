"""netviz.diff on hand-made snapshots and on real analyses: what changed, and nothing else."""

from __future__ import annotations

import json

import pytest

from netviz.diff import compare, render_diff, snapshot
from netviz.engine import Evaluator
from netviz.k8s import load_texts

ALL_V4 = {
    "id": "0.0.0.0-255.255.255.255",
    "version": 4,
    "start": "0.0.0.0",
    "end": "255.255.255.255",
    "cidrs": ["0.0.0.0/0"],
}


def ext(start: str, end: str, cidrs: list[str]) -> dict:
    return {"id": f"{start}-{end}", "version": 4, "start": start, "end": end, "cidrs": cidrs}


def tcp(*ports: int) -> list[list]:
    """Port rows as a snapshot stores them."""
    return [["TCP", p, p] for p in ports]


def tcp_json(*ports: int) -> list[dict]:
    """The same ports as the diff reports them."""
    return [{"protocol": "TCP", "port": p, "end_port": p} for p in ports]


def snap(connections, externals=(), endpoints=("a/x[Pod]", "a/y[Pod]"), policies=()) -> dict:
    return {
        "endpoints": [{"id": e, "fingerprint": "same"} for e in endpoints],
        "externals": list(externals),
        "policies": [{"id": p, "fingerprint": f} for p, f in policies],
        "connections": [{"src": s, "dst": d, "ports": ports} for s, d, ports in connections],
    }


def test_it_finds_added_removed_and_changed_connections():
    old = snap([("a/x[Pod]", "a/y[Pod]", tcp(80)), ("a/y[Pod]", "a/x[Pod]", tcp(53))])
    new = snap([("a/x[Pod]", "a/y[Pod]", tcp(80, 443)), ("a/x[Pod]", "a/x[Pod]", tcp(1))])
    d = compare(old, new)
    assert d["connections"]["added"] == [
        {"src": "a/x[Pod]", "dst": "a/x[Pod]", "ports": tcp_json(1), "ports_text": "TCP 1"}
    ]
    assert [(c["src"], c["dst"]) for c in d["connections"]["removed"]] == [("a/y[Pod]", "a/x[Pod]")]
    changed = d["connections"]["changed"][0]
    assert (changed["before_text"], changed["after_text"]) == ("TCP 80", "TCP 80,443")
    assert (changed["gained_text"], changed["lost"]) == ("TCP 443", [])
    assert d["summary"]["connectivity_changed"] is True


def test_an_identical_snapshot_has_no_changes():
    s = snap([("a/x[Pod]", "a/y[Pod]", tcp(80))], externals=[ALL_V4])
    d = compare(s, s)
    assert not d["summary"]["connectivity_changed"]
    assert all(v == 0 for k, v in d["summary"].items() if k != "connectivity_changed")


def test_a_new_cidr_cut_does_not_show_unchanged_external_traffic_as_changed():
    # Before: one range for all of IPv4. After: a policy cut 10.0.0.0/8 out, and only that
    # slice lost its access. Only the slice may appear in the diff.
    old = snap([("a/x[Pod]", ALL_V4["id"], tcp(443))], externals=[ALL_V4])
    low = ext("0.0.0.0", "9.255.255.255", ["0.0.0.0/5", "8.0.0.0/7"])
    ten = ext("10.0.0.0", "10.255.255.255", ["10.0.0.0/8"])
    high = ext("11.0.0.0", "255.255.255.255", ["11.0.0.0/8", "12.0.0.0/6"])
    new = snap(
        [("a/x[Pod]", low["id"], tcp(443)), ("a/x[Pod]", high["id"], tcp(443))],
        externals=[low, ten, high],
    )
    d = compare(old, new)
    assert d["connections"]["added"] == [] and d["connections"]["changed"] == []
    assert d["connections"]["removed"] == [
        {
            "src": "a/x[Pod]",
            "dst": "10.0.0.0-10.255.255.255",
            "dst_cidrs": ["10.0.0.0/8"],
            "ports": tcp_json(443),
            "ports_text": "TCP 443",
        }
    ]


def test_adjacent_external_slices_that_changed_alike_are_merged():
    low = ext("0.0.0.0", "9.255.255.255", ["0.0.0.0/5", "8.0.0.0/7"])
    rest = ext("10.0.0.0", "255.255.255.255", ["10.0.0.0/7"])
    old = snap([], externals=[low, rest])
    new = snap([(ALL_V4["id"], "a/y[Pod]", tcp(80))], externals=[ALL_V4])
    d = compare(old, new)
    assert [(c["src"], c["src_cidrs"]) for c in d["connections"]["added"]] == [
        ("0.0.0.0-255.255.255.255", ["0.0.0.0/0"])
    ]


def test_endpoints_and_policies_are_compared_by_id_and_meaning():
    old = snap([], endpoints=["a/x[Pod]", "a/gone[Pod]"], policies=[("a/p", "1"), ("a/q", "1")])
    new = snap([], endpoints=["a/x[Pod]", "a/new[Pod]"], policies=[("a/p", "2"), ("a/r", "1")])
    d = compare(old, new)
    assert d["endpoints"] == {"added": ["a/new[Pod]"], "removed": ["a/gone[Pod]"], "changed": []}
    assert d["policies"] == {"added": ["a/r"], "removed": ["a/q"], "changed": ["a/p"]}


POD = """\
apiVersion: v1
kind: Pod
metadata: {name: web, namespace: a, labels: {app: web}}
spec: {containers: [{name: c, image: x, ports: [{containerPort: 80}]}]}
"""
POLICY = """\
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: web, namespace: a}
spec:
  podSelector: {matchLabels: {app: web}}
  ingress: [{ports: [{port: 80}]}]
"""


def analysed(*texts: str) -> dict:
    cluster = load_texts([(f"f{i}.yaml", t) for i, t in enumerate(texts)])
    return snapshot(Evaluator(cluster).analysis(), cluster)


def test_moving_a_policy_down_the_file_is_no_change():
    d = compare(analysed(POD, POLICY), analysed(POD, "\n\n# moved\n" + POLICY))
    assert d["policies"]["changed"] == []
    assert not d["summary"]["connectivity_changed"]


def test_a_snapshot_records_which_endpoints_a_policy_selects():
    s = analysed(POD, POLICY)
    assert [(p["id"], p["selects"]) for p in s["policies"]] == [("a/web", ["a/web[Pod]"])]
    assert s["namespaces"] == ["a"]


def test_a_snapshot_lists_each_rule_once_and_grants_refer_to_it():
    s = analysed(POD, POLICY)
    assert [r["text"] for r in s["rules"]] == ["a/web ingress rule 0, ports[0] (f1.yaml:6)"]
    into_web = [c for c in s["connections"] if c["dst"] == "a/web[Pod]"]
    assert into_web and all(c["grants"][0]["ingress"] == [0] for c in into_web)
    assert all(c["ports"] == [["TCP", 80, 80]] for c in into_web)


@pytest.mark.parametrize("fmt", ["text", "json", "md"])
def test_every_format_renders(fmt):
    d = compare(analysed(POD), analysed(POD, POLICY))
    out = render_diff(d, fmt)
    assert out.endswith("\n")
    if fmt == "json":
        assert json.loads(out)["policies"]["added"] == ["a/web"]
    else:
        assert "a/web" in out


def test_an_unknown_format_is_refused():
    with pytest.raises(ValueError, match="unknown diff format"):
        render_diff(compare(analysed(POD), analysed(POD)), "html")
