"""The base test case: one review, seen by its owner (edit link), a colleague (view link) and a
stranger (neither)."""

from __future__ import annotations

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import TestCase

from netviz.web.models import new_token
from netviz.web.services import Upload, add_revision, create_review
from tests.web import manifests

V1_FILES = [
    ("namespace.yaml", manifests.NAMESPACE),
    ("pods.yaml", manifests.PODS),
    ("policy.yaml", manifests.POLICY_V1),
]
V2_FILES = [
    ("namespace.yaml", manifests.NAMESPACE),
    ("pods.yaml", manifests.PODS),
    ("policy.yaml", manifests.POLICY_V2),
]


def uploads(files: list[tuple[str, str | bytes]]) -> list[Upload]:
    return [Upload(n, c.encode() if isinstance(c, str) else c) for n, c in files]


def multipart(files: list[tuple[str, str | bytes]]) -> list[SimpleUploadedFile]:
    """Files as the browser's multipart form sends them."""
    return [
        SimpleUploadedFile(n, c.encode() if isinstance(c, str) else c, "application/yaml")
        for n, c in files
    ]


class BaseTestCase(TestCase):
    """`self.review` with one revision; `edit_token` for the owner, `view_token` for a colleague."""

    def setUp(self) -> None:
        super().setUp()
        self.review, self.revision, self.edit_token = create_review("Shop", uploads(V1_FILES))
        self.view_token = self.review.view_token
        # A stranger holds well-formed tokens that belong to no review.
        self.stranger_token = new_token()

    def add_v2(self):
        return add_revision(self.review, uploads(V2_FILES))

    def view_url(self, suffix: str = "/") -> str:
        return f"/r/{self.view_token}{suffix}"

    def edit_url(self, suffix: str = "/") -> str:
        return f"/e/{self.edit_token}{suffix}"
