"""The result types of the reads: pacing, targets, health, funnel, recommendations, the
campaign report and a channel's row. Frozen dataclasses that hold figures and say them in
words; they import nothing above ``figures``, so ``campaigns.recommendations`` builds on them."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from functools import cached_property

from campaigns import metrics as m
from campaigns.analytics.figures import Metrics, PeriodFigures, Totals, changes
from campaigns.display import percent
from campaigns.models import Campaign
from campaigns.periods import Period

# --- Windows --------------------------------------------------------------------------------


def window_of(period: Period) -> str:
    """How a sentence names the period its figures are over: "last 30 days", "all time"."""
    if period.preset in ("7d", "30d", "90d", "month", "all"):
        return period.label.lower()
    return f"{period.start:%b %-d, %Y} – {period.end:%b %-d, %Y}"


LIFETIME = "lifetime to date"

# --- Pacing ---------------------------------------------------------------------------------

BAND_LABELS = {m.AHEAD: "ahead", m.ON_TRACK: "on track", m.BEHIND: "behind"}


@dataclass(frozen=True)
class PaceLine:
    """How one quantity (spend, leads or conversions) paces against its full-term amount."""

    name: str
    actual: Decimal
    full_term: Decimal  # the budget or the target
    expected: Decimal
    projected: Decimal
    band: str  # "ahead", "on_track" or "behind"

    @property
    def phrase(self) -> str:
        """ "ahead on spend", "on track for leads", "behind on conversions"."""
        if self.band == m.ON_TRACK:
            return f"on track for {self.name}"
        return f"{BAND_LABELS[self.band]} on {self.name}"

    @property
    def tone(self) -> str:
        """Spending faster than planned is a warning, never good news; results ahead are."""
        if self.name == "spend":
            return {m.AHEAD: "warning", m.ON_TRACK: "good", m.BEHIND: "neutral"}[self.band]
        return {m.AHEAD: "good", m.ON_TRACK: "good", m.BEHIND: "warning"}[self.band]


@dataclass(frozen=True)
class Pacing:
    """An active campaign's spend and results against budget and targets, lifetime to date."""

    as_of: date
    days_elapsed: int
    total_days: int
    spend: PaceLine | None
    leads: PaceLine | None
    conversions: PaceLine | None

    @property
    def lines(self) -> list[PaceLine]:
        return [line for line in (self.spend, self.leads, self.conversions) if line]

    @property
    def time_elapsed(self) -> Decimal:
        return Decimal(self.days_elapsed) / Decimal(self.total_days)

    @property
    def day_text(self) -> str:
        """ "day 121 of 151" """
        return f"day {self.days_elapsed} of {self.total_days}"

    @property
    def summary(self) -> str:
        """ "ahead on spend, behind on leads" """
        return ", ".join(line.phrase for line in self.lines)

    @property
    def sentence(self) -> str:
        """The summary with its window: "Day 121 of 151, lifetime to date: on track …"."""
        return f"{self.day_text.capitalize()}, {LIFETIME}: {self.summary}."

    @property
    def off_plan(self) -> bool:
        return any(line.band != m.ON_TRACK for line in self.lines)


# --- Targets --------------------------------------------------------------------------------

MET, MISSED = "met", "missed"
TARGET_STATUS_LABELS = {**BAND_LABELS, MET: "met", MISSED: "missed"}


