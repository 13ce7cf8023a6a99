"""A review read-only, to anyone with its view link: latest revision or a given one, and JSON."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from netviz.web.access import get_any_revision, get_review, get_revision
from netviz.web.models import Revision
from netviz.web.pages import review_context, review_payload
from netviz.web.views import progress


@require_safe
def review(request: HttpRequest, token: str) -> HttpResponse:
    r = get_review(token)
    latest = get_any_revision(r)
    if latest.state != Revision.DONE:
        return progress.page(request, r, latest)
    return render(request, "review.html", review_context(request, r, get_revision(r)))


@require_safe
def review_json(request: HttpRequest, token: str) -> JsonResponse:
    r = get_review(token)
    latest = get_any_revision(r)
    if latest.state != Revision.DONE:
        return progress.json_twin(request, r, latest)
    return JsonResponse(review_payload(request, r, get_revision(r)))


@require_safe
def revision(request: HttpRequest, token: str, number: int) -> HttpResponse:
    r = get_review(token)
    asked = get_any_revision(r, number)
    if asked.state != Revision.DONE:
        return progress.page(request, r, asked)
    return render(request, "review.html", review_context(request, r, get_revision(r, number)))


@require_safe
def revision_json(request: HttpRequest, token: str, number: int) -> JsonResponse:
    r = get_review(token)
    asked = get_any_revision(r, number)
    if asked.state != Revision.DONE:
        return progress.json_twin(request, r, asked)
    return JsonResponse(review_payload(request, r, get_revision(r, number)))
