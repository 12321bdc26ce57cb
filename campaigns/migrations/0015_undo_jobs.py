# Issue 20, item 5: an undo of more rows than IMPORT_BACKGROUND_ROWS is a job of the background
# worker, like a large import: ImportJob gets its kind, the undo's rows, and one running undo of
# a batch at a time.

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("campaigns", "0014_location_daily_rollup"),
    ]

    operations = [
        migrations.AddField(
            model_name="importjob",
            name="kind",
            field=models.CharField(
                choices=[("import", "Import of a file"), ("undo", "Undo of an import batch")],
                default="import",
                max_length=10,
            ),
        ),
        migrations.AddField(
            model_name="importjob",
            name="rows_total",
            field=models.PositiveIntegerField(default=0),
        ),
        migrations.AlterField(
            model_name="importjob",
            name="state",
            field=models.CharField(
                choices=[
                    ("queued", "Waiting for the worker"),
                    ("reading", "Reading the file"),
                    ("previewed", "Previewed"),
                    ("committing", "Writing"),
                    ("done", "Done"),
                    ("failed", "Failed"),
                ],
                default="queued",
                max_length=12,
            ),
        ),
        migrations.AddConstraint(
            model_name="importjob",
            constraint=models.UniqueConstraint(
                condition=models.Q(("kind", "undo"), ("state__in", ["queued", "committing"])),
                fields=("location", "batch"),
                name="importjob_one_running_undo",
            ),
        ),
    ]
