"""Home, portfolio and a location's overview."""

from __future__ import annotations

from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.paginator import Paginator
from django.db.models import F
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.views import View
from django.views.generic import TemplateView

from campaigns import catalogue, charts
from campaigns.analytics import portfolio
from campaigns.analytics.locations import earliest_start, location_overview
from campaigns.analytics.series import period_series
from campaigns.models import Membership
from campaigns.page_cache import CachedReportMixin
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


class PortfolioView(
    LoginRequiredMixin, PeriodMixin, CachedReportMixin, HtmxPartialMixin, TemplateView
):
    """Every location of the user in one table: the period's figures with their change, a
    sparkline, budget use and campaign health; searchable, filterable, sortable, paginated.
    A constant number of queries however many locations (campaigns.analytics.portfolio)."""

    template_name = "campaigns/portfolio.html"
    htmx_partial = "report"
    outer_keys = ("portfolio_alert_count",)
    paginate_by = 50

    def period_bounds(self):
        locations = self.locations
        today = max((loc.today() for loc in locations), default=None)
        return today or timezone.localdate(), earliest_start(*locations)

    def get(self, request, *args, **kwargs):
        locations = locations_for(request.user)
        if not request.user.is_superuser:
            # The user's role in each, read through the membership join the filter made.
            locations = locations.annotate(user_role=F("memberships__role"))
        self.locations = list(locations)
        return super().get(request, *args, **kwargs)

    def report_locations(self) -> list[tuple[object, ...]]:
        return [
            (loc.pk, loc.data_version, loc.today(), getattr(loc, "user_role", None))
            for loc in self.locations
        ]

    def table(self) -> tuple[portfolio.TableQuery, list[portfolio.PortfolioRow]]:
        """The query string's search, filter and sort, and the rows they select (all pages)."""
        query = portfolio.TableQuery.from_query(self.request.GET)
        rows = portfolio.portfolio_rows(self.locations, self.period)
        return query, query.apply(rows)

    def report_context(self) -> dict:
        query, rows = self.table()
        # Every location's open alerts in one grouped query: the page's rows show theirs, the
        # header's badge the unacknowledged ones across all the user's locations.
        alert_counts = portfolio.open_alert_counts(self.locations)
        paginator = Paginator(rows, self.paginate_by)
        page = paginator.get_page(self.request.GET.get("page"))
        page_rows = list(page.object_list)
        portfolio.fill_series(page_rows, self.period)
        for row in page_rows:
            row.open_alerts = alert_counts.get(row.location.pk, portfolio.AlertCounts()).open
        return dict(
            rows=page_rows,
            page_obj=page,
            totals=portfolio.totals_rows(rows, self.period),
            table=query,
            columns=columns(query),
            figure_keys=portfolio.FIGURE_KEYS,
            risk_help=portfolio.MONEY_AT_RISK_HELP,
            roi_chart=charts.portfolio_roi_chart(page_rows),
            page_url=reverse("campaigns:portfolio"),
            portfolio_alert_count=sum(c.unacknowledged for c in alert_counts.values()),
        )

    def get_context_data(self, **kwargs):
        # Outside the report, not cached with it: how many locations, who may add one.
        return super().get_context_data(
            location_count=len(self.locations),
            new_location_url=new_location_url(self.request.user, self.locations),
            **kwargs,
        )


#: The table's columns: sort key, heading, numeric. Money at risk, the default order, comes
#: right after the name so that it is in view without scrolling (the CSV keeps its own order).
COLUMNS = [
    ("name", "Location", False),
    ("money_at_risk", "Money at risk", True),
    *((key, catalogue.CATALOGUE[key].short_label, True) for key in portfolio.FIGURE_KEYS),
    ("budget_used", "Budget used", True),
    ("over_budget", "Over budget", True),
    ("behind", "Behind", True),
    ("on_track", "On track", True),
]


def columns(query: portfolio.TableQuery) -> list[dict]:
    """Each column's heading with the direction a click on it sorts in: the other way round
    when it is the current sort, else its natural first direction (names A to Z, numbers
    largest first)."""
    result = []
    for key, label, numeric in COLUMNS:
        active = query.sort == key
        if active:
            next_dir = "asc" if query.descending else "desc"
        else:
            next_dir = "desc" if numeric else "asc"
        result.append(
            {
                "key": key,
                "label": label,
                "numeric": numeric,
                "active": active,
                "aria_sort": ("descending" if query.descending else "ascending") if active else "",
                "next_dir": next_dir,
            }
        )
    return result


def new_location_url(user, locations) -> str | None:
    """Where "New client location" leads, for a superuser or a manager of two or more
    locations; None for anyone else, or while the page to create one does not exist."""
    managed = sum(getattr(loc, "user_role", None) == Membership.Role.MANAGER for loc in locations)
    if not (user.is_superuser or managed >= 2):
        return None
    try:
        return reverse("campaigns:location_new")
    except NoReverseMatch:
        return None


class OverviewView(
    LocationRequiredMixin, PeriodMixin, CachedReportMixin, HtmxPartialMixin, TemplateView
):
    """A location's headline numbers, channels, best and worst campaigns, pacing and advice."""

    template_name = "campaigns/overview.html"
    htmx_partial = "report"

    def report_context(self) -> dict:
        overview = location_overview(self.location, self.period)
        return dict(
            overview=overview,
            # The location's points (days, weeks or months by the period's length) for the
            # sparkline in each headline card: one or two grouped queries.
            series=period_series([r.campaign.pk for r in overview.reports], self.period).spans,
            channel_chart=charts.channel_chart(overview.channels, self.location.currency),
        )
