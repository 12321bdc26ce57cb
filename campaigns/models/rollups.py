"""Rollups of the daily rows: each campaign's sums per calendar month and over its whole life,
and each location's per calendar month and per day.

They exist so a page's cost grows with what it shows (campaigns × months), not with the days
stored: a period is answered as its whole months from ``MonthlyMetric`` (per location:
``LocationMonthlyMetric``) plus its partial months at the ends from the daily rows (per
location: ``LocationDailyMetric``, one row a day however many campaigns), and pacing's
lifetime sums (and "all time" for a campaign whose days all lie in it) come from
``LifetimeMetric``.

Nothing writes them but ``campaigns.rollups``, which recomputes the months a write touched
from the daily rows inside the write's own transaction (``DailyMetric``'s model and queryset
call it, and so does the import's raw upsert), so they always equal the sums of the days.
``manage.py rollups --check`` compares them with the daily rows; ``--rebuild`` recomputes them.
"""

from __future__ import annotations

from decimal import Decimal

from django.db import models

from campaigns.models.campaign import Campaign
from campaigns.models.tenants import Location
from campaigns.tenancy import ScopedManager

__all__ = ["LifetimeMetric", "LocationDailyMetric", "LocationMonthlyMetric", "MonthlyMetric"]

#: Sums of many days: counts past a 32-bit integer, money past the 14 digits of a single day.
SUM_MONEY = {"max_digits": 20, "decimal_places": 2, "default": Decimal("0")}


class Numbers(models.Model):
    """The daily numbers summed: the same field names as ``DailyMetric``, and how many daily
    rows are summed."""

    location = models.ForeignKey(
        Location, on_delete=models.CASCADE, related_name="+", db_index=False
    )
    days = models.PositiveIntegerField(default=0)
    impressions = models.BigIntegerField(default=0)
    clicks = models.BigIntegerField(default=0)
    leads = models.BigIntegerField(default=0)
    qualified_leads = models.BigIntegerField(default=0)
    hot_leads = models.BigIntegerField(default=0)
    conversions = models.BigIntegerField(default=0)
    revenue = models.DecimalField(**SUM_MONEY)
    spend = models.DecimalField(**SUM_MONEY)

    objects = ScopedManager()

    class Meta:
        abstract = True
        base_manager_name = "objects"


class Sums(Numbers):
    """Numbers summed over many dates, with the first and last of them: a period that cuts a
    month holds all of that month's recorded days when they lie between these."""

    first_date = models.DateField()
    last_date = models.DateField()

    class Meta(Numbers.Meta):
        abstract = True


class Rollup(Sums):
    """Sums of one campaign's days."""

    campaign = models.ForeignKey(
        Campaign, on_delete=models.CASCADE, related_name="+", db_index=False
    )

    class Meta(Sums.Meta):
        abstract = True


class MonthlyMetric(Rollup):
    """A campaign's daily rows of one calendar month, summed (``month`` is its first day)."""

    month = models.DateField()

    class Meta(Rollup.Meta):
        constraints = [
            models.UniqueConstraint(
                fields=["location", "campaign", "month"], name="monthlymetric_campaign_month_unique"
            ),
        ]
        # Which campaigns have days in a month (the partly covered months of a period).
        indexes = [models.Index(fields=["location", "month"], name="monthlymetric_loc_month_idx")]

    def __str__(self) -> str:
        return f"{self.campaign_id} in {self.month:%Y-%m}"


class LifetimeMetric(Rollup):
    """All of a campaign's daily rows, summed: what pacing and "budget left" read."""

    class Meta(Rollup.Meta):
        constraints = [
            models.UniqueConstraint(
                fields=["location", "campaign"], name="lifetimemetric_campaign_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.campaign_id} lifetime"


class LocationMonthlyMetric(Sums):
    """All of a location's daily rows of one calendar month, summed: the portfolio's figures
    and series over long periods read one row per location and month."""

    month = models.DateField()

    class Meta(Sums.Meta):
        constraints = [
            models.UniqueConstraint(
                fields=["location", "month"], name="locationmonthlymetric_month_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"location {self.location_id} in {self.month:%Y-%m}"


class LocationDailyMetric(Numbers):
    """All of a location's daily rows of one date, summed: the days at a period's ends of the
    portfolio (a location's figures, by location and without a campaign filter) are one row a
    location and day, not one a campaign and day."""

    date = models.DateField()

    class Meta(Numbers.Meta):
        constraints = [
            models.UniqueConstraint(
                fields=["location", "date"], name="locationdailymetric_date_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"location {self.location_id} on {self.date:%Y-%m-%d}"
