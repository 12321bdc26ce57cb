"""Every metric of PRODUCT.md, defined once: the catalogue and the pure functions.

``CATALOGUE`` holds one ``Metric`` per figure: its key, labels, unit, which direction is good,
the definition users see and why it can be undefined. Pages, charts, the report JSON, the CSV
exports and the admin read labels, units and colours from it; adding a metric is one entry.
The functions below compute the values: Decimal in, Decimal or None out. None means
"undefined" (a division by zero, a missing target): never 0 and never an exception.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum

CENT = Decimal("0.01")
ZERO = Decimal("0")

#: The pacing and target bands: within ±10 % of expected is on pace.
PACE_TOLERANCE = Decimal("0.10")


def ratio(numerator: Decimal | int, denominator: Decimal | int) -> Decimal | None:
    """numerator / denominator as a Decimal, or None when the denominator is 0."""
    if not denominator:
        return None
    return Decimal(numerator) / Decimal(denominator)


def money(value: Decimal | None) -> Decimal | None:
    """Round an amount to the cent, half up (as accountants do)."""
    return None if value is None else value.quantize(CENT, rounding=ROUND_HALF_UP)


def profit(revenue: Decimal, spend: Decimal) -> Decimal:
    """Revenue − spend."""
    return revenue - spend


def roi(revenue: Decimal, spend: Decimal) -> Decimal | None:
    """(Revenue − spend) / spend: 2.6 is shown as 260.0 %."""
    return ratio(revenue - spend, spend)


def roas(revenue: Decimal, spend: Decimal) -> Decimal | None:
    """Revenue / spend, shown as a multiple (3.60x)."""
    return ratio(revenue, spend)


def cost_per_lead(spend: Decimal, leads: int) -> Decimal | None:
    """Spend / leads (CPL)."""
    return ratio(spend, leads)


def cost_per_qualified_lead(spend: Decimal, qualified_leads: int) -> Decimal | None:
    """Spend / qualified leads (CPQL)."""
    return ratio(spend, qualified_leads)


def cost_per_conversion(spend: Decimal, conversions: int) -> Decimal | None:
    """Spend / conversions (CPA)."""
    return ratio(spend, conversions)


def cpc(spend: Decimal, clicks: int) -> Decimal | None:
    """Spend / clicks (cost per click)."""
    return ratio(spend, clicks)


def ctr(clicks: int, impressions: int) -> Decimal | None:
    """Clicks / impressions (click-through rate)."""
    return ratio(clicks, impressions)


def conversion_rate(conversions: int, leads: int) -> Decimal | None:
    """Lead-to-conversion rate: conversions / leads (not the ad platforms' conversions / clicks)."""
    return ratio(conversions, leads)


def profit_margin(revenue: Decimal, spend: Decimal) -> Decimal | None:
    """(Revenue − spend) / revenue: the margin after marketing spend."""
    return ratio(revenue - spend, revenue)


def budget_used(spend: Decimal, budget: Decimal) -> Decimal | None:
    """Spend / budget."""
    return ratio(spend, budget)


def break_even_revenue(revenue: Decimal, spend: Decimal) -> Decimal:
    """Revenue still needed to break even: max(0, spend − revenue)."""
    return max(ZERO, spend - revenue)


def break_even_conversions(revenue: Decimal, spend: Decimal, conversions: int) -> int | None:
    """Conversions still needed to break even at the current revenue per conversion."""
    revenue_per_conversion = ratio(revenue, conversions)
    if not revenue_per_conversion:  # no conversions, or conversions that earned nothing
        return None
    return math.ceil(break_even_revenue(revenue, spend) / revenue_per_conversion)


def achievement(actual: Decimal | int | None, target: Decimal | int | None) -> Decimal | None:
    """Actual / target; undefined when the target is unset or 0 (or the actual undefined)."""
    if actual is None or not target:
        return None
    return Decimal(actual) / Decimal(target)


def change(current: Decimal | int | None, previous: Decimal | int | None) -> Decimal | None:
    """Relative change against the previous period: (current − previous) / |previous|."""
    if current is None or previous is None or not previous:
        return None
    return (Decimal(current) - Decimal(previous)) / abs(Decimal(previous))


# --- Pacing bands ---------------------------------------------------------------------------

AHEAD, ON_TRACK, BEHIND = "ahead", "on_track", "behind"


def pace_band(actual: Decimal | int | None, expected: Decimal | int | None) -> str | None:
    """ "ahead", "on_track" or "behind": actual within ±10 % of expected is on track."""
    if actual is None or expected is None:
        return None
    actual, expected = Decimal(actual), Decimal(expected)
    if expected == 0:
        return ON_TRACK if actual == 0 else AHEAD
    relative = (actual - expected) / abs(expected)
    if relative > PACE_TOLERANCE:
        return AHEAD
    if relative < -PACE_TOLERANCE:
        return BEHIND
    return ON_TRACK


# --- The catalogue --------------------------------------------------------------------------


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
