"""Totals of daily rows and the metrics computed from them.

Totals are summed in the database, one statement answering for one or many campaigns (or
locations), the period and its previous period at once; Python only turns totals into ratios
through ``campaigns.metrics``. A period's whole months are read from the monthly rollups and
only the days of the months it cuts from the days (``parts``), so a long period costs months,
not days; lifetime sums are one rollup row per campaign. The statements, built once per shape
and scoped like every tenant query, are ``campaigns.analytics.statements``'.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import DecimalField, Q

from campaigns import catalogue
from campaigns import metrics as m
from campaigns.analytics import statements
from campaigns.analytics.sql_scope import filter_of
from campaigns.models import DailyMetric
from campaigns.periods import Period

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


def _totals(found: list) -> Totals:
    """Totals from [days, *sums] accumulated over rows (money rounded to the cent)."""
    days, *numbers = found
    values = dict(zip(DailyMetric.NUMBER_FIELDS, numbers, strict=True))
    return Totals.from_values({**values, "days": days})


def _add(found: dict, key, row: statements.Row) -> None:
    """Add a statement's row to ``found[key]`` ([days, *sums])."""
    into = found.get(key)
    if into is None:
        found[key] = [row.days, *row.numbers]
    else:
        into[0] += row.days
        for i, value in enumerate(row.numbers, 1):
            into[i] += value


def grouped_totals(
    group: str, periods: dict[str, Period], **filters
) -> dict[object, dict[str, Totals]]:
    """Sums per value of ``group`` ("campaign_id" or "location_id") over each named period, of
    the rows matching ``filters`` (of campaigns or locations: ``campaign__in=ids``,
    ``location=…``), in one statement (``statements.period_rows``): a UNION ALL of plain
    grouped SELECTs, each labelled with its period. Per period:

    - by location without a campaign filter: the location's monthly rollups of the whole
      months, and its daily rollups of each cut month's days;
    - otherwise: the lifetime rollups of the campaigns whose days all lie in the period ("all
      time" is one row a campaign), and the other campaigns' monthly rollups of the whole
      months and, per cut month, the rollups whose days all lie in the period and the days of
      the campaigns whose do not.
    """
    names = list(periods)
    rows = statements.period_rows(group, list(periods.values()), filter_of(filters))
    summed: dict[tuple[object, int], list] = {}
    for row in rows:
        _add(summed, (row.key, row.period), row)
    found: dict[object, dict[str, Totals]] = {}
    for (key, p), values in summed.items():
        found.setdefault(key, {name: Totals() for name in names})[names[p]] = _totals(values)
    return found


def monthly_totals(group: str, period: Period, **filters) -> dict[tuple[object, date], Totals]:
    """Sums per (value of ``group``, first day of a calendar month) over the period, of the rows
    matching ``filters`` (as ``grouped_totals``); a month cut by the period's ends sums only its
    days in the period. Whole months from the monthly rollups (by location without a campaign
    filter: the location's), cut months from the rollups whose days all lie in the period and
    from the other days (by location without a campaign filter: the location's daily
    rollups); one statement (``statements.month_rows``)."""
    summed: dict[tuple[object, date], list] = {}
    for row in statements.month_rows(group, period, filter_of(filters)):
        _add(summed, (row.key, row.month), row)
    return {key: _totals(values) for key, values in summed.items()}


def lifetime_totals(**filters) -> dict[int, Totals]:
    """Every recorded day of each campaign matching ``filters`` (campaigns, locations), summed:
    one row a campaign (``statements.lifetime_rows``)."""
    return {
        campaign_id: _totals([days, *numbers])
        for campaign_id, days, numbers in statements.lifetime_rows(filter_of(filters))
    }


def totals_by_campaign(
    campaign_ids: list[int], periods: dict[str, Period | None]
) -> dict[int, dict[str, Totals]]:
    """Sums per campaign: for each name in ``periods`` the sums over that period (None: every
    recorded day, from the lifetime rollup). At most two statements, led by the rollups' and
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
