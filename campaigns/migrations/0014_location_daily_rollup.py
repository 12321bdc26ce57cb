# Issue 20, item 2: each location's daily rows summed per date, so the portfolio reads the days
# at a period's ends as one row a location and day (not one a campaign and day). The table is
# filled here from the daily rows already stored; from then on every write keeps it exact
# (campaigns/rollups.py).

from decimal import Decimal

import django.db.models.deletion
from django.db import migrations, models
from django.db.models import Count, Sum

NUMBERS = (
    "impressions",
    "clicks",
    "leads",
    "qualified_leads",
    "hot_leads",
    "conversions",
    "revenue",
    "spend",
)


def fill(apps, schema_editor):
    """The location days of the days stored before this migration (historical models: no
    scope)."""
    DailyMetric = apps.get_model("campaigns", "DailyMetric")
    LocationDailyMetric = apps.get_model("campaigns", "LocationDailyMetric")
    days = (
        DailyMetric.objects.values("location_id", "date")
        .annotate(days=Count("id"), **{name: Sum(name) for name in NUMBERS})
        .order_by()
    )
    LocationDailyMetric.objects.bulk_create(
        (LocationDailyMetric(**row) for row in days.iterator()), batch_size=1000
    )


class Migration(migrations.Migration):
    dependencies = [
        ("campaigns", "0013_location_data_version"),
    ]

    operations = [
        migrations.CreateModel(
            name="LocationDailyMetric",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("days", models.PositiveIntegerField(default=0)),
                ("impressions", models.BigIntegerField(default=0)),
                ("clicks", models.BigIntegerField(default=0)),
                ("leads", models.BigIntegerField(default=0)),
                ("qualified_leads", models.BigIntegerField(default=0)),
                ("hot_leads", models.BigIntegerField(default=0)),
                ("conversions", models.BigIntegerField(default=0)),
                (
                    "revenue",
                    models.DecimalField(decimal_places=2, default=Decimal("0"), max_digits=20),
                ),
                (
                    "spend",
                    models.DecimalField(decimal_places=2, default=Decimal("0"), max_digits=20),
                ),
                ("date", models.DateField()),
                (
                    "location",
                    models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="campaigns.location",
                    ),
                ),
            ],
            options={
                "abstract": False,
                "base_manager_name": "objects",
                "constraints": [
                    models.UniqueConstraint(
                        fields=("location", "date"), name="locationdailymetric_date_unique"
                    )
                ],
            },
        ),
        migrations.RunPython(fill, migrations.RunPython.noop),
    ]
