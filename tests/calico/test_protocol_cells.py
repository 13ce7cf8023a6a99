"""The review page's cells on input with the protocol dimension (docs/protocols.md): a pair is
"all" only if it has every connection of the input, ICMP and the other protocols included."""

from __future__ import annotations

from django.test import TestCase

from netviz.web import explore_data, store
from netviz.web.services import create_review
from tests.browser.base import BrowserTestCase
from tests.calico.traps import gnp
from tests.conformance.e2e import e2e_model, manifest
from tests.web.base import uploads

# Ingress of x/a, y/a, z/a: no ICMP, everything else.
DENY_ICMP = gnp(
    "deny-icmp",
    "  selector: pod == 'a'\n  ingress:\n  - {action: Deny, protocol: ICMP}\n  - {action: Allow}\n",
)
# Ingress of x/b, y/b, z/b: TCP, UDP and SCTP, every port, and no other protocol.
PORTS_ONLY = gnp(
    "ports-only",
    "  selector: pod == 'b'\n  ingress:\n  - {action: Allow, protocol: TCP}\n"
    "  - {action: Allow, protocol: UDP}\n  - {action: Allow, protocol: SCTP}\n"
    "  - {action: Deny}\n",
)


def review_of(*docs: str):
    files = [("model.yaml", e2e_model()), ("calico.yaml", manifest("".join(docs)))]
    review, revision, _ = create_review("ICMP", uploads(files))
    return review, revision


def states(data: dict) -> dict[tuple[str, str], tuple[int, str]]:
    """(src, dst) → (edge state, ports text) of the page data."""
    nodes = data["nodes"]
    return {(nodes[e[0]][0], nodes[e[1]][0]): (e[2], data["ports"][e[3]][0]) for e in data["edges"]}


