"""What the figures mean for a campaign: pacing, targets measured against time, and its one
health. Pacing and targets share the ±10 % bands of ``metrics.pace_band``, and health is
built from them, so the three can never disagree."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from campaigns import metrics as m
from campaigns.analytics.figures import Totals
from campaigns.analytics.results import (
    AHEAD,
    BEHIND,
    ENDED,
    LIFETIME,
    MET,
    MISSED,
    NO_DATA,
    NOT_STARTED,
    ON_TRACK,
    OVER_BUDGET,
    PAUSED,
    Health,
    PaceLine,
    Pacing,
    TargetProgress,
)
from campaigns.display import money, percent
from campaigns.models import Campaign

#: The last quarter of a campaign's time: results behind pace here are money being lost now.
LAST_QUARTER = Decimal("0.75")


def has_ended(campaign: Campaign, today: date) -> bool:
    return campaign.status == Campaign.Status.COMPLETED or (
        campaign.end_date is not None and today > campaign.end_date
    )


def time_elapsed(campaign: Campaign, today: date) -> tuple[int, int] | None:
    """(complete days elapsed, total days) of a campaign with an end date: its days up to
    yesterday, as the periods count them (today is not over, and its results are not in yet);
    None before its first day is over."""
    if campaign.end_date is None:
        return None
    total = (campaign.end_date - campaign.start_date).days + 1
    last = min(today - timedelta(days=1), campaign.end_date)
    elapsed = (last - campaign.start_date).days + 1
    return (elapsed, total) if elapsed > 0 else None


def _pace_line(name: str, actual, full_term, elapsed: int, total: int) -> PaceLine | None:
    if not full_term:
        return None
    actual, full_term = Decimal(actual), Decimal(full_term)
    expected = full_term * elapsed / total
    projected = actual / elapsed * total
    return PaceLine(name, actual, full_term, expected, projected, m.pace_band(actual, expected))


def pacing(campaign: Campaign, lifetime: Totals, today: date) -> Pacing | None:
    """Spend and results against budget and targets so far, for an active campaign between
    its start and end dates; None otherwise (a paused or ended campaign is not spending)."""
    days = time_elapsed(campaign, today)
    if days is None or campaign.status != Campaign.Status.ACTIVE or has_ended(campaign, today):
        return None
    elapsed, total = days
    lines = {
        "spend": _pace_line("spend", lifetime.spend, campaign.budget, elapsed, total),
        "leads": _pace_line("leads", lifetime.leads, campaign.target_leads, elapsed, total),
        "conversions": _pace_line(
            "conversions", lifetime.conversions, campaign.target_conversions, elapsed, total
        ),
    }
    if not any(lines.values()):
        return None
    # As of the last complete day: the days elapsed are the days up to it.
    as_of = campaign.start_date + timedelta(days=elapsed - 1)
    return Pacing(as_of=as_of, days_elapsed=elapsed, total_days=total, **lines)


TARGET_LABELS = {"leads": "Leads", "conversions": "Conversions", "roi": "ROI"}


def targets(campaign: Campaign, lifetime: Totals, today: date) -> dict[str, TargetProgress]:
    """Each target against the campaign's lifetime to date: leads and conversions expected by
    now pro-rated by elapsed days, the ROI target in full; met or missed once it has ended."""
    days = time_elapsed(campaign, today)
    share = Decimal(days[0]) / Decimal(days[1]) if days else None
    ended = has_ended(campaign, today)
    pairs = {
        "leads": (campaign.target_leads, lifetime.leads),
        "conversions": (campaign.target_conversions, lifetime.conversions),
        "roi": (campaign.target_roi, m.roi(lifetime.revenue, lifetime.spend)),
    }
    result = {}
    for name, (target, actual) in pairs.items():
        expected, status, why_not = None, None, ""
        if target is not None and (target or name == "roi"):
            if name == "roi":
                expected = Decimal(target)
            elif share is not None:
                expected = Decimal(target) * share
            if today < campaign.start_date:
                why_not = "not started yet"
            elif actual is None:
                why_not = "no spend recorded yet"
            elif ended:
                status = MET if Decimal(actual) >= Decimal(target) else MISSED
            elif expected is None:
                why_not = (
                    "no end date to pace against"
                    if campaign.end_date is None
                    else "its first day is not over yet"
                )
            else:
                status = m.pace_band(actual, expected)
        result[name] = TargetProgress(
            name=name,
            label=TARGET_LABELS[name],
            target=target,
            actual=actual,
            achievement=m.achievement(actual, target),
            expected_by_now=expected,
            time_elapsed=share,
            status=status,
            why_not=why_not,
        )
    return result


WORSE = {"neutral": 0, "good": 0, "warning": 1, "bad": 2}


def health(
    campaign: Campaign,
    lifetime: Totals,
    pacing: Pacing | None,
    targets: dict[str, TargetProgress],
    today: date,
) -> Health:
    """The campaign's one state: over budget wins over everything; then not started, ended,
    paused; an active campaign with nothing recorded has no data yet; otherwise it is behind,
    ahead or on track on its results, and spending faster than planned turns its colour to a
    warning."""
    budget, spent = campaign.budget, lifetime.spend
    judged = [t for t in targets.values() if t.status]
    if budget and spent > budget:
        return Health(OVER_BUDGET, lambda: _over_budget(campaign, lifetime, today), "bad")
    if today < campaign.start_date:
        return Health(NOT_STARTED, lambda: (_starts(campaign, today),), "neutral")
    if has_ended(campaign, today):
        return Health(
            ENDED,
            lambda: (_ended(campaign), _budget_text(campaign, lifetime), *_reasons(judged)),
            "neutral",
        )
    if campaign.status == Campaign.Status.PAUSED:
        return Health(
            PAUSED,
            lambda: ("Paused.", _budget_text(campaign, lifetime), *_reasons(judged)),
            "neutral",
        )
    if lifetime.is_empty:
        # Nothing recorded is no evidence of being behind (nor on track): say what it is.
        return Health(
            NO_DATA,
            lambda: (f"Started {campaign.start_date:%b %-d, %Y}; nothing recorded yet.",),
            "neutral",
        )
    return _active_health(campaign, pacing, judged)


def _budget_text(campaign: Campaign, lifetime: Totals) -> str:
    currency, budget, spent = campaign.location.currency, campaign.budget, lifetime.spend
    used = m.budget_used(spent, budget)
    if used is None:
        return f"Spent {money(spent, currency)}, lifetime; no budget set."
    return (
        f"Spent {money(spent, currency)} of its {money(budget, currency)} budget "
        f"({percent(used)}), lifetime."
    )


def _reasons(judged: list[TargetProgress]) -> list[str]:
    return [t.reason for t in judged]


def _over_budget(campaign: Campaign, lifetime: Totals, today: date) -> tuple[str, ...]:
    currency, budget_text = campaign.location.currency, _budget_text(campaign, lifetime)
    reasons = [
        f"Over budget by {money(lifetime.spend - campaign.budget, currency)}: "
        f"{budget_text[0].lower()}{budget_text[1:]}"
    ]
    if campaign.status == Campaign.Status.PAUSED:
        reasons.append("Paused.")
    elif has_ended(campaign, today):
        reasons.append(_ended(campaign))
    return tuple(reasons)


def _starts(campaign: Campaign, today: date) -> str:
    days = (campaign.start_date - today).days
    return f"Starts {campaign.start_date:%b %-d, %Y} (in {days} day{'s' * (days != 1)})."


def _active_health(
    campaign: Campaign, pacing: Pacing | None, judged: list[TargetProgress]
) -> Health:
    statuses = {t.status for t in judged}
    if BEHIND in statuses:
        state = BEHIND
        late = pacing is not None and pacing.time_elapsed >= LAST_QUARTER
        tone = "bad" if late else "warning"
    elif statuses and statuses <= {AHEAD}:
        state, tone = AHEAD, "good"
    else:
        # On track says something only when there are targets to be on track for.
        state, tone = ON_TRACK, "good" if judged else "neutral"
    spend = pacing.spend if pacing else None
    if spend is not None and spend.band == AHEAD:
        tone = max(tone, "warning", key=WORSE.__getitem__)
    return Health(state, lambda: _active_reasons(campaign, pacing, judged), tone)


def _active_reasons(
    campaign: Campaign, pacing: Pacing | None, judged: list[TargetProgress]
) -> tuple[str, ...]:
    currency = campaign.location.currency
    reasons = []
    if pacing is not None:
        reasons.append(
            f"{pacing.day_text.capitalize()} ({percent(pacing.time_elapsed)} of its time)."
        )
    reasons += _reasons(judged)
    spend = pacing.spend if pacing else None
    if spend is not None and spend.band == BEHIND:
        reasons.append(
            f"Spending behind plan: {money(spend.actual, currency)} of "
            f"{money(spend.expected, currency)} expected by now, {LIFETIME}."
        )
    if spend is not None and spend.band == AHEAD:
        reasons.append(
            f"Spending ahead of plan: {money(spend.actual, currency)} of "
            f"{money(spend.expected, currency)} expected by now, {LIFETIME}; projected "
            f"{money(spend.projected, currency)} against a {money(spend.full_term, currency)} "
            "budget."
        )
    if not judged:
        reasons.append(
            "No leads, conversions or ROI target to judge results against."
            if pacing is not None
            else "No end date or targets to pace against."
        )
    return tuple(reasons)


def _ended(campaign: Campaign) -> str:
    """ "Ended Nov 1, 2026." or "Completed Oct 3, 2026." """
    completed = campaign.completed_at
    if completed is not None and (
        campaign.end_date is None or completed.date() < campaign.end_date
    ):
        return f"Completed {completed:%b %-d, %Y}."
    if campaign.end_date is not None:
        return f"Ended {campaign.end_date:%b %-d, %Y}."
    return "Completed."
