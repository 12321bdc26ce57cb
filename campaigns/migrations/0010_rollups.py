# Rollups (issue 11, item 1): each campaign's daily rows summed per month and over its life.
# The tables are filled here from the daily rows already stored; from then on every write keeps
# them exact (campaigns/rollups.py). On PostgreSQL they get the composite campaign key of
# migration 0009, like every table that names a campaign and a location.

from decimal import Decimal

import django.db.models.deletion
from django.db import migrations, models
from django.db.models import Count, Max, Min, Sum
from django.db.models.functions import TruncMonth

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
TABLES = ["campaigns_monthlymetric", "campaigns_lifetimemetric"]


def fill(apps, schema_editor):
    """The rollups of the days stored before this migration (historical models: no scope)."""
    DailyMetric = apps.get_model("campaigns", "DailyMetric")
    MonthlyMetric = apps.get_model("campaigns", "MonthlyMetric")
    LifetimeMetric = apps.get_model("campaigns", "LifetimeMetric")
    LocationMonthlyMetric = apps.get_model("campaigns", "LocationMonthlyMetric")
    sums = {name: Sum(name) for name in NUMBERS}
    months = (
        DailyMetric.objects.annotate(month=TruncMonth("date"))
        .values("location_id", "campaign_id", "month")
        .annotate(days=Count("id"), first_date=Min("date"), last_date=Max("date"), **sums)
        .order_by()
    )
    MonthlyMetric.objects.bulk_create((MonthlyMetric(**row) for row in months), batch_size=1000)
    lifetimes = (
        MonthlyMetric.objects.values("location_id", "campaign_id")
        .annotate(
            days=Sum("days"), first_date=Min("first_date"), last_date=Max("last_date"), **sums
        )
        .order_by()
    )
    LifetimeMetric.objects.bulk_create(
        (LifetimeMetric(**row) for row in lifetimes), batch_size=1000
    )
    locations = (
        MonthlyMetric.objects.values("location_id", "month")
        .annotate(
            days=Sum("days"), first_date=Min("first_date"), last_date=Max("last_date"), **sums
        )
        .order_by()
    )
    LocationMonthlyMetric.objects.bulk_create(
        (LocationMonthlyMetric(**row) for row in locations), batch_size=1000
    )


def add_keys(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for table in TABLES:
        schema_editor.execute(
            f"ALTER TABLE {table} ADD CONSTRAINT {table}_campaign_same_location "
            "FOREIGN KEY (location_id, campaign_id) "
            "REFERENCES campaigns_campaign (location_id, id) ON DELETE CASCADE"
        )


def drop_keys(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for table in TABLES:
        schema_editor.execute(f"ALTER TABLE {table} DROP CONSTRAINT {table}_campaign_same_location")


class Migration(migrations.Migration):
    dependencies = [
        ("campaigns", "0009_composite_campaign_keys"),
    ]

    operations = [
        migrations.CreateModel(
            name="LifetimeMetric",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("days", models.PositiveIntegerField(default=0)),
                ("first_date", models.DateField()),
                ("last_date", models.DateField()),
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
                (
                    "campaign",
                    models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="campaigns.campaign",
                    ),
                ),
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
                        fields=("location", "campaign"), name="lifetimemetric_campaign_unique"
                    )
                ],
            },
        ),
        migrations.CreateModel(
            name="LocationMonthlyMetric",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("days", models.PositiveIntegerField(default=0)),
                ("first_date", models.DateField()),
                ("last_date", models.DateField()),
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
                ("month", models.DateField()),
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
                        fields=("location", "month"), name="locationmonthlymetric_month_unique"
                    )
                ],
            },
        ),
        migrations.CreateModel(
            name="MonthlyMetric",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("days", models.PositiveIntegerField(default=0)),
                ("first_date", models.DateField()),
                ("last_date", models.DateField()),
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
                ("month", models.DateField()),
                (
                    "campaign",
                    models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="campaigns.campaign",
                    ),
                ),
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
                "indexes": [
                    models.Index(fields=["location", "month"], name="monthlymetric_loc_month_idx")
                ],
                "constraints": [
                    models.UniqueConstraint(
                        fields=("location", "campaign", "month"),
                        name="monthlymetric_campaign_month_unique",
                    )
                ],
            },
        ),
        migrations.RunPython(add_keys, drop_keys, elidable=False),
        migrations.RunPython(fill, migrations.RunPython.noop, elidable=False),
    ]
