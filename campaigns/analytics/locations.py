"""A location's overview and the portfolio of several locations."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db.models import Min

from campaigns import recommendations
from campaigns.analytics import judgement
from campaigns.analytics.channels import ChannelAnalytics, channel_analytics
from campaigns.analytics.comparison import ranked
from campaigns.analytics.figures import (
    Metrics,
    PeriodFigures,
    Totals,
    changes,
    grouped_totals,
    totals_by_campaign,
)
from campaigns.analytics.reports import campaign_reports
from campaigns.analytics.results import (
    HEALTH_LABELS,
    HEALTH_ORDER,
    CampaignReport,
    Recommendation,
)
from campaigns.models import Campaign, Location
from campaigns.periods import Period
from campaigns.tenancy import scope

#: The colour of a count of campaigns in a state (a campaign's own pill has its own tone).
STATE_TONES = {"over_budget": "bad", "behind": "warning", "ahead": "good", "on_track": "good"}


@dataclass(frozen=True)
class HealthCount:
    state: str
    label: str
    count: int

    @property
    def tone(self) -> str:
        return STATE_TONES.get(self.state, "neutral")


def health_counts(counter: Counter) -> list[HealthCount]:
    """The non-zero counts of campaigns per health state, most urgent first."""
    return [HealthCount(s, HEALTH_LABELS[s], counter[s]) for s in HEALTH_ORDER if counter[s]]


@dataclass(frozen=True)
class LocationSummary:
    location: Location
    current: PeriodFigures
    previous: PeriodFigures
    health: list[HealthCount]

    @property
    def changes(self) -> dict[str, Decimal | None]:
        return changes(self.current, self.previous)


def campaign_health_by_location(
    locations: list[Location], today: date | None = None
) -> dict[int, Counter]:
    """How many campaigns of each location are in each health state, in two queries."""
    with scope(*locations):
        campaigns = list(Campaign.objects.select_related("location"))
        lifetime = totals_by_campaign([c.pk for c in campaigns], {"life": None})
    counts: dict[int, Counter] = {location.pk: Counter() for location in locations}
    for c in campaigns:
        day = today or c.location.today()
        totals = lifetime[c.pk]["life"]
        pacing = judgement.pacing(c, totals, day)
        targets = judgement.targets(c, totals, day)
        counts[c.location_id][judgement.health(c, totals, pacing, targets, day).state] += 1
    return counts


def location_summaries(
    locations: Iterable[Location], period: Period, *, today: date | None = None
) -> list[LocationSummary]:
    """Headline figures and campaign health of several locations (for the portfolio): grouped
    queries for the figures (``grouped_totals``) and two for the health."""
    locations = list(locations)
    previous = period.previous()
    with scope(*locations):
        found = grouped_totals("location_id", {"cur": period, "prev": previous})
    health = campaign_health_by_location(locations, today) if locations else {}
    summaries = []
    empty = {"cur": Totals(), "prev": Totals()}
    for location in locations:
        current, before = found.get(location.pk, empty).values()
        summaries.append(
            LocationSummary(
                location,
                PeriodFigures(period, current, Metrics.of(current)),
                PeriodFigures(previous, before, Metrics.of(before)),
                health_counts(health.get(location.pk, Counter())),
            )
        )
    return summaries


def active_campaigns(location: Location) -> list[Campaign]:
    """The location's active campaigns, newest first."""
    with scope(location):
        return list(Campaign.objects.for_location(location).active())


def earliest_start(*locations: Location) -> date | None:
    """The first start date of the locations' campaigns: where "all time" begins."""
    with scope(*locations):
        return Campaign.objects.aggregate(first=Min("start_date"))["first"]


@dataclass(frozen=True)
class Overview:
    figures: PeriodFigures
    previous: PeriodFigures
    reports: list[CampaignReport]
    channels: ChannelAnalytics
    #: The highest ROIs of the period among the campaigns not below their ROI target.
    best: list[CampaignReport]
    #: The lowest ROIs of the period among the campaigns below their ROI target or losing
    #: money (``recommendations.below_roi_target``): none when no campaign is.
    worst: list[CampaignReport]
    pacing_warnings: list[CampaignReport]
    recommendations: list[Recommendation]

    @property
    def changes(self) -> dict[str, Decimal | None]:
        return changes(self.figures, self.previous)

    @property
    def any_spend(self) -> bool:
        """Some campaign has an ROI in the period (it spent something)."""
        return any(r.metrics.roi is not None for r in self.reports)

    @property
    def health(self) -> list[HealthCount]:
        return health_counts(Counter(r.health.state for r in self.reports))


def location_overview(
    location: Location,
    period: Period,
    *,
    today: date | None = None,
    top: int = 3,
    campaign_ids: Iterable[int] | None = None,
) -> Overview:
    """Everything the overview page shows, in a constant number of queries: the headline
    figures are the sums of the campaigns' (every daily row belongs to one campaign). Given
    ``campaign_ids``, the overview of only those campaigns of the location (a report's choice)."""
    with scope(location):
        campaigns = Campaign.objects.for_location(location)
        if campaign_ids is not None:
            campaigns = campaigns.filter(pk__in=list(campaign_ids))
        reports = campaign_reports(campaigns, period, today=today)
    current = sum((r.totals for r in reports), Totals())
    before = sum((r.previous.totals for r in reports), Totals())
    channels = channel_analytics(location, period, reports=reports)
    by_roi = [r for r in ranked(reports, "roi") if r.metrics.roi is not None]
    below = [r for r in by_roi if recommendations.below_roi_target(r)]
    warnings = [r for r in reports if r.pacing is not None and r.pacing.off_plan]
    recs = [rec for r in reports for rec in r.recommendations] + channels.recommendations
    return Overview(
        figures=PeriodFigures(period, current, Metrics.of(current)),
        previous=PeriodFigures(period.previous(), before, Metrics.of(before)),
        reports=reports,
        channels=channels,
        best=[r for r in by_roi if r not in below][:top],
        worst=below[::-1][:top],
        pacing_warnings=warnings,
        recommendations=recommendations.consolidate(recs),
    )
