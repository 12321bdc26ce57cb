"""The campaign list, a campaign's page, and the forms that change a campaign's data."""

from __future__ import annotations

from copy import copy
from datetime import date, timedelta

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.dateparse import parse_date
from django.views.generic import FormView, TemplateView

from campaigns import catalogue, charts, display, services
from campaigns.analytics.figures import Metrics, PeriodFigures, Totals
from campaigns.analytics.reports import campaign_report, campaign_reports, lifetime_period
from campaigns.analytics.results import HEALTH_ORDER
from campaigns.analytics.series import period_series
from campaigns.forms import CampaignDetailsForm, DayForm, FunnelForm
from campaigns.models import Campaign, DailyMetric, FunnelStage
from campaigns.page_cache import CachedReportMixin
from campaigns.periods import Period
from campaigns.tenancy import LocationRequiredMixin, ManagerRequiredMixin
from campaigns.views.base import HtmxPartialMixin, PeriodMixin, redirect

#: The figure columns of the campaign list, in order (catalogue keys).
FIGURE_COLUMNS = (
    "spend",
    "revenue",
    "leads",
    "conversions",
    "conversion_rate",
    "cost_per_lead",
    "roi",
)
#: The longest search the list accepts (a longer one is cut, not refused).
SEARCH_MAX_LENGTH = 100
HEALTH_RANK = {state: rank for rank, state in enumerate(HEALTH_ORDER)}
#: Columns the campaign list sorts by: name → how to read the value from a report.
SORTS = {
    "name": lambda r: r.campaign.name.lower(),
    "channel": lambda r: r.campaign.channel,
    "status": lambda r: r.campaign.status,
    "health": lambda r: HEALTH_RANK[r.health.state],
    "budget": lambda r: r.campaign.budget,
    "profit": lambda r: r.metrics.profit,
    **{key: (lambda r, key=key: r.current.value(key)) for key in FIGURE_COLUMNS},
}


def sort_reports(reports, key: str):
    """Sort by ``key`` ("roi" ascending, "-roi" descending); undefined values always last."""
    name = key.removeprefix("-")
    read = SORTS.get(name, SORTS["name"])
    defined = [r for r in reports if read(r) is not None]
    undefined = [r for r in reports if read(r) is None]
    return sorted(defined, key=read, reverse=key.startswith("-")) + undefined


def list_totals(reports, period) -> PeriodFigures:
    """The totals row of the list: sums over the listed campaigns, ratios of those sums (the
    ROI of the total, never an average of ROIs)."""
    total = sum((r.totals for r in reports), Totals())
    return PeriodFigures(period, total, Metrics.of(total))


class CampaignListView(
    LocationRequiredMixin, PeriodMixin, CachedReportMixin, HtmxPartialMixin, TemplateView
):
    """Every campaign of the location with its figures for the period: filter and sort."""

    template_name = "campaigns/campaign_list.html"
    htmx_partial = "report"

    def report_context(self) -> dict:
        params = self.request.GET
        query = params.get("q", "").strip()[:SEARCH_MAX_LENGTH]
        status = params.get("status", "")
        channel = params.get("channel", "")
        sort = params.get("sort", "name")
        if sort.removeprefix("-") not in SORTS:
            sort = "name"
        campaigns = Campaign.objects.for_location(self.location)
        if status in Campaign.Status.values:
            campaigns = campaigns.filter(status=status)
        if channel in Campaign.Channel.values:
            campaigns = campaigns.filter(channel=channel)
        if query:
            campaigns = campaigns.filter(name__icontains=query)
        reports = sort_reports(campaign_reports(campaigns, self.period), sort)
        return dict(
            reports=reports,
            totals=list_totals(reports, self.period),
            query=query,
            status=status,
            channel=channel,
            sort=sort,
            statuses=Campaign.Status.choices,
            channels=Campaign.Channel.choices,
            columns=[
                ("name", "Campaign", False),
                ("channel", "Channel", False),
                ("status", "Status", False),
                ("health", "Health (lifetime)", False),
                *((key, catalogue.CATALOGUE[key].short_label, True) for key in FIGURE_COLUMNS),
            ],
            figure_columns=FIGURE_COLUMNS,
            filtered=bool(status or channel or query),
        )


class CampaignMixin:
    """Loads the URL's campaign through the scoped manager: another location's id is a 404."""

    def get_campaign(self) -> Campaign:
        if not hasattr(self, "campaign"):
            self.campaign = get_object_or_404(
                Campaign.objects.for_location(self.location).select_related("location"),
                pk=self.kwargs["pk"],
            )
        return self.campaign

    def get_context_data(self, **kwargs):
        kwargs.setdefault("campaign", self.get_campaign())
        return super().get_context_data(**kwargs)

    def campaign_url(self) -> str:
        return reverse("campaigns:campaign", args=[self.location.slug, self.get_campaign().pk])


class CampaignPeriodMixin(CampaignMixin, PeriodMixin):
    """A campaign's period: its whole life unless the URL says otherwise."""

    default_period = "all"

    def period_bounds(self):
        return self.location.today(), self.get_campaign().start_date

    def get_period(self):
        period = super().get_period()
        # "All time" of a campaign is its life, not everything since its start until today.
        return lifetime_period(self.get_campaign()) if period.preset == "all" else period


