"""Formatting of numbers for people: money with its currency, percentages, "—" for undefined.

Used by the text report, the admin, the recommendations and (as template tags) the pages.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from campaigns.catalogue import Unit, metric
from campaigns.metrics import money as round_money

SYMBOLS = {"USD": "$", "EUR": "€", "GBP": "£", "CAD": "CA$", "AUD": "A$", "JPY": "¥"}
DASH = "—"


def money(value: Decimal | None, currency: str = "USD") -> str:
    """$41.67, -$1,200.00, or — when undefined."""
    if value is None:
        return DASH
    amount = round_money(Decimal(value))
    symbol = SYMBOLS.get(currency)
    text = f"{abs(amount):,.2f}"
    text = f"{symbol}{text}" if symbol else f"{text} {currency}"
    return f"-{text}" if amount < 0 else text


def percent(value: Decimal | None, places: int = 1) -> str:
    """A ratio as a percentage: 2.6 → 260.0 %."""
    if value is None:
        return DASH
    exponent = Decimal(1).scaleb(-places)
    return f"{(Decimal(value) * 100).quantize(exponent, rounding=ROUND_HALF_UP):,.{places}f} %"


def ratio_x(value: Decimal | None) -> str:
    """A multiple such as ROAS: 3.6 → 3.60x."""
    return DASH if value is None else f"{Decimal(value):,.2f}x"


def count(value: int | Decimal | None) -> str:
    """A whole number with thousands separators: 1,234."""
    return DASH if value is None else f"{Decimal(value):,.0f}"


def change(value: Decimal | None) -> tuple[str | None, str]:
    """A change against the previous period as every page and e-mail shows it: its direction
    ("up", "down"; None when it rounds to 0.0 %, which has no arrow and no colour) and its text
    ("▲ 12.0 %", "0.0 %"); (None, "—") when undefined."""
    if value is None:
        return None, DASH
    shown = percent(abs(Decimal(value)))
    if shown == percent(Decimal(0)):
        return None, shown
    return ("up", f"▲ {shown}") if value > 0 else ("down", f"▼ {shown}")


def figure(key: str, value, currency: str = "USD") -> str:
    """A value in the format of its metric's catalogue unit; "—" when undefined."""
    entry = metric(key)
    if entry.unit is Unit.MONEY:
        return money(value, currency)
    if entry.unit is Unit.RATIO:
        return percent(value, entry.places)
    if entry.unit is Unit.MULTIPLE:
        return ratio_x(value)
    return count(value)
