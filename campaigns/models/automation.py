"""What the background work records: the scheduler's claims and the alerts it raises."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from campaigns.models.campaign import Campaign
from campaigns.models.tenants import Location
from campaigns.tenancy import ScopedManager


class ScheduledRun(models.Model):
    """One piece of due work, enqueued once: the scheduler's guard against doing it twice.

    The scheduler inserts (kind, key, due_at) before it enqueues; a second scheduler (or a
    restarted one) that finds the same work due fails the unique constraint and enqueues nothing.
    Not tenant-owned: ``key`` names the location (or schedule) and the task enters its scope.
    """

    kind = models.CharField(max_length=50)
    key = models.CharField(max_length=200)
    due_at = models.DateTimeField()
    enqueued_at = models.DateTimeField(default=timezone.now)
    task_id = models.CharField(max_length=64, blank=True)  # empty: run in-process or skipped
    # True when the work was found more than a day late (the scheduler was down) and not run.
    skipped = models.BooleanField(default=False)

    class Meta:
        ordering = ["-due_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "key", "due_at"], name="scheduledrun_once_per_due_time"
            )
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.key} due {self.due_at:%Y-%m-%d %H:%M %Z}"


class Alert(models.Model):
    """Something wrong with a campaign, found by campaigns.alerts: one row per episode.

    It opens when the condition starts, stays open (one row, never repeated) while it holds and
    is resolved when it stops; a manager may acknowledge it in the meantime. At most one built-in
    alert of a kind, and one alert of each custom rule, is open per campaign (two partial unique
    constraints: NULLs are distinct in a unique constraint, so one over (kind, rule) would not do).
    A custom alert keeps its message (which names the rule) when its rule is deleted.
    """

    class Kind(models.TextChoices):
        OVER_BUDGET = "over_budget", "Over budget"
        PACING_AHEAD = "pacing_ahead", "Spending ahead of plan"
        BEHIND_LATE = "behind_late", "Behind on results late in the campaign"
        NO_DATA = "no_data", "No data received"
        CUSTOM = "custom", "Custom rule"

    location = models.ForeignKey(
        Location, on_delete=models.CASCADE, related_name="alerts", db_index=False
    )
    campaign = models.ForeignKey(
        Campaign,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="alerts",
        db_index=False,
    )
    kind = models.CharField(max_length=20, choices=Kind.choices)
    rule = models.ForeignKey(
        "campaigns.AlertRule",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="alerts",
        db_index=False,
        help_text="The custom rule that raised it (kind “custom” only).",
    )
    message = models.TextField(help_text="The reason, in words.")
    opened_at = models.DateTimeField(default=timezone.now)
    resolved_at = models.DateTimeField(null=True, blank=True)
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,
    )

    objects = ScopedManager()

    class Meta:
        ordering = ["-opened_at"]
        base_manager_name = "objects"
        constraints = [
            models.UniqueConstraint(
                fields=["location", "campaign", "kind"],
                condition=Q(resolved_at__isnull=True) & ~Q(kind="custom"),
                name="alert_one_open_per_campaign_kind",
            ),
            models.UniqueConstraint(
                fields=["location", "campaign", "rule"],
                condition=Q(resolved_at__isnull=True, kind="custom"),
                name="alert_one_open_per_campaign_rule",
            ),
            models.CheckConstraint(
                condition=Q(
                    kind__in=["over_budget", "pacing_ahead", "behind_late", "no_data", "custom"]
                ),
                name="alert_kind_valid",
            ),
            # A built-in alert has no rule; a custom one loses its rule only when it is deleted.
            models.CheckConstraint(
                condition=Q(kind="custom") | Q(rule__isnull=True), name="alert_rule_only_custom"
            ),
        ]
        indexes = [
            models.Index(fields=["location", "opened_at"], name="alert_loc_opened_idx"),
            models.Index(fields=["location", "rule"], name="alert_loc_rule_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.campaign or self.location}"

    @property
    def period_query(self) -> str:
        """The window of the figures the alert is about, as a page's query string: a custom
        rule's last N complete days; the campaign's life for the built-in alerts (budget,
        pacing and the data feed are judged on lifetime figures). Read with its rule
        (``select_related("rule")``) to spare a query."""
        if self.kind == self.Kind.CUSTOM and self.rule_id is not None:
            return f"?period={self.rule.window_days}d"
        return "?period=all"

    @property
    def is_open(self) -> bool:
        return self.resolved_at is None
