"""Chart data for the pages: plain JSON (via json_script) that static/campaigns/charts.js
draws with Chart.js. Numbers only; every figure comes from the analytics objects, every
label and unit from the metric catalogue. A chart with nothing to draw says so (``empty``).

The JSON convention (read by charts.js, documented in its header): each dataset has its
``kind`` (how to format it) and ``axis`` ("left" for money, "right" for counts and ratios, so
conversions get their own scale beside spend; a chart with one kind draws it on the left),
optionally ``dashed`` (a 7-day average), ``colour`` and ``colours`` (one per point),
``notes`` (one text per point, shown in the tooltip and the table) and ``hollow`` (one flag
per point: a partial week or month, drawn as a hollow point with dashed segments to it); a
chart may title its
axes (``axis_titles``: {"left": ..., "right": ...}) and take a logarithmic value scale
(``scale``: "log")."""

from __future__ import annotations

from decimal import Decimal

from campaigns import catalogue, display
from campaigns import metrics as m
from campaigns.analytics.channels import ChannelAnalytics
from campaigns.analytics.comparison import Comparison
from campaigns.analytics.results import CampaignReport, Funnel
from campaigns.analytics.series import AVERAGE_DAYS, DAY, Series, moving_average

#: How charts.js formats each catalogue unit.
KINDS = {
    catalogue.Unit.MONEY: "money",
    catalogue.Unit.RATIO: "percent",
    catalogue.Unit.MULTIPLE: "count",
    catalogue.Unit.COUNT: "count",
}
#: Which value axis each unit is drawn on: money left, everything else on its own scale right.
AXES = {
    catalogue.Unit.MONEY: "left",
    catalogue.Unit.RATIO: "right",
    catalogue.Unit.MULTIPLE: "right",
    catalogue.Unit.COUNT: "right",
}
#: One colour per metric in the trend charts (Okabe-Ito: safe for colour-vision deficiencies);
#: a series and its 7-day average share it.
METRIC_COLOURS = {
    "spend": "#0072b2",
    "revenue": "#e69f00",
    "leads": "#009e73",
    "conversions": "#cc79a7",
}
#: One colour per channel, wherever a chart shows channels as slices or points.
CHANNEL_COLOURS = {
    "sms": "#0072b2",
    "email": "#e69f00",
    "social": "#009e73",
    "paid_ads": "#cc79a7",
    "organic": "#d55e00",
}


def _n(value: Decimal | int | None) -> float | int | None:
    if value is None or isinstance(value, int):
        return value
    return float(value)


def _dataset(key: str, data, label: str | None = None, **extra) -> dict:
    """One series of a metric: its catalogue label (unless given), unit and axis."""
    metric = catalogue.metric(key)
    return {
        "label": label or metric.label,
        "data": [_n(v) for v in data],
        "kind": KINDS[metric.unit],
        "axis": AXES[metric.unit],
        **extra,  # may set "axis" itself: two series of one unit on scales far apart
    }


class Chart(dict):
    """A chart's JSON (the dict json_script writes) that templates can also read as a table:
    ``{% for row in chart.table.rows %}`` (the attribute is not part of the JSON)."""

    @property
    def table(self) -> dict:
        return chart_table(self)


def _chart(kind: str, labels: list[str], datasets: list[dict], **extra) -> Chart:
    empty = not any(value for dataset in datasets for value in dataset["data"])
    if all(dataset["axis"] == "right" for dataset in datasets) and kind != "doughnut":
        # One scale only: it goes on the left, where a reader looks first.
        for dataset in datasets:
            dataset["axis"] = "left"
    return Chart(type=kind, labels=labels, datasets=datasets, empty=empty, **extra)


def budget_chart(report: CampaignReport, currency: str) -> dict:
    """Budget vs spend vs revenue (ROI analysis). A budget of 0 is "no budget set": no bar."""
    amounts = {
        "budget": report.campaign.budget,
        "spend": report.totals.spend,
        "revenue": report.totals.revenue,
    }
    if not report.campaign.budget:
        del amounts["budget"]
    chart = _chart(
        "bar",
        [catalogue.CATALOGUE[key].label for key in amounts],
        [_dataset("spend", list(amounts.values()), "Amount")],
        currency=currency,
    )
    # A budget alone is no result to draw: the chart waits for spend or revenue.
    chart["empty"] = not (report.totals.spend or report.totals.revenue)
    # Its name for screen readers says what is drawn (no budget bar without a budget).
    names = [chart["labels"][0], *(label.lower() for label in chart["labels"][1:])]
    chart["label"] = ", ".join(names[:-1]) + " and " + names[-1]
    return chart


