"""Every hostile file through the real upload form and the JSON API: its message, its bytes kept,
never a 500 (the test client re-raises any exception a view lets escape)."""

from __future__ import annotations

import hashlib

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils.html import escape

from netviz.web.models import Review, UploadedFile
from tests.hostile.cases import FILES, GOOD, GOOD_NAME, LARGE, Case, fifty_megabytes

ALL = FILES + LARGE
pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def document_limit(settings):
    """The cases are written for a 20,000-document limit (the default before it was raised to
    50,000 for 20,000-workload clusters)."""
    settings.NETVIZ_MAX_DOCUMENTS = 20000


def upload(client, files: list[tuple[str, bytes]]):
    posted = [SimpleUploadedFile(n, c, "application/yaml") for n, c in files]
    return client.post("/", {"title": "hostile", "files": posted})


def assert_kept_verbatim(files: list[tuple[str, bytes]]) -> None:
    stored = list(UploadedFile.objects.order_by("position"))
    assert [(f.name, bytes(f.content)) for f in stored] == files
    for f in stored:
        assert f.sha256 == hashlib.sha256(bytes(f.content)).hexdigest()
        assert f.size == len(bytes(f.content))


def assert_problem_shown(case: Case, page, review_json: dict, beside_good: bool = False) -> None:
    problem = (beside_good and case.beside_good) or case.problem
    if problem is None:
        return
    severity, line, message = problem
    assert escape(message) in page.content.decode()
    found = review_json["errors"] + review_json["warnings"]
    shown = [(p["severity"], p["file"], p["line"]) for p in found if p["message"] == message]
    assert shown == [(severity, case.name, line)]


def non_empty(cases: list[Case]) -> list[Case]:
    return [c for c in cases if c.content]


@pytest.mark.parametrize("case", ALL, ids=[c.id for c in ALL])
def test_alone_through_the_form_it_is_stored_or_refused_with_its_message(client, case):
    r = upload(client, [(case.name, case.content)])
    if case.alone == "refused":
        assert r.status_code == 400
        text = r.content.decode()
        assert 'data-testid="refused"' in text or "errorlist" in text
        if case.content:
            assert case.refusal in text
        else:
            assert f"The submitted file is empty: {case.name}." in text
        if case.problem:
            assert escape(case.problem[2]) in text
        assert not Review.objects.exists()
        return
    assert r.status_code == 302, r.content[:500]
    review = Review.objects.get()
    assert_kept_verbatim([(case.name, case.content)])
    page = client.get(r["Location"])
    assert page.status_code == 200
    payload = client.get(f"/r/{review.view_token}.json").json()
    assert_problem_shown(case, page, payload)


@pytest.mark.parametrize("case", non_empty(ALL), ids=[c.id for c in non_empty(ALL)])
def test_next_to_a_good_file_it_is_stored_with_its_message_and_its_bytes(client, case):
    files = [(GOOD_NAME, GOOD), (case.name, case.content)]
    r = upload(client, files)
    assert r.status_code == 302, r.content[:500]
    review = Review.objects.get()
    assert_kept_verbatim(files)
    page = client.get(f"/r/{review.view_token}/")
    assert page.status_code == 200
    payload = client.get(f"/r/{review.view_token}.json").json()
    assert "shop/good[Pod]" in {c["src"] for c in payload["connections"]}
    assert_problem_shown(case, page, payload, beside_good=True)


@pytest.mark.parametrize("case", ALL, ids=[c.id for c in ALL])
def test_through_the_api_it_is_created_or_refused_with_its_message(client, case):
    r = client.post(f"/api/reviews?name={case.name}", case.content, content_type="application/yaml")
    body = r.json()
    if case.alone == "refused":
        assert r.status_code == 400
        assert body["error"].startswith(case.refusal)
        messages = [p["message"] for p in body.get("problems", [])]
        assert messages == ([case.problem[2]] if case.problem else [])
        assert not Review.objects.exists()
        return
    assert r.status_code == 201, body
    assert_kept_verbatim([(case.name, case.content)])
    review = Review.objects.get()
    payload = client.get(f"/r/{review.view_token}.json").json()
    found = payload["errors"] + payload["warnings"]
    assert [p["message"] for p in found] == ([case.problem[2]] if case.problem else [])


def test_a_fifty_megabyte_file_is_refused_through_the_form_before_it_is_read(client):
    r = upload(client, [("huge.yaml", fifty_megabytes())])
    assert r.status_code == 413
    assert "larger than the limit of 20 MB" in r.content.decode()
    assert not Review.objects.exists()


def test_a_fifty_megabyte_body_is_refused_through_the_api(client):
    r = client.post("/api/reviews", fifty_megabytes(), content_type="application/yaml")
    assert r.status_code == 413
    assert r.json() == {"error": "The upload is larger than the limit of 20 MB in total."}
    assert not Review.objects.exists()