class ProtocolCellsTestCase(TestCase):
    def setUp(self) -> None:
        super().setUp()
        self.review, self.revision = review_of(DENY_ICMP, PORTS_ONLY)

    def page_datas(self) -> list[dict]:
        snap = self.revision.snapshot
        return [
            explore_data.build(snap, self.revision.connection_lines()),
            explore_data.build_compact(snap, store.load(self.revision)),
        ]

    def test_it_says_some_for_a_pair_whose_icmp_is_denied(self):
        for data in self.page_datas():
            self.assertEqual(
                states(data)[("y/c[Pod]", "x/a[Pod]")], (1, "All Connections except ICMP")
            )

    def test_it_says_all_for_a_pair_with_every_protocol_icmp_included(self):
        for data in self.page_datas():
            self.assertEqual(states(data)[("y/a[Pod]", "x/c[Pod]")], (2, "All Connections"))

    def test_it_says_some_for_every_tcp_udp_sctp_port_without_the_other_protocols(self):
        for data in self.page_datas():
            self.assertEqual(
                states(data)[("y/c[Pod]", "x/b[Pod]")],
                (1, "TCP 1-65535; UDP 1-65535; SCTP 1-65535"),
            )

    def test_the_json_twin_writes_the_other_protocols_as_docs_protocols_md_says(self):
        data = self.client.get(f"/r/{self.review.view_token}.json").json()
        ports = {(c["src"], c["dst"]): c["ports"] for c in data["connections"]}
        icmp_less = ports[("y/c[Pod]", "x/a[Pod]")]
        self.assertNotIn({"protocol": "ICMP", "number": 1, "end_number": 1}, icmp_less)
        self.assertIn({"protocol": "ICMPv6", "number": 58, "end_number": 58}, icmp_less)
        self.assertIn({"protocol": "TCP", "port": 1, "end_port": 65535}, icmp_less)
        self.assertIn(
            {"protocol": "ICMP", "number": 1, "end_number": 1}, ports[("y/a[Pod]", "x/c[Pod]")]
        )

    def test_the_edge_panel_names_the_icmp_exception(self):
        from netviz.web.edges import slug

        url = f"/r/{self.review.view_token}/edge/{slug('y/c[Pod]')}/{slug('x/a[Pod]')}/"
        page = self.client.get(url)
        self.assertEqual(page.status_code, 200)
        self.assertIn("All Connections except ICMP", page.content.decode())

    def edge_json(self, query: str, review=None) -> dict:
        from netviz.web.edges import slug

        token = (review or self.review).view_token
        url = f"/r/{token}/edge/{slug('y/c[Pod]')}/{slug('x/a[Pod]')}.json?{query}"
        return self.client.get(url).json()

    def test_the_edge_page_asks_about_icmp_and_its_types(self):
        icmp = self.edge_json("protocol=ICMP")
        self.assertEqual(icmp["asked"], [{"protocol": "ICMP", "number": 1, "end_number": 1}])
        self.assertFalse(icmp["allowed"])
        reply = self.edge_json("protocol=ICMP&port=0")
        self.assertEqual(reply["asked"][0]["icmp_type"], 0)
        self.assertFalse(reply["allowed"])
        self.assertTrue(self.edge_json("protocol=ICMPv6&port=128")["allowed"])
        self.assertTrue(self.edge_json("protocol=UDPLite")["allowed"])
        page = self.client.get(
            f"/r/{self.review.view_token}/edge/y~c~Pod/x~a~Pod/?protocol=ICMP&port=0"
        ).content.decode()
        self.assertIn('<option value="ICMPv6"', page)
        self.assertIn("port=0", page)  # the other way keeps the ICMP type

    def test_the_edge_page_keeps_its_old_values_and_drops_bad_ones(self):
        self.assertEqual(
            self.edge_json("protocol=TCP&port=80")["asked"],
            [{"protocol": "TCP", "port": 80, "end_port": 80}],
        )
        # TCP port 0, ICMP type 300 and a UDPLite port are dropped: every connection is asked.
        for query in ("protocol=TCP&port=0", "protocol=ICMP&port=300", "protocol=UDPLite&port=5"):
            self.assertEqual(self.edge_json(query)["asked"][-1]["end_number"], 255, query)

    def test_a_review_without_other_protocols_offers_no_icmp(self):
        review, _ = review_of(
            gnp("tcp", "  selector: pod == 'a'\n  ingress:\n  - {action: Allow, protocol: TCP}\n")
        )
        everything = [{"protocol": p, "port": 1, "end_port": 65535} for p in ("TCP", "UDP", "SCTP")]
        self.assertEqual(self.edge_json("protocol=ICMP", review)["asked"], everything)

    def test_a_review_without_other_protocols_keeps_all_as_every_port(self):
        _review, revision = review_of(
            gnp("tcp", "  selector: pod == 'a'\n  ingress:\n  - {action: Allow, protocol: TCP}\n")
        )
        self.assertNotIn("universe", revision.snapshot)
        data = explore_data.build(revision.snapshot, revision.connection_lines())
        self.assertEqual(states(data)[("y/a[Pod]", "x/c[Pod]")], (2, "All Connections"))
        self.assertEqual(states(data)[("y/c[Pod]", "x/a[Pod]")], (1, "TCP 1-65535"))


