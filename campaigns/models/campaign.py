"""A location's campaigns: Campaign (what is recorded of them is in ``days``). Every write of a
campaign records its history (``campaigns.history``).

Every index and unique constraint of a tenant table is led by ``location`` (see the package)."""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models, transaction
from django.db.models import F, Q

from campaigns.bounds import (
    EARLIEST_DAY,
    LATEST_STORED_DAY,
    MAX_MONEY,
    count_validators,
    money_validators,
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


def _record(before: dict[int, dict], after: dict[int, dict]) -> None:
    """History rows of the campaigns written: {pk: values (with location_id)} before and after."""
    from campaigns import history

    history.record(
        "campaign",
        (
            history.Written(
                location_id=(after.get(pk) or before[pk])["location_id"],
                campaign_id=pk,
                campaign_name=(after.get(pk) or before[pk])["name"],
                old=_history_fields(before.get(pk)),
                new=_history_fields(after.get(pk)),
            )
            for pk in sorted(before.keys() | after.keys())
        ),
    )


def _history_fields(values: dict | None) -> dict | None:
    if values is None:
        return None
    return {k: v for k, v in values.items() if k not in ("pk", "location_id")}


def _stored_campaigns(queryset) -> dict[int, dict]:
    """{pk: values recorded by history, with location_id} of a queryset's campaigns."""
    return {
        row["pk"]: row for row in queryset.values("pk", "location_id", *Campaign.HISTORY_FIELDS)
    }


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

    def bulk_create(self, objs, *args, **kwargs):
        objs = list(objs)
        if kwargs.get("update_conflicts") or kwargs.get("ignore_conflicts"):
            raise NotImplementedError("Campaigns are created, never upserted.")
        with transaction.atomic(using=self.db):
            created = super().bulk_create(objs, *args, **kwargs)
            _record({}, {c.pk: {"location_id": c.location_id, **c.history_values()} for c in objs})
        return created

    def update(self, **kwargs):
        with transaction.atomic(using=self.db):
            before = _stored_campaigns(self)
            updated = super().update(**kwargs)
            _record(before, _stored_campaigns(self.model.objects.filter(pk__in=list(before))))
        return updated

    update.queryset_only = True

    def delete(self):
        """Deleting campaigns deletes their days and rollups, and sums their locations' months
        again, in one transaction; the history records each campaign deleted."""
        with transaction.atomic(using=self.db):
            months = _campaign_months(self.values("pk"))
            before = _stored_campaigns(self)
            deleted = super().delete()
            _refresh_location_months(months)
            _record(before, {})
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
    #: What the history records of a campaign.
    HISTORY_FIELDS = (*EDITABLE_FIELDS, "google_ads_id", "meta_id", "completed_at")

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
    #: The campaign's id in each ad platform's exports: an import matches a row by it first.
    google_ads_id = models.CharField(
        "Google Ads campaign ID",
        max_length=64,
        blank=True,
        help_text="The Campaign ID column of a Google Ads export, to match rows by ID.",
    )
    meta_id = models.CharField(
        "Meta campaign ID",
        max_length=64,
        blank=True,
        help_text="The Campaign ID column of a Meta Ads Manager export, to match rows by ID.",
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
            *[
                models.UniqueConstraint(
                    fields=["location", field],
                    condition=~Q(**{field: ""}),
                    name=f"campaign_{field}_unique",
                    violation_error_message="Another campaign of this location has this ID.",
                )
                for field in ("google_ads_id", "meta_id")
            ],
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

    def save(self, *args, **kwargs) -> None:
        """Saved with a history row of the fields it changed (or of a new campaign)."""
        with transaction.atomic():
            stored = getattr(self, "_stored", None)
            if stored is None and not self._state.adding and self.pk is not None:
                with scope(self.location_id):
                    found = Campaign.objects.filter(pk=self.pk)
                    stored = next(iter(_stored_campaigns(found).values()), None)
            super().save(*args, **kwargs)
            values = {"location_id": self.location_id, **self.history_values()}
            update_fields = kwargs.get("update_fields")
            if stored is not None and update_fields is not None:
                values = {**stored, **{n: values[n] for n in update_fields if n in values}}
            _record({self.pk: stored} if stored else {}, {self.pk: values})
        self._stored = values

    def delete(self, *args, **kwargs):
        """Its days and rollups go with it; its location's months are summed again."""
        with transaction.atomic():
            months = _campaign_months([self.pk])
            before = getattr(self, "_stored", None) or {
                "location_id": self.location_id,
                **self.history_values(),
            }
            pk = self.pk
            deleted = super().delete(*args, **kwargs)
            _refresh_location_months(months)
            _record({pk: before}, {})
        self._stored = None
        return deleted

    @classmethod
    def from_db(cls, db, field_names, values, **kwargs):
        instance = super().from_db(db, field_names, values, **kwargs)
        # What the campaign held when read: a save records the difference. A partly loaded
        # campaign (deferred fields) has none and reads it when saved.
        # The values are as the database holds them (what ``history_values`` would make of
        # them): copied as they are, which is cheap when thousands are read (the portfolio).
        loaded = instance.__dict__
        names = ("location_id", *cls.HISTORY_FIELDS)
        if all(name in loaded for name in names):
            instance._stored = {name: loaded[name] for name in names}
        return instance

    def history_values(self) -> dict:
        from campaigns.models.recorded import field_values

        return field_values(self, self.HISTORY_FIELDS)

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
