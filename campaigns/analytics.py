"""Reads: campaign reports, comparisons, channel analytics, location summaries, recommendations.

Totals are aggregated in the database with conditional sums, so one grouped query answers for
one or many campaigns, the period and its previous period at once; Python only turns totals into
ratios through ``campaigns.metrics``. Call these inside ``tenancy.scope(location)``; the
functions that take a location open that scope themselves.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field, fields
from datetime import date, timedelta
from decimal import Decimal
from itertools import batched

from django.db.models import DecimalField, Min, Q, QuerySet, Sum, Value
from django.db.models.functions import Coalesce

from campaigns import metrics as m
from campaigns.models import Campaign, DailyMetric, FunnelStage, Location
from campaigns.periods import Period
from campaigns.recommendations import (
    Recommendation,
    campaign_recommendations,
    channel_recommendations,
    comparison_recommendations,
    sort_recommendations,
)
from campaigns.tenancy import scope

SUM_DECIMAL = DecimalField(max_digits=20, decimal_places=2)


# --- Totals and metrics ---------------------------------------------------------------------


@dataclass(frozen=True)
class Totals:
    """Sums of daily rows over a period."""

    impressions: int = 0
    clicks: int = 0
    leads: int = 0
    qualified_leads: int = 0
    hot_leads: int = 0
    conversions: int = 0
    revenue: Decimal = m.ZERO
    spend: Decimal = m.ZERO

    def __add__(self, other: Totals) -> Totals:
        return Totals(*(getattr(self, f.name) + getattr(other, f.name) for f in fields(self)))

    @classmethod
    def from_values(cls, values: dict, prefix: str = "") -> Totals:
        return cls(
            **{
                name: (
                    Decimal(values[prefix + name])
                    if name in DailyMetric.MONEY_FIELDS
                    else int(values[prefix + name])
                )
                for name in DailyMetric.NUMBER_FIELDS
            }
        )

    @property
    def profit(self) -> Decimal:
        return m.profit(self.revenue, self.spend)


def sums(prefix: str, condition: Q | None = None, path: str = "") -> dict:
    """Expressions summing every daily number, optionally only over the rows in ``condition``."""
    expressions = {}
    for name in DailyMetric.NUMBER_FIELDS:
        zero = Value(Decimal("0")) if name in DailyMetric.MONEY_FIELDS else Value(0)
        output = SUM_DECIMAL if name in DailyMetric.MONEY_FIELDS else None
        expressions[prefix + name] = Coalesce(
            Sum(path + name, filter=condition), zero, output_field=output
        )
    return expressions


def in_period(period: Period, path: str = "") -> Q:
    return Q(**{f"{path}date__gte": period.start, f"{path}date__lte": period.end})


@dataclass(frozen=True)
class Metrics:
    """Every metric of PRODUCT.md for one set of totals (None where undefined)."""

    roi: Decimal | None
    roas: Decimal | None
    cost_per_lead: Decimal | None
    cost_per_qualified_lead: Decimal | None
    cpc: Decimal | None
    cost_per_conversion: Decimal | None
    ctr: Decimal | None
    conversion_rate: Decimal | None
    profit: Decimal
    profit_margin: Decimal | None
    budget_used: Decimal | None
    break_even_revenue: Decimal
    break_even_conversions: int | None

    @classmethod
    def of(cls, t: Totals, budget: Decimal | None = None) -> Metrics:
        return cls(
            roi=m.roi(t.revenue, t.spend),
            roas=m.roas(t.revenue, t.spend),
            cost_per_lead=m.cost_per_lead(t.spend, t.leads),
            cost_per_qualified_lead=m.cost_per_qualified_lead(t.spend, t.qualified_leads),
            cpc=m.cpc(t.spend, t.clicks),
            cost_per_conversion=m.cost_per_conversion(t.spend, t.conversions),
            ctr=m.ctr(t.clicks, t.impressions),
            conversion_rate=m.conversion_rate(t.conversions, t.leads),
            profit=m.profit(t.revenue, t.spend),
            profit_margin=m.profit_margin(t.revenue, t.spend),
            budget_used=m.budget_used(t.spend, budget) if budget is not None else None,
            break_even_revenue=m.break_even_revenue(t.revenue, t.spend),
            break_even_conversions=m.break_even_conversions(t.revenue, t.spend, t.conversions),
        )


#: Headline figures whose change against the previous period is reported.
HEADLINE = (
    "leads",
    "conversions",
    "revenue",
    "spend",
    "profit",
    "roi",
    "cost_per_lead",
    "conversion_rate",
)


@dataclass(frozen=True)
class PeriodFigures:
    """Totals and metrics over one period."""

    period: Period
    totals: Totals
    metrics: Metrics

    def value(self, name: str):
        return (
            getattr(self.totals, name)
            if hasattr(self.totals, name)
            else getattr(self.metrics, name)
        )


def changes(current: PeriodFigures, previous: PeriodFigures) -> dict[str, Decimal | None]:
    """Relative change of each headline figure against the previous period."""
    return {name: m.change(current.value(name), previous.value(name)) for name in HEADLINE}


# --- Pacing, funnel, targets, recommendations ---------------------------------------------


@dataclass(frozen=True)
class PaceLine:
    """How one quantity paces against its full-term amount (budget or target)."""

    actual: Decimal
    expected: Decimal
    projected: Decimal
    band: str  # "ahead", "on pace" or "behind"


@dataclass(frozen=True)
class Pacing:
    as_of: date
    days_elapsed: int
    total_days: int
    spend: PaceLine | None
    leads: PaceLine | None
    conversions: PaceLine | None

    @property
    def summary(self) -> str:
        """ "ahead on spend, behind on leads" style sentence."""
        parts = [
            f"{line.band} on {name}" if line.band != "on pace" else f"on pace for {name}"
            for name, line in (
                ("spend", self.spend),
                ("leads", self.leads),
                ("conversions", self.conversions),
            )
            if line is not None
        ]
        return ", ".join(parts)


def _pace_line(actual, full_term, elapsed: int, total: int) -> PaceLine | None:
    if not full_term:
        return None
    actual, full_term = Decimal(actual), Decimal(full_term)
    expected = full_term * elapsed / total
    projected = actual / elapsed * total
    return PaceLine(actual, expected, projected, m.pace_band(actual, expected))


def pacing(campaign: Campaign, lifetime: Totals, today: date) -> Pacing | None:
    """Spend and results against budget and targets so far; None without an end date or start."""
    if campaign.end_date is None or today < campaign.start_date:
        return None
    total = (campaign.end_date - campaign.start_date).days + 1
    as_of = min(today, campaign.end_date)
    elapsed = (as_of - campaign.start_date).days + 1
    spend = _pace_line(lifetime.spend, campaign.budget, elapsed, total)
    if spend is None:
        return None
    return Pacing(
        as_of=as_of,
        days_elapsed=elapsed,
        total_days=total,
        spend=spend,
        leads=_pace_line(lifetime.leads, campaign.target_leads, elapsed, total),
        conversions=_pace_line(lifetime.conversions, campaign.target_conversions, elapsed, total),
    )


STAGES = list(FunnelStage.Stage)
DERIVED_FROM = {
    FunnelStage.Stage.AWARENESS: "impressions",
    FunnelStage.Stage.INTEREST: "clicks",
    FunnelStage.Stage.CONSIDERATION: "leads",
    FunnelStage.Stage.INTENT: "qualified_leads",
    FunnelStage.Stage.CONVERSION: "conversions",
}


@dataclass(frozen=True)
class FunnelStep:
    stage: str
    label: str
    count: int | None
    rate_from_previous: Decimal | None
    drop_off: Decimal | None


@dataclass(frozen=True)
class Bottleneck:
    from_stage: str
    to_stage: str
    rate: Decimal


@dataclass(frozen=True)
class Funnel:
    source: str  # "recorded" or "derived" (from the daily totals)
    stages: list[FunnelStep]
    overall_efficiency: Decimal | None
    bottleneck: Bottleneck | None


def funnel(recorded: dict[str, int], totals: Totals) -> Funnel:
    """The recorded funnel where there is one, else one derived from the daily totals."""
    source = "recorded" if recorded else "derived"
    counts = (
        [recorded.get(stage.value) for stage in STAGES]
        if recorded
        else [getattr(totals, DERIVED_FROM[stage]) for stage in STAGES]
    )
    steps, previous = [], None
    for stage, count in zip(STAGES, counts, strict=True):
        rate = m.ratio(count, previous) if count is not None and previous else None
        steps.append(
            FunnelStep(stage.value, stage.label, count, rate, None if rate is None else 1 - rate)
        )
        previous = count
    rated = [
        (i, s.rate_from_previous) for i, s in enumerate(steps) if s.rate_from_previous is not None
    ]
    bottleneck = None
    if rated:
        i, rate = min(rated, key=lambda pair: pair[1])
        bottleneck = Bottleneck(steps[i - 1].stage, steps[i].stage, rate)
    first, last = counts[0], counts[-1]
    efficiency = m.ratio(last, first) if first is not None and last is not None else None
    return Funnel(source, steps, efficiency, bottleneck)


@dataclass(frozen=True)
class TargetProgress:
    target: Decimal | int | None
    actual: Decimal | int | None
    achievement: Decimal | None
    band: str | None  # "above", "on track", "below"


def targets(campaign: Campaign, figures: PeriodFigures) -> dict[str, TargetProgress]:
    pairs = {
        "leads": (campaign.target_leads, figures.totals.leads),
        "conversions": (campaign.target_conversions, figures.totals.conversions),
        "roi": (campaign.target_roi, figures.metrics.roi),
    }
    result = {}
    for name, (target, actual) in pairs.items():
        value = m.achievement(actual, target)
        result[name] = TargetProgress(target, actual, value, m.target_band(value))
    return result


# --- Campaign reports -----------------------------------------------------------------------


@dataclass(frozen=True)
class CampaignReport:
    campaign: Campaign
    current: PeriodFigures
    previous: PeriodFigures
    lifetime: Totals
    pacing: Pacing | None
    funnel: Funnel
    targets: dict[str, TargetProgress]
    recommendations: list[Recommendation] = field(default_factory=list)

    @property
    def period(self) -> Period:
        return self.current.period

    @property
    def totals(self) -> Totals:
        return self.current.totals

    @property
    def metrics(self) -> Metrics:
        return self.current.metrics

    @property
    def changes(self) -> dict[str, Decimal | None]:
        return changes(self.current, self.previous)

    @property
    def pacing_lines(self) -> list[tuple[str, PaceLine]]:
        if self.pacing is None:
            return []
        lines = [
            ("spend", self.pacing.spend),
            ("leads", self.pacing.leads),
            ("conversions", self.pacing.conversions),
        ]
        return [(name, line) for name, line in lines if line is not None]

    @property
    def target_list(self) -> list[tuple[str, str, TargetProgress]]:
        """(name, label, progress) of each target, for the page."""
        labels = {"leads": "Leads", "conversions": "Conversions", "roi": "ROI"}
        return [(name, labels[name], progress) for name, progress in self.targets.items()]


def lifetime_period(campaign: Campaign, today: date | None = None) -> Period:
    """The campaign's whole life: its start to its end date (or today while it runs)."""
    today = today or campaign.location.today()
    end = campaign.end_date or today
    return Period(campaign.start_date, max(end, campaign.start_date), "all")


