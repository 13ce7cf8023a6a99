"""Connections move out of the snapshot JSON into one line each, so pages decode only a page."""

import json

from django.db import migrations, models


def move_connections(apps, schema_editor):
    Revision = apps.get_model("netviz", "Revision")
    for rev in Revision.objects.only("id", "snapshot").iterator():
        snap = dict(rev.snapshot)
        rows = snap.pop("connections", [])
        rev.snapshot = snap
        # The layout of netviz.web.models.encode_connection, frozen here as migrations must be.
        rev.connections = "\n".join(
            json.dumps(
                [c["src"], c["dst"], c["ports"], c["ports_text"], c["grants"]],
                ensure_ascii=False,
                separators=(",", ":"),
            )
            for c in rows
        )
        rev.save(update_fields=["snapshot", "connections"])


class Migration(migrations.Migration):
    dependencies = [("netviz", "0003_export_model")]

    operations = [
        migrations.AddField(
            model_name="revision",
            name="connections",
            field=models.TextField(
                blank=True,
                default="",
                help_text="The snapshot's connections, one JSON array per line (see "
                "encode_connection), so a page decodes only the rows it shows.",
            ),
        ),
        migrations.AlterField(
            model_name="revision",
            name="snapshot",
            field=models.JSONField(
                default=dict,
                help_text="netviz.diff.snapshot of the analysis without its connections: "
                "endpoints, policies, rules, caveats.",
            ),
        ),
        migrations.RunPython(move_connections, migrations.RunPython.noop),
    ]
