"""Least privilege for the connections a user keeps: POST the list, get generate.json's answer.

`POST rev/<n>/generate-keep.json` with `{"ns": "shop" or null, "dns": true, "keep":
{"connections": [{"src", "dst", "ports"}, ...]}}` (the `analyze --format json` shape, as
`manage.py generate --keep FILE`). Nothing is stored, so the view link is enough.
"""

from __future__ import annotations

import json

from django.http import HttpRequest, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from netviz.generate import NoSuchNamespace, generate
from netviz.generate.kept import KeepFileError, read_keep
from netviz.web import edges
from netviz.web.access import get_review, get_revision
from netviz.whatif.jsonout import generated_json


def _error(message: str, status: int) -> JsonResponse:
    return JsonResponse({"error": message}, status=status)


# Nothing stored that grants anything (like the JSON API): no CSRF token, so review pages stay
# cacheable byte for byte.
@csrf_exempt
@require_POST
def generate_keep_json(request: HttpRequest, token: str, number: int) -> JsonResponse:
    review = get_review(token)
    revision = get_revision(review, number)
    try:
        body = json.loads(request.body.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError):
        return _error("the body is not JSON", 400)
    if not isinstance(body, dict) or not isinstance(body.get("keep"), dict | list):
        return _error('expected {"ns": ..., "dns": true, "keep": {"connections": [...]}}', 400)
    ns = body.get("ns") or None
    if ns is not None and not isinstance(ns, str):
        return _error("ns must be a namespace name or null", 400)
    ev = edges.evaluator(revision)
    try:
        keep = read_keep(json.dumps(body["keep"]), ev)
        result = generate(
            ev.cluster,
            keep=keep,
            namespace=ns,
            dns=body.get("dns", True) is not False,
            evaluator=ev,
        )
    except KeepFileError as e:
        return _error(f"keep: {e}", 400)
    except NoSuchNamespace as e:
        return _error(f"no endpoint in namespace {e}", 404)
    problems = [
        {"index": k.index, "problem": k.problem, "detail": k.detail} for k in keep if k.problem
    ]
    return JsonResponse(
        {
            "revision": revision.number,
            "namespace": ns,
            **generated_json(result),
            "keep_problems": problems,
        }
    )
