"""Totals of daily rows and the metrics computed from them.

Totals are aggregated in the database with conditional sums, so one grouped query answers for
one or many campaigns, the period and its previous period at once; Python only turns totals
into ratios through ``campaigns.metrics``. A period's whole months are read from the monthly
rollups and only the days at its ends from the daily rows (``parts``), so a long period costs
months, not days; lifetime sums are one rollup row per campaign.
"""

from __future__ import annotations

import operator
from dataclasses import dataclass, field, fields
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from functools import reduce

from django.db.models import CharField, Count, DecimalField, Q, Sum, Value
from django.db.models.functions import Coalesce, TruncMonth

from campaigns import catalogue
from campaigns import metrics as m
from campaigns.models import DailyMetric, LifetimeMetric, LocationMonthlyMetric, MonthlyMetric
from campaigns.periods import Period, month_of, next_month

SUM_DECIMAL = DecimalField(max_digits=20, decimal_places=2)


@dataclass(frozen=True)
class Totals:
    """Sums of daily rows over a period."""

    impressions: int = 0
    clicks: int = 0
    leads: int = 0
    qualified_leads: int = 0
    hot_leads: int = 0
    conversions: int = 0
    revenue: Decimal = m.ZERO
    spend: Decimal = m.ZERO
    #: How many daily rows were summed (a day of each campaign counts once), where the read
    #: counted them (``grouped_totals``, ``monthly_totals``, ``lifetime_totals``): a count of
    #: rows, not a figure, so it takes no part in comparing totals.
    days: int = field(default=0, compare=False)

    def __add__(self, other: Totals) -> Totals:
        return Totals(*(getattr(self, f.name) + getattr(other, f.name) for f in fields(self)))

    @classmethod
    def from_values(cls, values: dict, prefix: str = "") -> Totals:
        """From a row of sums. Money is rounded to the cent: a sum of amounts in cents is whole
        cents, but SQLite sums money as floating point (476167.529999999 for 476167.53)."""
        return cls(
            **{
                name: (
                    Decimal(values[prefix + name]).quantize(m.CENT, rounding=ROUND_HALF_UP)
                    if name in DailyMetric.MONEY_FIELDS
                    else int(values[prefix + name])
                )
                for name in DailyMetric.NUMBER_FIELDS
            },
            days=int(values.get(prefix + "days") or 0),
        )

    @property
    def profit(self) -> Decimal:
        return m.profit(self.revenue, self.spend)

    @property
    def is_empty(self) -> bool:
        """Nothing recorded: every sum is zero."""
        return self == Totals()


def sums(prefix: str, condition: Q | None = None, path: str = "") -> dict:
    """Expressions summing every daily number, optionally only over the rows in ``condition``."""
    expressions = {}
    for name in DailyMetric.NUMBER_FIELDS:
        zero = Value(Decimal("0")) if name in DailyMetric.MONEY_FIELDS else Value(0)
        output = SUM_DECIMAL if name in DailyMetric.MONEY_FIELDS else None
        expressions[prefix + name] = Coalesce(
            Sum(path + name, filter=condition), zero, output_field=output
        )
    return expressions


def day_count(model) -> Sum | Count:
    """How many daily rows a select sums: counted in ``DailyMetric``, summed in a rollup."""
    return Count("pk") if model is DailyMetric else Sum("days")


def in_period(period: Period, path: str = "") -> Q:
    return Q(**{f"{path}date__gte": period.start, f"{path}date__lte": period.end})


@dataclass(frozen=True)
class Metrics:
    """Every metric of PRODUCT.md for one set of totals (None where undefined)."""

    roi: Decimal | None
    roas: Decimal | None
    cost_per_lead: Decimal | None
    cost_per_qualified_lead: Decimal | None
    cpc: Decimal | None
    cost_per_conversion: Decimal | None
    ctr: Decimal | None
    conversion_rate: Decimal | None
    profit: Decimal
    profit_margin: Decimal | None
    budget_spent_in_period: Decimal | None
    break_even_revenue: Decimal
    break_even_conversions: int | None

    @classmethod
    def of(cls, t: Totals, budget: Decimal | None = None) -> Metrics:
        return cls(
            roi=m.roi(t.revenue, t.spend),
            roas=m.roas(t.revenue, t.spend),
            cost_per_lead=m.cost_per_lead(t.spend, t.leads),
            cost_per_qualified_lead=m.cost_per_qualified_lead(t.spend, t.qualified_leads),
            cpc=m.cpc(t.spend, t.clicks),
            cost_per_conversion=m.cost_per_conversion(t.spend, t.conversions),
            ctr=m.ctr(t.clicks, t.impressions),
            conversion_rate=m.conversion_rate(t.conversions, t.leads),
            profit=m.profit(t.revenue, t.spend),
            profit_margin=m.profit_margin(t.revenue, t.spend),
            budget_spent_in_period=m.budget_used(t.spend, budget) if budget is not None else None,
            break_even_revenue=m.break_even_revenue(t.revenue, t.spend),
            break_even_conversions=m.break_even_conversions(t.revenue, t.spend, t.conversions),
        )


