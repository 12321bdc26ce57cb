"""CSV exports of the pages' tables: one writer per table, its columns, and the cell format.

Cells are for spreadsheets and scripts: money as a plain decimal with two places ("41.67", the
currency in its own column), ratios as decimals with six places ("2.600000" for an ROI of
260 %), an undefined metric as an empty cell (never 0), dates ISO. Every figure is read from the
analytics objects and formatted by its unit in the metric catalogue; nothing here computes a
metric. Text cells that a spreadsheet would run as a
formula get a leading apostrophe (CSV injection); numbers never do, so a loss stays "-1200.00".
"""

from __future__ import annotations

import csv
from collections.abc import Iterable
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import Protocol

from django.db.models import QuerySet

from campaigns import catalogue
from campaigns import metrics as m
from campaigns.analytics.channels import ChannelAnalytics
from campaigns.analytics.comparison import Comparison
from campaigns.analytics.figures import in_period
from campaigns.analytics.results import CampaignReport, ChannelRow
from campaigns.models import Campaign, DailyMetric
from campaigns.periods import Period

RATIO_PLACES = Decimal("0.000001")
#: What a spreadsheet may read as the start of a formula: OWASP's list, a line feed, a space
#: before one of them, the pipe of DDE payloads, and the full-width forms of = + - @ that some
#: spreadsheets fold to ASCII.
FORMULA_STARTS = (
    "=",
    "+",
    "-",
    "@",
    "\t",
    "\r",
    "\n",
    " ",
    "|",
    "\uff1d",
    "\uff0b",
    "\uff0d",
    "\uff20",
)


class Writer(Protocol):
    def writerow(self, row: Iterable[object], /) -> object: ...


# --- Cells ----------------------------------------------------------------------------------


def text(value: object) -> str:
    """A text cell, defused when a spreadsheet would take it for a formula."""
    value = "" if value is None else str(value)
    return "'" + value if value.startswith(FORMULA_STARTS) else value


def money(value: Decimal | None) -> str:
    """Two places, rounded half up; empty when undefined: 41.67, -1200.00."""
    return "" if value is None else f"{m.money(Decimal(value)):.2f}"


def ratio(value: Decimal | None) -> str:
    """Six places, rounded half up; empty when undefined: 2.600000."""
    if value is None:
        return ""
    return f"{Decimal(value).quantize(RATIO_PLACES, rounding=ROUND_HALF_UP):f}"


def count(value: int | None) -> str:
    return "" if value is None else str(int(value))


def day(value: date | None) -> str:
    return "" if value is None else value.isoformat()


def yes_no(value: bool) -> str:
    return "yes" if value else "no"


# --- Shared columns -------------------------------------------------------------------------

#: Totals of the period and the metrics of the campaign list, in this order (catalogue keys).
FIGURE_COLUMNS = [
    *DailyMetric.NUMBER_FIELDS,
    "profit",
    "roi",
    "roas",
    "cost_per_lead",
    "conversion_rate",
    "ctr",
    "cpc",
    "cost_per_conversion",
]
CELLS = {
    catalogue.Unit.MONEY: money,
    catalogue.Unit.RATIO: ratio,
    catalogue.Unit.MULTIPLE: ratio,
    catalogue.Unit.COUNT: count,
}


def cell(key: str, value) -> str:
    """A figure's cell in the format of its catalogue unit."""
    return CELLS[catalogue.metric(key).unit](value)


def figure_cells(figures) -> list[str]:
    """The FIGURE_COLUMNS of one row, from anything with ``value(key)`` (figures, a channel)."""
    return [cell(key, figures.value(key)) for key in FIGURE_COLUMNS]


#: A campaign's health in every export that lists campaigns.
HEALTH_COLUMNS = ["health", "health_reasons"]


def health_cells(report: CampaignReport) -> list[str]:
    return [text(report.health.state), text(report.health.summary)]


def campaign_cells(campaign: Campaign) -> list[str]:
    return [
        str(campaign.pk),
        text(campaign.name),
        text(campaign.channel),
        text(campaign.status),
        money(campaign.budget),
        day(campaign.start_date),
        day(campaign.end_date),
    ]


CAMPAIGN_COLUMNS = ["id", "name", "channel", "status", "budget", "start_date", "end_date"]


# --- The tables -----------------------------------------------------------------------------

CAMPAIGN_LIST_HEADER = [*CAMPAIGN_COLUMNS, *FIGURE_COLUMNS, *HEALTH_COLUMNS, "currency"]


def write_campaigns(writer: Writer, reports: Iterable[CampaignReport], currency: str) -> None:
    """The campaign list: one row per campaign with its period figures, in the page's order."""
    writer.writerow(CAMPAIGN_LIST_HEADER)
    for report in reports:
        writer.writerow(
            [
                *campaign_cells(report.campaign),
                *figure_cells(report.current),
                *health_cells(report),
                text(currency),
            ]
        )


#: Exactly the columns the CSV import reads, so an exported file imports back unchanged.
DAYS_HEADER = ["date", "campaign", *DailyMetric.NUMBER_FIELDS]


