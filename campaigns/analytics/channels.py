"""Channel analytics: per channel, pooled money and results, shares, and reallocation advice.

Two shares are never mixed up: the **share of spend** is the channel's spend in the period ÷
the location's, and the **share of budget** is the channel's *budget for the period* ÷ the
location's. A campaign's budget is for its whole life, so its budget for a period is its budget
spread evenly over its days (start to end date) times its days in the period: a campaign that
ended before the period or starts after it has none, and an open-ended campaign (no end date)
has no per-day budget and is left out."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from campaigns import metrics as m
from campaigns import recommendations
from campaigns.analytics.figures import Metrics, Totals, totals_by_campaign
from campaigns.analytics.results import CampaignReport, ChannelRow, Recommendation, window_of
from campaigns.models import Campaign, Location
from campaigns.periods import Period
from campaigns.tenancy import scope


def budget_in_period(campaign: Campaign, period: Period) -> Decimal:
    """The campaign's budget spread evenly over its days, for its days in ``period`` (zero
    without a budget, without an end date, or when it does not run in the period)."""
    if not campaign.budget or campaign.end_date is None:
        return m.ZERO
    first, last = max(campaign.start_date, period.start), min(campaign.end_date, period.end)
    if last < first:
        return m.ZERO
    total_days = (campaign.end_date - campaign.start_date).days + 1
    return campaign.budget * ((last - first).days + 1) / total_days


@dataclass(frozen=True)
class ChannelAnalytics:
    period: Period
    rows: list[ChannelRow]
    total: ChannelRow
    recommendations: list[Recommendation]


def channel_analytics(
    location: Location, period: Period, *, reports: list[CampaignReport] | None = None
) -> ChannelAnalytics:
    """Per channel: campaigns, money, results and pooled ROI, with shares and advice.

    Channel figures are sums of the campaigns' sums (pooled), from the given campaign
    ``reports`` of the period, or else from two queries (campaigns, their grouped sums).
    """
    if reports is not None:
        pairs = [(r.campaign, r.totals) for r in reports]
    else:
        with scope(location):
            campaigns = list(
                Campaign.objects.for_location(location).only(
                    "channel", "budget", "start_date", "end_date"
                )
            )
            found = totals_by_campaign([c.pk for c in campaigns], {"cur": period})
        pairs = [(c, found[c.pk]["cur"]) for c in campaigns]
    grouped: dict[str, list[tuple[Campaign, Totals]]] = defaultdict(list)
    for campaign, totals in pairs:
        grouped[campaign.channel].append((campaign, totals))
    all_totals = Totals()
    built = []
    for channel in Campaign.Channel:
        items = grouped.get(channel.value)
        if not items:
            continue
        totals = sum((t for _, t in items), Totals())
        budget = sum((c.budget for c, _ in items), m.ZERO)
        planned = sum((budget_in_period(c, period) for c, _ in items), m.ZERO)
        built.append((channel, len(items), budget, planned, totals))
        all_totals += totals
    all_budget = sum((b for _, _, b, _, _ in built), m.ZERO)
    all_planned = sum((p for _, _, _, p, _ in built), m.ZERO)

    def row(channel_value, label, count, budget, planned, totals) -> ChannelRow:
        return ChannelRow(
            channel=channel_value,
            label=label,
            campaigns=count,
            budget=budget,
            period_budget=m.money(planned),
            totals=totals,
            metrics=Metrics.of(totals),
            budget_share=m.ratio(planned, all_planned),
            spend_share=m.ratio(totals.spend, all_totals.spend),
            profit_share=m.ratio(totals.profit, all_totals.profit)
            if all_totals.profit > 0
            else None,
        )

    channel_rows = [row(c.value, c.label, n, b, p, t) for c, n, b, p, t in built]
    count = sum(n for _, n, _, _, _ in built)
    total = row("all", "All channels", count, all_budget, all_planned, all_totals)
    return ChannelAnalytics(
        period,
        channel_rows,
        total,
        recommendations.channel_recommendations(
            channel_rows, total, location.currency, window_of(period)
        ),
    )