class ProtocolFilterTestCase(TestCase):
    """The review page's Protocol and Port filters with ICMP, ICMPv6 and UDPLite."""

    def setUp(self) -> None:
        super().setUp()
        # Pod a: ICMP only in; pod b: TCP, UDP, SCTP only; pod c: everything.
        icmp_only = gnp(
            "icmp-only",
            "  selector: pod == 'a'\n  ingress:\n  - {action: Allow, protocol: ICMP}\n"
            "  - {action: Deny}\n",
        )
        self.review, self.revision = review_of(icmp_only, PORTS_ONLY)

    def pairs(self, query: str) -> set[tuple[str, str]]:
        data = self.client.get(f"/r/{self.review.view_token}.json?{query}").json()
        return {(c["src"], c["dst"]) for c in data["connections"]}

    def test_a_port_alone_never_matches_a_pair_connected_only_by_icmp(self):
        self.assertNotIn(("y/c[Pod]", "x/a[Pod]"), self.pairs("port=80"))
        self.assertIn(("y/c[Pod]", "x/b[Pod]"), self.pairs("port=80"))

    def test_the_icmp_filter_lists_the_pairs_with_icmp(self):
        icmp = self.pairs("protocol=ICMP")
        self.assertIn(("y/c[Pod]", "x/a[Pod]"), icmp)
        self.assertIn(("y/a[Pod]", "x/c[Pod]"), icmp)
        self.assertNotIn(("y/c[Pod]", "x/b[Pod]"), icmp)
        self.assertEqual(self.pairs("protocol=ICMP&port=8"), icmp)
        self.assertNotIn(("y/c[Pod]", "x/a[Pod]"), self.pairs("protocol=ICMPv6"))

    def test_the_view_of_a_big_review_states_cells_of_the_icmp_asked(self):
        from django.http import QueryDict

        from netviz.web import blocks

        for query, expected in (("protocol=ICMP&port=8", 2), ("protocol=UDPLite", 0)):
            view = blocks.view(self.revision, QueryDict(query))
            at = self.revision_pair("y/c[Pod]", "x/a[Pod]")
            self.assertEqual(int(view.state[at]), expected, query)
        # Every TCP, UDP, SCTP port: "all" of the ports asked, as before.
        view = blocks.view(self.revision, QueryDict("protocol=TCP"))
        self.assertEqual(int(view.state[self.revision_pair("y/c[Pod]", "x/b[Pod]")]), 2)

    def revision_pair(self, src: str, dst: str) -> int:
        return store.load(self.revision).find(src, dst)

    def test_the_filter_offers_icmp_only_where_the_input_models_it(self):
        page = self.client.get(f"/r/{self.review.view_token}/").content.decode()
        self.assertIn("<option>ICMPv6</option>", page)
        review, _ = review_of(
            gnp("tcp", "  selector: pod == 'a'\n  ingress:\n  - {action: Allow, protocol: TCP}\n")
        )
        page = self.client.get(f"/r/{review.view_token}/").content.decode()
        self.assertNotIn("<option>ICMPv6</option>", page)
        data = self.client.get(f"/r/{review.view_token}.json?protocol=ICMP").json()
        self.assertNotIn("protocol", data["filters"])  # ignored like any unknown value


class ProtocolCellsBrowserTestCase(BrowserTestCase):
    def test_the_matrix_cell_of_a_pair_without_icmp_is_some_and_names_the_exception(self):
        review, _ = review_of(DENY_ICMP, PORTS_ONLY)
        self.page.goto(f"{self.live_server_url}/r/{review.view_token}/")
        self.page.wait_for_selector("[data-testid=matrix][data-drawn=true]", state="attached")
        cell = self.page.locator('td[data-src="y/c[Pod]"][data-dst="x/a[Pod]"]')
        self.assertEqual(cell.get_attribute("class"), "some")
        self.assertIn("All Connections except ICMP", cell.get_attribute("title"))
        full = self.page.locator('td[data-src="y/a[Pod]"][data-dst="x/c[Pod]"]')
        self.assertEqual(full.get_attribute("class"), "all")
        ports_only = self.page.locator('td[data-src="y/c[Pod]"][data-dst="x/b[Pod]"]')
        self.assertEqual(ports_only.get_attribute("class"), "some")
        self.assertEqual(self.errors, [])

    def test_the_icmp_filter_states_the_cells_of_icmp(self):
        review, _ = review_of(DENY_ICMP, PORTS_ONLY)
        base = f"{self.live_server_url}/r/{review.view_token}/"
        state = """([s, d]) => { const m = window.netviz.model;
            const at = (id) => m.nodes.findIndex((n) => n[0] === id);
            return m.state(at(s), at(d)); }"""
        cases = (("protocol=ICMP", 0, 2), ("protocol=ICMPv6&port=128", 2, 2), ("port=80", 2, 2))
        for query, no_icmp, everything in cases:
            self.page.goto(f"{base}?{query}")
            self.page.wait_for_selector("[data-testid=matrix][data-drawn=true]", state="attached")
            self.assertEqual(self.page.evaluate(state, ["y/c[Pod]", "x/a[Pod]"]), no_icmp, query)
            self.assertEqual(self.page.evaluate(state, ["y/a[Pod]", "x/c[Pod]"]), everything)
            ports_only = self.page.evaluate(state, ["y/c[Pod]", "x/b[Pod]"])
            self.assertEqual(ports_only, 0 if "ICMP" in query else 2, query)
        cell = self.page.locator('td[data-src="y/a[Pod]"][data-dst="x/c[Pod]"]')
        self.assertEqual(cell.get_attribute("class"), "all")
        self.assertEqual(self.errors, [])
