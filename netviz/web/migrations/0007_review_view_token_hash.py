"""Reviews are looked up by the SHA-256 of their view token, as they already are by the edit token's."""

import hashlib

from django.db import migrations, models


def fill_hashes(apps, schema_editor):
    Review = apps.get_model("netviz", "Review")
    for review in Review.objects.only("pk", "view_token").iterator():
        digest = hashlib.sha256(review.view_token.encode()).hexdigest()
        Review.objects.filter(pk=review.pk).update(view_token_hash=digest)


class Migration(migrations.Migration):
    dependencies = [("netviz", "0006_revision_state")]

    operations = [
        migrations.AddField(
            model_name="review",
            name="view_token_hash",
            field=models.CharField(max_length=64, null=True),
        ),
        migrations.RunPython(fill_hashes, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="review",
            name="view_token_hash",
            field=models.CharField(
                help_text="SHA-256 of the view token: reviews are found by it, so the database "
                "never compares the secret itself (no timing hint about how much of a guess was "
                "right).",
                max_length=64,
                unique=True,
            ),
        ),
    ]
