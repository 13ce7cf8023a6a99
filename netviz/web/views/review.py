"""A review read-only, to anyone with its view link: latest revision or a given one, and JSON."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from netviz.web.access import get_review, get_revision
from netviz.web.pages import review_context, review_payload


@require_safe
def review(request: HttpRequest, token: str) -> HttpResponse:
    r = get_review(token)
    return render(request, "review.html", review_context(request, r, get_revision(r)))


@require_safe
def review_json(request: HttpRequest, token: str) -> JsonResponse:
    r = get_review(token)
    return JsonResponse(review_payload(request, r, get_revision(r)))


@require_safe
def revision(request: HttpRequest, token: str, number: int) -> HttpResponse:
    r = get_review(token)
    return render(request, "review.html", review_context(request, r, get_revision(r, number)))


@require_safe
def revision_json(request: HttpRequest, token: str, number: int) -> JsonResponse:
    r = get_review(token)
    return JsonResponse(review_payload(request, r, get_revision(r, number)))
