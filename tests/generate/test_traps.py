"""Each trap of generating policies, one named case: what is written, and that the check holds."""

from __future__ import annotations

from netviz.engine import Evaluator
from netviz.generate import generate
from netviz.generate.pairs import connectivity

from .helpers import cluster, deployment, keep_entries, namespace, netpol, pod, policies_of


def codes(result) -> set[str]:
    return {n.code for n in result.notes}


def test_it_writes_a_default_deny_and_one_policy_per_workload_and_direction():
    c = cluster(
        namespace("a"),
        deployment("a", "web", {"app": "web"}, [(80, "TCP", None)]),
        deployment("a", "db", {"app": "db"}, [(5432, "TCP", None)]),
        netpol("a", "deny", {}, ["Ingress", "Egress"]),
        netpol(
            "a",
            "web-to-db",
            {"matchLabels": {"app": "db"}},
            ["Ingress"],
            ingress=[
                {
                    "from": [{"podSelector": {"matchLabels": {"app": "web"}}}],
                    "ports": [{"port": 5432}],
                }
            ],
        ),
        netpol(
            "a",
            "web-out",
            {"matchLabels": {"app": "web"}},
            ["Egress"],
            egress=[
                {"to": [{"podSelector": {"matchLabels": {"app": "db"}}}], "ports": [{"port": 5432}]}
            ],
        ),
    )
    result = generate(c, dns=False)
    assert result.check.exact
    got = policies_of(result, "a")
    assert sorted(got) == ["allow-egress-web", "allow-ingress-db", "default-deny"]
    assert got["default-deny"]["spec"] == {"podSelector": {}, "policyTypes": ["Ingress", "Egress"]}
    assert got["allow-ingress-db"]["spec"] == {
        "podSelector": {"matchLabels": {"app": "db"}},
        "policyTypes": ["Ingress"],
        "ingress": [
            {
                "from": [{"podSelector": {"matchLabels": {"app": "web"}}}],
                "ports": [{"protocol": "TCP", "port": 5432}],
            }
        ],
    }


def test_it_writes_a_rule_without_ports_for_a_connection_on_every_port():
    c = cluster(namespace("a"), pod("a", "x", {"app": "x"}), pod("a", "y", {"app": "y"}))
    result = generate(c, dns=False)
    assert result.check.exact
    rule = policies_of(result, "a")["allow-ingress-y"]["spec"]["ingress"][0]
    assert "ports" not in rule


def test_it_merges_contiguous_ports_into_an_end_port_range():
    c = cluster(
        namespace("a"),
        pod("a", "x", {"app": "x"}),
        pod("a", "y", {"app": "y"}),
        netpol(
            "a",
            "some",
            {"matchLabels": {"app": "y"}},
            ["Ingress"],
            ingress=[
                {"ports": [{"port": 80}, {"port": 81}, {"port": 82, "endPort": 90}, {"port": 443}]}
            ],
        ),
    )
    result = generate(c, dns=False)
    assert result.check.exact
    rule = policies_of(result, "a")["allow-ingress-y"]["spec"]["ingress"][0]
    assert rule["ports"] == [
        {"protocol": "TCP", "port": 80, "endPort": 90},
        {"protocol": "TCP", "port": 443},
    ]


def test_it_writes_named_ports_as_the_numbers_of_the_destination():
    c = cluster(
        namespace("a"),
        pod("a", "x", {"app": "x"}),
        pod("a", "y", {"app": "y"}, [(8080, "TCP", "http")]),
        pod("a", "z", {"app": "z"}, [(9090, "TCP", "http")]),
        netpol("a", "named", {}, ["Ingress"], ingress=[{"ports": [{"port": "http"}]}]),
    )
    result = generate(c, dns=False)
    assert result.check.exact
    got = policies_of(result, "a")
    assert got["allow-ingress-y"]["spec"]["ingress"][0]["ports"] == [
        {"protocol": "TCP", "port": 8080}
    ]
    assert got["allow-ingress-z"]["spec"]["ingress"][0]["ports"] == [
        {"protocol": "TCP", "port": 9090}
    ]


