"""Data out: CSV downloads of the pages' tables and the printable campaign report.

Each CSV view is its page's view with a CSV response instead of a template: same access
(LocationRequiredMixin), same query string (period, filters, sort, ids), same analytics call,
so a download always holds what the page shows.
"""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpResponse, HttpResponseBadRequest
from django.urls import path
from django.utils.http import content_disposition_header
from django.utils.text import slugify
from django.views import View

from campaigns import exports
from campaigns.analytics.portfolio import totals_rows
from campaigns.models import Location
from campaigns.periods import Period
from campaigns.tenancy import LocationRequiredMixin
from campaigns.views.campaigns import (
    CampaignDetailView,
    CampaignListView,
    CampaignPeriodMixin,
)
from campaigns.views.channels import ChannelsView
from campaigns.views.compare import CompareView
from campaigns.views.overview import PortfolioView


def csv_filename(location: Location, what: str, period: Period) -> str:
    """sunrise-realty-campaigns-2026-10-27-to-2026-11-25.csv"""
    return f"{location.slug}-{what}-{period.start:%Y-%m-%d}-to-{period.end:%Y-%m-%d}.csv"


def csv_response(filename: str, write: Callable[[exports.Writer], None]) -> HttpResponse:
    """A CSV download (an attachment named ``filename``) filled by ``write``."""
    response = HttpResponse(
        content_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": content_disposition_header(True, filename)},
    )
    write(exports.writer_for(response))
    return response


class CampaignListCsvView(CampaignListView):
    """The campaign list as CSV, with the page's filters, sort and period."""

    cache_report = False

    def render_to_response(self, context, **response_kwargs):
        return csv_response(
            csv_filename(self.location, "campaigns", self.period),
            lambda writer: exports.write_campaigns(
                writer, context["reports"], self.location.currency
            ),
        )


class CompareCsvView(CompareView):
    """The comparison as CSV, ranked by ROI, with each campaign's place in every ranking."""

    def render_to_response(self, context, **response_kwargs):
        comparison = context["comparison"]
        if comparison is None:
            return HttpResponseBadRequest(
                "Pick two or more campaigns to compare (?ids=1,2).",
                content_type="text/plain; charset=utf-8",
            )
        return csv_response(
            csv_filename(self.location, "comparison", self.period),
            lambda writer: exports.write_comparison(writer, comparison, self.location.currency),
        )


class ChannelsCsvView(ChannelsView):
    """The channel table as CSV, with its "All channels" total row."""

    cache_report = False

    def render_to_response(self, context, **response_kwargs):
        return csv_response(
            csv_filename(self.location, "channels", self.period),
            lambda writer: exports.write_channels(
                writer, context["channels"], self.location.currency
            ),
        )


class CampaignDaysCsvView(LocationRequiredMixin, CampaignPeriodMixin, View):
    """A campaign's recorded days in the period (as on its page), in the CSV import format."""

    def get(self, request, *args, **kwargs):
        campaign = self.get_campaign()
        period = self.get_period()
        rows = list(exports.recorded_days(campaign, period))
        name = slugify(campaign.name) or "campaign"
        return csv_response(
            csv_filename(self.location, f"{name}-{campaign.pk}-days", period),
            lambda writer: exports.write_days(writer, campaign, rows),
        )


class CampaignReportView(CampaignDetailView):
    """The campaign's page laid out for paper (A4 or Letter): the same report, charts and
    period, without the controls, with the table of the trend charts' points (days, ISO weeks
    or calendar months by the period's length, as on the page)."""

    template_name = "campaigns/campaign_report.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            generated_on=self.location.today(),
            campaign_url=self.campaign_url(),
        )
        return context


class PortfolioCsvView(PortfolioView):
    """The portfolio table as CSV: every location the search and filter select (all pages),
    in the page's order, then the totals; the same access and query string as the page."""

    cache_report = False

    def get_context_data(self, **kwargs):
        query, rows = self.table()
        return {"query": query, "rows": rows, "totals": totals_rows(rows, self.period)}

    def render_to_response(self, context, **response_kwargs):
        if context["query"].error:
            return HttpResponseBadRequest(context["query"].error, content_type="text/plain")
        period = self.period
        return csv_response(
            f"portfolio-{period.start:%Y-%m-%d}-to-{period.end:%Y-%m-%d}.csv",
            lambda writer: exports.write_portfolio(
                writer, context["rows"], context["totals"], period
            ),
        )


urlpatterns = [
    path("portfolio/export.csv", PortfolioCsvView.as_view(), name="portfolio_csv"),
    path(
        "l/<slug:slug>/campaigns/export.csv",
        CampaignListCsvView.as_view(),
        name="campaigns_csv",
    ),
    path(
        "l/<slug:slug>/campaigns/<int:pk>/days.csv",
        CampaignDaysCsvView.as_view(),
        name="days_csv",
    ),
    path(
        "l/<slug:slug>/campaigns/<int:pk>/report/",
        CampaignReportView.as_view(),
        name="report",
    ),
    path("l/<slug:slug>/compare/export.csv", CompareCsvView.as_view(), name="compare_csv"),
    path("l/<slug:slug>/channels/export.csv", ChannelsCsvView.as_view(), name="channels_csv"),
]
