"""Every metric of PRODUCT.md, defined once, as a pure function: Decimal in, Decimal or None
out. None means "undefined" (a division by zero, a missing target): never 0 and never an
exception. What each figure is called, its unit, its good direction and its definition in words
are in ``campaigns.catalogue``.
"""

from __future__ import annotations

import math
from decimal import ROUND_HALF_UP, Decimal

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
