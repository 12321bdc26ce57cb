"""Chart data for the pages: plain JSON (via json_script) that static/campaigns/charts.js
draws with Chart.js. Numbers only; every figure comes from the analytics objects."""

from __future__ import annotations

from decimal import Decimal

from campaigns.analytics import (
    CampaignReport,
    ChannelAnalytics,
    Comparison,
    DayFigures,
    Funnel,
)


def _n(value: Decimal | int | None) -> float | int | None:
    if value is None or isinstance(value, int):
        return value
    return float(value)


def _dataset(label: str, data, kind: str) -> dict:
    return {"label": label, "data": [_n(v) for v in data], "kind": kind}


def budget_chart(report: CampaignReport, currency: str) -> dict:
    """Budget vs spend vs revenue (ROI analysis)."""
    return {
        "type": "bar",
        "labels": ["Budget", "Spend", "Revenue"],
        "datasets": [
            _dataset(
                "Amount",
                [report.campaign.budget, report.totals.spend, report.totals.revenue],
                "money",
            )
        ],
        "currency": currency,
    }


def funnel_chart(funnel: Funnel) -> dict:
    """The funnel as horizontal bars, one per stage."""
    return {
        "type": "bar",
        "horizontal": True,
        "labels": [s.label for s in funnel.stages],
        "datasets": [_dataset("Count", [s.count for s in funnel.stages], "count")],
    }


def trend_charts(series: list[DayFigures], currency: str) -> dict[str, dict]:
    """Daily lines: results (leads, conversions) and money (spend, revenue)."""
    labels = [day.date.isoformat() for day in series]
    return {
        "results": {
            "type": "line",
            "labels": labels,
            "datasets": [
                _dataset("Leads", [d.totals.leads for d in series], "count"),
                _dataset("Conversions", [d.totals.conversions for d in series], "count"),
            ],
        },
        "money": {
            "type": "line",
            "labels": labels,
            "datasets": [
                _dataset("Spend", [d.totals.spend for d in series], "money"),
                _dataset("Revenue", [d.totals.revenue for d in series], "money"),
            ],
            "currency": currency,
        },
    }


def _spend_and_revenue(labels: list[str], items, currency: str) -> dict:
    """Grouped bars of spend and revenue, one group per label."""
    return {
        "type": "bar",
        "labels": labels,
        "datasets": [
            _dataset("Spend", [i.totals.spend for i in items], "money"),
            _dataset("Revenue", [i.totals.revenue for i in items], "money"),
        ],
        "currency": currency,
    }


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
    return {
        "type": "bar",
        "labels": [r.label for r in rows],
        "datasets": [
            _dataset("Share of budget", [r.budget_share for r in rows], "percent"),
            _dataset("Share of profit", [r.profit_share for r in rows], "percent"),
        ],
    }
