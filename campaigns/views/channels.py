"""Per-channel analytics of a location."""

from __future__ import annotations

from django.views.generic import TemplateView

from campaigns import charts
from campaigns.analytics.channels import channel_analytics
from campaigns.page_cache import CachedReportMixin
from campaigns.tenancy import LocationRequiredMixin
from campaigns.views.base import HtmxPartialMixin, PeriodMixin


class ChannelsView(
    LocationRequiredMixin, PeriodMixin, CachedReportMixin, HtmxPartialMixin, TemplateView
):
    """Spend, results and pooled ROI per channel; how the spend is split between channels;
    share of budget against share of profit."""

    template_name = "campaigns/channels.html"
    htmx_partial = "report"

    def report_context(self) -> dict:
        channels = channel_analytics(self.location, self.period)
        return dict(
            channels=channels,
            channel_chart=charts.channel_chart(channels, self.location.currency),
            share_chart=charts.share_chart(channels),
            allocation_chart=charts.allocation_chart(channels, self.location.currency),
        )
