"""What a location's report says: the overview of its campaigns over a period (headline figures
with their change, best and worst campaigns by ROI, health, pacing, the top recommendations and
a table of every campaign), read inside the location's tenant scope."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from django.utils import timezone

from campaigns import display, recommendations
from campaigns.analytics.channels import channel_analytics
from campaigns.analytics.comparison import ranked
from campaigns.analytics.figures import Metrics, PeriodFigures, Totals
from campaigns.analytics.locations import Overview, location_overview
from campaigns.analytics.reports import campaign_reports
from campaigns.analytics.results import CampaignReport
from campaigns.metrics import CATALOGUE, HEADLINE
from campaigns.models import Campaign, Location
from campaigns.periods import Period
from campaigns.reporting.charts import channel_bars_svg
from campaigns.reporting.periods import period_dates
from campaigns.tenancy import scope

#: How many recommendations the report lists, and how many best and worst campaigns.
TOP_RECOMMENDATIONS = 5
TOP_CAMPAIGNS = 3


def report_overview(
    location: Location, period: Period, campaigns: Iterable[Campaign | int] | None = None
) -> Overview:
    """The location's overview, or that of only ``campaigns`` (of this location) when given."""
    if campaigns is None:
        return location_overview(location, period, top=TOP_CAMPAIGNS)
    ids = [c if isinstance(c, int) else c.pk for c in campaigns]
    with scope(location):
        chosen = Campaign.objects.for_location(location).filter(pk__in=ids)
        reports = campaign_reports(chosen, period)
    current = sum((r.totals for r in reports), Totals())
    before = sum((r.previous.totals for r in reports), Totals())
    channels = channel_analytics(location, period, reports=reports)
    by_roi = [r for r in ranked(reports, "roi") if r.metrics.roi is not None]
    best = by_roi[:TOP_CAMPAIGNS]
    recs = [rec for r in reports for rec in r.recommendations] + channels.recommendations
    return Overview(
        figures=PeriodFigures(period, current, Metrics.of(current)),
        previous=PeriodFigures(period.previous(), before, Metrics.of(before)),
        reports=reports,
        channels=channels,
        best=best,
        worst=[r for r in reversed(by_roi[-TOP_CAMPAIGNS:]) if r not in best],
        pacing_warnings=[r for r in reports if r.pacing is not None and r.pacing.off_plan],
        recommendations=recommendations.consolidate(recs),
    )


def report_context(
    location: Location,
    period: Period,
    campaigns: Iterable[Campaign | int] | None = None,
    *,
    today: date | None = None,
) -> dict:
    """The context of the e-mail's parts and of the PDF, every query inside ``scope(location)``."""
    with scope(location):
        overview = report_overview(location, period, campaigns)
        changes = overview.changes
        currency = location.currency
        headline = [
            {
                "key": key,
                "label": CATALOGUE[key].label,
                "value": display.figure(key, overview.figures.value(key), currency),
                "change": change_text(changes.get(key)),
            }
            for key in HEADLINE
        ]
        return {
            "location": location,
            "currency": location.currency,
            "period": period,
            "period_dates": period_dates(period),
            "previous_dates": period_dates(period.previous()),
            "overview": overview,
            "headline": headline,
            "recommendations": overview.recommendations[:TOP_RECOMMENDATIONS],
            "best": [campaign_row(r, currency) for r in overview.best],
            "worst": [campaign_row(r, currency) for r in overview.worst],
            "pacing": [pacing_row(r) for r in overview.pacing_warnings],
            "campaign_rows": [
                campaign_row(r, currency)
                for r in sorted(overview.reports, key=lambda r: r.campaign.name.lower())
            ],
            "channel_svg": channel_bars_svg(overview.channels, location.currency),
            "prepared_on": today or location.today() or timezone.localdate(),
        }


def change_text(value) -> str:
    """The change against the previous period in words a text part can carry: "▲ 12.0 %"."""
    if value is None:
        return "—"
    if value == 0:
        return "±0.0 %"
    return f"{'▲' if value > 0 else '▼'} {display.percent(abs(value))}"


def campaign_row(report: CampaignReport, currency: str) -> dict:
    """One campaign's line of the report, its figures formatted by their catalogue units."""
    metrics, totals = report.metrics, report.totals
    return {
        "name": report.campaign.name,
        "channel": report.campaign.get_channel_display(),
        "health": report.health.label,
        "spend": display.money(totals.spend, currency),
        "revenue": display.money(totals.revenue, currency),
        "leads": display.count(totals.leads),
        "conversions": display.count(totals.conversions),
        "roi": display.figure("roi", metrics.roi, currency),
        "cost_per_lead": display.figure("cost_per_lead", metrics.cost_per_lead, currency),
    }


def pacing_row(report: CampaignReport) -> dict:
    return {
        "name": report.campaign.name,
        "health": report.health.label,
        "summary": report.pacing.summary,
        "day_text": report.pacing.day_text,
    }
