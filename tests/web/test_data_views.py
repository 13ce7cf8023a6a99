"""A big review's page data: the view, namespace blocks and one namespace's edges worked out on
the server (netviz.web.blocks) against the plain computation over every edge of the page data,
as review.js and matrix.js do it; and the JSON endpoints' caching."""

from __future__ import annotations

import json

from django.http import QueryDict
from django.test import TestCase, override_settings

from netviz.web import blocks, explore_data, store
from netviz.web.models import Revision
from netviz.web.services import Upload, create_review
from tests.web.test_store import BIG

FILTERS = ("", "protocol=TCP&port=8080", "ns={ns}", "q=api", "focus={focus}&dir=out", "port=53")


def plain_view(data: dict, query: str) -> tuple[set, set, dict]:
    """buildView of review.js and the block states of matrix.js's aggregate, pair by pair."""
    f = blocks.Filters.of(QueryDict(query))
    nodes, n = data["nodes"], len(data["nodes"])
    states = blocks.port_states(data["ports"], f)
    edge = {(e[0], e[1]): (states[e[3]] if f.asked else e[2]) for e in data["edges"]}

    def state(s, d):
        if s == d and nodes[s][0].endswith("[Pod]"):
            return 2
        return edge.get((s, d), 0)

    def group(i):
        return nodes[i][1] if nodes[i][1] >= 0 else len(data["namespaces"])

    in_ns = [not f.ns or (g >= 0 and data["namespaces"][g] in f.ns) for _i, g, _l, _s in nodes]
    focus = next((i for i, x in enumerate(nodes) if x[0] == f.focus), -1)
    rows, cols = set(), set()
    allowed = [(s, d) for (s, d), st in edge.items() if st > 0]
    if focus >= 0:
        rows.add(focus)
        cols.update(d for s, d in allowed if s == focus and in_ns[d])
    elif f.q:
        match = {i for i in range(n) if in_ns[i] and f.q in nodes[i][3]}
        rows |= match
        cols |= match
        for s, d in allowed:
            if in_ns[s] and in_ns[d]:
                if d in match:
                    rows.add(s)
                if s in match:
                    cols.add(d)
    else:
        rows = cols = {i for i in range(n) if in_ns[i]}
    if f.asked and focus < 0:
        kept = [(s, d) for s, d in allowed if s in rows and d in cols]
        rows, cols = {s for s, _ in kept}, {d for _, d in kept}
    members: dict[tuple, list] = {}
    for s in rows:
        for d in cols:
            members.setdefault((group(s), group(d)), []).append(state(s, d))
    states_by_block = {}
    for key, sts in members.items():
        if any(sts):
            states_by_block[key] = 2 if all(st == 2 for st in sts) else 1
    return rows, cols, states_by_block


