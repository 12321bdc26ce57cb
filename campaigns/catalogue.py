"""The metric catalogue: one ``Metric`` per figure the app shows or ships, with its key,
labels, unit, which direction is good, the definition users see and why it can be undefined.
Pages, charts, the report JSON, the CSV exports and the admin read labels, units and colours
from it; adding a metric is one entry. The values are computed by ``campaigns.metrics``.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum


class Unit(StrEnum):
    MONEY = "money"  # in the location's currency: $41.67
    RATIO = "ratio"  # shown as a percentage: 2.6 → 260.0 %
    MULTIPLE = "multiple"  # shown with an x: 3.60x
    COUNT = "count"  # a whole number: 1,234


class Good(StrEnum):
    """Which way of a change is good news (spend is neither: it is what was planned)."""

    HIGHER = "higher"
    LOWER = "lower"
    NEUTRAL = "neutral"


@dataclass(frozen=True)
class Metric:
    key: str
    label: str
    short_label: str
    unit: Unit
    good: Good
    definition: str
    undefined_reason: str | None = None  # None: always defined
    places: int = 1  # decimals of a percentage

    def tone(self, change: Decimal | None) -> str:
        """ "good", "bad" or "neutral": the colour of a change of this metric."""
        if not change or self.good is Good.NEUTRAL:
            return "neutral"
        return "good" if (change > 0) == (self.good is Good.HIGHER) else "bad"


def _catalogue(*metrics: Metric) -> dict[str, Metric]:
    return {metric.key: metric for metric in metrics}


M, R, X, C = Unit.MONEY, Unit.RATIO, Unit.MULTIPLE, Unit.COUNT
UP, DOWN, FLAT = Good.HIGHER, Good.LOWER, Good.NEUTRAL

#: Every figure the app shows or ships, in the order tables list them.
CATALOGUE = _catalogue(
    # Totals of the daily rows.
    Metric("impressions", "Impressions", "Impr.", C, UP, "Σ impressions of the daily rows."),
    Metric("clicks", "Clicks", "Clicks", C, UP, "Σ clicks (or engagements) of the daily rows."),
    Metric("leads", "Leads", "Leads", C, UP, "Σ leads of the daily rows in the period."),
    Metric("qualified_leads", "Qualified leads", "Qualified", C, UP, "Σ qualified leads."),
    Metric("hot_leads", "Hot leads", "Hot", C, UP, "Σ hot leads (a share of qualified leads)."),
    Metric(
        "conversions",
        "Conversions",
        "Conv.",
        C,
        UP,
        "Σ conversions (sales or appointments), as reported by the source.",
    ),
    Metric(
        "revenue",
        "Revenue",
        "Revenue",
        M,
        UP,
        "Σ revenue of the daily rows, as attributed by the source platform.",
    ),
    Metric("spend", "Spend", "Spend", M, FLAT, "Σ spend of the daily rows in the period."),
    # Money and return.
    Metric("profit", "Profit", "Profit", M, UP, "Revenue − spend."),
    Metric(
        "roi",
        "ROI",
        "ROI",
        R,
        UP,
        "Return on investment: (revenue − spend) / spend.",
        "no spend recorded yet",
    ),
    Metric(
        "roas",
        "ROAS",
        "ROAS",
        X,
        UP,
        "Return on ad spend: revenue / spend, as a multiple.",
        "no spend recorded yet",
    ),
    Metric(
        "cost_per_lead",
        "Cost per lead",
        "CPL",
        M,
        DOWN,
        "Cost per lead (CPL): spend / leads.",
        "no leads yet",
    ),
    Metric(
        "cost_per_qualified_lead",
        "Cost per qualified lead",
        "CPQL",
        M,
        DOWN,
        "Cost per qualified lead (CPQL): spend / qualified leads.",
        "no qualified leads yet",
    ),
    Metric(
        "cost_per_conversion",
        "Cost per conversion",
        "CPA",
        M,
        DOWN,
        "Cost per conversion (CPA): spend / conversions.",
        "no conversions yet",
    ),
    Metric("cpc", "Cost per click", "CPC", M, DOWN, "Spend / clicks.", "no clicks yet"),
    Metric(
        "ctr", "Click-through rate", "CTR", R, UP, "Clicks / impressions.", "no impressions yet"
    ),
    Metric(
        "conversion_rate",
        "Lead → conversion",
        "Lead → conv.",
        R,
        UP,
        "Lead-to-conversion rate: conversions / leads (ad platforms' “conversion rate” is "
        "conversions / clicks).",
        "no leads yet",
    ),
    Metric(
        "profit_margin",
        "Profit margin",
        "Margin",
        R,
        UP,
        "Margin after marketing spend: (revenue − spend) / revenue.",
        "no revenue yet",
    ),
    Metric(
        "break_even_revenue",
        "Revenue still needed to break even",
        "To break even",
        M,
        DOWN,
        "Revenue still needed to break even: max(0, spend − revenue).",
    ),
    Metric(
        "break_even_conversions",
        "Conversions still needed to break even",
        "Conv. to break even",
        C,
        DOWN,
        "Conversions still needed to break even at the current revenue per conversion.",
        "no conversions yet",
    ),
    # Budget and plan.
    Metric("budget", "Budget", "Budget", M, FLAT, "The campaign's budget for its whole life."),
    Metric(
        "budget_used",
        "Budget used",
        "Budget used",
        R,
        FLAT,
        "Lifetime spend / budget: how much of the budget is gone, whatever the period shown.",
        "no budget set",
    ),
    Metric(
        "budget_spent_in_period",
        "Budget spent in the period",
        "Of budget",
        R,
        FLAT,
        "Spend in the period / budget (the lifetime share is “budget used”).",
        "no budget set",
    ),
    Metric(
        "budget_left",
        "Budget left",
        "Left",
        M,
        FLAT,
        "Budget − lifetime spend (negative when over budget).",
        "no budget set",
    ),
    Metric(
        "money_at_risk",
        "Money at risk",
        "At risk",
        M,
        DOWN,
        "The overspend of over-budget campaigns (lifetime spend − budget) + the shortfall "
        "projected for campaigns behind: behind on leads or conversions, the part of the "
        "budget (without one, of the spend so far) projected to buy no results, budget × "
        "(1 − projected ÷ target) of the result furthest behind; behind on the ROI target, the "
        "revenue missing against it, lifetime spend × (1 + target ROI) − revenue; the larger "
        "when both. Lifetime figures, as health is judged.",
    ),
    Metric(
        "pacing",
        "Pacing",
        "Pacing",
        R,
        FLAT,
        "Expected to date = full amount × days elapsed / total days; within ±10 % is on "
        "track, above is ahead, below is behind. Spending ahead of plan is a warning.",
        "needs a budget, an end date and a running campaign",
    ),
    Metric(
        "target",
        "Target achievement",
        "Of target",
        R,
        UP,
        "Actual / target, to date; leads and conversions are judged against the share of the "
        "campaign's time elapsed, ROI against the full target.",
        "no target set",
    ),
    # Shares and the funnel.
    Metric(
        "period_budget",
        "Budget for the period",
        "Budget (period)",
        M,
        FLAT,
        "Each campaign's budget spread evenly over its days (start to end date), times its "
        "days in the period; campaigns without an end date have no per-day budget and count 0.",
    ),
    Metric(
        "budget_share",
        "Share of budget",
        "Budget share",
        R,
        FLAT,
        "The channel's budget for the period / the location's: only campaigns running in the "
        "period count, each pro-rated to its days in it.",
        "no campaign with a budget and an end date runs in this period",
    ),
    Metric(
        "spend_share",
        "Share of spend",
        "Spend share",
        R,
        FLAT,
        "The channel's spend in the period / the location's.",
        "nothing spent in this period",
    ),
    Metric(
        "profit_share",
        "Profit share",
        "Profit share",
        R,
        UP,
        "The channel's profit / the location's.",
        "the location made no profit",
    ),
    Metric(
        "stage_rate",
        "From previous stage",
        "From previous",
        R,
        UP,
        "This stage's count / the previous stage's.",
        "the previous stage is empty",
    ),
    Metric(
        "drop_off",
        "Drop-off",
        "Drop-off",
        R,
        DOWN,
        "1 − the rate from the previous stage.",
        "the previous stage is empty",
    ),
    Metric(
        "overall_efficiency",
        "Overall efficiency",
        "Efficiency",
        R,
        UP,
        "Conversion count / awareness count of the funnel.",
        "no awareness count",
        places=2,
    ),
    Metric(
        "change",
        "Change",
        "Change",
        R,
        FLAT,
        "Against the previous period of the same length: (current − previous) / |previous|.",
        "nothing in the previous period to compare with",
    ),
)

#: Headline figures of a period, compared with the previous period.
HEADLINE = (
    "spend",
    "revenue",
    "profit",
    "leads",
    "conversions",
    "roi",
    "cost_per_lead",
    "conversion_rate",
)
#: Prefixes of derived names ("expected_spend", "target_roi") that keep the metric's unit.
_DERIVED = ("expected_", "projected_", "target_", "channel_", "location_", "group_", "from_", "to_")


def metric(key: str) -> Metric:
    """The catalogue entry of ``key``, or of the metric a derived name is built on."""
    if key in CATALOGUE:
        return CATALOGUE[key]
    for prefix in _DERIVED:
        if key.startswith(prefix) and key.removeprefix(prefix) in CATALOGUE:
            return CATALOGUE[key.removeprefix(prefix)]
    raise KeyError(f"No metric “{key}” in the catalogue.")