def totals_by_campaign(
    campaign_ids: list[int], periods: dict[str, Period | None], within: Period | None = None
) -> dict[int, dict[str, Totals]]:
    """Sums per campaign, one grouped query: for each name in ``periods`` the sums over that
    period (None: every recorded day), reading only the rows ``within`` a period if given.

    The query is led by DailyMetric's (location, campaign, date) index: the scope filters on
    location, the campaigns and (with ``within``) the dates narrow the range it reads.
    """
    rows = DailyMetric.objects.filter(campaign__in=campaign_ids)
    if within is not None:
        rows = rows.filter(in_period(within))
    expressions = {}
    for name, period in periods.items():
        expressions.update(sums(f"{name}_", in_period(period) if period else None))
    found = {
        row["campaign_id"]: {name: Totals.from_values(row, f"{name}_") for name in periods}
        for row in rows.values("campaign_id").annotate(**expressions).order_by()
    }
    empty = {name: Totals() for name in periods}
    return {campaign_id: found.get(campaign_id, empty) for campaign_id in campaign_ids}


def campaign_reports(
    campaigns: QuerySet[Campaign], period: Period, *, today: date | None = None
) -> list[CampaignReport]:
    """Reports for many campaigns in a constant number of queries (campaigns, their sums over
    the period and the one before, their lifetime sums, their funnel stages)."""
    previous = period.previous()
    rows = list(campaigns.select_related("location"))
    ids = [c.pk for c in rows]
    window = Period(previous.start, period.end)
    recent = totals_by_campaign(ids, {"cur": period, "prev": previous}, within=window)
    lifetime_totals = totals_by_campaign(ids, {"life": None})
    recorded: dict[int, dict[str, int]] = defaultdict(dict)
    for campaign_id, stage, count in FunnelStage.objects.filter(
        campaign__in=[c.pk for c in rows]
    ).values_list("campaign_id", "stage", "count"):
        recorded[campaign_id][stage] = count
    reports = []
    for c in rows:
        current, before = recent[c.pk]["cur"], recent[c.pk]["prev"]
        figures = PeriodFigures(period, current, Metrics.of(current, c.budget))
        lifetime = lifetime_totals[c.pk]["life"]
        report = CampaignReport(
            campaign=c,
            current=figures,
            previous=PeriodFigures(previous, before, Metrics.of(before, c.budget)),
            lifetime=lifetime,
            pacing=pacing(c, lifetime, today or c.location.today()),
            funnel=funnel(recorded.get(c.pk, {}), current),
            targets=targets(c, figures),
        )
        report.recommendations.extend(campaign_recommendations(report))
        reports.append(report)
    return reports


