"""Keep each revision's counts in a field of their own, filled in for revisions stored before."""

from django.db import migrations, models


def fill_summaries(apps, schema_editor):
    Revision = apps.get_model("netviz", "Revision")
    for rev in Revision.objects.all().iterator():
        snap, report = rev.snapshot, rev.report
        rev.summary = {
            "namespaces": len(snap.get("namespaces", ())),
            "endpoints": len(snap.get("endpoints", ())),
            "policies": len(snap.get("policies", ())),
            "connections": len(snap.get("connections", ())),
            "errors": len(report.get("errors", ())),
            "warnings": len(report.get("warnings", ())),
            "caveats": len(snap.get("caveats", ())),
        }
        rev.save(update_fields=["summary"])


class Migration(migrations.Migration):
    dependencies = [("netviz", "0001_initial")]

    operations = [
        migrations.AddField(
            model_name="revision",
            name="summary",
            field=models.JSONField(
                default=dict,
                help_text="Counts (endpoints, policies, connections, errors, ...), so lists of "
                "revisions need not load the snapshots.",
            ),
        ),
        migrations.AlterField(
            model_name="revision",
            name="exports",
            field=models.JSONField(
                default=dict,
                help_text="Connectivity rendered once per download format (json, csv, md, dot, text).",
            ),
        ),
        migrations.RunPython(fill_summaries, migrations.RunPython.noop),
    ]