@dataclass(frozen=True)
class PeriodFigures:
    """Totals and metrics over one period."""

    period: Period
    totals: Totals
    metrics: Metrics

    def value(self, name: str):
        """A figure by its catalogue key: a total or a metric."""
        if hasattr(self.totals, name):
            return getattr(self.totals, name)
        return getattr(self.metrics, name)

    @property
    def break_even_reached(self) -> bool:
        """Revenue covers spend, and something was spent (no spend is no news, not success)."""
        return self.totals.spend > 0 and self.metrics.break_even_revenue == 0


def changes(current: PeriodFigures, previous: PeriodFigures) -> dict[str, Decimal | None]:
    """Relative change of each headline figure against the previous period; none for a
    partial period (one that includes today), which is never compared with complete days."""
    if current.period.partial:
        return dict.fromkeys(catalogue.HEADLINE)
    return {
        name: m.change(current.value(name), previous.value(name)) for name in catalogue.HEADLINE
    }


# --- Reading sums: whole months from the rollups, the days at a period's ends from the days -----


@dataclass(frozen=True)
class Parts:
    """A period as the whole calendar months inside it and, for each month it covers only
    partly, the run of its days in that month.

    Whole months are read from the monthly rollups. So is a partly covered month of a campaign
    whose recorded days all lie in the period (the rollup's first and last dates say so: the
    current month of a period that ends today, the first month of "all time"); only the other
    campaigns' days in that run are read from ``DailyMetric``. The sums are those of reading
    every day, at the cost of (campaigns × months) plus at most two partial months."""

    partial: tuple[tuple[date, date], ...]  # (first, last day) of the period in a partial month
    months: tuple[date, date] | None  # the first days of the first and last whole months

    def whole_months(self) -> Q | None:
        """The rollups of the whole months, or None when there are none."""
        if self.months is None:
            return None
        return Q(month__gte=self.months[0], month__lte=self.months[1])

    def partial_rollups(self) -> Q | None:
        """The monthly rollups of the partial months whose days all lie in the period."""
        if not self.partial:
            return None
        return reduce(
            operator.or_,
            (Q(month=month_of(a), first_date__gte=a, last_date__lte=b) for a, b in self.partial),
        )

    def month_condition(self) -> Q:
        """The monthly rollups to read: the whole months and the partial months above."""
        return reduce(operator.or_, [q for q in (self.whole_months(), self.partial_rollups()) if q])

    def day_condition(self) -> Q | None:
        """The daily rows to read (build it inside the tenant scope), or None when the period is
        whole months: in each partial month, the days of the campaigns whose rollup of that
        month has days outside the period."""
        if not self.partial:
            return None
        return reduce(
            operator.or_,
            (
                Q(
                    date__gte=a,
                    date__lte=b,
                    campaign__in=MonthlyMetric.objects.filter(month=month_of(a))
                    .exclude(first_date__gte=a, last_date__lte=b)
                    .values("campaign_id"),
                )
                for a, b in self.partial
            ),
        )


def parts(period: Period) -> Parts:
    first = period.start if period.start.day == 1 else next_month(period.start)
    after = period.end + timedelta(days=1)
    last_end = period.end if after.day == 1 else month_of(period.end) - timedelta(days=1)
    if first > last_end:  # no whole month: one or two partial months
        if month_of(period.start) == month_of(period.end):
            return Parts(partial=((period.start, period.end),), months=None)
        cut = month_of(period.end)
        return Parts(
            partial=((period.start, cut - timedelta(days=1)), (cut, period.end)), months=None
        )
    partial = []
    if period.start < first:
        partial.append((period.start, first - timedelta(days=1)))
    if last_end < period.end:
        partial.append((last_end + timedelta(days=1), period.end))
    return Parts(partial=tuple(partial), months=(first, month_of(last_end)))


