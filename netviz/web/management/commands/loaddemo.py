"""`manage.py loaddemo`: store the demo review (once) and print its link."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand
from django.urls import reverse

from netviz.diff import SNAPSHOT_VERSION
from netviz.web.models import Review
from netviz.web.services import Upload, add_revision, create_review

DEMO_TITLE = "Demo: online shop"
DEMO_DIR = Path(__file__).resolve().parents[2] / "demo"
# Revision 2 adds this file, so the demo also shows a diff.
SECOND_REVISION_FILE = "04-payments.yaml"


def demo_files() -> list[Upload]:
    return [Upload(p.name, p.read_bytes()) for p in sorted(DEMO_DIR.glob("*.yaml"))]


class Command(BaseCommand):
    help = f"Create the demo review {DEMO_TITLE!r} unless it exists, and print its view link."

    def add_arguments(self, parser):
        parser.add_argument(
            "--base-url",
            default="http://127.0.0.1:8000",
            help="where the server runs, to print full links (default: %(default)s)",
        )

    def handle(self, *args, base_url: str, **options):
        base = base_url.rstrip("/")
        review = Review.objects.filter(title=DEMO_TITLE).order_by("created").first()
        if review and review.latest_revision().snapshot.get("version") != SNAPSHOT_VERSION:
            # Stored by an older netviz whose pages this one cannot read: load it afresh.
            review.delete()
            review = None
        if review is None:
            files = demo_files()
            first = [f for f in files if f.name != SECOND_REVISION_FILE]
            review, _revision, edit_token = create_review(DEMO_TITLE, first)
            add_revision(review, files)
            self.stdout.write(f"Created the demo review {DEMO_TITLE!r}.")
            self.stdout.write(
                f"Edit link (keep it): {base}{reverse('netviz-edit', args=[edit_token])}"
            )
        view = reverse("netviz-review", args=[review.view_token])
        self.stdout.write(f"Demo review: {base}{view}")
