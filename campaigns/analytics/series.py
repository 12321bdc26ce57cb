"""Series: the figures of a period point by point, for the trend charts and the tables beside
them. The period's length picks the granularity, the same on every page and report: up to
``DAILY_MAX_DAYS`` one point a day, up to ``WEEKLY_MAX_DAYS`` one per ISO week, longer one per
calendar month, read from the monthly rollups (``figures.monthly_totals``), so a campaign of
2,000 days is about 66 points and never reads or builds its days one by one.

**Partial points.** A week or month cut by the period's start or end holds fewer days than its
neighbours, and today (in a period that includes it) is not over: plotted as they are, both
read as a collapse. Such a span is ``partial``: it says so ("3 of 7 days"), and a chart plots
its ``plotted`` value, the daily average × the bucket's length for sums (a ratio needs no
scaling), drawn hollow. A span holding less than half its bucket's days is left off the line
(one day × 7 would draw that day's noise as a week), and so is today so far. Tables keep the
recorded sums."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

from campaigns.analytics import statements
from campaigns.analytics.figures import Metrics, Totals, monthly_totals
from campaigns.analytics.sql_scope import Filter
from campaigns.catalogue import Unit, metric
from campaigns.metrics import CENT
from campaigns.models import DailyMetric
from campaigns.periods import Period, months_of, next_month

DAY, WEEK, MONTH = "day", "week", "month"
#: Periods up to this many days have one point a day (charted with a 7-day average) ...
DAILY_MAX_DAYS = 92
#: ... up to this many (two years and a leap day) one per ISO week; longer ones one per month.
WEEKLY_MAX_DAYS = 731


def unit_for(period: Period) -> str:
    """The granularity of a period's series: DAY, WEEK or MONTH."""
    if period.days <= DAILY_MAX_DAYS:
        return DAY
    return WEEK if period.days <= WEEKLY_MAX_DAYS else MONTH


@dataclass(frozen=True)
class Span:
    """One point of a series: the sums of a day, or of the days of an ISO week or calendar
    month that lie in the period. A week or month cut by the period's start or end sums only
    its days in the period; ``start`` and ``end`` say which."""

    unit: str
    start: date
    end: date
    totals: Totals
    #: The span holds today, which is not over (only in a period that includes today).
    today: bool = False

    @property
    def days(self) -> int:
        """The days of the period the span covers."""
        return (self.end - self.start).days + 1

    @property
    def length(self) -> int:
        """The days of the whole day, week or month the span belongs to."""
        first, last = _bounds(self.unit, self.start)
        return (last - first).days + 1

    @property
    def partial(self) -> bool:
        """Cut by the period (fewer days than its week or month), or today so far."""
        return self.today or not self.whole

    @property
    def coverage(self) -> str:
        """ "3 of 7 days", "today so far"; "" for a whole span."""
        if self.today and self.unit == DAY:
            return "today so far"
        if not self.partial:
            return ""
        text = f"{self.days} of {self.length} days"
        return f"{text}, today so far" if self.today else text

    def value(self, key: str):
        """A figure of the span as recorded: a total or a metric of its totals."""
        if hasattr(self.totals, key):
            return getattr(self.totals, key)
        return getattr(Metrics.of(self.totals), key)

    @property
    def drawn(self) -> bool:
        """Whether a trend line draws the span: not today so far, nor a span cut to less than
        half its bucket's days."""
        if self.unit == DAY:
            return not self.today
        return self.days * 2 >= self.length

    def plotted(self, key: str):
        """The value a trend line draws, comparable with whole spans: a sum of a cut span as
        its daily average × its bucket's length; a ratio as it is; None for a span not
        ``drawn``."""
        value = self.value(key)
        if not self.partial or value is None:
            return value
        if not self.drawn:
            return None
        if metric(key).unit in (Unit.MONEY, Unit.COUNT):
            scaled = Decimal(value) * self.length / self.days
            return scaled.quantize(CENT, rounding=ROUND_HALF_UP)
        return value

    @property
    def date(self) -> date:
        """The first day: what a reader of points day by day names (the KPI sparklines, the
        e-mail's picture)."""
        return self.start

    @property
    def whole(self) -> bool:
        """The span covers its whole week or month (a day always does)."""
        return (self.start, self.end) == _bounds(self.unit, self.start)

    @property
    def label(self) -> str:
        """ "3 Nov" ("3 Nov (today so far)"); "Week of 3 Nov" (its Monday, even when the period
        starts later), "Week of 3 Nov (3 of 7 days)" when cut; "Nov 2024", or "12–30 Nov 2024
        (19 of 30 days)" for a month cut by the period."""
        if self.unit == DAY:
            return day_label(self.start) + (" (today so far)" if self.today else "")
        if self.unit == WEEK:
            cut = f" ({self.coverage})" if self.partial else ""
            return f"Week of {day_label(_bounds(WEEK, self.start)[0])}{cut}"
        month = f"{MONTHS[self.start.month - 1]} {self.start.year}"
        if self.whole and not self.today:
            return month
        days = f"{self.start.day}–{self.end.day}" if self.end > self.start else f"{self.end.day}"
        return f"{days} {month} ({self.coverage})"


