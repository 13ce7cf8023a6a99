"""What-if JSON for one revision: "Allow this", "Block this", and generated least privilege
(with its YAML as a download). Read-only: nothing is stored, so the view link is enough."""

from __future__ import annotations

from django import forms
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.text import slugify
from django.views.decorators.http import require_safe

from netviz.engine import Evaluator, UnknownEndpoint
from netviz.generate import NoSuchNamespace, generate
from netviz.k8s.model import PROTOCOLS
from netviz.web import edges, links
from netviz.web.access import get_review, get_revision
from netviz.web.models import Review, Revision
from netviz.web.views.downloads import attachment
from netviz.whatif import allow, block
from netviz.whatif.jsonout import block_json, generated_json, proposal_json


class PairForm(forms.Form):
    """One ordered pair (ids, edge-page slugs or names) and the ports asked about."""

    src = forms.CharField(max_length=600)
    dst = forms.CharField(max_length=600)
    protocol = forms.ChoiceField(
        required=False, choices=[("", "any")] + [(p, p) for p in PROTOCOLS]
    )
    port = forms.IntegerField(required=False, min_value=1, max_value=65535)


class ScopeForm(forms.Form):
    ns = forms.CharField(required=False, max_length=253)


def _error(message: str, status: int, **extra) -> JsonResponse:
    return JsonResponse({"error": message, **extra}, status=status)


def _pair(request: HttpRequest, token: str, number: int, answer) -> JsonResponse:
    review = get_review(token)
    revision = get_revision(review, number)
    form = PairForm(request.GET)
    if not form.is_valid():
        return _error("src and dst are required; port 1-65535", 400, fields=form.errors)
    data = form.cleaned_data
    known = edges.slugs(revision.snapshot)
    src, dst = known.get(data["src"], data["src"]), known.get(data["dst"], data["dst"])
    asked = edges.asked_ports(data["protocol"] or None, data["port"])
    try:
        payload = answer(edges.evaluator(revision), src, dst, asked)
    except UnknownEndpoint as e:
        return _error(str(e), 404)
    return JsonResponse({"revision": revision.number, **payload})


@require_safe
def allow_json(request: HttpRequest, token: str, number: int) -> JsonResponse:
    """`?src=&dst=&protocol=&port=`: the smallest change allowing the pair, and its side effects."""
    return _pair(
        request, token, number, lambda ev, s, d, asked: proposal_json(allow(ev, s, d, asked))
    )


@require_safe
def block_json_view(request: HttpRequest, token: str, number: int) -> JsonResponse:
    """`?src=&dst=&protocol=&port=`: the rules granting the pair, and what removing each closes."""
    return _pair(request, token, number, lambda ev, s, d, asked: block_json(block(ev, s, d, asked)))


def _generated(request: HttpRequest, review: Review, revision: Revision):
    form = ScopeForm(request.GET)
    ns = (form.cleaned_data["ns"] if form.is_valid() else "") or None
    ev: Evaluator = edges.evaluator(revision)
    return ns, generate(ev.cluster, namespace=ns, evaluator=ev)


@require_safe
def generate_json(request: HttpRequest, token: str, number: int) -> JsonResponse:
    """`?ns=`: least-privilege policies for a namespace (every namespace without), checked."""
    review = get_review(token)
    revision = get_revision(review, number)
    try:
        ns, result = _generated(request, review, revision)
    except NoSuchNamespace as e:
        return _error(f"no endpoint in namespace {e}", 404)
    return JsonResponse(
        {
            "revision": revision.number,
            "namespace": ns,
            **generated_json(result),
            "download_url": links.absolute(
                request, links.whatif(review, number, "generate.yaml", ns)
            ),
        }
    )


@require_safe
def generate_yaml(request: HttpRequest, token: str, number: int) -> HttpResponse:
    """The generated policies as one multi-document YAML file to download."""
    review = get_review(token)
    revision = get_revision(review, number)
    try:
        ns, result = _generated(request, review, revision)
    except NoSuchNamespace as e:
        return _error(f"no endpoint in namespace {e}", 404)
    text = "---\n".join(result.files[name] for name in sorted(result.files))
    stem = slugify(review.title) or "netviz"
    name = f"{stem}-rev{number}-{ns or 'all'}-policies.yaml"
    return attachment(text.encode("utf-8"), name, "application/yaml; charset=utf-8")
