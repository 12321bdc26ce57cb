"""Scheduled client reports: the schedule, who receives it, and the delivery log.

A schedule sends a location's report weekly or monthly at an hour of the location's time zone
(campaigns.reporting.schedules finds the due occurrences). Its recipients are members of the
location (their address is read at send time) and outside addresses; each may unsubscribe
through the signed link of their e-mail. Every message sent, or tried, is a ``ReportDelivery``.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from campaigns.models.campaign import Campaign
from campaigns.models.tenants import Location
from campaigns.tenancy import ScopedManager

__all__ = ["ReportDelivery", "ReportRecipient", "ReportSchedule", "ReportScheduleCampaign"]

WEEKDAYS = [
    (0, "Monday"),
    (1, "Tuesday"),
    (2, "Wednesday"),
    (3, "Thursday"),
    (4, "Friday"),
    (5, "Saturday"),
    (6, "Sunday"),
]


class ReportSchedule(models.Model):
    """When a location's report is sent, over which period and which campaigns."""

    class Frequency(models.TextChoices):
        WEEKLY = "weekly", "Weekly"
        MONTHLY = "monthly", "Monthly"

    class Period(models.TextChoices):
        LAST_WEEK = "last_week", "Last week"
        LAST_MONTH = "last_month", "Last month"
        MONTH_TO_DATE = "month_to_date", "Month to date"

    location = models.ForeignKey(
        Location, on_delete=models.CASCADE, related_name="report_schedules", db_index=False
    )
    name = models.CharField(
        max_length=100, blank=True, help_text="Optional, e.g. “Weekly for the owner”."
    )
    frequency = models.CharField(max_length=10, choices=Frequency.choices, default=Frequency.WEEKLY)
    weekday = models.PositiveSmallIntegerField(
        choices=WEEKDAYS, default=0, help_text="For a weekly report."
    )
    day_of_month = models.PositiveSmallIntegerField(
        default=1, help_text="For a monthly report: 1 to 28 (every month has them)."
    )
    hour = models.PositiveSmallIntegerField(
        default=8, help_text="0 to 23, in the location's time zone."
    )
    period = models.CharField(max_length=15, choices=Period.choices, default=Period.LAST_WEEK)
    campaigns = models.ManyToManyField(
        Campaign,
        through="ReportScheduleCampaign",
        blank=True,
        related_name="+",
        help_text="None chosen: every campaign of the location.",
    )
    active = models.BooleanField(default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
        db_index=False,
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedManager()

    class Meta:
        ordering = ["pk"]
        base_manager_name = "objects"
        constraints = [
            models.CheckConstraint(
                condition=Q(frequency__in=["weekly", "monthly"]), name="reportschedule_frequency"
            ),
            models.CheckConstraint(
                condition=Q(weekday__gte=0, weekday__lte=6), name="reportschedule_weekday_range"
            ),
            models.CheckConstraint(
                condition=Q(day_of_month__gte=1, day_of_month__lte=28),
                name="reportschedule_day_range",
            ),
            models.CheckConstraint(
                condition=Q(hour__gte=0, hour__lte=23), name="reportschedule_hour_range"
            ),
            models.CheckConstraint(
                condition=Q(period__in=["last_week", "last_month", "month_to_date"]),
                name="reportschedule_period_valid",
            ),
        ]
        indexes = [models.Index(fields=["location", "active"], name="reportschedule_loc_idx")]

    def __str__(self) -> str:
        return self.name or f"{self.get_frequency_display()} report"

    @property
    def when(self) -> str:
        """ "Weekly, Mondays at 08:00" or "Monthly, on day 1 at 08:00" (location time)."""
        if self.frequency == self.Frequency.WEEKLY:
            return f"Weekly, {self.get_weekday_display()}s at {self.hour:02d}:00"
        return f"Monthly, on day {self.day_of_month} at {self.hour:02d}:00"


class ReportScheduleCampaign(models.Model):
    """A campaign chosen for a schedule (the many-to-many, with its location)."""

    location = models.ForeignKey(
        Location, on_delete=models.CASCADE, related_name="+", db_index=False
    )
    schedule = models.ForeignKey(
        ReportSchedule, on_delete=models.CASCADE, related_name="+", db_index=False
    )
    campaign = models.ForeignKey(
        Campaign, on_delete=models.CASCADE, related_name="+", db_index=False
    )

    objects = ScopedManager()

    class Meta:
        base_manager_name = "objects"
        constraints = [
            models.UniqueConstraint(
                fields=["location", "schedule", "campaign"], name="reportschedulecampaign_unique"
            )
        ]
        indexes = [
            models.Index(fields=["location", "campaign"], name="reportschedcamp_loc_camp_idx")
        ]

    def __str__(self) -> str:
        return f"{self.campaign} in {self.schedule}"


class ReportRecipient(models.Model):
    """Who receives a schedule's report: a member of the location (``user``; their address is
    read at send time) or an outside address (``email``). Unsubscribed ones get nothing."""

    location = models.ForeignKey(
        Location, on_delete=models.CASCADE, related_name="+", db_index=False
    )
    schedule = models.ForeignKey(
        ReportSchedule, on_delete=models.CASCADE, related_name="recipients", db_index=False
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,
    )
    email = models.EmailField(blank=True, help_text="An outside address; empty for a member.")
    unsubscribed_at = models.DateTimeField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedManager()

    class Meta:
        ordering = ["pk"]
        base_manager_name = "objects"
        constraints = [
            models.UniqueConstraint(
                fields=["location", "schedule", "user"],
                condition=Q(user__isnull=False),
                name="reportrecipient_member_once",
            ),
            models.UniqueConstraint(
                fields=["location", "schedule", "email"],
                condition=Q(user__isnull=True),
                name="reportrecipient_address_once",
            ),
            models.CheckConstraint(
                condition=(Q(user__isnull=True) & ~Q(email=""))
                | (Q(user__isnull=False) & Q(email="")),
                name="reportrecipient_member_or_address",
            ),
        ]
        indexes = [models.Index(fields=["location", "user"], name="reportrecipient_loc_user_idx")]

    def __str__(self) -> str:
        return self.address or "(a member without an e-mail address)"

    @property
    def address(self) -> str:
        """The address the report goes to now (a member's current one)."""
        return self.user.email if self.user_id else self.email

    @property
    def is_member(self) -> bool:
        return self.user_id is not None


class ReportDelivery(models.Model):
    """One message of a report to one address: sent, retrying after a failure, or failed for
    good, with the reason. Scheduled ones are unique per occurrence and address."""

    class Status(models.TextChoices):
        SENT = "sent", "Sent"
        RETRYING = "retrying", "Retrying"
        FAILED = "failed", "Failed"

    location = models.ForeignKey(
        Location, on_delete=models.CASCADE, related_name="+", db_index=False
    )
    schedule = models.ForeignKey(
        ReportSchedule, on_delete=models.CASCADE, related_name="deliveries", db_index=False
    )
    recipient = models.ForeignKey(
        ReportRecipient,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,
    )
    due_at = models.DateTimeField(
        null=True, blank=True, help_text="The occurrence; empty for a test or a manual send."
    )
    email = models.EmailField()
    status = models.CharField(max_length=10, choices=Status.choices)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.TextField(blank=True)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    is_test = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedManager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        base_manager_name = "objects"
        verbose_name_plural = "report deliveries"
        constraints = [
            models.UniqueConstraint(
                fields=["location", "schedule", "due_at", "email"],
                condition=Q(due_at__isnull=False),
                name="reportdelivery_once_per_occurrence",
            ),
            models.CheckConstraint(
                condition=Q(status__in=["sent", "retrying", "failed"]),
                name="reportdelivery_status_valid",
            ),
        ]
        indexes = [
            models.Index(fields=["location", "created_at"], name="reportdelivery_loc_created_idx"),
            models.Index(
                fields=["location", "schedule", "created_at"], name="reportdelivery_loc_sched_idx"
            ),
            # The retry source reads only the few rows waiting for a retry.
            models.Index(
                fields=["location", "next_attempt_at"],
                condition=Q(status="retrying"),
                name="reportdelivery_retry_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.schedule} to {self.email}: {self.get_status_display()}"