@dataclass(frozen=True)
class TargetProgress:
    """One target measured against time: leads and conversions pro-rated by elapsed days, the
    ROI target not; once the campaign has ended, met or missed."""

    name: str  # "leads", "conversions" or "roi"
    label: str
    target: Decimal | int | None
    actual: Decimal | int | None  # lifetime to date
    achievement: Decimal | None
    expected_by_now: Decimal | None
    time_elapsed: Decimal | None
    status: str | None  # ahead, on_track, behind, met, missed; None when it cannot be judged
    why_not: str = ""  # why there is no status

    @property
    def status_label(self) -> str:
        return TARGET_STATUS_LABELS.get(self.status, "")

    @property
    def reason(self) -> str:
        """The target's line among a campaign's health reasons: "Leads: 80.8 % of target, …"
        or "ROI 8.3 % against a 150.0 % target — behind." """
        return f"{self.sentence}." if self.name == "roi" else f"{self.label}: {self.sentence}."

    @property
    def tone(self) -> str:
        return {
            m.AHEAD: "good",
            m.ON_TRACK: "good",
            MET: "good",
            m.BEHIND: "warning",
            MISSED: "bad",
        }.get(self.status, "neutral")

    @property
    def sentence(self) -> str:
        """ "80.8 % of target, 80.0 % of time elapsed — on track"; the ROI target in its own
        unit, "ROI 8.3 % against a 150.0 % target — behind" (a share of an ROI target reads as
        an ROI)."""
        if self.name == "roi":
            if self.actual is None or self.target is None:
                return ""
            text = f"ROI {percent(self.actual)} against a {percent(self.target)} target"
            return f"{text} — {self.status_label}" if self.status else text
        if self.achievement is None:
            return ""
        text = f"{percent(self.achievement)} of target"
        if (
            self.time_elapsed is not None
            and self.name != "roi"
            and self.status
            not in (
                MET,
                MISSED,
            )
        ):
            text += f", {percent(self.time_elapsed)} of time elapsed"
        if self.status:
            text += f" — {self.status_label}"
        elif self.why_not:
            text += f" ({self.why_not})"
        return text


# --- Health ---------------------------------------------------------------------------------

NOT_STARTED, ON_TRACK, AHEAD, BEHIND = "not_started", m.ON_TRACK, m.AHEAD, m.BEHIND
OVER_BUDGET, PAUSED, ENDED, NO_DATA = "over_budget", "paused", "ended", "no_data"
HEALTH_LABELS = {
    NOT_STARTED: "Not started",
    NO_DATA: "No data yet",
    ON_TRACK: "On track",
    AHEAD: "Ahead",
    BEHIND: "Behind",
    OVER_BUDGET: "Over budget",
    PAUSED: "Paused",
    ENDED: "Ended",
}
#: The order health states are counted and listed in (and the campaign list sorts by health):
#: what needs attention first. Every state of HEALTH_LABELS, once.
HEALTH_ORDER = (OVER_BUDGET, BEHIND, NO_DATA, AHEAD, ON_TRACK, PAUSED, NOT_STARTED, ENDED)


@dataclass(frozen=True)
class Health:
    """One state per campaign, the same on every page, export and API response, with the
    reasons (short sentences with their numbers) and the colour it is shown in."""

    state: str
    #: The reasons, or a function writing them: written when first read (the portfolio
    #: judges thousands of campaigns and shows only their states).
    written: tuple[str, ...] | Callable[[], tuple[str, ...]] = field(compare=False, repr=False)
    tone: str  # "good", "warning", "bad" or "neutral"

    @cached_property
    def reasons(self) -> tuple[str, ...]:
        return tuple(self.written() if callable(self.written) else self.written)

    @property
    def label(self) -> str:
        return HEALTH_LABELS[self.state]

    @property
    def summary(self) -> str:
        return " ".join(self.reasons)


# --- Funnel ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class FunnelStep:
    stage: str
    label: str
    count: int | None
    rate_from_previous: Decimal | None
    drop_off: Decimal | None
    #: The rate this step is judged against (None: nothing to judge it by), and whether its
    #: own rate is unusually low against it.
    reference_rate: Decimal | None = None
    unusually_low: bool = False


@dataclass(frozen=True)
class Bottleneck:
    from_stage: str
    to_stage: str
    rate: Decimal
    #: The rate it is unusually low against; None when the funnel has no reference, and this
    #: is only its lowest step (PRODUCT.md's definition), judged against nothing.
    reference_rate: Decimal | None = None

    @property
    def judged(self) -> bool:
        return self.reference_rate is not None


@dataclass(frozen=True)
class FunnelReference:
    """What a funnel's step rates are judged against: the median rate of the same channel's
    campaigns in the location over the period, or the campaign's own previous period."""

    kind: str  # "channel_median" or "previous_period"
    description: str  # "the median of 3 social campaigns in this location"
    campaigns: int = 0  # how many campaigns the median is over


