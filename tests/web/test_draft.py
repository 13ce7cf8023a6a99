"""draft.json: a revision's files edited in the request, evaluated and diffed, never stored."""

from __future__ import annotations

import json

from netviz.web.models import Revision
from tests.web import manifests
from tests.web.base import BaseTestCase

# Revision 1's policy with a protocol the API does not know.
BROKEN_POLICY = manifests.POLICY_V1.replace("protocol: TCP,", "protocol: TCPX,")


class DraftTestCase(BaseTestCase):
    def post(self, body, number: int = 1):
        return self.client.post(
            self.view_url(f"/rev/{number}/draft.json"),
            data=json.dumps(body) if not isinstance(body, str) else body,
            content_type="application/json",
        )

    def test_it_diffs_an_edited_policy_against_the_saved_revision(self):
        r = self.post({"files": {"policy.yaml": manifests.POLICY_V2}})
        self.assertEqual(r.status_code, 200)
        data = r.json()
        self.assertEqual(data["changed"], ["policy.yaml"])
        self.assertEqual(data["errors"], [])
        changed = data["diff"]["connections"]["changed"]
        self.assertEqual(
            [(c["src"], c["dst"], c["gained_text"]) for c in changed],
            [("shop/web[Pod]", "shop/api[Pod]", "TCP 9090")],
        )
        self.assertEqual(data["diff"]["policies"]["added"], ["shop/web-deny-ingress"])
        self.assertTrue(data["summary"]["connectivity_changed"])
        self.assertEqual(Revision.objects.filter(review=self.review).count(), 1)  # not stored

    def test_deleting_a_file_removes_its_policies(self):
        data = self.post({"files": {"policy.yaml": None}}).json()
        self.assertEqual(data["files"], ["namespace.yaml", "pods.yaml"])
        self.assertEqual(data["diff"]["policies"]["removed"], ["shop/api-from-web"])

    def test_errors_in_the_edited_yaml_come_with_their_line(self):
        data = self.post({"files": {"policy.yaml": BROKEN_POLICY}}).json()
        self.assertEqual(len(data["errors"]), 1)
        error = data["errors"][0]
        self.assertEqual(
            (error["file"], error["line"], error["in_draft"]), ("policy.yaml", 14, True)
        )
        self.assertIn("TCPX", error["message"])

    def test_a_new_file_is_added_to_the_draft(self):
        data = self.post({"files": {"deny.yaml": manifests.POLICY_V2.split("---\n")[1]}}).json()
        self.assertEqual(data["files"][-1], "deny.yaml")
        self.assertEqual(data["diff"]["policies"]["added"], ["shop/web-deny-ingress"])

    def test_a_body_that_is_not_a_draft_is_a_400(self):
        self.assertEqual(self.post("not json").status_code, 400)
        self.assertEqual(self.post({"files": ["x"]}).status_code, 400)
        self.assertEqual(self.post({"files": {"a.yaml": 3}}).status_code, 400)

    def test_it_only_takes_post_and_only_for_the_view_link(self):
        self.assertEqual(self.client.get(self.view_url("/rev/1/draft.json")).status_code, 405)
        r = self.client.post(
            f"/r/{self.stranger_token}/rev/1/draft.json", data="{}", content_type="application/json"
        )
        self.assertEqual(r.status_code, 404)
        self.assertEqual(self.post({"files": {}}, number=7).status_code, 404)
