"""The review page's matrix and graph data: compact, by index, and equal to the stored lines."""

from __future__ import annotations

import json

from netviz.web import explore_data
from netviz.web.models import decode_connections, encode_connection
from tests.web.base import BaseTestCase


class ExploreDataTestCase(BaseTestCase):
    def test_every_stored_connection_becomes_one_edge_by_index(self):
        snap, lines = self.revision.snapshot, self.revision.connection_lines()
        data = explore_data.build(snap, lines)
        ids = [n[0] for n in data["nodes"]]
        got = {
            (ids[s], ids[d]): (state, data["ports"][p][0], data["ports"][p][1])
            for s, d, state, p, _set in data["edges"]
        }
        want = {
            (c["src"], c["dst"]): (
                2 if c["ports_text"] == "All Connections" else 1,
                c["ports_text"],
                c["ports"],
            )
            for c in decode_connections(lines)
        }
        self.assertEqual(got, want)

    def test_an_edge_names_the_policies_whose_rules_allow_it(self):
        data = explore_data.build(self.revision.snapshot, self.revision.connection_lines())
        ids = [n[0] for n in data["nodes"]]
        policies = [p[0] for p in data["policies"]]
        by_pair = {(ids[s], ids[d]): data["policysets"][k] for s, d, _st, _p, k in data["edges"]}
        self.assertEqual(
            [policies[i] for i in by_pair[("shop/web[Pod]", "shop/api[Pod]")]],
            ["shop/api-from-web"],
        )
        self.assertEqual(by_pair[("shop/api[Pod]", "shop/web[Pod]")], [])
        self.assertEqual(data["policies"][0][1], [ids.index("shop/api[Pod]")])

    def test_a_line_with_escapes_is_cut_like_a_plain_one(self):
        c = {
            "src": 'a/b"c[Pod]',
            "dst": "a/d[Pod]",
            "ports": [["TCP", 80, 80]],
            "ports_text": "TCP 80",
            "grants": [{"ports_text": "TCP 80", "egress": None, "ingress": [0]}],
        }
        src, dst, ports, text, grants = explore_data._split(encode_connection(c))
        self.assertEqual((src, dst, text), ('a/b"c[Pod]', "a/d[Pod]", "TCP 80"))
        plain = explore_data._split(encode_connection({**c, "src": "a/b[Pod]"}))
        self.assertEqual(plain[2:4], ('[["TCP",80,80]]', "TCP 80"))
        self.assertEqual(json.loads(ports), json.loads(plain[2]))
        self.assertEqual(json.loads(grants), json.loads(plain[4]))

    def test_the_page_carries_the_data_as_json_and_the_edge_base(self):
        page = self.client.get(self.view_url()).content.decode()
        self.assertIn('<script id="netviz-data" type="application/json">', page)
        self.assertIn(f'"edge_base": "/r/{self.view_token}/edge/"', page)

    def test_hostile_text_in_the_data_cannot_close_its_script_element(self):
        snap = dict(self.revision.snapshot)
        evil = "</script><script>alert(1)</script>"
        snap["namespaces"] = [*snap["namespaces"], evil]
        snap["endpoints"] = [
            *snap["endpoints"],
            {"id": f"{evil}/x[Pod]", "namespace": evil, "labels": {"a": evil}},
        ]
        self.revision.snapshot = snap
        self.revision.save(update_fields=["snapshot"])
        page = self.client.get(self.view_url()).content.decode()
        data = page[page.index('id="netviz-data"') : page.index('<script type="module"')]
        self.assertNotIn(evil, data)
        self.assertIn("\\u003C/script\\u003E\\u003Cscript\\u003Ealert(1)", data)
        self.assertIn("&lt;/script&gt;&lt;script&gt;alert(1)&lt;/script&gt;", page)

    def test_the_review_page_has_the_tabs_filters_and_a_why_link_per_connection(self):
        page = self.client.get(self.view_url(), {"ns": "shop", "port": "8080"}).content.decode()
        for tab in ("matrix", "graph", "policies", "findings"):
            self.assertIn(f'data-testid="tab-{tab}"', page)
        self.assertIn('<option value="shop" selected>shop</option>', page)
        self.assertIn('value="8080" size="6" data-testid="filter-port"', page)
        self.assertIn(
            f'href="/r/{self.view_token}/edge/shop~web~Pod/shop~api~Pod/" data-testid="why-link"',
            page,
        )
        self.assertIn(f'href="/r/{self.view_token}/rev/1/policies/"', page)