class CampaignDetailView(
    LocationRequiredMixin, CampaignPeriodMixin, HtmxPartialMixin, TemplateView
):
    """A campaign's key metrics, ROI analysis, funnel, targets, trends and actions."""

    template_name = "campaigns/campaign_detail.html"
    htmx_partial = "report"

    def get_context_data(self, **kwargs):
        campaign = self.get_campaign()
        currency = self.location.currency
        report = campaign_report(campaign, self.period)
        # Days, ISO weeks or months by the period's length: the charts and the table beside them.
        series = period_series([campaign.pk], self.period)
        trends = charts.trend_charts(series, currency)
        return super().get_context_data(
            report=report,
            budget_chart=charts.budget_chart(report, currency),
            funnel_chart=charts.funnel_chart(report.funnel),
            results_chart=trends["results"],
            money_chart=trends["money"],
            series=series,
            **kwargs,
        )


def saved_message(campaign: Campaign) -> str:
    """ "Saved “X”." with the targets as stored, so a typo in the ROI target shows at once."""
    targets = [
        f"{label} {value}"
        for label, value in (
            ("leads", campaign.target_leads),
            ("conversions", campaign.target_conversions),
        )
        if value is not None
    ]
    if campaign.target_roi is not None:
        targets.append(f"ROI {display.percent(campaign.target_roi)}")
    return f"Saved “{campaign.name}”" + (f": targets {', '.join(targets)}." if targets else ".")


class CampaignFormMixin(HtmxPartialMixin):
    """Create and edit share the form; the service validates and saves."""

    form_class = CampaignDetailsForm
    template_name = "campaigns/campaign_form.html"
    htmx_partial = "form"

    def form_valid(self, form):
        try:
            campaign = self.save(form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
            return self.form_invalid(form)
        messages.success(self.request, saved_message(campaign))
        return redirect(
            self.request, reverse("campaigns:campaign", args=[self.location.slug, campaign.pk])
        )


class CampaignCreateView(ManagerRequiredMixin, CampaignFormMixin, FormView):
    def get_initial(self):
        return {"start_date": self.location.today(), "status": Campaign.Status.ACTIVE}

    def save(self, fields) -> Campaign:
        return services.create_campaign(location=self.location, **fields)


class CampaignUpdateView(ManagerRequiredMixin, CampaignMixin, CampaignFormMixin, FormView):
    def get_form_kwargs(self):
        # A copy: a refused edit must not rename the campaign shown around the form.
        return {**super().get_form_kwargs(), "instance": copy(self.get_campaign())}

    def save(self, fields) -> Campaign:
        return services.update_campaign(campaign=copy(self.get_campaign()), **fields)


class RecordDayView(ManagerRequiredMixin, CampaignMixin, HtmxPartialMixin, FormView):
    """Record a day's results, or correct a day already recorded (?date=YYYY-MM-DD)."""

    form_class = DayForm
    template_name = "campaigns/day_form.html"
    htmx_partial = "form"

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        campaign = self.get_campaign()
        day = self.requested_day() if self.request.method == "GET" else None
        recorded = DailyMetric.objects.filter(campaign=campaign, date=day).first() if day else None
        # A POST always validates a fresh row: the service then upserts by (campaign, day).
        kwargs["instance"] = recorded or DailyMetric(
            campaign=campaign, location=self.location, date=day or self.default_day(campaign)
        )
        return kwargs

    def requested_day(self) -> date | None:
        try:
            return parse_date(self.request.GET.get("date") or "")
        except ValueError:
            return None

    def default_day(self, campaign: Campaign) -> date:
        """The last complete day (yesterday) within the campaign's dates: what a manager
        usually records; today only for a campaign that starts today."""
        yesterday = self.location.today() - timedelta(days=1)
        last = min(yesterday, campaign.end_date) if campaign.end_date else yesterday
        return max(last, campaign.start_date)

    def form_valid(self, form):
        data = dict(form.cleaned_data)
        day = data.pop("date")
        try:
            services.record_day(campaign=self.get_campaign(), day=day, **data)
        except ValidationError as error:
            form.add_error(None, error)
            return self.form_invalid(form)
        today = self.location.today()
        if day < today:
            messages.success(self.request, f"Recorded {day:%b %-d, %Y}.")
            return redirect(self.request, self.campaign_url())
        # Today is in no preset (they are complete days): show the campaign's life up to today,
        # marked partial, so the day just recorded is in the figures.
        messages.success(self.request, f"Recorded {day:%b %-d, %Y}: today so far, a partial day.")
        life = Period(min(self.get_campaign().start_date, today), today)
        return redirect(self.request, self.campaign_url() + life.query)


class FunnelView(ManagerRequiredMixin, CampaignMixin, HtmxPartialMixin, FormView):
    """Set the recorded funnel counts (they replace the funnel derived from daily totals)."""

    form_class = FunnelForm
    template_name = "campaigns/funnel_form.html"
    htmx_partial = "form"

    def get_initial(self):
        return dict(
            FunnelStage.objects.filter(campaign=self.get_campaign()).values_list("stage", "count")
        )

    def form_valid(self, form):
        try:
            services.set_funnel(campaign=self.get_campaign(), counts=form.counts())
        except ValidationError as error:
            form.add_error(None, error)
            return self.form_invalid(form)
        messages.success(self.request, "Funnel counts saved.")
        return redirect(self.request, self.campaign_url())


class CampaignCompleteView(ManagerRequiredMixin, CampaignMixin, TemplateView):
    """Confirm (GET), then mark the campaign completed (POST)."""

    template_name = "campaigns/campaign_complete.html"

    def post(self, request, *args, **kwargs):
        campaign = self.get_campaign()
        services.complete_campaign(campaign=campaign)
        messages.success(request, f"“{campaign.name}” is completed.")
        return redirect(request, self.campaign_url())
