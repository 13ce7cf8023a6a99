"""draft.zip: a draft's changed files as one zip to download (netviz.web.draft_zip), for anyone
with the view link; the body and its refusals as draft.json's."""

from __future__ import annotations

import io
import json
import zipfile

from django.test import override_settings

from netviz.web.draft_zip import safe_member
from netviz.web.models import Revision
from tests.web import manifests
from tests.web.base import BaseTestCase

DENY = manifests.POLICY_V2.split("---\n")[1]


def members(response) -> dict[str, str]:
    with zipfile.ZipFile(io.BytesIO(response.content)) as archive:
        return {i.filename: archive.read(i).decode("utf-8") for i in archive.infolist()}


class DraftZipTestCase(BaseTestCase):
    def post(self, body, number: int = 1, token: str | None = None):
        return self.client.post(
            f"/r/{token or self.view_token}/rev/{number}/draft.zip",
            data=json.dumps(body) if not isinstance(body, str) else body,
            content_type="application/json",
        )

    def test_it_zips_the_edited_and_added_files_under_their_names(self):
        r = self.post({"files": {"policy.yaml": manifests.POLICY_V2, "base/deny.yaml": DENY}})
        self.assertEqual(r.status_code, 200)
        self.assertEqual(r["Content-Type"], "application/zip")
        self.assertEqual(r["Content-Disposition"], 'attachment; filename="shop-rev1-draft.zip"')
        self.assertEqual(members(r), {"base/deny.yaml": DENY, "policy.yaml": manifests.POLICY_V2})
        self.assertEqual(Revision.objects.filter(review=self.review).count(), 1)  # not stored

    def test_it_lists_the_deleted_files_in_deleted_txt(self):
        r = self.post({"files": {"policy.yaml": None, "pods.yaml": None, "new.yaml": DENY}})
        self.assertEqual(members(r), {"DELETED.txt": "pods.yaml\npolicy.yaml\n", "new.yaml": DENY})

    def test_it_has_no_deleted_txt_when_nothing_is_deleted(self):
        r = self.post({"files": {"policy.yaml": manifests.POLICY_V2}})
        self.assertEqual(list(members(r)), ["policy.yaml"])

    def test_deleting_a_file_the_revision_does_not_have_is_no_change(self):
        r = self.post({"files": {"policy.yaml": None, "ghost.yaml": None}})
        self.assertEqual(members(r), {"DELETED.txt": "policy.yaml\n"})

    def test_it_is_the_same_bytes_for_the_same_draft(self):
        body = {"files": {"policy.yaml": manifests.POLICY_V2, "b.yaml": DENY, "a.yaml": DENY}}
        first = self.post(body).content
        self.assertEqual(self.post(body).content, first)
        with zipfile.ZipFile(io.BytesIO(first)) as archive:
            infos = archive.infolist()
        self.assertEqual([i.filename for i in infos], ["a.yaml", "b.yaml", "policy.yaml"])
        self.assertEqual({i.date_time for i in infos}, {(1980, 1, 1, 0, 0, 0)})
        self.assertEqual({i.external_attr >> 16 for i in infos}, {0o644})

    def test_hostile_names_stay_inside_the_folder_it_is_unpacked_in(self):
        body = {
            "files": {
                "../../etc/passwd": DENY,
                "/abs.yaml": DENY,
                "C:\\Windows\\evil.yaml": DENY,
                "a/./b/../c.yaml": DENY,
                "..": DENY,
                "bad\nname\x00.yaml": DENY,
            }
        }
        r = self.post(body)
        self.assertEqual(r.status_code, 200)
        names = sorted(members(r))
        expected = ["Windows/evil.yaml", "a/b/c.yaml", "abs.yaml", "badname.yaml", "etc/passwd"]
        self.assertEqual(names, sorted([*expected, "file-1.yaml"]))
        for name in names:
            self.assertFalse(name.startswith("/"), name)
            self.assertNotIn("..", name.split("/"))
            self.assertNotIn("\\", name)

    def test_two_names_that_become_the_same_member_are_both_kept(self):
        other = DENY.replace("web-deny-ingress", "other")
        r = self.post({"files": {"/x.yaml": DENY, "x.yaml": other, "DELETED.txt": DENY}})
        self.assertEqual(members(r), {"x.yaml": DENY, "x-2.yaml": other, "DELETED.txt": DENY})
        r = self.post({"files": {"DELETED.txt": DENY, "policy.yaml": None}})
        self.assertEqual(members(r), {"DELETED.txt": "policy.yaml\n", "DELETED-2.txt": DENY})

    def test_a_body_that_is_not_a_draft_is_a_400_with_its_reason(self):
        for body in ("not json", "[]", {"files": ["x"]}, {"files": {"a.yaml": 3}}, {}):
            r = self.post(body)
            self.assertEqual(r.status_code, 400, body)
            self.assertIn("error", r.json())
        r = self.client.post(
            self.view_url("/rev/1/draft.zip"), data=b"\xff\xfe", content_type="application/json"
        )
        self.assertEqual(r.status_code, 400)
        self.assertEqual(r.json(), {"error": "the body is not JSON"})

    def test_a_draft_that_changes_nothing_is_a_400(self):
        r = self.post({"files": {}})
        self.assertEqual((r.status_code, r.json()), (400, {"error": "the draft changes nothing"}))
        self.assertEqual(self.post({"files": {"empty-new.yaml": ""}}).status_code, 400)

    def test_a_draft_that_deletes_every_file_is_refused_as_draft_json_refuses_it(self):
        files = {"namespace.yaml": None, "pods.yaml": None, "policy.yaml": None}
        zipped = self.post({"files": files})
        evaluated = self.client.post(
            self.view_url("/rev/1/draft.json"),
            data=json.dumps({"files": files}),
            content_type="application/json",
        )
        self.assertEqual(zipped.status_code, evaluated.status_code)
        self.assertEqual(zipped.json()["error"], evaluated.json()["error"])

    @override_settings(NETVIZ_MAX_UPLOAD_MB=1)
    def test_a_draft_over_the_size_limit_is_a_413_as_for_draft_json(self):
        big = {"files": {"big.yaml": DENY + "#" + "x" * (1024 * 1024) + "\n"}}
        r = self.post(big)
        self.assertEqual(r.status_code, 413)
        self.assertIn("the limit is 1 MB", r.json()["error"])
        evaluated = self.client.post(
            self.view_url("/rev/1/draft.json"),
            data=json.dumps(big),
            content_type="application/json",
        )
        self.assertEqual(evaluated.status_code, 413)

    @override_settings(DATA_UPLOAD_MAX_MEMORY_SIZE=1024)
    def test_a_body_over_djangos_own_limit_is_a_json_413_too(self):
        big = {"files": {"big.yaml": DENY + "#" + "x" * 4096 + "\n"}}
        r = self.post(big)
        self.assertEqual(r.status_code, 413)
        self.assertIn("larger than the limit", r.json()["error"])

    def test_it_only_takes_post_and_only_for_a_known_review_and_revision(self):
        self.assertEqual(self.client.get(self.view_url("/rev/1/draft.zip")).status_code, 405)
        body = {"files": {"policy.yaml": manifests.POLICY_V2}}
        self.assertEqual(self.post(body, token=self.stranger_token).status_code, 404)
        self.assertEqual(self.post(body, number=7).status_code, 404)

    def test_the_view_link_is_enough_and_the_edit_token_is_no_review_url(self):
        body = {"files": {"policy.yaml": manifests.POLICY_V2}}
        self.assertEqual(self.post(body).status_code, 200)
        # The edit token is not a view token: /r/<edit>/ knows no review.
        self.assertEqual(self.post(body, token=self.edit_token).status_code, 404)

    def test_the_zip_is_named_draft_when_the_review_title_has_no_slug(self):
        self.review.title = "???"
        self.review.save()
        r = self.post({"files": {"policy.yaml": manifests.POLICY_V2}}, number=1)
        self.assertEqual(r["Content-Disposition"], 'attachment; filename="draft-rev1-draft.zip"')

    def test_the_page_hands_the_zip_url_to_the_script(self):
        page = self.client.get(self.view_url()).content.decode()
        self.assertIn(f'"zip_url": "/r/{self.view_token}/rev/1/draft.zip"', page)


class SafeMemberTestCase(BaseTestCase):
    def test_it_keeps_folders_and_drops_what_climbs_out(self):
        cases = {
            "base/x.yaml": "base/x.yaml",
            "../../etc/passwd": "etc/passwd",
            "/abs.yaml": "abs.yaml",
            "//srv//a.yaml": "srv/a.yaml",
            "a\\..\\b.yaml": "a/b.yaml",
            "C:/x.yaml": "x.yaml",
            "...": "fallback.yaml",
            "": "fallback.yaml",
            " / . / ": "fallback.yaml",
        }
        for name, member in cases.items():
            self.assertEqual(safe_member(name, "fallback.yaml"), member, name)
