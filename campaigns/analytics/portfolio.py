"""The portfolio: one row of figures per location, for every location a user may open.

Everything is computed for all the user's locations with grouped aggregate queries, never one
query per location, so the portfolio answers in a constant number of queries:

1. the campaigns of the locations (for their budgets and health);
2. the period's and the previous period's sums, GROUP BY location, in one statement: their whole
   months from the locations' monthly rollups, the days of the months they cut from the
   locations' daily rollups;
3. each campaign's lifetime sums: its row of the lifetime rollup (the inputs of health);
4. (for the rows of one page only) the spend and revenue series: the locations' daily rollups
   (one row a location and day), or over long periods GROUP BY location and month (rollups);
5. (the page, not the CSV) the open alerts, GROUP BY location.

Sorting, searching and the "needs attention" filter work on those rows in Python, so a page
of 50 rows out of 500 costs the same queries as all of them.

**Money at risk** (the default order, most first) is, per location, the overspend of its
over-budget campaigns (lifetime spend beyond their budget) plus the shortfall projected for
its campaigns that are behind: the part of a budget projected to buy no results, or the
revenue missing against an ROI target (``campaign_money_at_risk``; the catalogue's
``money_at_risk`` says it in words). Both halves use the lifetime figures that campaign health
is judged on, so the period picker does not change it.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from math import ceil

from django.db.models import Count, Q

from campaigns import catalogue
from campaigns import metrics as m
from campaigns.analytics import judgement
from campaigns.analytics.figures import (
    Metrics,
    PeriodFigures,
    Totals,
    changes,
    grouped_totals,
    in_period,
    lifetime_totals,
    monthly_totals,
)
from campaigns.analytics.results import AHEAD, BEHIND, ON_TRACK, OVER_BUDGET, TargetProgress
from campaigns.models import Alert, Campaign, Location, LocationDailyMetric
from campaigns.periods import Period, months_of, next_month
from campaigns.tenancy import scope

MONEY_AT_RISK_HELP = catalogue.CATALOGUE["money_at_risk"].definition
#: Figures of the period shown with their change against the previous period (catalogue keys).
FIGURE_KEYS = ("spend", "revenue", "profit", "roi", "cost_per_lead", "leads", "conversions")
#: Columns a table may be sorted by; numbers sort largest first by default, names A to Z.
SORT_KEYS = (
    "name",
    *FIGURE_KEYS,
    "budget_used",
    "over_budget",
    "behind",
    "on_track",
    "money_at_risk",
)
DEFAULT_SORT = "money_at_risk"
#: Points of a sparkline at most: longer periods are summed in runs of days.
SPARK_POINTS = 60
#: Periods up to this many days get a point per run of days; longer ones a point per month(s).
DAILY_SPARK_DAYS = 92


@dataclass
class PortfolioRow:
    """A location's figures for the period (or a totals row of several, ``location`` None)."""

    name: str
    currency: str
    current: PeriodFigures
    previous: PeriodFigures
    location: Location | None = None
    #: Sum of the budgets of the campaigns that have one, and their lifetime spend.
    budget: Decimal = m.ZERO
    budgeted_spend: Decimal = m.ZERO
    health: Counter = field(default_factory=Counter)
    overspend: Decimal = m.ZERO
    #: The shortfall projected for the campaigns behind (``campaign_money_at_risk``).
    shortfall: Decimal = m.ZERO
    #: Daily (or run-of-days) spend and revenue over the period: filled for a page's rows.
    spend_series: list[Decimal] = field(default_factory=list)
    revenue_series: list[Decimal] = field(default_factory=list)
    locations: int = 1
    #: The location's open alerts (set by the page from ``open_alert_counts``).
    open_alerts: int = 0

    @property
    def changes(self) -> dict[str, Decimal | None]:
        return changes(self.current, self.previous)

    @property
    def figure_cells(self) -> list[tuple[str, object, Decimal | None]]:
        """(key, value, change against the previous period) of each of FIGURE_KEYS."""
        delta = self.changes
        return [(key, self.current.value(key), delta.get(key)) for key in FIGURE_KEYS]

    @property
    def budget_used(self) -> Decimal | None:
        return m.budget_used(self.budgeted_spend, self.budget) if self.budget else None

    @property
    def over_budget(self) -> int:
        return self.health[OVER_BUDGET]

    @property
    def behind(self) -> int:
        return self.health[BEHIND]

    @property
    def on_track(self) -> int:
        """On track or ahead."""
        return self.health[ON_TRACK] + self.health[AHEAD]

    @property
    def money_at_risk(self) -> Decimal:
        return self.overspend + self.shortfall

    @property
    def needs_attention(self) -> bool:
        return bool(self.over_budget or self.behind or self.current.totals.profit < 0)

    def value(self, key: str):
        """A column's value by its sort key."""
        if key == "name":
            return self.name.casefold()
        if key in FIGURE_KEYS:
            return self.current.value(key)
        return getattr(self, key)


