"""What a location's report says: the overview of its campaigns over a period (headline figures
with their change, best and worst campaigns by ROI, health, pacing, the top recommendations and
a table of every campaign), read inside the location's tenant scope."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from django.urls import reverse
from django.utils import timezone

from campaigns import display
from campaigns.analytics.locations import Overview, location_overview
from campaigns.analytics.results import CampaignReport
from campaigns.analytics.series import period_series
from campaigns.catalogue import CATALOGUE, HEADLINE
from campaigns.links import site_url
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
    ids = None if campaigns is None else [c if isinstance(c, int) else c.pk for c in campaigns]
    return location_overview(location, period, top=TOP_CAMPAIGNS, campaign_ids=ids)


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
                "change": display.change(changes.get(key))[1],
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
            "best": [campaign_row(r, currency, period) for r in overview.best],
            "worst": [campaign_row(r, currency, period) for r in overview.worst],
            "pacing": [pacing_row(r) for r in overview.pacing_warnings],
            "campaign_rows": [
                campaign_row(r, currency, period)
                for r in sorted(overview.reports, key=lambda r: r.campaign.name.lower())
            ],
            "channel_svg": channel_bars_svg(overview.channels, location.currency),
            # The points of the e-mail's spend and revenue picture: days, ISO weeks or months by
            # the period's length, as on the pages.
            "daily": period_series([r.campaign.pk for r in overview.reports], period).spans,
            "prepared_on": today or location.today() or timezone.localdate(),
            # The same figures in the app: the overview over the report's days.
            "overview_url": site_url(
                reverse("campaigns:overview", args=[location.slug]) + period.query
            ),
        }


def campaign_row(report: CampaignReport, currency: str, period: Period) -> dict:
    """One campaign's line of the report, its figures formatted by their catalogue units, with
    the link to its page over the report's days."""
    metrics, totals = report.metrics, report.totals
    campaign = report.campaign
    return {
        "name": campaign.name,
        "url": site_url(
            reverse("campaigns:campaign", args=[campaign.location.slug, campaign.pk]) + period.query
        ),
        "channel": campaign.get_channel_display(),
        "health": report.health.label,
        # Health is judged on the campaign's life, beside figures of the report's days.
        "health_note": f"lifetime: {report.health.label.lower()}",
        "spend": display.money(totals.spend, currency),
        "revenue": display.money(totals.revenue, currency),
        "leads": display.count(totals.leads),
        "conversions": display.count(totals.conversions),
        "roi": display.figure("roi", metrics.roi, currency),
        # What lists it among the worst: its ROI target (or none), and whether it loses money.
        "target_roi": display.figure("roi", campaign.target_roi, currency)
        if campaign.target_roi is not None
        else "",
        "losing_money": metrics.roi is not None and metrics.roi < 0,
        "cost_per_lead": display.figure("cost_per_lead", metrics.cost_per_lead, currency),
    }


def pacing_row(report: CampaignReport) -> dict:
    return {
        "name": report.campaign.name,
        "health": report.health.label,
        "summary": report.pacing.summary,
        "day_text": report.pacing.day_text,
    }