def grouped_totals(
    group: str, periods: dict[str, Period], **filters
) -> dict[object, dict[str, Totals]]:
    """Sums per value of ``group`` ("campaign_id", or "location_id" without ``filters``) over
    each named period, of the rows matching ``filters``, in one query: a UNION ALL of plain
    grouped SELECTs, each labelled with its period's name. Per period:

    - by campaign: the lifetime rollups of the campaigns whose days all lie in the period
      ("all time" is one row a campaign), and the other campaigns' monthly rollups (whole
      months, and partial months whose days all lie in the period);
    - by location: the location's monthly rollups of the whole months, and the campaigns'
      monthly rollups of partial months whose days all lie in the period;
    - and the days of the partial months not read from a rollup.
    """
    selects = []
    by_location = group == "location_id" and not filters
    for name, period in periods.items():
        split = parts(period)
        if by_location:
            rollups = [
                (LocationMonthlyMetric, split.whole_months()),
                (MonthlyMetric, split.partial_rollups()),
            ]
        else:
            inside = Q(first_date__gte=period.start, last_date__lte=period.end)
            outside = LifetimeMetric.objects.filter(**filters).exclude(inside).values("campaign_id")
            rollups = [
                (LifetimeMetric, inside),
                (MonthlyMetric, split.month_condition() & Q(campaign__in=outside)),
            ]
        for model, condition in [*rollups, (DailyMetric, split.day_condition())]:
            if condition is not None:
                selects.append(
                    model.objects.filter(**filters)
                    .filter(condition)
                    .values(group)
                    .annotate(
                        period=Value(name, output_field=CharField()),
                        days=day_count(model),
                        **sums(""),
                    )
                    .order_by()
                )
    found: dict[object, dict[str, Totals]] = {}
    if not selects:
        return found
    for row in selects[0].union(*selects[1:], all=True).order_by() if selects[1:] else selects[0]:
        totals = found.setdefault(row[group], {name: Totals() for name in periods})
        totals[row["period"]] += Totals.from_values(row)
    return found


def monthly_totals(group: str, period: Period, **filters) -> dict[tuple[object, date], Totals]:
    """Sums per (value of ``group``, first day of a calendar month) over the period, of the rows
    matching ``filters``; a month cut by the period's ends sums only its days in the period.
    Whole months from the rollups (by location without ``filters``: the location's), partial
    months from the rollups whose days all lie in the period and from the other days."""
    split = parts(period)
    whole = LocationMonthlyMetric if group == "location_id" and not filters else MonthlyMetric
    found: dict[tuple[object, date], Totals] = {}
    for rows in (
        whole.objects.filter(split.whole_months()) if split.months else None,
        MonthlyMetric.objects.filter(split.partial_rollups()) if split.partial else None,
        DailyMetric.objects.filter(split.day_condition()).annotate(month=TruncMonth("date"))
        if split.partial
        else None,
    ):
        if rows is None:
            continue
        counted = day_count(rows.model)
        for row in (
            rows.filter(**filters)
            .values(group, "month")
            .annotate(days=counted, **sums(""))
            .order_by()
        ):
            key = (row[group], row["month"])
            found[key] = found.get(key, Totals()) + Totals.from_values(row)
    return found


def lifetime_totals(**filters) -> dict[int, Totals]:
    """Every recorded day of each campaign matching ``filters``, summed: one row a campaign."""
    return {
        row["campaign_id"]: Totals.from_values(row)
        for row in LifetimeMetric.objects.filter(**filters).values(
            "campaign_id", "days", *DailyMetric.NUMBER_FIELDS
        )
    }


def totals_by_campaign(
    campaign_ids: list[int], periods: dict[str, Period | None]
) -> dict[int, dict[str, Totals]]:
    """Sums per campaign: for each name in ``periods`` the sums over that period (None: every
    recorded day, from the lifetime rollup). At most three queries, led by the rollups' and
    DailyMetric's (location, campaign, …) keys."""
    dated = {name: period for name, period in periods.items() if period is not None}
    found = grouped_totals("campaign_id", dated, campaign__in=campaign_ids) if dated else {}
    lifetime = lifetime_totals(campaign__in=campaign_ids) if len(dated) < len(periods) else {}
    return {
        campaign_id: {
            name: (
                lifetime.get(campaign_id, Totals())
                if period is None
                else found.get(campaign_id, {}).get(name, Totals())
            )
            for name, period in periods.items()
        }
        for campaign_id in campaign_ids
    }