def test_it_writes_an_external_range_with_except_as_an_ip_block_with_except():
    c = cluster(
        namespace("a"),
        pod("a", "x", {"app": "x"}),
        netpol(
            "a",
            "out",
            {},
            ["Egress"],
            egress=[{"to": [{"ipBlock": {"cidr": "10.0.0.0/8", "except": ["10.1.0.0/16"]}}]}],
        ),
    )
    result = generate(c, dns=False)
    assert result.check.exact
    rule = policies_of(result, "a")["allow-egress-x"]["spec"]["egress"][0]
    assert rule == {"to": [{"ipBlock": {"cidr": "10.0.0.0/8", "except": ["10.1.0.0/16"]}}]}


def test_a_bare_pod_gets_no_rule_for_itself_but_a_workload_does():
    c = cluster(
        namespace("a"),
        pod("a", "solo", {"app": "solo"}),
        deployment("a", "many", {"app": "many"}),
        netpol("a", "deny", {}, ["Ingress", "Egress"]),
        netpol(
            "a",
            "self",
            {},
            ["Ingress", "Egress"],
            ingress=[{"from": [{"podSelector": {}}]}],
            egress=[{"to": [{"podSelector": {}}]}],
        ),
    )
    result = generate(c, dns=False)
    assert result.check.exact
    solo_in = policies_of(result, "a")["allow-ingress-solo"]["spec"]["ingress"]
    assert solo_in == [{"from": [{"podSelector": {"matchLabels": {"app": "many"}}}]}]
    many_in = policies_of(result, "a")["allow-ingress-many"]["spec"]["ingress"]
    assert many_in == [{"from": [{"podSelector": {}}]}]  # itself and solo: the whole namespace


def test_it_tells_a_workload_from_one_with_more_labels_by_does_not_exist():
    c = cluster(
        namespace("a"),
        pod("a", "web", {"app": "web"}),
        pod("a", "canary", {"app": "web", "track": "canary"}),
        pod("a", "client", {"app": "client"}),
        netpol("a", "deny", {}, ["Ingress"]),
        netpol(
            "a",
            "web",
            {"matchLabels": {"app": "web"}},
            ["Ingress"],
            ingress=[{"from": [{"podSelector": {"matchLabels": {"app": "client"}}}]}],
        ),
    )
    keep = keep_entries(c, [{"src": "a/client[Pod]", "dst": "a/web[Pod]"}])
    result = generate(c, keep, dns=False)
    assert result.check.exact
    web = policies_of(result, "a")["allow-ingress-web"]["spec"]["podSelector"]
    assert web == {
        "matchLabels": {"app": "web"},
        "matchExpressions": [{"key": "track", "operator": "DoesNotExist"}],
    }


def test_identical_labels_make_a_broader_policy_and_the_check_says_why():
    c = cluster(
        namespace("a"),
        pod("a", "one", {"app": "same"}),
        pod("a", "two", {"app": "same"}),
        pod("a", "client", {"app": "client"}),
    )
    keep = keep_entries(c, [{"src": "a/client[Pod]", "dst": "a/one[Pod]"}])
    result = generate(c, keep, dns=False)
    assert "same-labels" in codes(result)
    assert not result.check.exact
    extra = [(s, d) for s, d, _ in result.check.difference.extra]
    assert ("a/client[Pod]", "a/two[Pod]") in extra
    assert result.check.reasons[("a/client[Pod]", "a/two[Pod]")] == ("same-labels",)
    assert not result.check.difference.missing