def campaign_report(
    campaign: Campaign, period: Period | None = None, *, today: date | None = None
) -> CampaignReport:
    """One campaign's report over ``period`` (default: its whole life)."""
    with scope(campaign.location_id):
        period = period or lifetime_period(campaign, today)
        [report] = campaign_reports(Campaign.objects.filter(pk=campaign.pk), period, today=today)
    return report


# --- Comparison -----------------------------------------------------------------------------


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


def _ranked(reports: list[CampaignReport], metric: str, *, lowest_first: bool = False):
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
    by_roi = _ranked(reports, "roi")
    best = by_roi[0] if by_roi and by_roi[0].metrics.roi is not None else None
    under = [
        r
        for r in reports
        if r.metrics.roi is not None
        and (
            r.metrics.roi < 0
            or (r.campaign.target_roi is not None and r.metrics.roi < r.campaign.target_roi)
        )
    ]
    recs = [rec for r in reports for rec in r.recommendations]
    recs += comparison_recommendations(
        reports, best, [r for r in by_roi if r.metrics.roi is not None]
    )
    return Comparison(
        period=period,
        reports=reports,
        by_roi=by_roi,
        by_conversion_rate=_ranked(reports, "conversion_rate"),
        by_cost_efficiency=_ranked(reports, "cost_per_lead", lowest_first=True),
        best_performer=best,
        underperformers=under,
        recommendations=sort_recommendations(recs),
    )


