"""Friendly answers for requests refused before a view runs: too large, too many files, 404."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import RequestDataTooBig, TooManyFilesSent
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render


def _wants_json(request: HttpRequest) -> bool:
    """The API, a .json URL, or a JSON body (what-if's draft.zip): a JSON answer."""
    return (
        request.path.startswith("/api/")
        or request.path.endswith(".json")
        or request.content_type == "application/json"
    )


def refusal(request: HttpRequest, message: str, status: int) -> HttpResponse:
    """The refusal as JSON for the API, else as a small page with a way back."""
    if _wants_json(request):
        return JsonResponse({"error": message}, status=status)
    return render(request, "error.html", {"message": message, "status": status}, status=status)


def too_large(request: HttpRequest) -> HttpResponse:
    return refusal(
        request,
        f"The upload is larger than the limit of {settings.NETVIZ_MAX_UPLOAD_MB} MB in total.",
        413,
    )


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    if isinstance(exception, RequestDataTooBig):
        return too_large(request)
    if isinstance(exception, TooManyFilesSent):
        return refusal(
            request,
            f"Too many files: at most {settings.DATA_UPLOAD_MAX_NUMBER_FILES} per upload.",
            400,
        )
    return refusal(request, "Bad request.", 400)


def not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return refusal(request, "Not found. Check that the link was copied completely.", 404)


def server_error(request: HttpRequest) -> HttpResponse:
    return refusal(request, "Something went wrong on our side.", 500)
