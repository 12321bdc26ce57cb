"""Totals of daily rows and the metrics computed from them.

Totals are aggregated in the database with conditional sums, so one grouped query answers for
one or many campaigns, the period and its previous period at once; Python only turns totals
into ratios through ``campaigns.metrics``.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from decimal import Decimal

from django.db.models import DecimalField, Q, Sum, Value
from django.db.models.functions import Coalesce

from campaigns import metrics as m
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

    def __add__(self, other: Totals) -> Totals:
        return Totals(*(getattr(self, f.name) + getattr(other, f.name) for f in fields(self)))

    @classmethod
    def from_values(cls, values: dict, prefix: str = "") -> Totals:
        return cls(
            **{
                name: (
                    Decimal(values[prefix + name])
                    if name in DailyMetric.MONEY_FIELDS
                    else int(values[prefix + name])
                )
                for name in DailyMetric.NUMBER_FIELDS
            }
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
    budget_used: Decimal | None
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
            budget_used=m.budget_used(t.spend, budget) if budget is not None else None,
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
    """Relative change of each headline figure against the previous period."""
    return {name: m.change(current.value(name), previous.value(name)) for name in m.HEADLINE}


def totals_by_campaign(
    campaign_ids: list[int], periods: dict[str, Period | None], within: Period | None = None
) -> dict[int, dict[str, Totals]]:
    """Sums per campaign, one grouped query: for each name in ``periods`` the sums over that
    period (None: every recorded day), reading only the rows ``within`` a period if given.

    The query is led by DailyMetric's (location, campaign, date) index: the scope filters on
    location, the campaigns and (with ``within``) the dates narrow the range it reads.
    """
    rows = DailyMetric.objects.filter(campaign__in=campaign_ids)
    if within is not None:
        rows = rows.filter(in_period(within))
    expressions = {}
    for name, period in periods.items():
        expressions.update(sums(f"{name}_", in_period(period) if period else None))
    found = {
        row["campaign_id"]: {name: Totals.from_values(row, f"{name}_") for name in periods}
        for row in rows.values("campaign_id").annotate(**expressions).order_by()
    }
    empty = {name: Totals() for name in periods}
    return {campaign_id: found.get(campaign_id, empty) for campaign_id in campaign_ids}