@dataclass(frozen=True)
class Funnel:
    source: str  # "recorded" or "derived" (from the daily totals)
    stages: list[FunnelStep]
    overall_efficiency: Decimal | None
    bottleneck: Bottleneck | None
    reference: FunnelReference | None = None
    #: What the page says of the bottleneck, its reference, or that no stage stands out.
    summary: str = ""

    @property
    def is_empty(self) -> bool:
        return not any(step.count for step in self.stages)


# --- Recommendations ------------------------------------------------------------------------

PRIORITY_ORDER = {"high": 0, "medium": 1, "low": 2}


@dataclass(frozen=True)
class Finding:
    """One rule's conclusion about a campaign or channel: a clause of a recommendation."""

    rule: str
    priority: str  # "high", "medium" or "low"
    at_stake: Decimal  # the money the finding is about, for ranking
    clause: str  # "is over budget: $8,803.82 spent of its $3,000.00 budget (…, lifetime)"
    action: str  # "stop its spend or raise the budget"
    numbers: dict = field(default_factory=dict)


@dataclass(frozen=True)
class Recommendation:
    """At most one per campaign or channel on a page: its findings merged into one sentence."""

    subject: str  # the campaign's or channel's name
    kind: str  # "campaign" or "channel"
    findings: tuple[Finding, ...]

    @property
    def priority(self) -> str:
        return min((f.priority for f in self.findings), key=PRIORITY_ORDER.__getitem__)

    @property
    def rule(self) -> str:
        return self.findings[0].rule

    @property
    def rules(self) -> list[str]:
        return [f.rule for f in self.findings]

    @property
    def at_stake(self) -> Decimal:
        return max(f.at_stake for f in self.findings)

    @property
    def numbers(self) -> dict:
        merged: dict = {}
        for finding in self.findings:
            merged.update(finding.numbers)
        return merged

    @property
    def message(self) -> str:
        name = f"“{self.subject}”" if self.kind == "campaign" else self.subject
        clauses = " and ".join(f.clause for f in self.findings)
        actions = "; ".join(dict.fromkeys(f.action for f in self.findings if f.action))
        text = f"{name} {clauses}."
        return f"{text} {actions[:1].upper()}{actions[1:]}." if actions else text

    @property
    def sort_key(self) -> tuple:
        return (PRIORITY_ORDER[self.priority], -self.at_stake, self.subject)


# --- Reports --------------------------------------------------------------------------------


@dataclass(frozen=True)
class CampaignReport:
    campaign: Campaign
    today: date
    current: PeriodFigures
    previous: PeriodFigures
    lifetime: Totals
    pacing: Pacing | None
    funnel: Funnel
    targets: dict[str, TargetProgress]
    health: Health
    recommendations: list[Recommendation] = field(default_factory=list)

    @property
    def period(self) -> Period:
        return self.current.period

    @property
    def window(self) -> str:
        return window_of(self.period)

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
    def has_data(self) -> bool:
        """Anything recorded at all, in any period: a day's results or funnel counts."""
        return not self.lifetime.is_empty or self.funnel.source == "recorded"

    @property
    def budget_used(self) -> Decimal | None:
        """Lifetime spend / budget (the period's share is ``metrics.budget_spent_in_period``)."""
        return m.budget_used(self.lifetime.spend, self.campaign.budget)

    @property
    def budget_left(self) -> Decimal | None:
        budget = self.campaign.budget
        return budget - self.lifetime.spend if budget else None

    @property
    def target_list(self) -> list[TargetProgress]:
        return list(self.targets.values())


@dataclass(frozen=True)
class ChannelRow:
    channel: str
    label: str
    campaigns: int
    budget: Decimal  # the campaigns' lifetime budgets
    period_budget: Decimal  # their budgets spread over their days, for the period's days
    totals: Totals
    metrics: Metrics
    budget_share: Decimal | None
    spend_share: Decimal | None
    profit_share: Decimal | None

    def value(self, name: str):
        for source in (self, self.totals, self.metrics):
            if hasattr(source, name):
                return getattr(source, name)
        raise AttributeError(name)
