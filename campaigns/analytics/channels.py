"""Channel analytics: per channel, pooled money and results, shares, and reallocation advice."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from campaigns import metrics as m
from campaigns import recommendations
from campaigns.analytics.figures import Metrics, Totals, totals_by_campaign
from campaigns.analytics.results import CampaignReport, ChannelRow, Recommendation, window_of
from campaigns.models import Campaign, Location
from campaigns.periods import Period
from campaigns.tenancy import scope


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
            campaigns = list(Campaign.objects.for_location(location).only("channel", "budget"))
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
        built.append((channel, len(items), budget, totals))
        all_totals += totals
    all_budget = sum((b for _, _, b, _ in built), m.ZERO)

    def row(channel_value, label, count, budget, totals) -> ChannelRow:
        return ChannelRow(
            channel=channel_value,
            label=label,
            campaigns=count,
            budget=budget,
            totals=totals,
            metrics=Metrics.of(totals, budget),
            budget_share=m.ratio(budget, all_budget),
            spend_share=m.ratio(totals.spend, all_totals.spend),
            profit_share=m.ratio(totals.profit, all_totals.profit)
            if all_totals.profit > 0
            else None,
        )

    channel_rows = [row(c.value, c.label, n, b, t) for c, n, b, t in built]
    total = row("all", "All channels", sum(n for _, n, _, _ in built), all_budget, all_totals)
    return ChannelAnalytics(
        period,
        channel_rows,
        total,
        recommendations.channel_recommendations(
            channel_rows, total, location.currency, window_of(period)
        ),
    )