def funnel_chart(funnel: Funnel) -> dict:
    """The funnel as horizontal bars, one per stage (its label on the axis), on a logarithmic
    scale so that 40 conversions show beside 100,000 impressions; each stage's rate from the
    previous one is in its tooltip and the table."""
    stages = funnel.stages
    notes = [
        ""
        if i == 0 or step.rate_from_previous is None
        else f"{display.percent(step.rate_from_previous)} of {stages[i - 1].label.lower()}"
        for i, step in enumerate(stages)
    ]
    return _chart(
        "bar",
        [s.label for s in stages],
        [_dataset("impressions", [s.count for s in stages], "Count", notes=notes)],
        horizontal=True,
        scale="log",
        notes_label="From the previous stage",
    )


def trend_charts(series: Series, currency: str) -> dict[str, dict]:
    """The trends of the period: ``results`` (leads and conversions) and ``money`` (spend and
    revenue). Leads run about ten times conversions, so each gets its own scale (leads on the
    left axis, conversions on the right, both axes titled): conversions are not a flat line
    along the floor of the leads' scale.

    One point per span of the series: a day, an ISO week ("Week of 3 Nov") or a calendar month
    ("Nov 2024"), as the period's length chose (``analytics.series.period_series``); day by
    day, each line has a dashed 7-day moving average beside it. A week or month cut by the
    period is drawn hollow at its daily average × the bucket's length (its label and tooltip
    say "3 of 7 days" and give the recorded sum); today so far is left off the line."""
    spans = series.spans
    labels = [span.label for span in spans]
    unit = series.unit
    daily = unit == DAY
    hollow = [span.partial and span.drawn and not daily for span in spans]

    def lines(key: str, **axis) -> list[dict]:
        values = [span.plotted(key) for span in spans]
        style = {"colour": METRIC_COLOURS[key], **axis}
        notes = [_partial_note(span, key, currency) for span in spans]
        extra = {"notes": notes, "hollow": hollow} if any(notes) else {}
        found = [_dataset(key, values, **style, **extra)]
        if daily:
            label = f"{catalogue.metric(key).label}, {AVERAGE_DAYS}-day average"
            found.append(_dataset(key, moving_average(values), label, dashed=True, **style))
        return found

    notes = []
    if daily:
        notes.append(f"Dashed lines: {AVERAGE_DAYS}-day average.")
    if any(hollow):
        notes.append(
            f"Hollow points: a {unit} cut by the period, drawn at its daily average × the "
            f"{unit}'s days, or left off under half its days (the recorded sum is in the "
            "tooltip and the table)."
        )
    if any(span.today for span in spans) and daily:
        notes.append("Today so far is not drawn: the day is not over.")
    note = " ".join(notes)
    return {
        "results": _chart(
            "line",
            labels,
            [*lines("leads", axis="left"), *lines("conversions", axis="right")],
            title=f"Leads (left axis) and conversions (right axis) per {unit}",
            note=note,
            axis_titles={
                "left": catalogue.metric("leads").label,
                "right": catalogue.metric("conversions").label,
            },
        ),
        "money": _chart(
            "line",
            labels,
            [*lines("spend"), *lines("revenue")],
            currency=currency,
            title=f"Spend and revenue per {unit}",
            note=note,
        ),
    }


def _partial_note(span, key: str, currency: str) -> str:
    """The tooltip of a partial point: "3 of 7 days: 34 recorded, drawn as 79.33"."""
    if not span.partial:
        return ""
    recorded = display.figure(key, span.value(key), currency)
    plotted = span.plotted(key)
    if plotted is None:
        return f"{span.coverage}: {recorded} recorded, not drawn"
    if plotted == span.value(key):
        return f"{span.coverage}: {recorded} recorded"
    drawn = display.figure(key, plotted, currency)
    return f"{span.coverage}: {recorded} recorded, drawn as {drawn}"


