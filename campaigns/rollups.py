"""Keeping the rollups (``MonthlyMetric``, ``LifetimeMetric``, ``LocationMonthlyMetric``,
``LocationDailyMetric``) equal to the daily rows.

A write of daily rows calls ``refresh`` with the (campaign, day)s it touched, inside its own
transaction: the months those days fall in are summed again from the daily rows, then the
lifetime totals of their campaigns and the location's totals of those months from the months,
and the location's totals of each day of those months from the daily rows.
Recomputing (not adding differences) keeps them exact whatever the write did — insert,
replace, move a day, delete — and on PostgreSQL the location's row is locked first, so two
writes to one location at once cannot each sum without the other's days.

``DailyMetric``'s model (save, delete) and queryset (bulk_create, bulk_update, update, delete)
call ``refresh``; a raw statement, like the import's upsert, calls it itself. ``rebuild``
recomputes every rollup of some locations (``manage.py rollups --rebuild``); ``differences``
lists where they disagree with the daily rows (``manage.py rollups --check``, and the tests).
After a rebuild, the database's planner statistics are refreshed (``db_stats``).
"""

from __future__ import annotations

import operator
from collections.abc import Iterable
from datetime import date
from decimal import ROUND_HALF_UP
from functools import reduce

from django.db import transaction
from django.db.models import Count, Max, Min, Q, Sum
from django.db.models.functions import TruncMonth

from campaigns import db_stats, versions
from campaigns.analytics.figures import SUM_DECIMAL
from campaigns.metrics import CENT
from campaigns.models import (
    DAILY_MONEY_FIELDS,
    DAILY_NUMBER_FIELDS,
    DailyMetric,
    LifetimeMetric,
    Location,
    LocationDailyMetric,
    LocationMonthlyMetric,
    MonthlyMetric,
)
from campaigns.periods import month_of, next_month
from campaigns.tenancy import scope, scopes_disabled

ROLLUP_FIELDS = ("days", "first_date", "last_date", *DAILY_NUMBER_FIELDS)
#: A location's day sums no first and last date: it is one date.
DAY_FIELDS = ("days", *DAILY_NUMBER_FIELDS)


def _sums(days: str) -> dict:
    """Of daily rows (``days="count"``) or of monthly rollups: how many days, the first and last
    date, and every daily number summed."""
    of_days = days == "count"
    return {
        "first_date": Min("date" if of_days else "first_date"),
        "last_date": Max("date" if of_days else "last_date"),
        **_day_sums(days),
    }


def _day_sums(days: str = "count") -> dict:
    """How many days, and every daily number summed (of daily rows or of rollups)."""
    return {
        "days": Count("id") if days == "count" else Sum("days"),
        **{
            name: Sum(name, output_field=SUM_DECIMAL) if name in DAILY_MONEY_FIELDS else Sum(name)
            for name in DAILY_NUMBER_FIELDS
        },
    }


def refresh(location_id: int, days: Iterable[tuple[int, date]]) -> None:
    """Sum again the months of these (campaign id, day)s and their campaigns' lifetimes, from
    the daily rows, in the caller's transaction (one is opened if there is none)."""
    months = {(campaign_id, month_of(day)) for campaign_id, day in days}
    if not months:
        return
    campaign_ids = sorted({campaign_id for campaign_id, _ in months})
    first = min(month for _, month in months)
    end = next_month(max(month for _, month in months))
    with scope(location_id), transaction.atomic():
        _lock(location_id)
        found = {
            (row["campaign_id"], row["month"]): row
            for row in DailyMetric.objects.filter(
                campaign__in=campaign_ids, date__gte=first, date__lt=end
            )
            .annotate(month=TruncMonth("date"))
            .values("campaign_id", "month")
            .annotate(**_sums("count"))
            .order_by()
            if (row["campaign_id"], row["month"]) in months
        }
        _write(MonthlyMetric, location_id, found, ["location", "campaign", "month"])
        emptied = months - set(found)
        if emptied:
            MonthlyMetric.objects.filter(
                reduce(operator.or_, (Q(campaign=c, month=month) for c, month in emptied))
            ).delete()
        _refresh_lifetimes(location_id, campaign_ids)
        refresh_location_months(location_id, {month for _, month in months})


def _refresh_lifetimes(location_id: int, campaign_ids: list[int]) -> None:
    found = {
        row["campaign_id"]: row
        for row in MonthlyMetric.objects.filter(campaign__in=campaign_ids)
        .values("campaign_id")
        .annotate(**_sums("sum"))
        .order_by()
    }
    _write(LifetimeMetric, location_id, found, ["location", "campaign"])
    LifetimeMetric.objects.filter(campaign__in=set(campaign_ids) - set(found)).delete()


def _lock(location_id: int) -> None:
    """On PostgreSQL, one write of days at a time per location (the location's months sum
    every campaign's): the second sums after the first commits."""
    list(Location.objects.select_for_update().filter(pk=location_id).values_list("pk"))


