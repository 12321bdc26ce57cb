"""Chart data for the pages: plain JSON (via json_script) that static/campaigns/charts.js
draws with Chart.js. Numbers only; every figure comes from the analytics objects, every
label and unit from the metric catalogue. A chart with nothing to draw says so (``empty``)."""

from __future__ import annotations

from decimal import Decimal

from campaigns import metrics as m
from campaigns.analytics.channels import ChannelAnalytics
from campaigns.analytics.comparison import Comparison
from campaigns.analytics.results import CampaignReport, Funnel
from campaigns.analytics.series import DayFigures

#: How charts.js formats each catalogue unit.
KINDS = {
    m.Unit.MONEY: "money",
    m.Unit.RATIO: "percent",
    m.Unit.MULTIPLE: "count",
    m.Unit.COUNT: "count",
}


def _n(value: Decimal | int | None) -> float | int | None:
    if value is None or isinstance(value, int):
        return value
    return float(value)


def _dataset(key: str, data, label: str | None = None) -> dict:
    """One series of a metric: its catalogue label (unless given) and unit."""
    metric = m.metric(key)
    return {
        "label": label or metric.label,
        "data": [_n(v) for v in data],
        "kind": KINDS[metric.unit],
    }


def _chart(kind: str, labels: list[str], datasets: list[dict], **extra) -> dict:
    empty = not any(value for dataset in datasets for value in dataset["data"])
    return {"type": kind, "labels": labels, "datasets": datasets, "empty": empty, **extra}


def budget_chart(report: CampaignReport, currency: str) -> dict:
    """Budget vs spend vs revenue (ROI analysis)."""
    chart = _chart(
        "bar",
        [m.CATALOGUE[key].label for key in ("budget", "spend", "revenue")],
        [
            _dataset(
                "spend",
                [report.campaign.budget, report.totals.spend, report.totals.revenue],
                "Amount",
            )
        ],
        currency=currency,
    )
    # A budget alone is no result to draw: the chart waits for spend or revenue.
    chart["empty"] = not (report.totals.spend or report.totals.revenue)
    return chart


def funnel_chart(funnel: Funnel) -> dict:
    """The funnel as horizontal bars, one per stage."""
    return _chart(
        "bar",
        [s.label for s in funnel.stages],
        [_dataset("impressions", [s.count for s in funnel.stages], "Count")],
        horizontal=True,
    )


def trend_charts(series: list[DayFigures], currency: str) -> dict[str, dict]:
    """Daily lines: results (leads, conversions) and money (spend, revenue)."""
    labels = [day.date.isoformat() for day in series]

    def line(key: str) -> dict:
        return _dataset(key, [getattr(d.totals, key) for d in series])

    return {
        "results": _chart("line", labels, [line("leads"), line("conversions")]),
        "money": _chart("line", labels, [line("spend"), line("revenue")], currency=currency),
    }


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
