"""The edit page, for whoever holds the edit link: new revision, rename, delete."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST, require_safe

from netviz.web import links, services
from netviz.web.access import get_any_revision, get_review_for_edit, get_revision
from netviz.web.forms import DeleteForm, RenameForm, RevisionForm
from netviz.web.models import Review, Revision
from netviz.web.pages import review_context, review_payload
from netviz.web.views import progress
from netviz.web.views.uploads import bind


def _page(request: HttpRequest, review: Review, token: str, status: int = 200, **forms):
    context = review_context(request, review, get_revision(review), edit_token=token)
    context.update(
        created=request.GET.get("created") == "1",
        rename_form=forms.get("rename_form") or RenameForm(initial={"title": review.title}),
        revision_form=forms.get("revision_form") or RevisionForm(initial={"pods": _pods(review)}),
        delete_form=forms.get("delete_form") or DeleteForm(),
        refused=forms.get("refused"),
    )
    return render(request, "edit.html", context, status=status)


def _pods(review: Review) -> bool:
    """The latest revision's pods setting: a new revision keeps it unless the owner changes it."""
    latest = review.revisions.order_by("-number").values_list("pods", flat=True).first()
    return bool(latest)


@require_safe
def edit(request: HttpRequest, token: str) -> HttpResponse:
    r = get_review_for_edit(token)
    latest = get_any_revision(r)
    if latest.state != Revision.DONE:
        return progress.page(request, r, latest, edit_token=token)
    return _page(request, r, token)


@require_safe
def edit_json(request: HttpRequest, token: str) -> JsonResponse:
    r = get_review_for_edit(token)
    return JsonResponse(review_payload(request, r, get_revision(r), edit_token=token))


@require_POST
def rename(request: HttpRequest, token: str) -> HttpResponse:
    r = get_review_for_edit(token)
    form = RenameForm(request.POST)
    if not form.is_valid():
        return _page(request, r, token, 400, rename_form=form)
    r.title = form.cleaned_data["title"].strip()
    r.save(update_fields=["title"])
    return redirect(links.edit(token))


@require_POST
def add_revision(request: HttpRequest, token: str) -> HttpResponse:
    r = get_review_for_edit(token)
    try:
        form = bind(request, RevisionForm)
        if not form.is_valid():
            return _page(request, r, token, 400, revision_form=form)
        revision, _diff = services.add_revision(
            r, form.uploads(), form.cleaned_data["mode"], pods=form.cleaned_data["pods"]
        )
    except services.UploadRefused as refused:
        text = request.POST.get("text", "") if refused.status != 413 else ""
        form = RevisionForm(initial={"text": text})
        return _page(request, r, token, refused.status, revision_form=form, refused=refused)
    if revision.number > 1 and revision.previous_diff is not None:
        return redirect(links.diff(r, revision.number - 1, revision.number))
    return redirect(links.edit(token))


@require_POST
def delete(request: HttpRequest, token: str) -> HttpResponse:
    r = get_review_for_edit(token)
    form = DeleteForm(request.POST)
    if not form.is_valid():
        return _page(request, r, token, 400, delete_form=form)
    r.delete()
    return redirect(reverse("netviz-home") + "?deleted=1")
