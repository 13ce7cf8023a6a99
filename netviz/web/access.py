"""The only ways to reach a review: its view token, or its edit token. Unknown tokens are 404.

View tokens are looked up as stored, leaving the comparison to the database index; with 192
random bits a timing side channel there gives nothing usable. Edit tokens are looked up by their
SHA-256, so the database never compares (or holds) the secret itself.
"""

from __future__ import annotations

from django.http import Http404

from netviz.web.models import Review, Revision, hash_token


def get_review(token: str) -> Review:
    """The review whose view link this is, or 404."""
    try:
        return Review.objects.get(view_token=token)
    except Review.DoesNotExist:
        raise Http404("No such review") from None


def get_review_for_edit(token: str) -> Review:
    """The review whose edit link this is, or 404 (a view token never grants editing)."""
    try:
        return Review.objects.get(edit_token_hash=hash_token(token))
    except Review.DoesNotExist:
        raise Http404("No such review") from None


def get_revision(review: Review, number: int | None = None) -> Revision:
    """Analysed revision `number` of the review, its latest analysed when None, or 404."""
    # The JSON export of the analysis is the largest field and no page reads it.
    qs = review.revisions.filter(state=Revision.DONE).defer("analysis", "previous_diff")
    revision = (
        qs.order_by("-number").first() if number is None else qs.filter(number=number).first()
    )
    if revision is None:
        raise Http404("No such revision")
    return revision


def get_any_revision(review: Review, number: int | None = None) -> Revision:
    """Revision `number` (latest when None) in whatever analysis state, or 404."""
    qs = review.revisions.defer("analysis", "previous_diff", "snapshot", "connections")
    revision = (
        qs.order_by("-number").first() if number is None else qs.filter(number=number).first()
    )
    if revision is None:
        raise Http404("No such revision")
    return revision