# --- Channels and locations -----------------------------------------------------------------


@dataclass(frozen=True)
class ChannelRow:
    channel: str
    label: str
    campaigns: int
    budget: Decimal
    totals: Totals
    metrics: Metrics
    budget_share: Decimal | None
    spend_share: Decimal | None
    profit_share: Decimal | None


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
            found = totals_by_campaign([c.pk for c in campaigns], {"cur": period}, within=period)
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
        channel_recommendations(channel_rows, total, location.currency),
    )


@dataclass(frozen=True)
class LocationSummary:
    location: Location
    current: PeriodFigures
    previous: PeriodFigures

    @property
    def changes(self) -> dict[str, Decimal | None]:
        return changes(self.current, self.previous)


def location_summaries(locations: Iterable[Location], period: Period) -> list[LocationSummary]:
    """Headline figures of several locations in one grouped query (for the portfolio)."""
    locations = list(locations)
    previous = period.previous()
    with scope(*locations):
        rows = {
            row["location_id"]: row
            for row in DailyMetric.objects.filter(date__gte=previous.start, date__lte=period.end)
            .values("location_id")
            .annotate(**sums("cur_", in_period(period)), **sums("prev_", in_period(previous)))
        }
    summaries = []
    for location in locations:
        values = rows.get(location.pk)
        current = Totals.from_values(values, "cur_") if values else Totals()
        before = Totals.from_values(values, "prev_") if values else Totals()
        summaries.append(
            LocationSummary(
                location,
                PeriodFigures(period, current, Metrics.of(current)),
                PeriodFigures(previous, before, Metrics.of(before)),
            )
        )
    return summaries


