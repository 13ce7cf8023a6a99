"""Exposure and blast radius on a small cluster worked out by hand (see the comment below).

internet --443--> front/web --8080--> back/api --5432--> back/db <--5432-- ops/backup
ops/backup may send anywhere (no egress policy); back/db also admits pods labelled
app=backup from any namespace, including namespaces not created yet.
"""

from __future__ import annotations

import pytest

from netviz.engine import Evaluator, UnknownEndpoint
from netviz.engine.ports import PortSet
from netviz.findings import blast_radius, exposure
from netviz.k8s import load_texts

CLUSTER = """\
apiVersion: v1
kind: Namespace
metadata: {name: front}
---
apiVersion: v1
kind: Namespace
metadata: {name: back}
---
apiVersion: v1
kind: Namespace
metadata: {name: ops}
---
apiVersion: v1
kind: Pod
metadata: {name: web, namespace: front, labels: {app: web}}
spec: {containers: [{name: c, image: i}]}
---
apiVersion: v1
kind: Pod
metadata: {name: api, namespace: back, labels: {app: api}}
spec: {containers: [{name: c, image: i}]}
---
apiVersion: v1
kind: Pod
metadata: {name: db, namespace: back, labels: {app: db}}
spec: {containers: [{name: c, image: i}]}
---
apiVersion: v1
kind: Pod
metadata: {name: backup, namespace: ops, labels: {app: backup}}
spec: {containers: [{name: c, image: i}]}
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: web, namespace: front}
spec:
  podSelector: {matchLabels: {app: web}}
  policyTypes: [Ingress, Egress]
  ingress:
    - from: [{ipBlock: {cidr: 0.0.0.0/0}}]
      ports: [{port: 443}]
  egress:
    - to:
        - namespaceSelector: {matchLabels: {kubernetes.io/metadata.name: back}}
          podSelector: {matchLabels: {app: api}}
      ports: [{port: 8080}]
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: default-deny, namespace: back}
spec:
  podSelector: {}
  policyTypes: [Ingress, Egress]
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: api, namespace: back}
spec:
  podSelector: {matchLabels: {app: api}}
  policyTypes: [Ingress, Egress]
  ingress:
    - from:
        - namespaceSelector: {matchLabels: {kubernetes.io/metadata.name: front}}
          podSelector: {matchLabels: {app: web}}
      ports: [{port: 8080}]
  egress:
    - to: [{podSelector: {matchLabels: {app: db}}}]
      ports: [{port: 5432}]
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: db, namespace: back}
spec:
  podSelector: {matchLabels: {app: db}}
  ingress:
    - from: [{podSelector: {matchLabels: {app: api}}}]
      ports: [{port: 5432}]
    - from:
        - namespaceSelector: {}
          podSelector: {matchLabels: {app: backup}}
      ports: [{port: 5432}]
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: default-deny, namespace: ops}
spec:
  podSelector: {}
  policyTypes: [Ingress]
"""

WEB, API, DB, BACKUP = (
    "front/web[Pod]",
    "back/api[Pod]",
    "back/db[Pod]",
    "ops/backup[Pod]",
)
V4, V6 = "0.0.0.0-255.255.255.255", "::-ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff"


@pytest.fixture(scope="module")
def evaluator() -> Evaluator:
    cluster = load_texts([("cluster.yaml", CLUSTER)])
    assert not cluster.problems
    return Evaluator(cluster)


def test_exposure_is_ordered_most_exposed_first(evaluator):
    assert [(x.endpoint, x.level) for x in exposure(evaluator)] == [
        (WEB, "external"),
        (DB, "any-namespace"),
        (API, "cluster"),
        (BACKUP, "none"),
    ]


def test_exposure_says_who_reaches_each_endpoint_and_on_which_ports(evaluator):
    found = {x.endpoint: x for x in exposure(evaluator)}
    web, api, db, backup = found[WEB], found[API], found[DB], found[BACKUP]
    assert (web.external_in, web.external_in_ports) == ((V4,), PortSet.single("TCP", 443))
    assert (web.namespaces, web.sources, web.any_namespace_ports) == ((), 0, PortSet.empty())
    assert (api.namespaces, api.sources) == (("front",), 1)
    assert (db.namespaces, db.sources) == (("back", "ops"), 2)
    assert db.any_namespace_ports == PortSet.single("TCP", 5432)
    assert db.external_in == () and db.external_out == ()
    assert (backup.sources, backup.ingress_isolated, backup.egress_isolated) == (0, True, False)
    assert (backup.external_out, backup.external_out_ports) == ((V4, V6), PortSet.all())
    assert backup.as_dict()["any_namespace"] is False


def test_blast_radius_forward_follows_allowed_connections_hop_by_hop(evaluator):
    radius = blast_radius(evaluator, "front/web")
    assert radius.origin == WEB
    assert [(r.node, r.hops) for r in radius.reached] == [(API, 1), (DB, 2)]
    assert radius.reached[1].path == (WEB, API, DB)
    assert radius.reached[1].ports == ("TCP 8080", "TCP 5432")
    assert radius.external is False


def test_blast_radius_from_the_internet_has_a_three_hop_path(evaluator):
    radius = blast_radius(evaluator, "198.51.100.7")
    assert radius.origin == V4
    assert radius.by_hop == {1: [WEB], 2: [API], 3: [DB]}
    assert radius.reached[-1].path == (V4, WEB, API, DB)
    assert radius.reached[-1].ports == ("TCP 443", "TCP 8080", "TCP 5432")


def test_blast_radius_reverse_answers_who_can_reach_the_database(evaluator):
    radius = blast_radius(evaluator, DB, reverse=True)
    assert [(r.node, r.hops, r.external) for r in radius.reached] == [
        (API, 1, False),
        (BACKUP, 1, False),
        (WEB, 2, False),
        (V4, 3, True),
    ]
    # Paths always read in traffic direction, source first.
    assert radius.reached[-1].path == (V4, WEB, API, DB)
    assert radius.as_dict()["max_hops"] == 3


def test_blast_radius_includes_external_ranges_but_does_not_go_through_them(evaluator):
    radius = blast_radius(evaluator, BACKUP)
    assert [(r.node, r.hops, r.external) for r in radius.reached] == [
        (DB, 1, False),
        (V4, 1, True),
        (V6, 1, True),
    ]
    # web accepts the internet, and backup reaches the internet, yet web is not reached.
    assert WEB not in {r.node for r in radius.reached}


def test_blast_radius_of_an_unknown_endpoint_raises(evaluator):
    with pytest.raises(UnknownEndpoint):
        blast_radius(evaluator, "back/nothing")
