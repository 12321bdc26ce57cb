# Custom alert rules and alert e-mail preferences (issue 10, item 2).

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

RULE_METRICS = [
    "cost_per_lead",
    "cost_per_qualified_lead",
    "cost_per_conversion",
    "cpc",
    "roi",
    "roas",
    "ctr",
    "conversion_rate",
    "profit_margin",
    "spend",
    "revenue",
    "profit",
    "impressions",
    "clicks",
    "leads",
    "qualified_leads",
    "conversions",
]
KINDS = ["over_budget", "pacing_ahead", "behind_late", "no_data", "custom"]


class Migration(migrations.Migration):
    dependencies = [
        ("campaigns", "0007_report_schedules"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="AlertRule",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "location",
                    models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="alert_rules",
                        to="campaigns.location",
                    ),
                ),
                (
                    "metric",
                    models.CharField(
                        choices=[
                            ("cost_per_lead", "Cost per lead"),
                            ("cost_per_qualified_lead", "Cost per qualified lead"),
                            ("cost_per_conversion", "Cost per conversion"),
                            ("cpc", "Cost per click"),
                            ("roi", "ROI"),
                            ("roas", "ROAS"),
                            ("ctr", "Click-through rate"),
                            ("conversion_rate", "Lead → conversion"),
                            ("profit_margin", "Profit margin"),
                            ("spend", "Spend"),
                            ("revenue", "Revenue"),
                            ("profit", "Profit"),
                            ("impressions", "Impressions"),
                            ("clicks", "Clicks"),
                            ("leads", "Leads"),
                            ("qualified_leads", "Qualified leads"),
                            ("conversions", "Conversions"),
                        ],
                        max_length=40,
                    ),
                ),
                (
                    "comparison",
                    models.CharField(
                        choices=[
                            ("above", "above"),
                            ("below", "below"),
                            ("below_target", "below the campaign's target"),
                        ],
                        max_length=20,
                    ),
                ),
                (
                    "threshold",
                    models.DecimalField(blank=True, decimal_places=4, max_digits=18, null=True),
                ),
                (
                    "window_days",
                    models.PositiveSmallIntegerField(
                        choices=[
                            (7, "last 7 days"),
                            (14, "last 14 days"),
                            (30, "last 30 days"),
                            (90, "last 90 days"),
                        ],
                        default=7,
                    ),
                ),
                ("all_campaigns", models.BooleanField(default=True)),
                ("active", models.BooleanField(default=True)),
                ("created_at", models.DateTimeField(auto_now_add=True)),
            ],
            options={
                "ordering": ["metric", "comparison", "threshold", "pk"],
                "base_manager_name": "objects",
                "indexes": [
                    models.Index(fields=["location", "active"], name="alertrule_loc_active_idx")
                ],
                "constraints": [
                    models.CheckConstraint(
                        condition=models.Q(("metric__in", RULE_METRICS)),
                        name="alertrule_metric_valid",
                    ),
                    models.CheckConstraint(
                        condition=models.Q(
                            models.Q(
                                ("comparison__in", ["above", "below"]),
                                ("threshold__isnull", False),
                            ),
                            models.Q(
                                ("comparison", "below_target"),
                                ("metric__in", ["roi"]),
                                ("threshold__isnull", True),
                            ),
                            _connector="OR",
                        ),
                        name="alertrule_comparison_valid",
                    ),
                    models.CheckConstraint(
                        condition=models.Q(("window_days__in", [7, 14, 30, 90])),
                        name="alertrule_window_valid",
                    ),
                ],
            },
        ),
        migrations.CreateModel(
            name="AlertRuleCampaign",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
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
                (
                    "rule",
                    models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="campaigns.alertrule",
                    ),
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
            ],
            options={
                "base_manager_name": "objects",
                "indexes": [
                    models.Index(fields=["location", "campaign"], name="alertrulecampaign_camp_idx")
                ],
                "constraints": [
                    models.UniqueConstraint(
                        fields=("location", "rule", "campaign"), name="alertrulecampaign_unique"
                    )
                ],
            },
        ),
        migrations.AddField(
            model_name="alertrule",
            name="campaigns",
            field=models.ManyToManyField(
                blank=True,
                related_name="alert_rules",
                through="campaigns.AlertRuleCampaign",
                to="campaigns.campaign",
            ),
        ),
        migrations.CreateModel(
            name="AlertEmailPreference",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
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
                (
                    "user",
                    models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "delivery",
                    models.CharField(
                        choices=[
                            ("immediate", "Immediately, one e-mail when alerts open"),
                            ("digest", "A daily digest at 08:00 (the location's time)"),
                            ("none", "None"),
                        ],
                        default="immediate",
                        max_length=10,
                    ),
                ),
            ],
            options={
                "base_manager_name": "objects",
                "constraints": [
                    models.UniqueConstraint(
                        fields=("location", "user"), name="alertemailpref_unique"
                    ),
                    models.CheckConstraint(
                        condition=models.Q(("delivery__in", ["immediate", "digest", "none"])),
                        name="alertemailpref_delivery_valid",
                    ),
                ],
            },
        ),
        # Alerts: a nullable rule and the kind "custom"; one open alert per (campaign, kind) for
        # the built-ins and per (campaign, rule) for custom rules.
        migrations.RemoveConstraint(model_name="alert", name="alert_one_open_per_campaign_kind"),
        migrations.RemoveConstraint(model_name="alert", name="alert_kind_valid"),
        migrations.AlterField(
            model_name="alert",
            name="kind",
            field=models.CharField(
                choices=[
                    ("over_budget", "Over budget"),
                    ("pacing_ahead", "Spending ahead of plan"),
                    ("behind_late", "Behind on results late in the campaign"),
                    ("no_data", "No data received"),
                    ("custom", "Custom rule"),
                ],
                max_length=20,
            ),
        ),
        migrations.AddField(
            model_name="alert",
            name="rule",
            field=models.ForeignKey(
                blank=True,
                db_index=False,
                help_text="The custom rule that raised it (kind “custom” only).",
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="alerts",
                to="campaigns.alertrule",
            ),
        ),
        migrations.AddIndex(
            model_name="alert",
            index=models.Index(fields=["location", "rule"], name="alert_loc_rule_idx"),
        ),
        migrations.AddConstraint(
            model_name="alert",
            constraint=models.UniqueConstraint(
                condition=models.Q(
                    ("resolved_at__isnull", True), models.Q(("kind", "custom"), _negated=True)
                ),
                fields=("location", "campaign", "kind"),
                name="alert_one_open_per_campaign_kind",
            ),
        ),
        migrations.AddConstraint(
            model_name="alert",
            constraint=models.UniqueConstraint(
                condition=models.Q(("kind", "custom"), ("resolved_at__isnull", True)),
                fields=("location", "campaign", "rule"),
                name="alert_one_open_per_campaign_rule",
            ),
        ),
        migrations.AddConstraint(
            model_name="alert",
            constraint=models.CheckConstraint(
                condition=models.Q(("kind__in", KINDS)), name="alert_kind_valid"
            ),
        ),
        migrations.AddConstraint(
            model_name="alert",
            constraint=models.CheckConstraint(
                condition=models.Q(("kind", "custom"), ("rule__isnull", True), _connector="OR"),
                name="alert_rule_only_custom",
            ),
        ),
    ]
