"""Template filters and tags that present figures: each value in the format of its metric's
catalogue unit, "—" with the reason when undefined, changes coloured by the metric's good
direction, KPI cards, and the colours of pacing bands and health states."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from django import template
from django.utils.html import format_html, format_html_join

from campaigns import display
from campaigns.catalogue import CATALOGUE, HEADLINE, Unit, metric
from campaigns.periods import PARTIAL_REASON

register = template.Library()


@register.filter
def money(value, currency="USD"):
    return display.money(value, currency)


@register.filter
def budget(value, currency="USD"):
    """A campaign's budget, or "no budget" for 0 (the app's "no budget set"), never "$0.00"."""
    if value is not None and not Decimal(value):
        return "no budget"
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
def change(value, key, reason=""):
    """The change against the previous period: ▲ 12.0 % coloured by whether the metric's
    good direction makes it good news (spend is neutral: neither colour). A change that rounds
    to 0.0 % has no arrow and no colour; an undefined one is "—" with ``reason`` (or the
    catalogue's) in its tooltip."""
    if value is None:
        why = reason or CATALOGUE["change"].undefined_reason
        return format_html(
            '<span class="change flat" title="{}">—<span class="sr-only"> ({})</span></span>',
            why,
            why,
        )
    direction, text = display.change(Decimal(value))
    if direction is None:
        return format_html(
            '<span class="change flat" title="against the previous period">{}</span>', text
        )
    return format_html(
        '<span class="change {} {}" title="against the previous period">{}</span>',
        direction,
        metric(key).tone(Decimal(value)),
        text,
    )


@register.inclusion_tag("campaigns/_kpi_card.html")
def kpi_card(figures, changes, key, currency="USD", series=None):
    """A KPI card: the metric's label (with its definition), compact value (exact on hover and
    for screen readers), change, and the period's daily values for a sparkline when ``series``
    (the page's daily series, already read for its charts) is given."""
    value = figures.value(key)
    return {
        "metric": metric(key),
        "value": value,
        "exact": display.figure(key, value, currency) if value is not None else "",
        "change": changes.get(key) if changes is not None else None,
        "has_change": changes is not None and key in changes,
        "change_reason": PARTIAL_REASON if getattr(figures.period, "partial", False) else "",
        "currency": currency,
        **sparkline_context(series, key, currency),
    }


def sparkline_context(series, key: str, currency: str) -> dict:
    """The card's points (a day, week or month each) and their words for screen readers (the
    first and last point)."""
    if not series:
        return {"points": None, "points_text": "", "points_by": ""}
    points = series_values(series, key)
    first, last = series[0], series[-1]
    unit = getattr(first, "unit", "day")
    return {
        "points": points,
        "points_by": f" {unit} by {unit}",
        "points_text": (
            f"{display.figure(key, points[0], currency)} in {_point(first)}, "
            f"{display.figure(key, points[-1], currency)} in {_point(last)}"
            if unit != "day"
            else f"{display.figure(key, points[0], currency)} on {first.date:%b %-d}, "
            f"{display.figure(key, points[-1], currency)} on {last.date:%b %-d}"
        ),
    }


def _point(span) -> str:
    """ "the week of 3 Nov", "Nov 2024" """
    return span.label[0].lower() + span.label[1:] if span.unit == "week" else span.label


def series_values(series, key: str) -> list:
    """The values of ``key`` over a series' spans as a trend line draws them (None where a
    ratio is undefined, or for today so far; a cut week or month as its daily average × its
    length), computed from the series' totals: no query."""
    return [span.plotted(key) for span in series]


@register.simple_tag
def label(key, short=False):
    entry = metric(key)
    return entry.short_label if short else entry.label


@register.simple_tag
def define(key):
    """The definition of a metric as plain text (for a title attribute or a caption)."""
    entry = CATALOGUE.get(key)
    return entry.definition if entry else ""


@register.simple_tag
def definition(key):
    """A "?" that opens the metric's definition: a <details> disclosure, so keyboard (Enter,
    Space) and touch reach it, not only a mouse hovering a title."""
    entry = metric(key)
    return format_html(
        '<details class="define"><summary title="What is {}?">'
        '<span aria-hidden="true">?</span><span class="sr-only">What is {}?</span></summary>'
        '<p class="define-text">{}</p></details>',
        entry.label,
        entry.label,
        entry.definition,
    )


@register.simple_tag
def definitions(keys):
    """What a table's columns mean, under the table: a <details> glossary of the catalogue's
    definitions ("spend roi cost_per_lead"), reachable by keyboard and touch like the cards'
    "?", where a column header has room only for a title."""
    entries = [metric(key) for key in str(keys).split()]
    return format_html(
        '<details class="glossary"><summary>What these columns mean</summary><dl>{}</dl></details>',
        format_html_join("", "<dt>{}</dt><dd>{}</dd>", ((e.label, e.definition) for e in entries)),
    )


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


#: Steps of compact money, smallest first.
COMPACT_STEPS = ((Decimal(1000), "K"), (Decimal(1000) ** 2, "M"), (Decimal(1000) ** 3, "B"))


def compact_money_text(value, currency="USD") -> str:
    """Money short enough for a card: $21.4K, $214K, -$1.2M; under 1,000 in full ($412.50)."""
    if value is None:
        return display.DASH
    amount = Decimal(value)
    if abs(display.round_money(amount)) < 1000:
        return display.money(amount, currency)
    for size, suffix in COMPACT_STEPS:
        scaled = abs(amount) / size
        step = Decimal("0.1") if scaled < 100 else Decimal(1)
        rounded = scaled.quantize(step, rounding=ROUND_HALF_UP)
        if rounded < 1000 or suffix == COMPACT_STEPS[-1][1]:
            break
    number = f"{rounded:,f}".removesuffix(".0") + suffix
    symbol = display.SYMBOLS.get(currency)
    text = f"{symbol}{number}" if symbol else f"{number} {currency}"
    return f"-{text}" if amount < 0 else text


@register.filter
def compact_money(value, currency="USD"):
    return compact_money_text(value, currency)


@register.simple_tag
def compact_metric(value, key, currency="USD"):
    """A figure for a KPI card: money of 1,000 or more compact for the eye ($21.4K) and exact
    for screen readers ($21,412.50); every other figure as ``metric`` shows it."""
    if value is None or metric(key).unit is not Unit.MONEY:
        return metric_value(value, key, currency)
    exact = display.money(value, currency)
    short = compact_money_text(value, currency)
    if short == exact:
        return exact
    return format_html(
        '<span aria-hidden="true">{}</span><span class="sr-only">{}</span>', short, exact
    )
