"""A location's campaigns and what is recorded of them: Campaign, DailyMetric, FunnelStage.

Every index and unique constraint of a tenant table is led by ``location`` (see the package)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import date
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models, transaction
from django.db.models import F, Q

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
from campaigns.models.tenants import Location
from campaigns.tenancy import ScopedManager, scope

MONEY = {"max_digits": 14, "decimal_places": 2, "validators": money_validators}


class Channel(models.TextChoices):
    SMS = "sms", "SMS"
    EMAIL = "email", "Email"
    SOCIAL = "social", "Social"
    PAID_ADS = "paid_ads", "Paid ads"
    ORGANIC = "organic", "Organic"


def _campaign_months(campaign_ids) -> dict[int, set[date]]:
    """The months (by location id) in which these campaigns have recorded days."""
    from campaigns.models.rollups import MonthlyMetric

    months: dict[int, set[date]] = defaultdict(set)
    for location_id, month in MonthlyMetric.objects.filter(campaign__in=campaign_ids).values_list(
        "location_id", "month"
    ):
        months[location_id].add(month)
    return months


def _refresh_location_months(months: dict[int, set[date]]) -> None:
    """After campaigns are deleted, sum their locations' months again without them."""
    from campaigns import rollups

    for location_id, found in months.items():
        with scope(location_id):
            rollups.refresh_location_months(location_id, found)


class CampaignQuerySet(models.QuerySet):
    def for_location(self, location: Location) -> CampaignQuerySet:
        return self.filter(location=location)

    def active(self) -> CampaignQuerySet:
        return self.filter(status=Campaign.Status.ACTIVE)

    def delete(self):
        """Deleting campaigns deletes their days and rollups, and sums their locations' months
        again, in one transaction."""
        with transaction.atomic(using=self.db):
            months = _campaign_months(self.values("pk"))
            deleted = super().delete()
            _refresh_location_months(months)
        return deleted

    delete.queryset_only = True


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

    def delete(self, *args, **kwargs):
        """Its days and rollups go with it; its location's months are summed again."""
        with transaction.atomic():
            months = _campaign_months([self.pk])
            deleted = super().delete(*args, **kwargs)
            _refresh_location_months(months)
        return deleted

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


def _refresh_rollups(keys: Iterable[tuple[int, int, date]]) -> None:
    """Sum again the rollups of these (location id, campaign id, day)s: see campaigns.rollups."""
    from campaigns import rollups

    by_location: dict[int, set[tuple[int, date]]] = defaultdict(set)
    for location_id, campaign_id, day in keys:
        by_location[location_id].add((campaign_id, day))
    for location_id, days in by_location.items():
        rollups.refresh(location_id, days)


KEY = ("location_id", "campaign_id", "date")


class DailyMetricQuerySet(models.QuerySet):
    """Every bulk write of days also sums their months again, in the same transaction."""

    def bulk_create(self, objs, *args, **kwargs):
        objs = list(objs)
        with transaction.atomic(using=self.db):
            created = super().bulk_create(objs, *args, **kwargs)
            _refresh_rollups((m.location_id, m.campaign_id, m.date) for m in objs)
        return created

    def bulk_update(self, objs, fields, *args, **kwargs):
        objs = list(objs)
        with transaction.atomic(using=self.db):
            before = self.model.objects.filter(pk__in=[m.pk for m in objs]).values_list(*KEY)
            before = list(before)
            updated = super().bulk_update(objs, fields, *args, **kwargs)
            _refresh_rollups([*before, *((m.location_id, m.campaign_id, m.date) for m in objs)])
        return updated

    def update(self, **kwargs):
        with transaction.atomic(using=self.db):
            rows = list(self.values_list("pk", *KEY))
            updated = super().update(**kwargs)
            after = self.model.objects.filter(pk__in=[pk for pk, *_ in rows]).values_list(*KEY)
            _refresh_rollups([*(key for _, *key in rows), *after])
        return updated

    update.queryset_only = True

    def delete(self):
        with transaction.atomic(using=self.db):
            before = list(self.values_list(*KEY))
            deleted = super().delete()
            _refresh_rollups(before)
        return deleted

    delete.queryset_only = True


class DailyMetric(models.Model):
    """One campaign's results for one calendar day; recording a day again replaces it.

    Every write (save, delete and the queryset's bulk writes) keeps the rollups of
    ``campaigns.models.rollups`` equal to the days, in the same transaction."""

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

    objects = ScopedManager.from_queryset(DailyMetricQuerySet)()

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
        with transaction.atomic():
            super().save(*args, **kwargs)
            key = (self.location_id, self.campaign_id, self.date)
            _refresh_rollups({key, getattr(self, "_stored_key", key)})
        self._stored_key = key

    def delete(self, *args, **kwargs):
        with transaction.atomic():
            key = getattr(self, "_stored_key", (self.location_id, self.campaign_id, self.date))
            deleted = super().delete(*args, **kwargs)
            _refresh_rollups([key])
        return deleted

    @classmethod
    def from_db(cls, db, field_names, values, **kwargs):
        instance = super().from_db(db, field_names, values, **kwargs)
        # Where the day was stored: a save that moves it sums its old month again too (a
        # deferred field is not read, so a partly loaded day has no stored key).
        key = tuple(instance.__dict__.get(name) for name in KEY)
        if None not in key:
            instance._stored_key = key
        return instance

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