def active_campaigns(location: Location) -> list[Campaign]:
    """The location's active campaigns, newest first."""
    with scope(location):
        return list(Campaign.objects.for_location(location).active())


# --- Series and the location overview ---------------------------------------------------


@dataclass(frozen=True)
class DayFigures:
    date: date
    totals: Totals


def daily_series(campaign_ids: list[int], period: Period) -> list[DayFigures]:
    """One entry per day of the period (zeros where nothing was recorded), in one query read
    along the (location, campaign, date) index."""
    rows = {
        row["date"]: Totals.from_values(row)
        for row in DailyMetric.objects.filter(campaign__in=campaign_ids)
        .filter(in_period(period))
        .values("date")
        .annotate(**sums(""))
        .order_by("date")
    }
    return [
        DayFigures(day, rows.get(day, Totals()))
        for day in (period.start + timedelta(days=n) for n in range(period.days))
    ]


@dataclass(frozen=True)
class Span:
    """Sums of consecutive days of a series: one row of the report's daily or weekly table."""

    start: date
    end: date
    totals: Totals


def grouped_series(series: list[DayFigures], days: int) -> list[Span]:
    """The series in runs of ``days`` days from the period's first day (the last may be
    shorter): 1 for a daily table, 7 for weekly sums."""
    return [
        Span(run[0].date, run[-1].date, sum((d.totals for d in run), Totals()))
        for run in batched(series, days, strict=False)
    ]


def earliest_start(*locations: Location) -> date | None:
    """The first start date of the locations' campaigns: where "all time" begins."""
    with scope(*locations):
        return Campaign.objects.aggregate(first=Min("start_date"))["first"]


@dataclass(frozen=True)
class Overview:
    summary: LocationSummary
    reports: list[CampaignReport]
    channels: ChannelAnalytics
    best: list[CampaignReport]
    worst: list[CampaignReport]
    pacing_warnings: list[CampaignReport]
    recommendations: list[Recommendation]


def location_overview(
    location: Location, period: Period, *, today: date | None = None, top: int = 3
) -> Overview:
    """Everything the overview page shows, in a constant number of queries."""
    [summary] = location_summaries([location], period)
    with scope(location):
        reports = campaign_reports(Campaign.objects.for_location(location), period, today=today)
    channels = channel_analytics(location, period, reports=reports)
    ranked = [r for r in _ranked(reports, "roi") if r.metrics.roi is not None]
    warnings = [
        r
        for r in reports
        if r.pacing is not None
        and r.campaign.status == Campaign.Status.ACTIVE
        and any(
            line is not None and line.band != "on pace"
            for line in (r.pacing.spend, r.pacing.leads, r.pacing.conversions)
        )
    ]
    recs = [rec for r in reports for rec in r.recommendations] + channels.recommendations
    return Overview(
        summary=summary,
        reports=reports,
        channels=channels,
        best=ranked[:top],
        worst=[r for r in reversed(ranked[-top:]) if r not in ranked[:top]],
        pacing_warnings=warnings,
        recommendations=sort_recommendations(recs),
    )
