"""Domain models: Location (the tenant), Membership, Campaign, DailyMetric, FunnelStage.

Tenant-owned rows carry their location directly and are reached only through
``campaigns.tenancy.ScopedManager``. Every index and unique constraint of a tenant table is led
by ``location`` so the tables can later be distributed by location (Citus) unchanged.
"""

from __future__ import annotations

import zoneinfo
from datetime import date
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator, RegexValidator
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Length, Upper
from django.db.models.lookups import Exact
from django.utils import timezone

from campaigns.bounds import (
    EARLIEST_DAY,
    LATEST_STORED_DAY,
    MAX_COUNT,
    MAX_MONEY,
    MAX_TOTAL_COUNT,
    count_validators,
    money_validators,
    total_count_validators,
    validate_campaign_day,
)
from campaigns.tenancy import ScopedManager

MONEY = {"max_digits": 14, "decimal_places": 2, "validators": money_validators}


def validate_time_zone(value: str) -> None:
    if value not in zoneinfo.available_timezones():
        raise ValidationError(f"“{value}” is not a known time zone (for example Europe/Berlin).")


class Location(models.Model):
    """One client account of the agency: the tenant."""

    name = models.CharField(max_length=200)
    slug = models.SlugField(max_length=80, unique=True)
    external_id = models.CharField(
        max_length=100, blank=True, help_text="The id the agency's CRM uses, e.g. location_abc123."
    )
    currency = models.CharField(
        max_length=3,
        default="USD",
        validators=[RegexValidator(r"^[A-Z]{3}$", "Use a three-letter ISO code such as USD.")],
    )
    time_zone = models.CharField(max_length=64, default="UTC", validators=[validate_time_zone])

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["external_id"],
                condition=~Q(external_id=""),
                name="location_external_id_unique",
            ),
            models.CheckConstraint(
                condition=Exact(Length("currency"), 3) & Exact(Upper("currency"), F("currency")),
                name="location_currency_iso",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def today(self) -> date:
        """The calendar date now in the location's time zone."""
        return timezone.now().astimezone(zoneinfo.ZoneInfo(self.time_zone)).date()


class Role(models.TextChoices):
    MANAGER = "manager", "Manager"
    VIEWER = "viewer", "Viewer"


class Membership(models.Model):
    """A user's role in a location: managers change data, viewers only read."""

    Role = Role

    # Indexed through the (location, user) constraint and the (user, location) index.
    location = models.ForeignKey(
        Location, on_delete=models.CASCADE, related_name="memberships", db_index=False
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="memberships",
        db_index=False,
    )
    role = models.CharField(max_length=10, choices=Role.choices, default=Role.VIEWER)

    class Meta:
        ordering = ["location__name", "user__username"]
        constraints = [
            models.UniqueConstraint(fields=["location", "user"], name="membership_unique"),
            models.CheckConstraint(condition=Q(role__in=Role.values), name="membership_role_valid"),
        ]
        indexes = [models.Index(fields=["user", "location"], name="membership_user_idx")]

    def __str__(self) -> str:
        return f"{self.user} — {self.get_role_display()} of {self.location}"


class Channel(models.TextChoices):
    SMS = "sms", "SMS"
    EMAIL = "email", "Email"
    SOCIAL = "social", "Social"
    PAID_ADS = "paid_ads", "Paid ads"
    ORGANIC = "organic", "Organic"


class CampaignQuerySet(models.QuerySet):
    def for_location(self, location: Location) -> CampaignQuerySet:
        return self.filter(location=location)

    def active(self) -> CampaignQuerySet:
        return self.filter(status=Campaign.Status.ACTIVE)


class Campaign(models.Model):
    """A marketing campaign of a location on one channel, with its budget and targets."""

    class Status(models.TextChoices):
        ACTIVE = "active", "Active"
        PAUSED = "paused", "Paused"
        COMPLETED = "completed", "Completed"

    Channel = Channel
    #: What a person may set on a campaign (its location is never among them).
    EDITABLE_FIELDS = (
        "name",
        "channel",
        "status",
        "budget",
        "start_date",
        "end_date",
        "target_leads",
        "target_conversions",
        "target_roi",
    )

    # Indexed by the (location, …) constraints and indexes below, never on its own.
    location = models.ForeignKey(
        Location, on_delete=models.CASCADE, related_name="campaigns", db_index=False
    )
    name = models.CharField(max_length=200)
    channel = models.CharField(max_length=10, choices=Channel.choices)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.ACTIVE)
    budget = models.DecimalField(**MONEY, default=Decimal("0"))
    start_date = models.DateField(validators=[validate_campaign_day])
    end_date = models.DateField(null=True, blank=True, validators=[validate_campaign_day])
    target_leads = models.PositiveIntegerField(null=True, blank=True, validators=count_validators)
    target_conversions = models.PositiveIntegerField(
        null=True, blank=True, validators=count_validators
    )
    target_roi = models.DecimalField(
        max_digits=8,
        decimal_places=4,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("-1"))],
        help_text="As a multiple: 2.5 means an ROI of 250 %.",
    )
    completed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ScopedManager.from_queryset(CampaignQuerySet)()

    class Meta:
        ordering = ["-start_date", "name"]
        base_manager_name = "objects"
        constraints = [
            models.UniqueConstraint(
                fields=["location", "name"],
                name="campaign_name_unique",
                violation_error_message="This location already has a campaign with this name.",
            ),
            models.CheckConstraint(
                condition=Q(channel__in=Channel.values), name="campaign_channel_valid"
            ),
            models.CheckConstraint(
                condition=Q(status__in=["active", "paused", "completed"]),
                name="campaign_status_valid",
            ),
            models.CheckConstraint(condition=Q(budget__gte=0), name="campaign_budget_nonneg"),
            models.CheckConstraint(condition=Q(budget__lte=MAX_MONEY), name="campaign_budget_max"),
            models.CheckConstraint(
                condition=Q(start_date__gte=EARLIEST_DAY, start_date__lte=LATEST_STORED_DAY)
                & (
                    Q(end_date__isnull=True)
                    | Q(end_date__gte=EARLIEST_DAY, end_date__lte=LATEST_STORED_DAY)
                ),
                name="campaign_dates_in_range",
            ),
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gte=F("start_date")),
                name="campaign_end_after_start",
                violation_error_message="The end date cannot be before the start date.",
            ),
            models.CheckConstraint(
                condition=Q(target_roi__isnull=True) | Q(target_roi__gte=-1),
                name="campaign_target_roi_valid",
            ),
        ]
        indexes = [
            models.Index(fields=["location", "status"], name="campaign_loc_status_idx"),
            models.Index(fields=["location", "channel"], name="campaign_loc_channel_idx"),
        ]

    def __str__(self) -> str:
        return self.name

    def day_problem(self, day: date) -> str | None:
        """Why results cannot be recorded for ``day``, or None when they can."""
        if day < self.start_date:
            return f"{day} is before the campaign started ({self.start_date})."
        if self.end_date and day > self.end_date:
            return f"{day} is after the campaign ended ({self.end_date})."
        if day > self.location.today():
            return f"{day} has not happened yet."
        return None

    def clean(self) -> None:
        start, end = self.start_date, self.end_date
        if isinstance(start, date) and isinstance(end, date) and end < start:
            raise ValidationError({"end_date": "The end date cannot be before the start date."})


