"""What is recorded of a campaign: its days' results (DailyMetric) and its funnel's counts
(FunnelStage). Every write of either records its history (``campaigns.models.recorded``); every
write of days also sums their rollups again.

Every index and unique constraint of a tenant table is led by ``location`` (see the package)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import date
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q

from campaigns.bounds import (
    MAX_COUNT,
    MAX_MONEY,
    MAX_TOTAL_COUNT,
    count_validators,
    total_count_validators,
)
from campaigns.models.campaign import MONEY, Campaign
from campaigns.models.recorded import RecordedQuerySet, RecordedRow
from campaigns.models.tenants import Location
from campaigns.tenancy import ScopedManager

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


class DailyMetricQuerySet(RecordedQuerySet):
    """Every bulk write of days records its history and sums their months again, in the same
    transaction."""

    def touched(self, keys):
        _refresh_rollups(keys)


class DailyMetric(RecordedRow):
    """One campaign's results for one calendar day; recording a day again replaces it.

    Every write (save, delete and the queryset's bulk writes) records its history and keeps
    the rollups of ``campaigns.models.rollups`` equal to the days, in the same transaction."""

    COUNT_FIELDS = DAILY_COUNT_FIELDS
    MONEY_FIELDS = DAILY_MONEY_FIELDS
    NUMBER_FIELDS = DAILY_NUMBER_FIELDS
    KEY_FIELD = "date"
    VALUE_FIELDS = DAILY_NUMBER_FIELDS
    HISTORY_KIND = "day"

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

    def touched(self, keys):
        _refresh_rollups(keys)

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


class FunnelStageQuerySet(RecordedQuerySet):
    """Every bulk write of funnel counts records its history in the same transaction."""


class FunnelStage(RecordedRow):
    """A recorded count for one stage of a campaign's funnel."""

    KEY_FIELD = "stage"
    VALUE_FIELDS = ("count",)
    HISTORY_KIND = "funnel"

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

    objects = ScopedManager.from_queryset(FunnelStageQuerySet)()

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
