"""Connections by class instead of one text line per pair, findings stored once, exports rendered
on demand and kept gzip-compressed; the JSON analysis field (read by no page) is dropped."""

import gzip
import json
import zlib

import numpy as np
from django.db import migrations, models


def _ids(snapshot: dict) -> list[str]:
    ids = [e["id"] for e in snapshot.get("endpoints", ())]
    return ids + [x["id"] for x in snapshot.get("externals", ())]


def _compact(ids: list[str], text: str) -> tuple[list, bytes]:
    node = {i: k for k, i in enumerate(ids)}
    cells, index, rows = [], {}, []
    for line in text.splitlines():
        src, dst, ports, ports_text, grants = json.loads(line)
        key = json.dumps([ports, ports_text, grants], sort_keys=True)
        if key not in index:
            index[key] = len(cells)
            cells.append({"ports": ports, "ports_text": ports_text, "grants": grants})
        rows.append((node[src], node[dst], index[key]))
    if not rows:
        return cells, b""
    array = np.array(rows, dtype="<i4").T.copy()
    return cells, zlib.compress(array.tobytes(), 6)


def forwards(apps, schema_editor):
    Revision = apps.get_model("netviz", "Revision")
    Export = apps.get_model("netviz", "Export")
    for rev in Revision.objects.only("pk", "snapshot", "connections").iterator():
        ids = _ids(rev.snapshot)
        cells, blob = _compact(ids, rev.connections)
        Revision.objects.filter(pk=rev.pk).update(nodes=ids, cells=cells, pairs=blob)
    for export in Export.objects.only("pk", "content").iterator():
        data = export.content.encode("utf-8")
        Export.objects.filter(pk=export.pk).update(
            gzip=gzip.compress(data, mtime=0), size=len(data)
        )


class Migration(migrations.Migration):
    dependencies = [("netviz", "0007_review_view_token_hash")]

    operations = [
        migrations.AddField(
            model_name="revision",
            name="nodes",
            field=models.JSONField(
                default=list,
                help_text="Ids of the nodes the pairs refer to by index: the snapshot's "
                "endpoints, then its external ranges, as they were at upload.",
            ),
        ),
        migrations.AddField(
            model_name="revision",
            name="cells",
            field=models.JSONField(
                default=list,
                help_text="The connections' distinct (ports, ports_text, grants) cells, each once "
                "(netviz.diff.snapshot.Compact); pairs refer to them by index.",
            ),
        ),
        migrations.AddField(
            model_name="revision",
            name="pairs",
            field=models.BinaryField(
                blank=True,
                default=b"",
                help_text="Every connection as (src node, dst node, cell) int32 rows, "
                "zlib-compressed (netviz.web.store), in output order: a few bytes per pair.",
            ),
        ),
        migrations.AddField(
            model_name="revision",
            name="findings",
            field=models.JSONField(
                blank=True,
                null=True,
                help_text="Lint findings and per-endpoint exposure, computed once at upload "
                "(netviz.web.findings_store.stored_findings); null for revisions from before.",
            ),
        ),
        migrations.AddField(
            model_name="export",
            name="gzip",
            field=models.BinaryField(
                default=b"",
                help_text="The rendered text, exactly as the CLI prints it, UTF-8 and "
                "gzip-compressed.",
            ),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="export",
            name="size",
            field=models.BigIntegerField(
                default=0, help_text="Length of the uncompressed text in bytes."
            ),
        ),
        migrations.RunPython(forwards, migrations.RunPython.noop, elidable=True),
        migrations.RemoveField(model_name="revision", name="analysis"),
        migrations.RemoveField(model_name="revision", name="connections"),
        migrations.RemoveField(model_name="export", name="content"),
    ]
