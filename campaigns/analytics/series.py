"""Series: a campaign's (or campaigns') figures day by day, and in runs of days."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from itertools import batched

from campaigns.analytics.figures import Totals, in_period, sums
from campaigns.models import DailyMetric
from campaigns.periods import Period


@dataclass(frozen=True)
class DayFigures:
    date: date
    totals: Totals


def daily_series(campaign_ids: list[int], period: Period) -> list[DayFigures]:
    """One entry per day of the period (zeros where nothing was recorded), in one query read
    along the (location, campaign, date) index."""
    rows = {
        row["date"]: Totals.from_values(row)
        for row in DailyMetric.objects.filter(campaign__in=campaign_ids)
        .filter(in_period(period))
        .values("date")
        .annotate(**sums(""))
        .order_by("date")
    }
    return [
        DayFigures(day, rows.get(day, Totals()))
        for day in (period.start + timedelta(days=n) for n in range(period.days))
    ]


@dataclass(frozen=True)
class Span:
    """Sums of consecutive days of a series: one row of the report's daily or weekly table."""

    start: date
    end: date
    totals: Totals


def grouped_series(series: list[DayFigures], days: int) -> list[Span]:
    """The series in runs of ``days`` days from the period's first day (the last may be
    shorter): 1 for a daily table, 7 for weekly sums."""
    return [
        Span(run[0].date, run[-1].date, sum((d.totals for d in run), Totals()))
        for run in batched(series, days, strict=False)
    ]
