"""Exports move from one JSON field per revision to a row per format, so a download reads only
its own text; exports stored before are carried over."""

import django.db.models.deletion
from django.db import migrations, models


def move_exports(apps, schema_editor):
    Revision = apps.get_model("netviz", "Revision")
    Export = apps.get_model("netviz", "Export")
    for rev in Revision.objects.only("id", "old_exports").iterator():
        Export.objects.bulk_create(
            Export(revision_id=rev.id, format=fmt, content=text)
            for fmt, text in (rev.old_exports or {}).items()
        )


class Migration(migrations.Migration):
    dependencies = [("netviz", "0002_revision_summary")]

    operations = [
        # Out of the way first: the new model's reverse accessor is also called `exports`.
        migrations.RenameField(model_name="revision", old_name="exports", new_name="old_exports"),
        migrations.CreateModel(
            name="Export",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "format",
                    models.CharField(
                        help_text="json, csv, md, dot or text (the CLI's).", max_length=8
                    ),
                ),
                (
                    "content",
                    models.TextField(help_text="The rendered text, exactly as the CLI prints it."),
                ),
                (
                    "revision",
                    models.ForeignKey(
                        help_text="The revision whose connectivity this is.",
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="exports",
                        to="netviz.revision",
                    ),
                ),
            ],
            options={
                "constraints": [
                    models.UniqueConstraint(
                        fields=("revision", "format"), name="netviz_export_format"
                    )
                ],
            },
        ),
        migrations.RunPython(move_exports, migrations.RunPython.noop),
        migrations.RemoveField(model_name="revision", name="old_exports"),
    ]
