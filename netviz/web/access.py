"""The only ways to reach a review: its view token, or its edit token. Unknown tokens are 404.

Both are looked up by their SHA-256, so the database compares hashes, never the secret: how long
a lookup takes says nothing about how much of a guessed token was right. The view token found is
then compared with the one given in constant time. The edit token itself is not stored at all.
"""

from __future__ import annotations

import hmac

from django.http import Http404

from netviz.web import snapshots
from netviz.web.models import Review, Revision, hash_token


def get_review(token: str) -> Review:
    """The review whose view link this is, or 404."""
    review = Review.objects.filter(view_token_hash=hash_token(token)).first()
    if review is None or not hmac.compare_digest(review.view_token, token):
        raise Http404("No such review")
    return review


def get_review_for_edit(token: str) -> Review:
    """The review whose edit link this is, or 404 (a view token never grants editing)."""
    try:
        return Review.objects.get(edit_token_hash=hash_token(token))
    except Review.DoesNotExist:
        raise Http404("No such review") from None


def get_revision(
    review: Review, number: int | None = None, defer: tuple[str, ...] = ()
) -> Revision:
    """Analysed revision `number` of the review, its latest analysed when None, or 404; the
    fields `defer` names too are loaded only if read."""
    # The pairs are loaded (and cached) by netviz.web.store, only by pages that need them; the
    # snapshot comes parsed from netviz.web.snapshots.
    qs = review.revisions.filter(state=Revision.DONE).defer(
        "snapshot", "nodes", "cells", "cell_columns", "pairs", "findings", "previous_diff", *defer
    )
    revision = (
        qs.order_by("-number").first() if number is None else qs.filter(number=number).first()
    )
    if revision is None:
        raise Http404("No such revision")
    return snapshots.attach(revision)


def get_any_revision(review: Review, number: int | None = None) -> Revision:
    """Revision `number` (latest when None) in whatever analysis state, or 404."""
    qs = review.revisions.defer(
        "previous_diff", "snapshot", "nodes", "cells", "cell_columns", "pairs", "findings"
    )
    revision = (
        qs.order_by("-number").first() if number is None else qs.filter(number=number).first()
    )
    if revision is None:
        raise Http404("No such revision")
    return revision
