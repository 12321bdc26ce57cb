"""Series: a campaign's (or campaigns') figures day by day, and in runs of days."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
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


# --- Chart trends: a 7-day moving average, or sums per ISO week ---------------------------------

#: Periods up to this many days are charted day by day (with a 7-day average); longer ones are
#: charted in sums per ISO week, so a year is 53 points instead of 365.
DAILY_TREND_MAX_DAYS = 92
#: The window of the moving average.
AVERAGE_DAYS = 7
CENT = Decimal("0.01")


def moving_average(values: list, days: int = AVERAGE_DAYS) -> list[Decimal | None]:
    """The mean of each value and the ``days - 1`` before it, rounded half-up to 0.01 (money
    and counts alike: 2.43 conversions a day is a fine average).

    The first ``days - 1`` entries are None, not an average of fewer days: a "7-day average"
    over two days would swing with every single day and read as a trend it is not.
    """
    result: list[Decimal | None] = []
    for i in range(len(values)):
        if i < days - 1:
            result.append(None)
            continue
        window = sum((Decimal(v) for v in values[i - days + 1 : i + 1]), Decimal(0))
        result.append((window / days).quantize(CENT, rounding=ROUND_HALF_UP))
    return result


def weekly_series(series: list[DayFigures]) -> list[Span]:
    """Sums per ISO week (Monday to Sunday), in order. A week cut by the period's start or end
    sums only its days in the period; its span says which (``start``/``end``)."""
    weeks: dict[tuple[int, int], list[DayFigures]] = {}
    for day in series:
        iso = day.date.isocalendar()
        weeks.setdefault((iso.year, iso.week), []).append(day)
    return [
        Span(days[0].date, days[-1].date, sum((d.totals for d in days), Totals()))
        for days in weeks.values()
    ]


def week_label(span: Span) -> str:
    """ "Week of 3 Nov": the Monday of the span's ISO week (even when the period starts later)."""
    monday = span.start - timedelta(days=span.start.weekday())
    return f"Week of {day_label(monday)}"


MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]


def day_label(day: date) -> str:
    """ "3 Nov" (not locale-dependent, unlike strftime's %b)."""
    return f"{day.day} {MONTHS[day.month - 1]}"
