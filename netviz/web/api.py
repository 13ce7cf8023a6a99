"""The JSON API for CI: create a review, add a revision. The edit token in the URL is the key.

CSRF-exempt on purpose: no cookie is involved, so there is no ambient authority to forge.
"""

from __future__ import annotations

from django.http import Http404, HttpRequest, JsonResponse
from django.views.decorators.csrf import csrf_exempt

from netviz.web import links, services
from netviz.web.access import get_review_for_edit
from netviz.web.models import Review, Revision
from netviz.web.services import Upload, UploadRefused, clean_name
from netviz.web.views import progress
from netviz.web.views.uploads import request_limits

# Raw bodies accepted, with the file name used when `?name=` is not given. curl --data-binary
# sends form-urlencoded unless told otherwise, so that is read as YAML too, as is no type at all.
RAW_TYPES = {
    "": "upload.yaml",
    "application/yaml": "upload.yaml",
    "application/x-yaml": "upload.yaml",
    "text/yaml": "upload.yaml",
    "text/x-yaml": "upload.yaml",
    "application/json": "upload.json",
    "text/plain": "upload.yaml",
    "application/x-www-form-urlencoded": "upload.yaml",
}
MODES = ("replace", "add")


def _error(message: str, status: int, problems: list | None = None) -> JsonResponse:
    body: dict = {"error": message}
    if problems:
        body["problems"] = problems
    return JsonResponse(body, status=status)


def _uploads(request: HttpRequest) -> tuple[list[Upload], str]:
    """Files and title from a multipart request or a raw body; UploadRefused if neither."""
    content_type = request.content_type or ""
    if content_type == "multipart/form-data":
        with request_limits():
            posted = request.FILES.getlist("files") + request.FILES.getlist("file")
            title = request.POST.get("title") or request.GET.get("title", "")
        if not posted:
            raise UploadRefused("No files: send them as multipart fields named `files`.")
        files = [
            Upload(clean_name(f.name, f"file-{i + 1}.yaml"), f.read()) for i, f in enumerate(posted)
        ]
        return files, title
    if content_type in RAW_TYPES:
        with request_limits():
            body = request.body
        name = clean_name(request.GET.get("name", ""), RAW_TYPES[content_type])
        return [Upload(name, body)], request.GET.get("title", "")
    raise UploadRefused(
        f"Unsupported Content-Type {content_type!r}: send multipart/form-data with `files`, "
        "or a raw body as application/yaml, text/yaml, application/json or text/plain.",
        status=415,
    )


def _created(
    request: HttpRequest, review: Review, revision: Revision, edit_token: str, **extra
) -> JsonResponse:
    summary = revision.summary
    pending = revision.state != Revision.DONE
    body = {
        "view_url": links.absolute(request, links.review(review)),
        "edit_url": links.absolute(request, links.edit(edit_token)),
        "json_url": links.absolute(request, links.review_json(review)),
        "revision": revision.number,
        # A large upload is analysed by the task worker: poll state_url until "done".
        "state": revision.state,
        "state_url": links.absolute(request, progress.state_url(review, revision)),
        "summary": {
            **{
                k: summary.get(k, 0)
                for k in ("endpoints", "policies", "connections", "errors", "warnings")
            },
            # Best-practice findings by severity (netviz.findings), as `manage.py lint` counts them.
            "findings": summary.get("findings", {}),
        },
        **extra,
    }
    expect = (revision.report or {}).get("expectations")
    if expect is not None:  # a netviz-expect.yaml came with the upload: its status for CI
        body["expectations"] = {k: expect.get(k) for k in ("file", "counts", "errors")}
    return JsonResponse(body, status=202 if pending else 201)


def _method_not_allowed() -> JsonResponse:
    response = _error("Use POST.", 405)
    response.headers["Allow"] = "POST"
    return response


def _pods(request: HttpRequest) -> bool:
    """`?pods=1`: pods one by one instead of one endpoint per workload."""
    return request.GET.get("pods", "").lower() in ("1", "true", "yes", "on")


@csrf_exempt
def create_review(request: HttpRequest) -> JsonResponse:
    """POST /api/reviews: multipart `files` (+ `title`) or a raw body (+ `?title=`, `?pods=1`)."""
    if request.method != "POST":
        return _method_not_allowed()
    try:
        files, title = _uploads(request)
        if len(title) > 200:
            raise UploadRefused("The title is longer than 200 characters.")
        review, revision, edit_token = services.create_review(title, files, _pods(request))
    except UploadRefused as refused:
        return _error(refused.message, refused.status, refused.problems)
    return _created(request, review, revision, edit_token)


@csrf_exempt
def add_revision(request: HttpRequest, token: str) -> JsonResponse:
    """POST /api/reviews/<edit-token>/revisions (`?mode=add` merges into the latest files)."""
    if request.method != "POST":
        return _method_not_allowed()
    try:
        review = get_review_for_edit(token)
    except Http404:
        return _error("No review has this edit token.", 404)
    mode = request.GET.get("mode", "replace")
    if mode not in MODES:
        return _error(f"mode must be one of {', '.join(MODES)}, got {mode!r}.", 400)
    try:
        files, _title = _uploads(request)
        pods = _pods(request) if "pods" in request.GET else None
        revision, diff = services.add_revision(review, files, mode, pods)
    except UploadRefused as refused:
        return _error(refused.message, refused.status, refused.problems)
    extra = {}
    if diff is not None:
        a, b = revision.number - 1, revision.number
        extra = {
            "diff_url": links.absolute(request, links.diff(review, a, b)),
            "diff_json_url": links.absolute(request, links.diff_json(review, a, b)),
            "diff": diff["summary"],
        }
    return _created(request, review, revision, token, **extra)