def test_a_host_network_pod_is_not_selected_and_peers_name_it_by_its_node_ip():
    c = cluster(
        namespace("a"),
        pod("a", "agent", {"app": "agent"}, host_network=True, host_ip="192.0.2.7"),
        pod("a", "web", {"app": "web"}, [(80, "TCP", None)]),
        netpol(
            "a",
            "web",
            {"matchLabels": {"app": "web"}},
            ["Ingress", "Egress"],
            ingress=[{"from": [{"ipBlock": {"cidr": "192.0.2.0/24"}}], "ports": [{"port": 80}]}],
            egress=[{"to": [{"ipBlock": {"cidr": "192.0.2.7/32"}}]}],
        ),
    )
    result = generate(c, dns=False)
    assert result.check.exact, result.check
    assert "host-network" in codes(result)
    got = policies_of(result, "a")
    assert not any(name.endswith("-agent") for name in got)
    assert got["allow-egress-web"]["spec"]["egress"] == [
        {"to": [{"ipBlock": {"cidr": "192.0.2.7/32"}}]}
    ]
    # The agent's node IP and the rest of the range it sits in: one block.
    ingress = got["allow-ingress-web"]["spec"]["ingress"][0]["from"]
    assert ingress == [{"ipBlock": {"cidr": "192.0.2.0/24"}}]


def test_a_host_network_pod_without_an_ip_cannot_be_a_peer_and_the_check_says_so():
    c = cluster(
        namespace("a"),
        pod("a", "agent", {"app": "agent"}, host_network=True),
        pod("a", "web", {"app": "web"}),
        netpol("a", "web", {"matchLabels": {"app": "web"}}, ["Ingress"], ingress=[{}]),
    )
    result = generate(c, dns=False)
    assert "host-network-no-ip" in codes(result)
    missing = {(s, d): why for (s, d), why in result.check.reasons.items()}
    assert missing[("a/agent[Pod]", "a/web[Pod]")] == ("host-network-no-ip",)


def test_dns_egress_is_kept_by_default_even_when_the_keep_file_leaves_it_out():
    c = cluster(
        namespace("a"),
        namespace("kube-system"),
        pod("kube-system", "coredns", {"k8s-app": "kube-dns"}, [(53, "UDP", "dns")]),
        pod("a", "x", {"app": "x"}),
        pod("a", "y", {"app": "y"}),
    )
    keep = keep_entries(c, [{"src": "a/x[Pod]", "dst": "a/y[Pod]"}])
    result = generate(c, keep, namespace="a")
    assert result.check.exact
    assert "dns-kept" in codes(result)
    egress = policies_of(result, "a")["allow-egress-x"]["spec"]["egress"]
    dns_rule = next(r for r in egress if "ports" in r)
    assert dns_rule["ports"] == [{"protocol": "TCP", "port": 53}, {"protocol": "UDP", "port": 53}]
    without = generate(c, keep, namespace="a", dns=False)
    assert without.check.exact
    assert "allow-egress-y" not in policies_of(without, "a")


def test_without_kube_dns_in_the_input_every_namespace_gets_dns_egress_to_where_it_runs():
    c = cluster(namespace("a"), pod("a", "x", {"app": "x"}))
    result = generate(c)
    assert result.check.exact
    dns = policies_of(result, "a")["allow-dns-egress"]["spec"]
    assert dns["egress"][0]["to"][0]["namespaceSelector"] == {
        "matchLabels": {"kubernetes.io/metadata.name": "kube-system"}
    }
    assert "dns-assumed" in codes(result)


def test_a_keep_entry_not_allowed_now_is_left_out_not_added():
    c = cluster(
        namespace("a"),
        pod("a", "x", {"app": "x"}),
        pod("a", "y", {"app": "y"}),
        netpol("a", "deny", {}, ["Ingress"]),
    )
    keep = keep_entries(c, [{"src": "a/x[Pod]", "dst": "a/y[Pod]"}])
    result = generate(c, keep, dns=False)
    assert result.check.exact
    assert "not-allowed-now" in codes(result)
    assert "allow-ingress-y" not in policies_of(result, "a")