def _figures(period: Period, totals: Totals) -> PeriodFigures:
    return PeriodFigures(period, totals, Metrics.of(totals))


def campaign_money_at_risk(
    campaign: Campaign, lifetime: Totals, targets: dict[str, TargetProgress], state: str
) -> Decimal:
    """A campaign's money at risk, to the cent, from its lifetime figures and health:

    - over budget: its overspend, lifetime spend − budget;
    - behind on leads or conversions: the part of its budget (without one, of its spend so
      far) projected to buy no results, budget × (1 − projected ÷ target) of the result
      furthest behind (projected ÷ target is actual ÷ expected by now);
    - behind on its ROI target: the revenue missing against the target on its lifetime spend,
      spend × (1 + target ROI) − revenue;
    - the larger of the two when it is behind on both; otherwise 0.
    """
    if state == OVER_BUDGET:
        return m.money(lifetime.spend - campaign.budget)
    if state != BEHIND:
        return m.ZERO
    amounts = []
    results = [t for name, t in targets.items() if name != "roi" and t.status == BEHIND]
    if results:
        share = min(Decimal(t.actual) / t.expected_by_now for t in results)
        base = campaign.budget or lifetime.spend
        amounts.append(min(max(base * (1 - share), m.ZERO), base))
    roi = targets.get("roi")
    if roi is not None and roi.status == BEHIND:
        missing = lifetime.spend * (1 + campaign.target_roi) - lifetime.revenue
        amounts.append(max(missing, m.ZERO))
    return m.money(max(amounts, default=m.ZERO))


#: The fields of a campaign its health (``judgement``) and money at risk are judged on.
JUDGED_FIELDS = (
    "location_id",
    "status",
    "start_date",
    "end_date",
    "budget",
    "target_leads",
    "target_conversions",
    "target_roi",
    "completed_at",
)


def portfolio_rows(
    locations: Iterable[Location], period: Period, *, today: date | None = None
) -> list[PortfolioRow]:
    """A row per location (in the given order) with its period figures, budget use and
    campaign health counts: three grouped queries whatever the number of locations."""
    locations = list(locations)
    if not locations:
        return []
    previous = period.previous()
    by_id = {location.pk: location for location in locations}
    with scope(*locations):
        # What the health and the money at risk read: thousands of campaigns, so no more.
        campaigns = list(Campaign.objects.order_by().only(*JUDGED_FIELDS))
        figures = grouped_totals("location_id", {"cur": period, "prev": previous})
        lifetime = lifetime_totals()
    rows = {}
    for location in locations:
        current, before = figures.get(location.pk, {"cur": Totals(), "prev": Totals()}).values()
        rows[location.pk] = PortfolioRow(
            name=location.name,
            currency=location.currency,
            current=_figures(period, current),
            previous=_figures(previous, before),
            location=location,
        )
    for campaign in campaigns:
        campaign.location = by_id[campaign.location_id]  # no query: the location is known
        row = rows[campaign.location_id]
        totals = lifetime.get(campaign.pk, Totals())
        day = today or campaign.location.today()
        pacing = judgement.pacing(campaign, totals, day)
        targets = judgement.targets(campaign, totals, day)
        state = judgement.health(campaign, totals, pacing, targets, day).state
        row.health[state] += 1
        if campaign.budget:
            row.budget += campaign.budget
            row.budgeted_spend += totals.spend
        if state == OVER_BUDGET:
            row.overspend += campaign_money_at_risk(campaign, totals, targets, state)
        elif state == BEHIND:
            row.shortfall += campaign_money_at_risk(campaign, totals, targets, state)
    return list(rows.values())


