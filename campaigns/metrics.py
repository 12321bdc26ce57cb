"""Every metric of PRODUCT.md, defined once: pure functions, Decimal in, Decimal or None out.

None means "undefined" (a division by zero, a missing target): it is never 0 and never an
exception. Each function's docstring is the definition shown to users; ``UNDEFINED_REASONS``
says why a metric has no value.
"""

from __future__ import annotations

import math
from decimal import ROUND_HALF_UP, Decimal

CENT = Decimal("0.01")
ZERO = Decimal("0")

#: The pacing and target bands: within ±10 % of expected is on pace.
PACE_TOLERANCE = Decimal("0.10")

UNDEFINED_REASONS = {
    "roi": "no spend recorded yet",
    "roas": "no spend recorded yet",
    "cost_per_lead": "no leads yet",
    "cost_per_qualified_lead": "no qualified leads yet",
    "cost_per_conversion": "no conversions yet",
    "cpc": "no clicks yet",
    "ctr": "no impressions yet",
    "conversion_rate": "no leads yet",
    "profit_margin": "no revenue yet",
    "budget_used": "no budget set",
    "break_even_conversions": "no conversions yet",
    "pacing": "needs a budget, an end date and a started campaign",
    "target": "no target set",
    "change": "nothing in the previous period to compare with",
}


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


def pace_band(actual: Decimal | int | None, expected: Decimal | int | None) -> str | None:
    """ "ahead", "on pace" or "behind": actual within ±10 % of expected is on pace."""
    if actual is None or expected is None:
        return None
    actual, expected = Decimal(actual), Decimal(expected)
    if expected == 0:
        return "on pace" if actual == 0 else "ahead"
    relative = (actual - expected) / expected
    if relative > PACE_TOLERANCE:
        return "ahead"
    if relative < -PACE_TOLERANCE:
        return "behind"
    return "on pace"


def target_band(value: Decimal | None) -> str | None:
    """Colour of a target's achievement with the pacing bands: "above", "on track" or "below"."""
    band = pace_band(value, Decimal(1)) if value is not None else None
    return {"ahead": "above", "on pace": "on track", "behind": "below"}.get(band)


#: One-line definitions shown beside every number (hover or the definitions list).
DEFINITIONS = {
    "spend": "Σ spend of the daily rows in the period.",
    "revenue": "Σ revenue of the daily rows, as attributed by the source platform.",
    "profit": "Revenue − spend.",
    "roi": "Return on investment: (revenue − spend) / spend.",
    "roas": "Return on ad spend: revenue / spend, as a multiple.",
    "cost_per_lead": "Cost per lead (CPL): spend / leads.",
    "cost_per_qualified_lead": "Cost per qualified lead (CPQL): spend / qualified leads.",
    "cost_per_conversion": "Cost per conversion (CPA): spend / conversions.",
    "cpc": "Cost per click: spend / clicks.",
    "ctr": "Click-through rate: clicks / impressions.",
    "conversion_rate": "Lead-to-conversion rate: conversions / leads (ad platforms' "
    "“conversion rate” is conversions / clicks).",
    "profit_margin": "Margin after marketing spend: (revenue − spend) / revenue.",
    "budget_used": "Spend / budget.",
    "break_even_revenue": "Revenue still needed to break even: max(0, spend − revenue).",
    "break_even_conversions": "Conversions still needed to break even at the current revenue "
    "per conversion.",
    "leads": "Σ leads of the daily rows in the period.",
    "conversions": "Σ conversions (sales or appointments), as reported by the source.",
    "overall_efficiency": "Conversion count / awareness count of the funnel.",
    "pacing": "Expected to date = full amount × days elapsed / total days; within ±10 % "
    "is on pace.",
}
