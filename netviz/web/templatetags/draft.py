"""`{% draft_config review revision files edit_token %}`: what static/js/draft.js needs to edit
policies of a revision in the browser, evaluate the draft and save it as a new revision."""

from __future__ import annotations

from django import template
from django.urls import reverse

from netviz.web import links
from netviz.web.models import Review, Revision

register = template.Library()


@register.simple_tag
def draft_config(
    review: Review, revision: Revision, files: list[dict], edit_token: str | None = None
) -> dict:
    number = revision.number
    latest = review.latest_number() == number
    config = {
        "key": f"netviz-draft:{review.view_token}:{number}",
        "revision": number,
        "draft_url": reverse("netviz-draft", args=[review.view_token, number]),
        "zip_url": reverse("netviz-draft-zip", args=[review.view_token, number]),
        "allow_url": links.whatif(review, number, "allow"),
        "block_url": links.whatif(review, number, "block"),
        "generate_url": links.whatif(review, number, "generate.json"),
        "generate_yaml_url": links.whatif(review, number, "generate.yaml"),
        "generate_keep_url": reverse("netviz-generate-keep", args=[review.view_token, number]),
        "files": [{"name": f["name"], "url": f["url"]} for f in files],
        "share_url": reverse("netviz-share-draft", args=[review.view_token, number]),
        "shared_base": reverse("netviz-shared-draft", args=[review.view_token, "x"])[
            : -len("x.json")
        ],
    }
    # Saving makes the next revision: only from the edit page, and only on top of the latest.
    if edit_token and latest:
        config["save_url"] = reverse("netviz-api-revisions", args=[edit_token])
    return config
