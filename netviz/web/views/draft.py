"""A draft evaluated: POST edited files for a revision, get its errors and its connectivity diff
(from the task worker for a big review: netviz.web.draft_jobs); or its changed files as one zip
to download (draft.zip, same body).

Nothing is stored (saving is "add revision", for edit link holders), so the view link is enough.
"""

from __future__ import annotations

import json

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.urls import reverse
from django.utils.text import slugify
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST

from netviz.web import draft_jobs
from netviz.web.access import get_review, get_revision
from netviz.web.draft_zip import draft_zip
from netviz.web.drafts import BadDraft, UploadRefused, draft_files, evaluate_draft
from netviz.web.services import check_size
from netviz.web.views.downloads import attachment


def posted_changes(request: HttpRequest) -> object:
    """The `files` of a posted draft body (checked by draft_files); raises BadDraft."""
    try:
        body = json.loads(request.body.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError):
        raise BadDraft("the body is not JSON") from None
    if not isinstance(body, dict):
        raise BadDraft('expected a JSON object {"files": {...}}')
    return body.get("files")


def refused(e: BadDraft | UploadRefused) -> JsonResponse:
    if isinstance(e, UploadRefused):
        return JsonResponse({"error": e.message, "errors": e.problems}, status=e.status)
    return JsonResponse({"error": str(e)}, status=400)


# Nothing stored that grants anything (like the JSON API): no CSRF token, so review pages stay
# cacheable byte for byte.
@csrf_exempt
@require_POST
def draft_json(request: HttpRequest, token: str, number: int) -> JsonResponse:
    """Body `{"files": {"name.yaml": "text" | null}}`: revision `number` with those files
    replaced, added or deleted (null), compared with the saved revision."""
    review = get_review(token)
    # Its snapshot is read once per revision (netviz.web.draft_cache), not on every keystroke.
    revision = get_revision(review, number, defer=("snapshot",))
    try:
        changes = posted_changes(request)
        if draft_jobs.in_background(revision):
            # A big review: the task worker evaluates it; the page polls for the answer.
            files, _changed = draft_files(revision, changes)
            check_size(files)
            job = draft_jobs.enqueue(revision, changes)
            poll = reverse("netviz-draft-result", args=[token, number, job])
            return JsonResponse({"pending": True, "poll": poll}, status=202)
        result = evaluate_draft(revision, changes)
    except (BadDraft, UploadRefused) as e:
        return refused(e)
    return JsonResponse({"revision": revision.number, **result})


@require_GET
def draft_result(request: HttpRequest, token: str, number: int, job: str) -> JsonResponse:
    """A big review's draft (netviz.web.draft_jobs): 202 `{"pending": true}` while the task
    worker has it, then draft.json's answer, once."""
    revision = get_revision(get_review(token), number, defer=("snapshot",))
    status, body = draft_jobs.answer(revision, job)
    response = JsonResponse(body, status=status)
    response["Cache-Control"] = "no-store"
    return response


@csrf_exempt
@require_POST
def draft_zip_download(request: HttpRequest, token: str, number: int) -> HttpResponse:
    """Body as draft.json's: `<review>-rev<n>-draft.zip` with the files the draft changes or
    adds, and DELETED.txt listing those it deletes (netviz.web.draft_zip)."""
    review = get_review(token)
    revision = get_revision(review, number, defer=("snapshot",))
    try:
        files, changed = draft_files(revision, posted_changes(request))
        check_size(files)
    except (BadDraft, UploadRefused) as e:
        return refused(e)
    if not changed:
        return JsonResponse({"error": "the draft changes nothing"}, status=400)
    name = f"{slugify(review.title) or 'draft'}-rev{number}-draft.zip"
    return attachment(draft_zip(files, changed), name, "application/zip")
