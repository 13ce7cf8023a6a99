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


@require_safe
def state_json(request: HttpRequest, token: str, number: int) -> JsonResponse:
    review = get_review(token)
    revision = get_any_revision(review, number)
    state = tasks.state_of(revision)
    return JsonResponse(
        {
            "revision": revision.number,
            "state": state,
            "message": revision.failure if state == Revision.FAILED else "",
            "ahead": tasks.queue_position(revision) if state == Revision.PENDING else 0,
        }
    )


@require_POST
def retry(request: HttpRequest, token: str, number: int) -> HttpResponse:
    review = get_review_for_edit(token)
    tasks.retry(get_any_revision(review, number))
    return redirect(links.edit(token))