@dataclass(frozen=True)
class Series:
    """A period's points, in order, and their granularity (DAY, WEEK or MONTH)."""

    unit: str
    spans: list[Span]

    @property
    def title(self) -> str:
        """The heading of its table: "Daily numbers", "Weekly numbers", "Monthly numbers"."""
        return {DAY: "Daily", WEEK: "Weekly", MONTH: "Monthly"}[self.unit] + " numbers"


def period_series(campaign_ids: list[int], period: Period) -> Series:
    """The period's points for these campaigns (summed over them), zeros where nothing was
    recorded: one grouped statement of the days, by day or by ISO week (an integer week number
    of built-in SQL, never a Python function per row: ``statements.day_rows``), or for months
    one of the rollups (``figures.monthly_totals``: the whole months from the rollups, the days
    of the period's cut months)."""
    unit = unit_for(period)
    found: dict[date, Totals] = {}
    if unit == MONTH:
        rows = monthly_totals("location_id", period, campaign__in=campaign_ids)
        for (_, month), totals in rows.items():
            found[month] = found.get(month, Totals()) + totals
        firsts = months_of(period)
    else:
        rows = statements.day_rows(period, unit, Filter(campaigns=tuple(campaign_ids)))
        found = {
            point: Totals.from_values(dict(zip(DailyMetric.NUMBER_FIELDS, numbers, strict=True)))
            for point, numbers in rows.items()
        }
        step = timedelta(days=1 if unit == DAY else 7)
        first, firsts = _bounds(unit, period.start)[0], []
        while first <= period.end:
            firsts.append(first)
            first += step
    today = period.end if period.partial else None
    spans = []
    for first in firsts:
        end = min(_bounds(unit, first)[1], period.end)
        spans.append(
            Span(unit, max(first, period.start), end, found.get(first, Totals()), end == today)
        )
    return Series(unit, spans)


def _bounds(unit: str, day: date) -> tuple[date, date]:
    """The first and last day of the day, ISO week or calendar month holding ``day``."""
    if unit == DAY:
        return day, day
    if unit == WEEK:
        monday = day - timedelta(days=day.weekday())
        return monday, monday + timedelta(days=6)
    return day.replace(day=1), next_month(day) - timedelta(days=1)


# --- The 7-day moving average of a daily chart ---------------------------------------------------

#: The window of the moving average.
AVERAGE_DAYS = 7


def moving_average(values: list, days: int = AVERAGE_DAYS) -> list[Decimal | None]:
    """The mean of each value and the ``days - 1`` before it, rounded half-up to 0.01 (money
    and counts alike: 2.43 conversions a day is a fine average).

    The first ``days - 1`` entries are None, not an average of fewer days: a "7-day average"
    over two days would swing with every single day and read as a trend it is not; so is an
    entry whose window holds a missing value (today so far, left off the line).
    """
    result: list[Decimal | None] = []
    for i in range(len(values)):
        window_values = values[i - days + 1 : i + 1] if i >= days - 1 else []
        if i < days - 1 or any(v is None for v in window_values):
            result.append(None)
            continue
        window = sum((Decimal(v) for v in window_values), Decimal(0))
        result.append((window / days).quantize(CENT, rounding=ROUND_HALF_UP))
    return result


MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]


def day_label(day: date) -> str:
    """ "3 Nov" (not locale-dependent, unlike strftime's %b)."""
    return f"{day.day} {MONTHS[day.month - 1]}"
