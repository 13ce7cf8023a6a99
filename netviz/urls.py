"""All URLs of netviz; names are prefixed `netviz-`. Tokens are the only key to a review."""

from django.urls import path, register_converter

from netviz.web import api
from netviz.web.converters import TokenConverter
from netviz.web.views import (
    data,
    diff,
    downloads,
    draft,
    edit,
    explore,
    generate_keep,
    home,
    progress,
    review,
    shared_draft,
    whatif,
)

register_converter(TokenConverter, "token")

handler400 = "netviz.web.views.errors.bad_request"
handler404 = "netviz.web.views.errors.not_found"
handler500 = "netviz.web.views.errors.server_error"

urlpatterns = [
    path("", home.home, name="netviz-home"),
    # Read-only, for anyone with the view link.
    path("r/<token:token>/", review.review, name="netviz-review"),
    path("r/<token:token>.json", review.review_json, name="netviz-review-json"),
    path("r/<token:token>/rev/<int:number>/", review.revision, name="netviz-revision"),
    path(
        "r/<token:token>/rev/<int:number>.json", review.revision_json, name="netviz-revision-json"
    ),
    path(
        "r/<token:token>/rev/<int:number>/files/<int:position>/<str:name>",
        downloads.original,
        name="netviz-file",
    ),
    path(
        "r/<token:token>/rev/<int:number>/connections.<slug:fmt>",
        downloads.export,
        name="netviz-export",
    ),
    # One pair's explanation (ids as slugs, see netviz.web.edges.slug), and the policies tab.
    path("r/<token:token>/edge/<str:src>/<str:dst>/", explore.edge, name="netviz-edge"),
    path(
        "r/<token:token>/edge/<str:src>/<str:dst>.json", explore.edge_json, name="netviz-edge-json"
    ),
    path(
        "r/<token:token>/rev/<int:number>/edge/<str:src>/<str:dst>/",
        explore.revision_edge,
        name="netviz-revision-edge",
    ),
    path("r/<token:token>/rev/<int:number>/policies/", explore.policies, name="netviz-policies"),
    path("r/<token:token>/rev/<int:number>/findings/", explore.findings, name="netviz-findings"),
    path(
        "r/<token:token>/rev/<int:number>/findings.json",
        explore.findings_json_view,
        name="netviz-findings-json",
    ),
    path(
        "r/<token:token>/rev/<int:number>/state.json",
        progress.state_json,
        name="netviz-revision-state",
    ),
    # What-if, read-only: allow or block one pair, generate least privilege (netviz.whatif).
    path("r/<token:token>/rev/<int:number>/allow.json", whatif.allow_json, name="netviz-allow"),
    path(
        "r/<token:token>/rev/<int:number>/block.json", whatif.block_json_view, name="netviz-block"
    ),
    path(
        "r/<token:token>/rev/<int:number>/generate.json",
        whatif.generate_json,
        name="netviz-generate-json",
    ),
    path(
        "r/<token:token>/rev/<int:number>/generate.yaml",
        whatif.generate_yaml,
        name="netviz-generate-yaml",
    ),
    path("r/<token:token>/rev/<int:number>/draft.json", draft.draft_json, name="netviz-draft"),
    path(
        "r/<token:token>/rev/<int:number>/draft-result/<str:job>.json",
        draft.draft_result,
        name="netviz-draft-result",
    ),
    path(
        "r/<token:token>/rev/<int:number>/draft.zip",
        draft.draft_zip_download,
        name="netviz-draft-zip",
    ),
    path(
        "r/<token:token>/rev/<int:number>/share-draft.json",
        shared_draft.share,
        name="netviz-share-draft",
    ),
    path(
        "r/<token:token>/draft/<str:secret>.json", shared_draft.shared, name="netviz-shared-draft"
    ),
    path(
        "r/<token:token>/rev/<int:number>/generate-keep.json",
        generate_keep.generate_keep_json,
        name="netviz-generate-keep",
    ),
    # What a big review page fetches as it opens namespaces (netviz.web.views.data).
    path(
        "r/<token:token>/rev/<int:number>/data/blocks.json",
        data.aggregates,
        name="netviz-data-blocks",
    ),
    path(
        "r/<token:token>/rev/<int:number>/data/ns/<int:g>.json",
        data.namespace,
        name="netviz-data-namespace",
    ),
    path(
        "r/<token:token>/rev/<int:number>/data/block/<int:a>/<int:b>.json",
        data.block,
        name="netviz-data-block",
    ),
    path(
        "r/<token:token>/rev/<int:number>/data/edges.json",
        data.all_edges,
        name="netviz-data-edges",
    ),
    path("r/<token:token>/diff/", diff.choose, name="netviz-diff-choose"),
    path("r/<token:token>/diff/<int:a>..<int:b>/", diff.diff_page, name="netviz-diff"),
    path("r/<token:token>/diff/<int:a>..<int:b>.json", diff.diff_json, name="netviz-diff-json"),
    path(
        "r/<token:token>/diff/<int:a>..<int:b>.<slug:fmt>",
        diff.diff_export,
        name="netviz-diff-export",
    ),
    # For whoever holds the edit link.
    path("e/<token:token>/", edit.edit, name="netviz-edit"),
    path("e/<token:token>.json", edit.edit_json, name="netviz-edit-json"),
    path("e/<token:token>/rename", edit.rename, name="netviz-rename"),
    path("e/<token:token>/revisions", edit.add_revision, name="netviz-add-revision"),
    path("e/<token:token>/delete", edit.delete, name="netviz-delete"),
    path("e/<token:token>/rev/<int:number>/retry", progress.retry, name="netviz-retry"),
    # JSON API for CI.
    path("api/reviews", api.create_review, name="netviz-api-reviews"),
    path("api/reviews/<token:token>/revisions", api.add_revision, name="netviz-api-revisions"),
]
