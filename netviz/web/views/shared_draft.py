"""Share a what-if draft read-only: POST its changes, get a link to the review page showing it.

`POST rev/<n>/share-draft.json` with `{"files": {"name.yaml": "text" or null}}` → `{"url":
".../rev/<n>/?draft=<token>"}`; `GET draft/<token>.json` → the changes, for the page to
evaluate (static/js/draft.js). The link holds the view token: sharing it shares the review too,
read-only, and it ends with the review (deleted with it).
"""

from __future__ import annotations

from django.http import HttpRequest, JsonResponse
from django.urls import reverse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST, require_safe

from netviz.web import links
from netviz.web.access import get_review, get_revision
from netviz.web.drafts import BadDraft, draft_files
from netviz.web.models import SharedDraft, hash_token, new_token
from netviz.web.services import UploadRefused, check_size
from netviz.web.views.draft import posted_changes, refused


# Nothing stored that grants anything (like the JSON API): no CSRF token, so review pages stay
# cacheable byte for byte.
@csrf_exempt
@require_POST
def share(request: HttpRequest, token: str, number: int) -> JsonResponse:
    review = get_review(token)
    revision = get_revision(review, number)
    try:
        changes = posted_changes(request)
        files, changed = draft_files(revision, changes)
        check_size(files)
    except (BadDraft, UploadRefused) as e:
        return refused(e)
    if not changed:
        return JsonResponse({"error": "the draft changes nothing"}, status=400)
    secret = new_token()
    SharedDraft.objects.create(
        review=review, number=number, token_hash=hash_token(secret), files=changes
    )
    page = reverse("netviz-revision", args=[review.view_token, number])
    return JsonResponse(
        {"url": links.absolute(request, f"{page}?draft={secret}"), "token": secret}, status=201
    )


@require_safe
def shared(request: HttpRequest, token: str, secret: str) -> JsonResponse:
    review = get_review(token)
    found = SharedDraft.objects.filter(review=review, token_hash=hash_token(secret)).first()
    if found is None:
        return JsonResponse({"error": "no such draft"}, status=404)
    return JsonResponse({"revision": found.number, "files": found.files})