def fill_series(rows: list[PortfolioRow], period: Period) -> None:
    """Give each row its spend and revenue over the period in at most SPARK_POINTS points:
    runs of days summed (one query of the locations' daily rollups) or, over periods longer
    than DAILY_SPARK_DAYS, runs of calendar months (from the monthly rollups, so the cost does
    not grow with the days stored)."""
    ids = [row.location.pk for row in rows if row.location is not None]
    if not ids:
        return
    zero = (m.ZERO, m.ZERO)
    with scope(*ids):
        found: dict[int, dict[date, tuple[Decimal, Decimal]]] = defaultdict(dict)
        if period.days <= DAILY_SPARK_DAYS:
            keys = [period.start + timedelta(days=n) for n in range(period.days)]
            for location_id, day, spend, revenue in LocationDailyMetric.objects.filter(
                in_period(period)
            ).values_list("location_id", "date", "spend", "revenue"):
                found[location_id][day] = (spend, revenue)
        else:
            keys = months_of(period)
            for (location_id, month), totals in monthly_totals("location_id", period).items():
                found[location_id][month] = (totals.spend, totals.revenue)
    run = max(1, ceil(len(keys) / SPARK_POINTS))
    # A run (or month) cut by the period has fewer days than the others: it is drawn at its
    # daily average × a whole run's days, so the sparkline does not dive at either end.
    starts = range(0, len(keys), run)
    if period.days <= DAILY_SPARK_DAYS:  # a key is a day: a run is ``run`` days, the last fewer
        days = [len(keys[i : i + run]) for i in starts]
        whole = [run for _ in starts]
    else:  # a key is a month: the period may cut the first and the last
        full = [(next_month(key) - key).days for key in keys]
        covered = [
            (min(next_month(key) - timedelta(days=1), period.end) - max(key, period.start)).days + 1
            for key in keys
        ]
        days = [sum(covered[i : i + run]) for i in starts]
        whole = [sum(full[i : i + run]) for i in starts]
    for row in rows:
        if row.location is None:
            continue
        points = [found[row.location.pk].get(key, zero) for key in keys]
        runs = [points[i : i + run] for i in range(0, len(points), run)]
        row.spend_series = [
            _whole_run(sum((p[0] for p in r), m.ZERO), d, w)
            for r, d, w in zip(runs, days, whole, strict=True)
        ]
        row.revenue_series = [
            _whole_run(sum((p[1] for p in r), m.ZERO), d, w)
            for r, d, w in zip(runs, days, whole, strict=True)
        ]


def _whole_run(amount: Decimal, days: int, whole: int) -> Decimal:
    """A run's amount as if it had all its days: its daily average × ``whole``."""
    return amount if days == whole else m.money(amount * whole / days)


@dataclass(frozen=True)
class AlertCounts:
    """A location's open alerts, and how many of them nobody has acknowledged yet."""

    open: int = 0
    unacknowledged: int = 0