def test_a_namespace_scope_replaces_only_that_namespace_s_policies():
    c = cluster(
        namespace("a"),
        namespace("b"),
        pod("a", "x", {"app": "x"}),
        pod("b", "y", {"app": "y"}),
        netpol(
            "b",
            "only-x",
            {},
            ["Ingress"],
            ingress=[{"from": [{"namespaceSelector": {}}], "ports": [{"port": 80}]}],
        ),
    )
    before = connectivity(Evaluator(c).analysis())
    result = generate(c, namespace="a", dns=False)
    assert result.check.exact
    assert sorted(result.files) == ["a.yaml"]
    egress = policies_of(result, "a")["allow-egress-x"]["spec"]["egress"]
    peer = {
        "namespaceSelector": {"matchLabels": {"kubernetes.io/metadata.name": "b"}},
        "podSelector": {"matchLabels": {"app": "y"}},
    }
    assert {"to": [peer], "ports": [{"protocol": "TCP", "port": 80}]} in egress
    assert result.selection.expected == before  # nothing kept away: all of it reproduced


def test_the_output_is_the_same_bytes_every_time():
    c = cluster(
        namespace("a"),
        *[pod("a", f"p{i}", {"app": f"p{i}", "tier": "t"}) for i in range(5)],
        netpol(
            "a",
            "x",
            {"matchLabels": {"tier": "t"}},
            ["Ingress"],
            ingress=[{"ports": [{"port": 80}]}],
        ),
    )
    assert generate(c).files == generate(c).files


def test_a_keep_entry_from_a_bare_pod_to_itself_is_loopback_and_said_so():
    c = cluster(namespace("a"), pod("a", "x", {"app": "x"}))
    keep = keep_entries(c, [{"src": "a/x[Pod]", "dst": "a/x[Pod]"}])
    result = generate(c, keep, dns=False)
    assert result.check.exact
    assert "loopback" in codes(result)
    assert sorted(policies_of(result, "a")) == ["default-deny"]


def test_generate_and_whatif_import_without_django():
    import subprocess
    import sys

    code = (
        "import sys, netviz.generate.cli, netviz.whatif, netviz.whatif.jsonout; "
        "assert 'django' not in sys.modules, 'django imported'"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr


def test_peers_told_apart_by_one_label_of_the_same_key_are_one_in_expression():
    c = cluster(
        namespace("a"),
        namespace("b"),
        pod("a", "db", {"app": "db"}),
        *[pod("b", name, {"app": name, "team": "t"}) for name in ("web", "api", "cron")],
        pod("b", "other", {"app": "other", "team": "t"}),
        netpol(
            "a",
            "db-in",
            {},
            ["Ingress"],
            ingress=[
                {
                    "from": [
                        {
                            "namespaceSelector": {},
                            "podSelector": {
                                "matchExpressions": [
                                    {"key": "app", "operator": "NotIn", "values": ["other"]}
                                ]
                            },
                        }
                    ]
                }
            ],
        ),
    )
    result = generate(c, namespace="a", dns=False)
    assert result.check.exact
    peers = policies_of(result, "a")["allow-ingress-db"]["spec"]["ingress"][0]["from"]
    assert peers == [
        {
            "namespaceSelector": {"matchLabels": {"kubernetes.io/metadata.name": "b"}},
            "podSelector": {
                "matchExpressions": [
                    {"key": "app", "operator": "In", "values": ["api", "cron", "web"]}
                ]
            },
        },
    ]


def test_policy_names_stay_unique_when_workload_names_clash():
    c = cluster(
        namespace("a"),
        pod("a", "x", {"app": "x", "kind": "pod"}),
        deployment("a", "x", {"app": "x"}),
        deployment("a", "x-pod", {"app": "x-pod"}),
    )
    result = generate(c, dns=False)
    names = [p.name for p in result.plan.policies]
    assert len(names) == len(set(names)), names
    assert "allow-ingress-x-deployment" in names
    assert result.check.exact
