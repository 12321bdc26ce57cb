# Report schedules, their recipients and delivery log (issue 10, item 3).

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("campaigns", "0006_alert"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="ReportSchedule",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "name",
                    models.CharField(
                        blank=True,
                        help_text="Optional, e.g. “Weekly for the owner”.",
                        max_length=100,
                    ),
                ),
                (
                    "frequency",
                    models.CharField(
                        choices=[("weekly", "Weekly"), ("monthly", "Monthly")],
                        default="weekly",
                        max_length=10,
                    ),
                ),
                (
                    "weekday",
                    models.PositiveSmallIntegerField(
                        choices=[
                            (0, "Monday"),
                            (1, "Tuesday"),
                            (2, "Wednesday"),
                            (3, "Thursday"),
                            (4, "Friday"),
                            (5, "Saturday"),
                            (6, "Sunday"),
                        ],
                        default=0,
                        help_text="For a weekly report.",
                    ),
                ),
                (
                    "day_of_month",
                    models.PositiveSmallIntegerField(
                        default=1, help_text="For a monthly report: 1 to 28 (every month has them)."
                    ),
                ),
                (
                    "hour",
                    models.PositiveSmallIntegerField(
                        default=8, help_text="0 to 23, in the location's time zone."
                    ),
                ),
                (
                    "period",
                    models.CharField(
                        choices=[
                            ("last_week", "Last week"),
                            ("last_month", "Last month"),
                            ("month_to_date", "Month to date"),
                        ],
                        default="last_week",
                        max_length=15,
                    ),
                ),
                ("active", models.BooleanField(default=True)),
                ("created_at", models.DateTimeField(auto_now_add=True)),
                (
                    "created_by",
                    models.ForeignKey(
                        blank=True,
                        db_index=False,
                        editable=False,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "location",
                    models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="report_schedules",
                        to="campaigns.location",
                    ),
                ),
            ],
            options={
                "ordering": ["pk"],
                "base_manager_name": "objects",
                "indexes": [
                    models.Index(fields=["location", "active"], name="reportschedule_loc_idx")
                ],
                "constraints": [
                    models.CheckConstraint(
                        condition=models.Q(("frequency__in", ["weekly", "monthly"])),
                        name="reportschedule_frequency",
                    ),
                    models.CheckConstraint(
                        condition=models.Q(("weekday__gte", 0), ("weekday__lte", 6)),
                        name="reportschedule_weekday_range",
                    ),
                    models.CheckConstraint(
                        condition=models.Q(("day_of_month__gte", 1), ("day_of_month__lte", 28)),
                        name="reportschedule_day_range",
                    ),
                    models.CheckConstraint(
                        condition=models.Q(("hour__gte", 0), ("hour__lte", 23)),
                        name="reportschedule_hour_range",
                    ),
                    models.CheckConstraint(
                        condition=models.Q(
                            ("period__in", ["last_week", "last_month", "month_to_date"])
                        ),
                        name="reportschedule_period_valid",
                    ),
                ],
            },
        ),
        migrations.CreateModel(
            name="ReportScheduleCampaign",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
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
                    "schedule",
                    models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="campaigns.reportschedule",
                    ),
                ),
            ],
            options={
                "base_manager_name": "objects",
                "indexes": [
                    models.Index(
                        fields=["location", "campaign"], name="reportschedcamp_loc_camp_idx"
                    )
                ],
                "constraints": [
                    models.UniqueConstraint(
                        fields=("location", "schedule", "campaign"),
                        name="reportschedulecampaign_unique",
                    )
                ],
            },
        ),
        migrations.AddField(
            model_name="reportschedule",
            name="campaigns",
            field=models.ManyToManyField(
                blank=True,
                help_text="None chosen: every campaign of the location.",
                related_name="+",
                through="campaigns.ReportScheduleCampaign",
                to="campaigns.campaign",
            ),
        ),
        migrations.CreateModel(
            name="ReportRecipient",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "email",
                    models.EmailField(
                        blank=True,
                        help_text="An outside address; empty for a member.",
                        max_length=254,
                    ),
                ),
                ("unsubscribed_at", models.DateTimeField(blank=True, editable=False, null=True)),
                ("created_at", models.DateTimeField(auto_now_add=True)),
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
                    "schedule",
                    models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="recipients",
                        to="campaigns.reportschedule",
                    ),
                ),
                (
                    "user",
                    models.ForeignKey(
                        blank=True,
                        db_index=False,
                        null=True,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
            options={
                "ordering": ["pk"],
                "base_manager_name": "objects",
                "indexes": [
                    models.Index(fields=["location", "user"], name="reportrecipient_loc_user_idx")
                ],
                "constraints": [
                    models.UniqueConstraint(
                        condition=models.Q(("user__isnull", False)),
                        fields=("location", "schedule", "user"),
                        name="reportrecipient_member_once",
                    ),
                    models.UniqueConstraint(
                        condition=models.Q(("user__isnull", True)),
                        fields=("location", "schedule", "email"),
                        name="reportrecipient_address_once",
                    ),
                    models.CheckConstraint(
                        condition=models.Q(
                            models.Q(
                                ("user__isnull", True), models.Q(("email", ""), _negated=True)
                            ),
                            models.Q(("user__isnull", False), ("email", "")),
                            _connector="OR",
                        ),
                        name="reportrecipient_member_or_address",
                    ),
                ],
            },
        ),
        migrations.CreateModel(
            name="ReportDelivery",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "due_at",
                    models.DateTimeField(
                        blank=True,
                        help_text="The occurrence; empty for a test or a manual send.",
                        null=True,
                    ),
                ),
                ("email", models.EmailField(max_length=254)),
                (
                    "status",
                    models.CharField(
                        choices=[("sent", "Sent"), ("retrying", "Retrying"), ("failed", "Failed")],
                        max_length=10,
                    ),
                ),
                ("attempts", models.PositiveSmallIntegerField(default=0)),
                ("last_error", models.TextField(blank=True)),
                ("next_attempt_at", models.DateTimeField(blank=True, null=True)),
                ("sent_at", models.DateTimeField(blank=True, null=True)),
                ("is_test", models.BooleanField(default=False)),
                ("created_at", models.DateTimeField(auto_now_add=True)),
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
                    "recipient",
                    models.ForeignKey(
                        blank=True,
                        db_index=False,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to="campaigns.reportrecipient",
                    ),
                ),
                (
                    "schedule",
                    models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="deliveries",
                        to="campaigns.reportschedule",
                    ),
                ),
            ],
            options={
                "verbose_name_plural": "report deliveries",
                "ordering": ["-created_at", "-pk"],
                "base_manager_name": "objects",
                "indexes": [
                    models.Index(
                        fields=["location", "created_at"], name="reportdelivery_loc_created_idx"
                    ),
                    models.Index(
                        fields=["location", "schedule", "created_at"],
                        name="reportdelivery_loc_sched_idx",
                    ),
                    models.Index(
                        condition=models.Q(("status", "retrying")),
                        fields=["location", "next_attempt_at"],
                        name="reportdelivery_retry_idx",
                    ),
                ],
                "constraints": [
                    models.UniqueConstraint(
                        condition=models.Q(("due_at__isnull", False)),
                        fields=("location", "schedule", "due_at", "email"),
                        name="reportdelivery_once_per_occurrence",
                    ),
                    models.CheckConstraint(
                        condition=models.Q(("status__in", ["sent", "retrying", "failed"])),
                        name="reportdelivery_status_valid",
                    ),
                ],
            },
        ),
    ]
