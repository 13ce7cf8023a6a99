"""What the review, revision and edit pages show, and their JSON twins, from stored data only."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import HttpRequest

from netviz.diff.snapshot import ports_json
from netviz.formats import CONNECTION_FORMATS
from netviz.web import links, store
from netviz.web.filters import FILTER_KEYS, endpoint_labels, filter_pairs
from netviz.web.forms import ConnectionFilter
from netviz.web.models import Review, Revision, decode_connections

PAGE_SIZE = 200


def _files(review: Review, revision: Revision, request: HttpRequest | None) -> list[dict]:
    out = []
    for f in revision.files.all().defer("content"):
        url = links.original(review, revision, f)
        out.append(
            {
                "name": f.name,
                "size": f.size,
                "sha256": f.sha256,
                "url": links.absolute(request, url) if request else url,
            }
        )
    return out


def revisions(review: Review, request: HttpRequest | None = None) -> list[dict]:
    """Every revision with its links and counts, oldest first."""
    absolute = (lambda u: links.absolute(request, u)) if request else (lambda u: u)
    out = []
    previous = None
    for rev in review.revisions.all().only("number", "created", "summary"):
        out.append(
            {
                "number": rev.number,
                "created": rev.created.isoformat(),
                "url": absolute(links.revision(review, rev.number)),
                "json_url": absolute(links.revision_json(review, rev.number)),
                "diff_url": absolute(links.diff(review, previous, rev.number))
                if previous
                else None,
                "summary": rev.summary,
            }
        )
        previous = rev.number
    return out


def downloads(review: Review, revision: Revision) -> list[dict]:
    return [
        {"format": fmt, "url": links.export(review, revision.number, fmt)}
        for fmt in CONNECTION_FORMATS
    ]


def connection_lines(revision: Revision, params) -> tuple[ConnectionFilter, dict, store.Lines]:
    """The filter form bound to the query string, its values, and the matching stored lines
    (built only when read)."""
    snap = revision.snapshot
    form = ConnectionFilter(params, snap.get("namespaces", []), "universe" in snap)
    values = form.values()
    stored = store.load(revision)
    return form, values, store.Lines(stored, filter_pairs(snap, stored, values))


def _rows(snap: dict, connections: list[dict]) -> list[dict]:
    """Connections as the table shows them: display names, and rules resolved from their index."""
    labels = endpoint_labels(snap)
    rules = snap.get("rules", [])

    def resolve(indexes: list[int] | None) -> list[dict] | None:
        return None if indexes is None else [rules[i] for i in indexes]

    return [
        {
            **c,
            "src_label": labels.get(c["src"], c["src"]),
            "dst_label": labels.get(c["dst"], c["dst"]),
            "grants": [
                {**g, "egress": resolve(g["egress"]), "ingress": resolve(g["ingress"])}
                for g in c["grants"]
            ],
        }
        for c in connections
    ]


def review_context(
    request: HttpRequest, review: Review, revision: Revision, *, edit_token: str | None = None
) -> dict:
    """Everything review.html needs; the page itself only lays it out."""
    form, values, lines = connection_lines(revision, request.GET)
    page = Paginator(lines, PAGE_SIZE).get_page(values.get("page") or 1)
    page.object_list = _rows(revision.snapshot, decode_connections(list(page.object_list)))
    query = request.GET.copy()
    query.pop("page", None)
    latest = review.latest_number()
    snap = revision.snapshot
    return {
        "review": review,
        "revision": revision,
        "is_latest": latest == revision.number,
        "latest": latest,
        "summary": revision.summary,
        "report": revision.report,
        "problems": revision.report.get("errors", []) + revision.report.get("warnings", []),
        "snapshot": snap,
        "filter_form": form,
        "filtered": any(values.get(k) not in (None, "", []) for k in FILTER_KEYS),
        "page": page,
        "query": query.urlencode(),
        "files": _files(review, revision, None),
        "downloads": downloads(review, revision),
        "revisions": revisions(review),
        "view_url": links.absolute(request, links.review(review)),
        "edit_token": edit_token,
        "edit_url": links.absolute(request, links.edit(edit_token)) if edit_token else None,
        "json_url": links.revision_json(review, revision.number),
    }


def review_payload(
    request: HttpRequest, review: Review, revision: Revision, *, edit_token: str | None = None
) -> dict:
    """The JSON twin of a review or revision page: same filters, same connections."""
    _form, values, lines = connection_lines(revision, request.GET)
    stored = lines.stored
    sets = stored.columns["port_sets"]
    ports = [ports_json(sets[k][1]) for k in stored.columns["ports"].tolist()]
    texts = [sets[k][0] for k in stored.columns["ports"].tolist()]
    ids = stored.ids
    at = lines.positions()
    payload = {
        "title": review.title,
        "created": review.created.isoformat(),
        "view_url": links.absolute(request, links.review(review)),
        "json_url": links.absolute(request, links.review_json(review)),
        "revision": revision.number,
        "latest_revision": review.latest_number(),
        "summary": revision.summary,
        "filters": {k: values[k] for k in FILTER_KEYS if values.get(k) not in (None, "", [])},
        "errors": revision.report.get("errors", []),
        "warnings": revision.report.get("warnings", []),
        "ignored": revision.report.get("ignored", []),
        "entry_points": revision.report.get("entry_points", {}).get("rows", []),
        "caveats": revision.snapshot.get("caveats", []),
        "namespaces": revision.snapshot.get("namespaces", []),
        "staged": revision.report.get("staged", []),
        "connections": [
            {"src": ids[a], "dst": ids[b], "ports": ports[k], "ports_text": texts[k]}
            for a, b, k in zip(
                stored.src[at].tolist(),
                stored.dst[at].tolist(),
                stored.cell[at].tolist(),
                strict=True,
            )
        ],
        "files": _files(review, revision, request),
        "downloads": {
            d["format"]: links.absolute(request, d["url"]) for d in downloads(review, revision)
        },
        "revisions": revisions(review, request),
    }
    if edit_token:
        payload["edit_url"] = links.absolute(request, links.edit(edit_token))
    if "expectations" in revision.report:  # a netviz-expect.yaml came with the upload
        payload["expectations"] = revision.report["expectations"]
    return payload
