"""Campaign reports: a campaign's figures over a period and the one before, its lifetime
totals, pacing, funnel, targets, health and recommendations, for many campaigns at once."""

from __future__ import annotations

from collections import defaultdict
from datetime import date, timedelta

from django.db.models import Exists, OuterRef, QuerySet

from campaigns import recommendations
from campaigns.analytics import judgement
from campaigns.analytics.figures import Metrics, PeriodFigures, totals_by_campaign
from campaigns.analytics.funnel import funnel, judged
from campaigns.analytics.results import CampaignReport
from campaigns.models import Campaign, FunnelStage
from campaigns.periods import Period
from campaigns.tenancy import scope


def lifetime_period(campaign: Campaign, today: date | None = None) -> Period:
    """The campaign's life in complete days: its start to its end date or yesterday, whichever
    is earlier (presets end yesterday). A campaign that starts today, or has not started, gets
    today alone, marked partial."""
    today = today or campaign.location.today()
    end = min(campaign.end_date or today, today - timedelta(days=1))
    if end < campaign.start_date:
        return Period(today, today, "all", partial=True)
    return Period(campaign.start_date, end, "all")


def with_channel_peers(campaigns: QuerySet[Campaign]) -> QuerySet[Campaign]:
    """``campaigns`` and the other campaigns of their locations on their channels (whose
    funnels are the reference of theirs), in ``campaigns``' order, each with ``requested``
    set when it is one of ``campaigns``: one query."""
    query = campaigns.query
    ordering = query.order_by or (Campaign._meta.ordering if query.default_ordering else ())
    same_channel = campaigns.filter(
        location_id=OuterRef("location_id"), channel=OuterRef("channel")
    )
    return (
        Campaign.objects.filter(Exists(same_channel))
        .annotate(requested=Exists(campaigns.filter(pk=OuterRef("pk"))))
        .select_related("location")
        .order_by(*ordering)
    )


def campaign_reports(
    campaigns: QuerySet[Campaign], period: Period, *, today: date | None = None
) -> list[CampaignReport]:
    """Reports for many campaigns in a constant number of queries (campaigns and the other
    campaigns of their channels in their locations; their sums over the period and the one
    before: days at the ends, whole months; their lifetime sums; their funnel stages)."""
    previous = period.previous()
    rows = list(with_channel_peers(campaigns))
    ids = [c.pk for c in rows]
    found = totals_by_campaign(ids, {"cur": period, "prev": previous, "life": None})
    recorded: dict[int, dict[str, int]] = defaultdict(dict)
    for campaign_id, stage, count in FunnelStage.objects.filter(campaign__in=ids).values_list(
        "campaign_id", "stage", "count"
    ):
        recorded[campaign_id][stage] = count
    shown = {c.pk: funnel(recorded.get(c.pk, {}), found[c.pk]["cur"]) for c in rows}
    # A step's reference: the funnels of the channel's campaigns with figures in the period.
    channel_funnels = defaultdict(list)
    for c in rows:
        if not found[c.pk]["cur"].is_empty:
            channel_funnels[c.location_id, c.channel].append(shown[c.pk])
    reports = []
    for c in rows:
        if not c.requested:
            continue
        day = today or c.location.today()
        current, before, lifetime = (found[c.pk][name] for name in ("cur", "prev", "life"))
        pacing = judgement.pacing(c, lifetime, day)
        targets = judgement.targets(c, lifetime, day)
        report = CampaignReport(
            campaign=c,
            today=day,
            current=PeriodFigures(period, current, Metrics.of(current, c.budget)),
            previous=PeriodFigures(previous, before, Metrics.of(before, c.budget)),
            lifetime=lifetime,
            pacing=pacing,
            funnel=judged(
                shown[c.pk],
                channel=c.get_channel_display(),
                peers=channel_funnels[c.location_id, c.channel],
                previous=None if c.pk in recorded else funnel({}, before),
                previous_period=previous,
            ),
            targets=targets,
            health=judgement.health(c, lifetime, pacing, targets, day),
        )
        report.recommendations.extend(recommendations.campaign_recommendations(report))
        reports.append(report)
    return reports


def campaign_report(
    campaign: Campaign, period: Period | None = None, *, today: date | None = None
) -> CampaignReport:
    """One campaign's report over ``period`` (default: its life so far)."""
    with scope(campaign.location_id):
        period = period or lifetime_period(campaign, today)
        [report] = campaign_reports(Campaign.objects.filter(pk=campaign.pk), period, today=today)
    return report