DAILY_COUNT_FIELDS = (
    "impressions",
    "clicks",
    "leads",
    "qualified_leads",
    "hot_leads",
    "conversions",
)
DAILY_MONEY_FIELDS = ("revenue", "spend")
DAILY_NUMBER_FIELDS = DAILY_COUNT_FIELDS + DAILY_MONEY_FIELDS


class DailyMetric(models.Model):
    """One campaign's results for one calendar day; recording a day again replaces it."""

    COUNT_FIELDS = DAILY_COUNT_FIELDS
    MONEY_FIELDS = DAILY_MONEY_FIELDS
    NUMBER_FIELDS = DAILY_NUMBER_FIELDS

    # Both foreign keys are indexed through the (location, campaign, date) constraint.
    location = models.ForeignKey(
        Location, on_delete=models.CASCADE, related_name="+", db_index=False
    )
    campaign = models.ForeignKey(
        Campaign, on_delete=models.CASCADE, related_name="daily_metrics", db_index=False
    )
    date = models.DateField()
    impressions = models.PositiveBigIntegerField(default=0, validators=count_validators)
    clicks = models.PositiveBigIntegerField(default=0, validators=count_validators)
    leads = models.PositiveIntegerField(default=0, validators=count_validators)
    qualified_leads = models.PositiveIntegerField(default=0, validators=count_validators)
    hot_leads = models.PositiveIntegerField(default=0, validators=count_validators)
    conversions = models.PositiveIntegerField(default=0, validators=count_validators)
    revenue = models.DecimalField(**MONEY, default=Decimal("0"))
    spend = models.DecimalField(**MONEY, default=Decimal("0"))

    objects = ScopedManager()

    class Meta:
        ordering = ["campaign", "date"]
        base_manager_name = "objects"
        constraints = [
            models.UniqueConstraint(
                fields=["location", "campaign", "date"], name="dailymetric_campaign_date_unique"
            ),
            *[
                models.CheckConstraint(
                    condition=Q(**{f"{f}__gte": 0}), name=f"dailymetric_{f}_nonneg"
                )
                for f in DAILY_NUMBER_FIELDS
            ],
            *[
                models.CheckConstraint(
                    condition=Q(**{f"{f}__lte": MAX_COUNT}), name=f"dailymetric_{f}_max"
                )
                for f in DAILY_COUNT_FIELDS
            ],
            *[
                models.CheckConstraint(
                    condition=Q(**{f"{f}__lte": MAX_MONEY}), name=f"dailymetric_{f}_max"
                )
                for f in DAILY_MONEY_FIELDS
            ],
            models.CheckConstraint(
                condition=Q(qualified_leads__lte=F("leads")),
                name="dailymetric_qualified_le_leads",
                violation_error_message="Qualified leads cannot exceed leads.",
            ),
            models.CheckConstraint(
                condition=Q(hot_leads__lte=F("qualified_leads")),
                name="dailymetric_hot_le_qualified",
                violation_error_message="Hot leads cannot exceed qualified leads.",
            ),
        ]
        indexes = [models.Index(fields=["location", "date"], name="dailymetric_loc_date_idx")]

    def __str__(self) -> str:
        return f"{self.campaign} on {self.date:%Y-%m-%d}"

    def save(self, *args, **kwargs) -> None:
        # The location always follows the campaign: no form or API can make them differ.
        self.location_id = self.campaign.location_id
        super().save(*args, **kwargs)

    def clean(self) -> None:
        """The same rules as the database constraints, with messages next to the fields."""
        leads, qualified, hot = self.leads, self.qualified_leads, self.hot_leads
        errors = {}
        # Values that failed their own field's validation (not integers) are reported there.
        if all(isinstance(v, int) for v in (leads, qualified)) and qualified > leads:
            errors["qualified_leads"] = "Qualified leads cannot exceed leads."
        if all(isinstance(v, int) for v in (qualified, hot)) and hot > qualified:
            errors["hot_leads"] = "Hot leads cannot exceed qualified leads."
        if self.campaign_id is not None and isinstance(self.date, date):
            problem = self.campaign.day_problem(self.date)
            if problem:
                errors["date"] = problem
        if errors:
            raise ValidationError(errors)


