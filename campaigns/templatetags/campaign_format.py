"""Template filters and tags that present figures: each value in the format of its metric's
catalogue unit, "—" with the reason when undefined, changes coloured by the metric's good
direction, KPI cards, and the colours of pacing bands and health states."""

from __future__ import annotations

from decimal import Decimal

from django import template
from django.utils.html import format_html

from campaigns import display
from campaigns.metrics import CATALOGUE, HEADLINE, metric

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
    return display.count(value)


@register.simple_tag(name="metric")
def metric_value(value, key, currency="USD", reason=""):
    """A figure formatted by its catalogue unit, or "—" whose tooltip says why it is undefined
    (the catalogue's reason unless ``reason`` is given)."""
    if value is None:
        why = reason or metric(key).undefined_reason or "not defined for this period"
        return format_html(
            '<span class="undefined" title="{}">—<span class="sr-only"> ({})</span></span>',
            why,
            why,
        )
    return display.figure(key, value, currency)


@register.simple_tag
def figure(figures, key, currency="USD"):
    """``figures.value(key)`` formatted: one cell of a table built from catalogue keys."""
    return metric_value(figures.value(key), key, currency)


@register.simple_tag
def change(value, key):
    """The change against the previous period: ▲ 12.0 % coloured by whether the metric's
    good direction makes it good news (spend is neutral: neither colour)."""
    if value is None:
        return format_html(
            '<span class="change flat" title="{}">—</span>', CATALOGUE["change"].undefined_reason
        )
    value = Decimal(value)
    if value == 0:
        return format_html('<span class="change flat">{}</span>', "±0.0 %")
    up = value > 0
    return format_html(
        '<span class="change {} {}" title="against the previous period">{} {}</span>',
        "up" if up else "down",
        metric(key).tone(value),
        "▲" if up else "▼",
        display.percent(abs(value)),
    )


@register.inclusion_tag("campaigns/_kpi_card.html")
def kpi_card(figures, changes, key, currency="USD"):
    """A KPI card: the metric's label (with its definition), value and change."""
    return {
        "metric": metric(key),
        "value": figures.value(key),
        "change": changes.get(key) if changes is not None else None,
        "has_change": changes is not None and key in changes,
        "currency": currency,
    }


@register.simple_tag
def label(key, short=False):
    entry = metric(key)
    return entry.short_label if short else entry.label


@register.simple_tag
def define(key):
    """The definition of a metric, for a title attribute."""
    entry = CATALOGUE.get(key)
    return entry.definition if entry else ""


@register.filter
def band_class(band):
    """CSS class of a pacing band or target status ("on_track" → band-on-track)."""
    return "band-" + str(band).replace("_", "-").replace(" ", "-") if band else ""


@register.filter
def tone_class(tone):
    """CSS class of a tone: good, warning, bad or neutral."""
    return f"tone-{tone}" if tone else "tone-neutral"


@register.filter
def progress_value(achievement):
    """A target achievement as a value for <progress max="100"> (capped at 100)."""
    if achievement is None:
        return 0
    return min(100, max(0, round(Decimal(achievement) * 100)))


@register.simple_tag
def headline_keys():
    """The headline figures of a period (overview and portfolio cards)."""
    return HEADLINE


@register.filter
def words(text):
    """ "spend revenue roi" → ["spend", "revenue", "roi"]: catalogue keys in a template."""
    return str(text).split()