@override_settings(NETVIZ_PAGE_EDGES=0)
class DataViewsTestCase(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.review, cls.revision, _ = create_review("big", [Upload(n, c.encode()) for n, c in BIG])

    def setUp(self):
        self.revision = Revision.objects.get(pk=self.revision.pk)
        self.data = explore_data.build(self.revision.snapshot, self.revision.connection_lines())
        self.base = f"/r/{self.review.view_token}/rev/1/data/"

    def queries(self) -> list[str]:
        ns = self.data["namespaces"][2]
        focus = self.data["nodes"][7][0]
        return [q.format(ns=ns, focus=focus) for q in FILTERS]

    def test_the_view_and_blocks_are_the_plain_ones_under_every_filter(self):
        for query in self.queries():
            view = blocks.View(
                self.revision.snapshot,
                store.load(self.revision),
                blocks.Filters.of(QueryDict(query)),
            )
            rows, cols, states = plain_view(self.data, query)
            page = view.page()
            self.assertEqual((set(page["rows"]), set(page["cols"])), (rows, cols), query)
            self.assertEqual({(a, b): st for a, b, st, *_ in page["blocks"]}, states, query)

    def test_the_group_index_answers_what_a_scan_of_every_shown_pair_answers(self):
        stored = store.load(self.revision)
        self.assertGreater(
            len(blocks.View(self.revision.snapshot, stored, blocks.Filters()).shown), 3 * 8192
        )
        for query in self.queries():
            view = blocks.View(self.revision.snapshot, stored, blocks.Filters.of(QueryDict(query)))
            at = view.shown
            src_group, dst_group = view.group[stored.src[at]], view.group[stored.dst[at]]
            for a in range(view.outside + 1):
                plain = view.edges(at[(src_group == a) | (dst_group == a)])
                self.assertEqual(view.group_edges(a), plain, (query, a))
                for b in range(view.outside + 1):
                    plain = view.edges(at[(src_group == a) & (dst_group == b)])
                    self.assertEqual(view.block_edges(a, b), plain, (query, a, b))

    def test_a_namespace_answers_its_edges_from_and_to_it(self):
        sizes = [sum(1 for node in self.data["nodes"] if node[1] == g) for g in range(6)]
        g = sizes.index(max(sizes))
        body = self.client.get(f"{self.base}ns/{g}.json").json()
        want = sorted(
            e
            for e in self.data["edges"]
            if g in (self.data["nodes"][e[0]][1], self.data["nodes"][e[1]][1])
        )
        self.assertEqual(sorted(body["edges"]), want)
        self.assertGreater(len(want), 1000)

    def test_a_block_answers_its_edges_under_the_filters(self):
        body = self.client.get(f"{self.base}block/1/2.json?protocol=TCP&port=8080").json()
        states = blocks.port_states(self.data["ports"], blocks.Filters(protocol="TCP", port=8080))
        nodes = self.data["nodes"]
        want = sorted(
            e
            for e in self.data["edges"]
            if nodes[e[0]][1] == 1 and nodes[e[1]][1] == 2 and states[e[3]] > 0
        )
        self.assertEqual(sorted(body["edges"]), want)

    def test_every_edge_is_one_answer_for_the_graph(self):
        body = self.client.get(f"{self.base}edges.json").json()
        self.assertEqual(sorted(body["edges"]), sorted(self.data["edges"]))

    def test_the_page_carries_the_view_and_blocks_but_no_edge(self):
        html = self.client.get(f"/r/{self.review.view_token}/").content.decode()
        start = html.index('<script id="netviz-data" type="application/json">')
        data = json.loads(html[html.index(">", start) + 1 : html.index("</script>", start)])
        self.assertEqual((data["edges"], data["lazy"]), ([], True))
        # The search text stays on the server, which applies the filters.
        self.assertEqual(data["nodes"], [[*n[:3], ""] for n in self.data["nodes"]])
        self.assertIn('<script id="netviz-view" type="application/json">', html)
        self.assertIn(f'"data_url": "{self.base}"', html)

    def test_the_answers_are_immutable_with_an_etag(self):
        url = f"{self.base}ns/0.json?q=api"
        first = self.client.get(url)
        self.assertEqual(first["Cache-Control"], "private, max-age=31536000, immutable")
        self.assertEqual(
            self.client.get(url, headers={"if-none-match": first["ETag"]}).status_code, 304
        )
        self.assertNotEqual(self.client.get(f"{self.base}ns/0.json")["ETag"], first["ETag"])

    def test_unknown_namespaces_and_strangers_get_404(self):
        outside = len(self.data["namespaces"])
        self.assertEqual(self.client.get(f"{self.base}ns/{outside}.json").status_code, 200)
        self.assertEqual(self.client.get(f"{self.base}ns/{outside + 1}.json").status_code, 404)
        self.assertEqual(self.client.get(f"{self.base}block/0/{outside + 1}.json").status_code, 404)
        stranger = self.base.replace(self.review.view_token, "x" * 32)
        self.assertEqual(self.client.get(f"{stranger}ns/0.json").status_code, 404)
        self.assertEqual(
            self.client.get(self.base.replace("/rev/1/", "/rev/2/") + "edges.json").status_code, 404
        )


class SmallPageTestCase(TestCase):
    @override_settings(NETVIZ_PAGE_EDGES=100_000)
    def test_a_review_under_the_threshold_carries_every_edge(self):
        review, _rev, _ = create_review("big", [Upload(n, c.encode()) for n, c in BIG])
        html = self.client.get(f"/r/{review.view_token}/").content.decode()
        self.assertNotIn("netviz-view", html)
        self.assertNotIn('"lazy"', html)
