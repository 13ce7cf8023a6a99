"""Pages behind the review's tabs: one edge's explanation, and the policies with their rules."""

from __future__ import annotations

from django import forms
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from netviz.engine import UnknownEndpoint
from netviz.k8s.model import PROTOCOLS
from netviz.web import edges, links
from netviz.web.access import get_review, get_revision
from netviz.web.filters import endpoint_labels
from netviz.web.findings_page import findings_context, findings_json, parse_query
from netviz.web.models import Review, Revision
from netviz.web.policy_rules import policies_context


class AskForm(forms.Form):
    """Which ports the explanation is about; nothing given means every port. Where the input
    models the other protocols (docs/protocols.md), ICMP, ICMPv6 and UDPLite too, with the
    port as the ICMP type."""

    protocol = forms.ChoiceField(
        required=False, choices=[("", "any")] + [(p, p) for p in PROTOCOLS]
    )
    port = forms.IntegerField(required=False, min_value=0, max_value=65535)

    def __init__(self, data, other_protocols: bool = False) -> None:
        super().__init__(data)
        if other_protocols:
            self.fields["protocol"].choices += [(p, p) for p in OTHER_PROTOCOLS]

    def clean(self) -> dict:
        data = super().clean()
        protocol, port = data.get("protocol") or None, data.get("port")
        if port is None:
            return data
        if protocol in OTHER_PROTOCOLS and (protocol == "UDPLite" or port > 255):
            self.add_error("port", "an ICMP type 0-255, for ICMP and ICMPv6 only")
        elif protocol not in OTHER_PROTOCOLS and port < 1:
            self.add_error("port", "ports run from 1 to 65535")
        return data

    def values(self) -> tuple[str | None, int | None]:
        data = self.cleaned_data if self.is_valid() else {}
        return data.get("protocol") or None, data.get("port")


OTHER_PROTOCOLS = ("ICMP", "ICMPv6", "UDPLite")


def _explain(request: HttpRequest, revision: Revision, src: str, dst: str):
    """(context, form, protocol, port, src id, dst id) for one pair named by slugs, or 404."""
    known = edges.slugs(revision.snapshot)
    src_id, dst_id = known.get(src), known.get(dst)
    if src_id is None or dst_id is None:
        raise Http404("No such endpoint in this revision")
    form = AskForm(request.GET, other_protocols="universe" in revision.snapshot)
    protocol, port = form.values()
    try:
        context = edges.explanation_context(
            revision, src_id, dst_id, edges.asked_ports(protocol, port)
        )
    except UnknownEndpoint:
        # The stored snapshot and a fresh parse disagree only if the reader changed since upload.
        raise Http404("This endpoint is not in the files any more") from None
    return context, form, protocol, port, src_id, dst_id


def _edge(request: HttpRequest, review: Review, revision: Revision, src: str, dst: str):
    context, form, protocol, port, src_id, dst_id = _explain(request, revision, src, dst)
    labels = endpoint_labels(revision.snapshot)
    latest = review.latest_number()
    # The latest revision's links carry no number, so a pasted link follows later revisions.
    number = None if latest == revision.number else revision.number
    return render(
        request,
        "review/edge.html",
        {
            **context,
            "review": review,
            "revision": revision,
            "is_latest": latest == revision.number,
            "src_label": labels.get(src_id, src_id),
            "dst_label": labels.get(dst_id, dst_id),
            "ask_form": form,
            "protocol": protocol,
            "port": port,
            "review_url": links.revision(review, revision.number),
            "reverse_url": links.edge(review, number, dst_id, src_id),
            "edge_url": links.edge(review, number, src_id, dst_id),
            "json_url": links.edge(review, None, src_id, dst_id)[:-1] + ".json"
            if number is None
            else None,
        },
    )


@require_safe
def edge(request: HttpRequest, token: str, src: str, dst: str) -> HttpResponse:
    review = get_review(token)
    return _edge(request, review, get_revision(review), src, dst)


@require_safe
def revision_edge(
    request: HttpRequest, token: str, number: int, src: str, dst: str
) -> HttpResponse:
    review = get_review(token)
    return _edge(request, review, get_revision(review, number), src, dst)


@require_safe
def edge_json(request: HttpRequest, token: str, src: str, dst: str) -> JsonResponse:
    """The edge page's JSON twin: the explanation as `manage.py explain --format json` gives it,
    with each allowed port range's rules."""
    review = get_review(token)
    revision = get_revision(review)
    context, _form, _protocol, _port, src_id, dst_id = _explain(request, revision, src, dst)
    url = links.edge(review, None, src_id, dst_id)
    return JsonResponse(
        {
            **context["explanation"],
            "revision": revision.number,
            "grants": context["grants"],
            "url": links.absolute(request, url),
        }
    )


@require_safe
def policies(request: HttpRequest, token: str, number: int) -> HttpResponse:
    review = get_review(token)
    revision = get_revision(review, number)
    return render(
        request,
        "review/policies.html",
        {
            "review": review,
            "revision": revision,
            "review_url": links.revision(review, revision.number),
            **policies_context(review, revision),
        },
    )


@require_safe
def findings(request: HttpRequest, token: str, number: int) -> HttpResponse:
    review = get_review(token)
    revision = get_revision(review, number)
    url = links.findings(review, revision.number)
    return render(
        request,
        "review/findings.html",
        {
            "review": review,
            "revision": revision,
            "review_url": links.revision(review, revision.number),
            "findings_url": url,
            "json_url": url[:-1] + ".json",
            **findings_context(revision, parse_query(request.GET)),
        },
    )


@require_safe
def findings_json_view(request: HttpRequest, token: str, number: int) -> JsonResponse:
    """The findings page's JSON twin (sort, order, from and reverse as on the page)."""
    review = get_review(token)
    revision = get_revision(review, number)
    return JsonResponse(findings_json(revision, parse_query(request.GET)))