def _spend_and_revenue(labels: list[str], items, currency: str) -> dict:
    """Grouped bars of spend and revenue, one group per label."""
    return _chart(
        "bar",
        labels,
        [
            _dataset("spend", [i.totals.spend for i in items]),
            _dataset("revenue", [i.totals.revenue for i in items]),
        ],
        currency=currency,
    )


def comparison_chart(comparison: Comparison, currency: str) -> dict:
    """Side by side: spend and revenue per campaign."""
    reports = comparison.reports
    return _spend_and_revenue([r.campaign.name for r in reports], reports, currency)


def channel_chart(channels: ChannelAnalytics, currency: str) -> dict:
    """Per channel: spend and revenue."""
    return _spend_and_revenue([r.label for r in channels.rows], channels.rows, currency)


def share_chart(channels: ChannelAnalytics) -> dict:
    """Share of budget against share of profit, per channel."""
    rows = channels.rows
    return _chart(
        "bar",
        [r.label for r in rows],
        [
            _dataset("budget_share", [r.budget_share for r in rows]),
            _dataset("profit_share", [r.profit_share for r in rows]),
        ],
    )


def spend_shares(amounts: list[Decimal]) -> list[Decimal]:
    """Each amount's share of their sum as a ratio to 0.001 (0.1 %), rounded by largest
    remainder so that the shares add up to exactly 1 (100.0 %); all zero when nothing was spent."""
    total = sum(amounts, m.ZERO)
    if total <= 0:
        return [m.ZERO for _ in amounts]
    exact = [amount * 1000 / total for amount in amounts]
    floors = [int(x) for x in exact]
    short = 1000 - sum(floors)
    order = sorted(range(len(exact)), key=lambda i: exact[i] - floors[i], reverse=True)
    for i in order[:short]:
        floors[i] += 1
    return [Decimal(n) / 1000 for n in floors]


def allocation_chart(channels: ChannelAnalytics, currency: str) -> dict:
    """Budget allocation: each channel's share of the period's spend, as a doughnut in the
    channel's colour, with the amount in the tooltip and the table."""
    rows = [r for r in channels.rows if r.totals.spend > 0]
    shares = spend_shares([r.totals.spend for r in rows])
    chart = _chart(
        "doughnut",
        [r.label for r in rows],
        [
            _dataset(
                "spend_share",
                shares,
                colours=[CHANNEL_COLOURS.get(r.channel, "#6b7280") for r in rows],
                notes=[display.money(r.totals.spend, currency) for r in rows],
            )
        ],
        currency=currency,
        notes_label=catalogue.metric("spend").label,
    )
    chart["empty"] = not rows
    return chart


def chart_table(chart: dict) -> dict:
    """The chart's numbers as a table (for the page without JavaScript, and for anyone who
    prefers one): a header row and one row per label, formatted like the chart's tooltips."""
    currency = chart.get("currency") or "USD"
    datasets = chart["datasets"]

    def cell(kind: str, value) -> str:
        if value is None:
            return display.DASH
        value = Decimal(str(value))
        if kind == "money":
            return display.money(value, currency)
        if kind == "percent":
            return display.percent(value)
        return display.count(value) if value == value.to_integral() else f"{value:,.2f}"

    columns = [dataset["label"] for dataset in datasets]
    has_notes = [bool(dataset.get("notes")) for dataset in datasets]
    if any(has_notes):
        columns.append(chart.get("notes_label") or "Note")
    rows = []
    for i, label in enumerate(chart["labels"]):
        row = [cell(d["kind"], d["data"][i] if i < len(d["data"]) else None) for d in datasets]
        for dataset, noted in zip(datasets, has_notes, strict=True):
            if noted:
                row.append(dataset["notes"][i] or display.DASH)
        rows.append({"label": label, "cells": row})
    return {"columns": columns, "rows": rows}


def portfolio_roi_chart(rows, top: int = 20) -> dict:
    """ROI by location as horizontal bars: the ``top`` biggest spenders of ``rows`` (a page of
    the portfolio), best ROI first; locations without spend have no ROI and are left out."""
    spenders = sorted(
        (r for r in rows if r.current.metrics.roi is not None),
        key=lambda r: r.current.totals.spend,
        reverse=True,
    )[:top]
    spenders.sort(key=lambda r: r.current.metrics.roi, reverse=True)
    return _chart(
        "bar",
        [r.name for r in spenders],
        [_dataset("roi", [r.current.metrics.roi for r in spenders])],
        horizontal=True,
    )