class FunnelStage(models.Model):
    """A recorded count for one stage of a campaign's funnel."""

    class Stage(models.TextChoices):
        AWARENESS = "awareness", "Awareness"
        INTEREST = "interest", "Interest"
        CONSIDERATION = "consideration", "Consideration"
        INTENT = "intent", "Intent"
        CONVERSION = "conversion", "Conversion"

    location = models.ForeignKey(
        Location, on_delete=models.CASCADE, related_name="+", db_index=False
    )
    campaign = models.ForeignKey(
        Campaign, on_delete=models.CASCADE, related_name="funnel_stages", db_index=False
    )
    stage = models.CharField(max_length=15, choices=Stage.choices)
    count = models.PositiveBigIntegerField(default=0, validators=total_count_validators)

    objects = ScopedManager()

    class Meta:
        base_manager_name = "objects"
        constraints = [
            models.UniqueConstraint(
                fields=["location", "campaign", "stage"], name="funnelstage_campaign_stage_unique"
            ),
            models.CheckConstraint(
                condition=Q(
                    stage__in=["awareness", "interest", "consideration", "intent", "conversion"]
                ),
                name="funnelstage_stage_valid",
            ),
            models.CheckConstraint(condition=Q(count__gte=0), name="funnelstage_count_nonneg"),
            models.CheckConstraint(
                condition=Q(count__lte=MAX_TOTAL_COUNT), name="funnelstage_count_max"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.campaign}: {self.get_stage_display()} {self.count}"

    def save(self, *args, **kwargs) -> None:
        self.location_id = self.campaign.location_id
        super().save(*args, **kwargs)


class ApiToken(models.Model):
    """A secret with which an integration reads and writes one location's data through the API.

    Only the SHA-256 of the secret is stored; the secret itself is shown once, at creation.
    ``key_hash`` is unique across locations because a request is matched to its token before
    the location is known (a small table: on Citus it would be a reference table).
    """

    location = models.ForeignKey(
        Location, on_delete=models.CASCADE, related_name="api_tokens", db_index=False
    )
    name = models.CharField(
        max_length=100, help_text="What uses the token, e.g. “Nightly CRM sync”."
    )
    prefix = models.CharField(
        max_length=8,
        editable=False,
        help_text="The secret's first characters, to tell tokens apart.",
    )
    key_hash = models.CharField(max_length=64, unique=True, editable=False)
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
    last_used_at = models.DateTimeField(null=True, blank=True, editable=False)
    revoked_at = models.DateTimeField(null=True, blank=True, editable=False)

    objects = ScopedManager()

    class Meta:
        verbose_name = "API token"
        ordering = ["-created_at"]
        base_manager_name = "objects"
        indexes = [models.Index(fields=["location", "created_at"], name="apitoken_loc_created_idx")]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None


class Invitation(models.Model):
    """An e-mailed offer to join one location with a role: pending until accepted or revoked.

    The link in the e-mail is signed and expires (campaigns.members); the row says whether it
    may still be used. It is bound to its location: accepting it grants that location only.
    """

    Role = Role

    location = models.ForeignKey(
        Location, on_delete=models.CASCADE, related_name="invitations", db_index=False
    )
    email = models.EmailField()
    role = models.CharField(max_length=10, choices=Role.choices, default=Role.VIEWER)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
        db_index=False,
    )
    created_at = models.DateTimeField(auto_now_add=True)
    accepted_at = models.DateTimeField(null=True, blank=True, editable=False)
    revoked_at = models.DateTimeField(null=True, blank=True, editable=False)

    objects = ScopedManager()

    class Meta:
        ordering = ["-created_at"]
        base_manager_name = "objects"
        constraints = [
            models.CheckConstraint(condition=Q(role__in=Role.values), name="invitation_role_valid"),
        ]
        indexes = [
            models.Index(fields=["location", "created_at"], name="invitation_loc_created_idx")
        ]

    def __str__(self) -> str:
        return f"{self.email} — {self.get_role_display()} of {self.location}"

    @property
    def is_pending(self) -> bool:
        return self.accepted_at is None and self.revoked_at is None


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
    is resolved when it stops; a manager may acknowledge it in the meantime. At most one alert of
    a kind is open per campaign (the partial unique constraint).
    """

    class Kind(models.TextChoices):
        OVER_BUDGET = "over_budget", "Over budget"
        PACING_AHEAD = "pacing_ahead", "Spending ahead of plan"
        BEHIND_LATE = "behind_late", "Behind on results late in the campaign"
        NO_DATA = "no_data", "No data received"

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
                condition=Q(resolved_at__isnull=True),
                name="alert_one_open_per_campaign_kind",
            ),
            models.CheckConstraint(
                condition=Q(kind__in=["over_budget", "pacing_ahead", "behind_late", "no_data"]),
                name="alert_kind_valid",
            ),
        ]
        indexes = [models.Index(fields=["location", "opened_at"], name="alert_loc_opened_idx")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.campaign or self.location}"

    @property
    def is_open(self) -> bool:
        return self.resolved_at is None