def recorded_days(campaign: Campaign, period: Period) -> QuerySet[DailyMetric]:
    """The campaign's recorded daily rows in the period (no zero-filled days), oldest first.

    Call inside the campaign's scope."""
    return (
        DailyMetric.objects.filter(campaign=campaign)
        .filter(in_period(period))
        .order_by("date")
        .values("date", *DailyMetric.NUMBER_FIELDS)
    )


def write_days(writer: Writer, campaign: Campaign, rows: Iterable[dict]) -> None:
    """A campaign's daily rows in the import format (the campaign named exactly)."""
    writer.writerow(DAYS_HEADER)
    name = text(campaign.name)
    for row in rows:
        writer.writerow(
            [
                day(row["date"]),
                name,
                *(count(row[f]) for f in DailyMetric.COUNT_FIELDS),
                *(money(row[f]) for f in DailyMetric.MONEY_FIELDS),
            ]
        )


COMPARISON_HEADER = [
    "roi_rank",
    "conversion_rate_rank",
    "cost_efficiency_rank",
    *CAMPAIGN_COLUMNS,
    *FIGURE_COLUMNS,
    *HEALTH_COLUMNS,
    "best_performer",
    "underperformer",
    "currency",
]


def _ranks(ranked: list[CampaignReport], metric: str) -> dict[int, str]:
    """1-based place of each campaign in a ranking; empty where its metric is undefined."""
    return {
        r.campaign.pk: (str(place) if getattr(r.metrics, metric) is not None else "")
        for place, r in enumerate(ranked, start=1)
    }


def write_comparison(writer: Writer, comparison: Comparison, currency: str) -> None:
    """The comparison, ranked by ROI, with each campaign's place in the three rankings."""
    by_roi = _ranks(comparison.by_roi, "roi")
    by_rate = _ranks(comparison.by_conversion_rate, "conversion_rate")
    by_cost = _ranks(comparison.by_cost_efficiency, "cost_per_lead")
    best = comparison.best_performer.campaign.pk if comparison.best_performer else None
    under = {r.campaign.pk for r in comparison.underperformers}
    writer.writerow(COMPARISON_HEADER)
    for report in comparison.by_roi:
        pk = report.campaign.pk
        writer.writerow(
            [
                by_roi[pk],
                by_rate[pk],
                by_cost[pk],
                *campaign_cells(report.campaign),
                *figure_cells(report.current),
                *health_cells(report),
                yes_no(pk == best),
                yes_no(pk in under),
                text(currency),
            ]
        )


CHANNELS_HEADER = [
    "channel",
    "label",
    "campaigns",
    "budget",
    "period_budget",
    *FIGURE_COLUMNS,
    "budget_share",
    "spend_share",
    "profit_share",
    "currency",
]


def _channel_cells(row: ChannelRow, currency: str) -> list[str]:
    return [
        text(row.channel),
        text(row.label),
        count(row.campaigns),
        money(row.budget),
        money(row.period_budget),
        *figure_cells(row),
        ratio(row.budget_share),
        ratio(row.spend_share),
        ratio(row.profit_share),
        text(currency),
    ]


def write_channels(writer: Writer, channels: ChannelAnalytics, currency: str) -> None:
    """The channel table (pooled figures per channel) and its "All channels" total row."""
    writer.writerow(CHANNELS_HEADER)
    for row in channels.rows:
        writer.writerow(_channel_cells(row, currency))
    writer.writerow(_channel_cells(channels.total, currency))


def writer_for(stream) -> Writer:
    """A csv writer with the RFC 4180 line ending."""
    return csv.writer(stream, lineterminator="\r\n")


# --- The portfolio --------------------------------------------------------------------------

PORTFOLIO_FIGURES = ["spend", "revenue", "profit", "roi", "cost_per_lead", "leads", "conversions"]
PORTFOLIO_HEADER = [
    "location",
    "slug",
    "currency",
    "period_start",
    "period_end",
    *(column for key in PORTFOLIO_FIGURES for column in (key, f"{key}_change")),
    "budget",
    "budget_used",
    "campaigns_over_budget",
    "campaigns_behind",
    "campaigns_on_track",
    "money_at_risk",
]


def _portfolio_cells(row, period: Period) -> list[str]:
    """One location (or a totals row, without a slug) of the portfolio; changes are ratios
    ("0.250000" is +25 %), empty when there is nothing to compare with."""
    delta = row.changes
    return [
        text(row.name),
        text(row.location.slug if row.location is not None else ""),
        text(row.currency),
        day(period.start),
        day(period.end),
        *(
            value
            for key in PORTFOLIO_FIGURES
            for value in (cell(key, row.current.value(key)), ratio(delta.get(key)))
        ),
        money(row.budget),
        ratio(row.budget_used),
        count(row.over_budget),
        count(row.behind),
        count(row.on_track),
        money(row.money_at_risk),
    ]


def write_portfolio(writer: Writer, rows: Iterable, totals: Iterable, period: Period) -> None:
    """The portfolio table: a row per location in the page's order, then the totals rows (one
    per currency)."""
    writer.writerow(PORTFOLIO_HEADER)
    for row in [*rows, *totals]:
        writer.writerow(_portfolio_cells(row, period))
