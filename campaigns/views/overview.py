"""Home, portfolio and a location's overview."""

from __future__ import annotations

from django.contrib.auth.mixins import LoginRequiredMixin
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views import View
from django.views.generic import TemplateView

from campaigns import charts
from campaigns.analytics.locations import earliest_start, location_overview, location_summaries
from campaigns.tenancy import LocationRequiredMixin, locations_for
from campaigns.views.base import HtmxPartialMixin, PeriodMixin


class HomeView(LoginRequiredMixin, View):
    """One location: straight to it; several: the portfolio."""

    def get(self, request):
        slugs = list(locations_for(request.user).values_list("slug", flat=True)[:2])
        if len(slugs) == 1:
            return redirect("campaigns:overview", slug=slugs[0])
        if slugs:
            return redirect("campaigns:portfolio")
        return render(request, "campaigns/no_locations.html")


class PortfolioView(LoginRequiredMixin, PeriodMixin, HtmxPartialMixin, TemplateView):
    """Headline numbers of each of the user's locations side by side."""

    template_name = "campaigns/portfolio.html"
    htmx_partial = "report"

    def period_bounds(self):
        locations = self.locations
        today = max((loc.today() for loc in locations), default=None)
        return today or timezone.localdate(), earliest_start(*locations)

    def get(self, request, *args, **kwargs):
        self.locations = list(locations_for(request.user))
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            summaries=location_summaries(self.locations, self.period),
            page_url=reverse("campaigns:portfolio"),
            **kwargs,
        )


class OverviewView(LocationRequiredMixin, PeriodMixin, HtmxPartialMixin, TemplateView):
    """A location's headline numbers, channels, best and worst campaigns, pacing and advice."""

    template_name = "campaigns/overview.html"
    htmx_partial = "report"

    def get_context_data(self, **kwargs):
        overview = location_overview(self.location, self.period)
        return super().get_context_data(
            overview=overview,
            channel_chart=charts.channel_chart(overview.channels, self.location.currency),
            **kwargs,
        )