def refresh_location_months(location_id: int, months: set[date]) -> None:
    """Sum again these months of the location from its campaigns' monthly rollups, and each of
    their days from the daily rows (also after campaigns are deleted: their rollups go with
    them, the location's stay)."""
    if not months:
        return
    # The same lock as ``refresh`` (taken again inside it, a no-op): a campaign deleted while
    # another write sums these months waits for it.
    _lock(location_id)
    found = {
        row["month"]: row
        for row in MonthlyMetric.objects.filter(month__in=months)
        .values("month")
        .annotate(**_sums("sum"))
        .order_by()
    }
    _write(LocationMonthlyMetric, location_id, found, ["location", "month"])
    LocationMonthlyMetric.objects.filter(month__in=months - set(found)).delete()
    for first, end in _runs(months):
        days = {
            row["date"]: row
            for row in DailyMetric.objects.filter(date__gte=first, date__lt=end)
            .values("date")
            .annotate(**_day_sums())
            .order_by()
        }
        _write(LocationDailyMetric, location_id, days, ["location", "date"], DAY_FIELDS)
        LocationDailyMetric.objects.filter(date__gte=first, date__lt=end).exclude(
            date__in=list(days)
        ).delete()


def _runs(months: set[date]) -> list[tuple[date, date]]:
    """Consecutive months as runs of days: (first day, first day after)."""
    runs: list[tuple[date, date]] = []
    for month in sorted(months):
        if runs and runs[-1][1] == month:
            runs[-1] = (runs[-1][0], next_month(month))
        else:
            runs.append((month, next_month(month)))
    return runs


def _write(
    model, location_id: int, found: dict, unique_fields: list[str], fields=ROLLUP_FIELDS
) -> None:
    """Upsert the rollup rows of ``found`` (each a dict of the grouped values)."""
    if not found:
        return
    model.objects.bulk_create(
        [model(location_id=location_id, **row) for row in found.values()],
        update_conflicts=True,
        unique_fields=unique_fields,
        update_fields=list(fields),
        batch_size=500,
    )


def rebuild(*location_ids: int) -> None:
    """Recompute every rollup of these locations (of all locations when none is given), then
    refresh the planner's statistics (a rebuild rewrites whole tables)."""
    with scopes_disabled():
        if not location_ids:
            location_ids = tuple(
                DailyMetric.objects.values_list("location_id", flat=True).distinct().order_by()
            ) + tuple(
                MonthlyMetric.objects.values_list("location_id", flat=True).distinct().order_by()
            )
    for location_id in sorted(set(location_ids)):
        with scope(location_id), transaction.atomic():
            MonthlyMetric.objects.all().delete()
            LifetimeMetric.objects.all().delete()
            LocationMonthlyMetric.objects.all().delete()
            LocationDailyMetric.objects.all().delete()
            days = DailyMetric.objects.annotate(month=TruncMonth("date")).values_list(
                "campaign_id", "month"
            )
            refresh(location_id, set(days.distinct().order_by()))
            # Writes of days raise the version through the history they record; a rebuild
            # records none, and may correct what the pages showed.
            versions.bump([location_id])
    db_stats.refresh_statistics()


def _cents(rows: dict) -> dict:
    """Money sums rounded to the cent (SQLite sums money as floating point)."""
    for row in rows.values():
        for name in DAILY_MONEY_FIELDS:
            row[name] = row[name].quantize(CENT, rounding=ROUND_HALF_UP)
    return rows


def differences(*location_ids: int) -> list[str]:
    """Where the rollups of these locations (all when none is given) differ from the sums of
    their daily rows, in words; empty when they agree."""
    found = []
    with scopes_disabled():
        days = DailyMetric.objects.all()
        months, lifetimes = MonthlyMetric.objects.all(), LifetimeMetric.objects.all()
        locations = LocationMonthlyMetric.objects.all()
        location_days = LocationDailyMetric.objects.all()
        if location_ids:
            days = days.filter(location__in=location_ids)
            months = months.filter(location__in=location_ids)
            lifetimes = lifetimes.filter(location__in=location_ids)
            locations = locations.filter(location__in=location_ids)
            location_days = location_days.filter(location__in=location_ids)
        expected_months = {
            (row.pop("campaign_id"), row.pop("month")): row
            for row in days.annotate(month=TruncMonth("date"))
            .values("campaign_id", "month")
            .annotate(**_sums("count"))
            .order_by()
        }
        expected_lifetimes = {
            row.pop("campaign_id"): row
            for row in days.values("campaign_id").annotate(**_sums("count")).order_by()
        }
        stored_months = {
            (row.pop("campaign_id"), row.pop("month")): row
            for row in months.values("campaign_id", "month", *ROLLUP_FIELDS)
        }
        stored_lifetimes = {
            row.pop("campaign_id"): row for row in lifetimes.values("campaign_id", *ROLLUP_FIELDS)
        }
        expected_locations = {
            (row.pop("location_id"), row.pop("month")): row
            for row in days.annotate(month=TruncMonth("date"))
            .values("location_id", "month")
            .annotate(**_sums("count"))
            .order_by()
        }
        stored_locations = {
            (row.pop("location_id"), row.pop("month")): row
            for row in locations.values("location_id", "month", *ROLLUP_FIELDS)
        }
        expected_days = {
            (row.pop("location_id"), row.pop("date")): row
            for row in days.values("location_id", "date").annotate(**_day_sums()).order_by()
        }
        stored_days = {
            (row.pop("location_id"), row.pop("date")): row
            for row in location_days.values("location_id", "date", *DAY_FIELDS)
        }
    for label, expected, stored in (
        ("month", _cents(expected_months), stored_months),
        ("lifetime", _cents(expected_lifetimes), stored_lifetimes),
        ("location month", _cents(expected_locations), stored_locations),
        ("location day", _cents(expected_days), stored_days),
    ):
        for key in sorted(set(expected) | set(stored), key=str):
            if expected.get(key) != stored.get(key):
                found.append(
                    f"{label} {key}: the days sum to {expected.get(key)}, "
                    f"the rollup holds {stored.get(key)}"
                )
    return found
