"""A revision still being analysed: the page that waits for it, its JSON state, and retry."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST, require_safe

from netviz.web import links, tasks
from netviz.web.access import get_any_revision, get_review, get_review_for_edit
from netviz.web.models import Review, Revision


def state_url(review: Review, revision: Revision) -> str:
    return reverse("netviz-revision-state", args=[review.view_token, revision.number])


def page(
    request: HttpRequest, review: Review, revision: Revision, edit_token: str | None = None
) -> HttpResponse:
    """Shown instead of a revision whose analysis is not done; progress.js polls its state."""
    state = tasks.state_of(revision)
    latest_done = review.revisions.filter(state=Revision.DONE).order_by("-number").first()
    context = {
        "review": review,
        "revision": revision,
        "state": state,
        "ahead": tasks.queue_position(revision) if state == Revision.PENDING else 0,
        "state_url": state_url(review, revision),
        "done_url": links.edit(edit_token) if edit_token else links.review(review),
        "previous_url": links.revision(review, latest_done.number) if latest_done else None,
        "view_url": links.absolute(request, links.review(review)),
        "edit_token": edit_token,
        "edit_url": links.absolute(request, links.edit(edit_token)) if edit_token else None,
        "created": request.GET.get("created") == "1",
        "problems": revision.report.get("errors", []) if state == Revision.FAILED else [],
    }
    return render(request, "progress.html", context)


def state_payload(revision: Revision) -> dict:
    state = tasks.state_of(revision)
    return {
        "revision": revision.number,
        "state": state,
        "message": revision.failure if state == Revision.FAILED else "",
        "ahead": tasks.queue_position(revision) if state == Revision.PENDING else 0,
    }


def json_twin(request: HttpRequest, review: Review, revision: Revision) -> JsonResponse:
    """The JSON twin of the progress page: the state, and where to poll it."""
    payload = {
        "title": review.title,
        **state_payload(revision),
        "state_url": request.build_absolute_uri(state_url(review, revision)),
    }
    return JsonResponse(payload)


@require_safe
def state_json(request: HttpRequest, token: str, number: int) -> JsonResponse:
    return JsonResponse(state_payload(get_any_revision(get_review(token), number)))


@require_POST
def retry(request: HttpRequest, token: str, number: int) -> HttpResponse:
    review = get_review_for_edit(token)
    tasks.retry(get_any_revision(review, number))
    return redirect(links.edit(token))