def open_alert_counts(locations: Iterable[Location]) -> dict[int, AlertCounts]:
    """Each location's open alerts (by location id), in one query grouped by location."""
    ids = [location.pk for location in locations]
    if not ids:
        return {}
    with scope(*ids):
        return {
            row["location_id"]: AlertCounts(row["open"], row["unacknowledged"])
            for row in Alert.objects.filter(location__in=ids, resolved_at__isnull=True)
            .values("location_id")
            .annotate(
                open=Count("pk"), unacknowledged=Count("pk", filter=Q(acknowledged_at__isnull=True))
            )
            .order_by()
        }


def totals_rows(rows: list[PortfolioRow], period: Period) -> list[PortfolioRow]:
    """The totals of ``rows``, one per currency (amounts in different currencies are never
    added): sums of the totals, and the ratios (ROI, cost per lead, budget used) of those
    sums, not averages of the rows' ratios."""
    groups: dict[str, list[PortfolioRow]] = defaultdict(list)
    for row in rows:
        groups[row.currency].append(row)
    result = []
    for currency, members in sorted(groups.items()):
        current = sum((r.current.totals for r in members), Totals())
        before = sum((r.previous.totals for r in members), Totals())
        health = Counter()
        for r in members:
            health.update(r.health)
        name = f"All {len(members)} location{'s' * (len(members) != 1)}"
        result.append(
            PortfolioRow(
                name=name + (f" in {currency}" if len(groups) > 1 else ""),
                currency=currency,
                current=_figures(period, current),
                previous=_figures(period.previous(), before),
                budget=sum((r.budget for r in members), m.ZERO),
                budgeted_spend=sum((r.budgeted_spend for r in members), m.ZERO),
                health=health,
                overspend=sum((r.overspend for r in members), m.ZERO),
                shortfall=sum((r.shortfall for r in members), m.ZERO),
                locations=len(members),
            )
        )
    return result


# --- What the table shows: search, filter, sort ---------------------------------------------


@dataclass(frozen=True)
class TableQuery:
    """The table's query string: ``q`` (name contains), ``attention=1``, ``sort`` (a key of
    SORT_KEYS, ``-key`` for descending) and ``dir`` (asc/desc)."""

    q: str = ""
    attention: bool = False
    sort: str = DEFAULT_SORT
    descending: bool = True
    error: str | None = None

    @classmethod
    def from_query(cls, query) -> TableQuery:
        q = query.get("q", "").strip()[:200]
        attention = query.get("attention", "") in ("1", "on", "true", "yes")
        sort = query.get("sort", "").strip() or DEFAULT_SORT
        descending = None
        if sort.startswith("-"):
            sort, descending = sort[1:], True
        direction = query.get("dir", "").strip().lower()
        error = None
        if direction in ("asc", "desc"):
            descending = direction == "desc"
        elif direction:
            error = f"“{direction[:20]}” is not a sort direction (asc or desc)."
        if sort not in SORT_KEYS:
            error = f"“{sort[:40]}” is not a column to sort by."
            sort, descending = DEFAULT_SORT, True
        if descending is None:
            descending = sort != "name"
        return cls(q, attention, sort, descending, error)

    def apply(self, rows: list[PortfolioRow]) -> list[PortfolioRow]:
        """The rows matching the search and filter, in the asked order (undefined values,
        such as the ROI of a location without spend, last either way; ties by name)."""
        needle = self.q.casefold()
        rows = [
            r
            for r in rows
            if needle in r.name.casefold() and (r.needs_attention or not self.attention)
        ]
        rows.sort(key=lambda r: r.name.casefold())
        if self.sort != "name":
            if self.sort == DEFAULT_SORT:
                # Among locations with the same money at risk, the bigger spender first.
                rows.sort(key=lambda r: r.current.totals.spend, reverse=self.descending)
            defined = [r for r in rows if r.value(self.sort) is not None]
            undefined = [r for r in rows if r.value(self.sort) is None]
            defined.sort(key=lambda r: r.value(self.sort), reverse=self.descending)
            return defined + undefined
        return rows[::-1] if self.descending else rows
