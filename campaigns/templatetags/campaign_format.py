"""Template filters and tags that present numbers: money in the location's currency,
percentages with one decimal, multiples, changes with their colour, and "—" with a reason."""

from __future__ import annotations

from decimal import Decimal

from django import template
from django.utils.html import format_html

from campaigns import display
from campaigns.metrics import UNDEFINED_REASONS

register = template.Library()


@register.filter
def money(value, currency="USD"):
    return display.money(value, currency)


@register.filter
def percent(value, places=1):
    return display.percent(value, int(places))


@register.filter
def times(value):
    return display.ratio_x(value)


@register.filter
def count(value):
    return display.DASH if value is None else f"{int(value):,}"


FORMATS = {
    "money": lambda v, currency: display.money(v, currency),
    "percent": lambda v, currency: display.percent(v),
    "percent2": lambda v, currency: display.percent(v, 2),
    "times": lambda v, currency: display.ratio_x(v),
    "count": lambda v, currency: f"{int(v):,}",
}


@register.simple_tag
def metric(value, kind="count", reason="", currency="USD"):
    """A formatted value, or "—" whose tooltip says why the metric is undefined."""
    if value is None:
        why = UNDEFINED_REASONS.get(reason, reason) or "not defined for this period"
        return format_html(
            '<span class="undefined" title="{}">—<span class="sr-only"> ({})</span></span>',
            why,
            why,
        )
    return FORMATS[kind](value, currency)


@register.simple_tag
def change(value, lower_is_better=False):
    """The change against the previous period: ▲ 12.0 % in green when it is good news."""
    if value is None:
        return format_html(
            '<span class="change flat" title="{}">—</span>', UNDEFINED_REASONS["change"]
        )
    value = Decimal(value)
    if value == 0:
        return format_html('<span class="change flat">{}</span>', "±0.0 %")
    up = value > 0
    good = up != bool(lower_is_better)
    return format_html(
        '<span class="change {} {}" title="against the previous period">{} {}</span>',
        "up" if up else "down",
        "good" if good else "bad",
        "▲" if up else "▼",
        display.percent(abs(value)),
    )


@register.filter
def band_class(band):
    """CSS class of a pacing or target band ("on pace" → band-on-pace)."""
    return "band-" + str(band).replace(" ", "-") if band else ""


@register.filter
def progress_value(achievement):
    """A target achievement as a value for <progress max="100"> (capped at 100)."""
    if achievement is None:
        return 0
    return min(100, max(0, round(Decimal(achievement) * 100)))


@register.simple_tag
def define(name):
    """The one-line definition of a metric, for a title attribute."""
    from campaigns.metrics import DEFINITIONS

    return DEFINITIONS.get(name, "")
