"""Comparing campaigns: rankings by ROI, lead-to-conversion rate and cost per lead."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from campaigns import recommendations
from campaigns.analytics.reports import campaign_reports
from campaigns.analytics.results import CampaignReport, Recommendation
from campaigns.models import Campaign, Location
from campaigns.periods import Period
from campaigns.tenancy import scope


@dataclass(frozen=True)
class Comparison:
    period: Period
    reports: list[CampaignReport]
    by_roi: list[CampaignReport]
    by_conversion_rate: list[CampaignReport]
    by_cost_efficiency: list[CampaignReport]
    best_performer: CampaignReport | None
    underperformers: list[CampaignReport]
    recommendations: list[Recommendation]


def ranked(reports: list[CampaignReport], metric: str, *, lowest_first: bool = False):
    """Reports ordered by a metric, best first; undefined values last."""
    defined = [r for r in reports if getattr(r.metrics, metric) is not None]
    undefined = [r for r in reports if getattr(r.metrics, metric) is None]
    defined.sort(key=lambda r: getattr(r.metrics, metric), reverse=not lowest_first)
    return defined + undefined


def compare_campaigns(
    location: Location, campaign_ids: Iterable[int], period: Period, *, today: date | None = None
) -> Comparison:
    """Rank a location's campaigns by ROI, lead-to-conversion rate and cost per lead."""
    with scope(location):
        reports = campaign_reports(
            Campaign.objects.for_location(location).filter(pk__in=list(campaign_ids)),
            period,
            today=today,
        )
    by_roi = ranked(reports, "roi")
    best = by_roi[0] if by_roi and by_roi[0].metrics.roi is not None else None
    under = [r for r in reports if recommendations.below_roi_target(r)]  # as the overview's worst
    own = [rec for r in reports for rec in r.recommendations]
    extra = recommendations.comparison_recommendations(
        reports, best, [r for r in by_roi if r.metrics.roi is not None]
    )
    return Comparison(
        period=period,
        reports=reports,
        by_roi=by_roi,
        by_conversion_rate=ranked(reports, "conversion_rate"),
        by_cost_efficiency=ranked(reports, "cost_per_lead", lowest_first=True),
        best_performer=best,
        underperformers=under,
        recommendations=recommendations.consolidate(own + extra),
    )
