"""The YAML writer and the ipBlock cover: what they write reads back as what was meant."""

from __future__ import annotations

import ipaddress

import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from netviz.generate.blocks import ip_blocks
from netviz.generate.pairs import Piece
from netviz.generate.render import to_yaml

TRICKY = ["true", "yes", "on", "No", "null", "~", "1", "1.0", "0x10", "1_000", "12:30", "::/0"]
TRICKY += ["a: b", "#x", "-", "", " lead", "ünï", "x\ny", "10.0.0.0/8", "k8s-app", "2001:db8::/32"]


def test_it_writes_what_yaml_reads_back_for_tricky_strings():
    manifest = {
        "metadata": {"labels": {s: s for s in TRICKY}},
        "spec": {"empty": {}, "none": [], "list": TRICKY, "rules": [{"a": 1, "b": [{"c": "d"}]}]},
    }
    assert yaml.safe_load(to_yaml(manifest)) == manifest


def test_it_writes_what_yaml_dump_writes_for_plain_manifests():
    manifest = {
        "apiVersion": "networking.k8s.io/v1",
        "spec": {
            "podSelector": {},
            "policyTypes": ["Ingress"],
            "ingress": [
                {
                    "from": [{"podSelector": {"matchLabels": {"app": "web"}}}],
                    "ports": [{"port": 80}],
                }
            ],
        },
    }
    assert to_yaml(manifest) == yaml.safe_dump(manifest, sort_keys=False)


def _addresses(blocks) -> set[int]:
    out = set()
    for cidr, excepts in blocks:
        net = set(map(int, ipaddress.ip_network(cidr)))
        for ex in excepts:
            net -= set(map(int, ipaddress.ip_network(ex)))
        out |= net
    return out


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 1023), st.integers(0, 64)), max_size=6))
def test_ip_blocks_match_exactly_the_addresses_given(spans):
    base = int(ipaddress.ip_address("10.0.0.0"))
    pieces = [Piece(4, base + a, base + min(a + n, 1023)) for a, n in spans]
    want = {x for p in pieces for x in range(p.start, p.end + 1)}
    blocks = ip_blocks(pieces)
    assert _addresses(blocks) == want
    for cidr, excepts in blocks:
        for ex in excepts:  # the API requires every except inside its cidr
            assert ipaddress.ip_network(ex).subnet_of(ipaddress.ip_network(cidr))
            assert ipaddress.ip_network(ex) != ipaddress.ip_network(cidr)


def test_a_range_with_a_hole_is_one_block_with_an_except():
    pieces = [
        Piece(4, 0, int(ipaddress.ip_address("10.0.3.14"))),
        Piece(4, int(ipaddress.ip_address("10.0.3.16")), 2**32 - 1),
    ]
    assert ip_blocks(pieces) == [("0.0.0.0/0", ("10.0.3.15/32",))]


def test_every_generated_policy_of_a_synthetic_cluster_reads_back_as_its_manifest():
    from netviz.generate import generate
    from tests.engine.synthetic import synthetic_cluster

    result = generate(synthetic_cluster(namespaces=4, apps=9), verify=False)
    assert len(result.plan.policies) > 40
    for p in result.plan.policies:
        assert yaml.safe_load(to_yaml(p.manifest)) == p.manifest, p.name
    docs = [d for text in result.files.values() for d in yaml.safe_load_all(text) if d]
    assert docs == [p.manifest for p in result.plan.policies]
