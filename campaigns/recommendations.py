"""Recommendations: deterministic rules over the analytics results, merged into at most one
recommendation per campaign or channel on a page and ranked by the money at stake.

High is reserved for money being lost now: over budget, negative ROI with spend in the period,
results behind pace in the last quarter of a campaign. Scale-up advice goes only to a campaign
on track on its results whose period ROI beats its target by a clear margin over enough
recorded days, never to one below its target (the overview's worst); shifting budget toward a
channel that returns well above the location is advised outright when its spend is material
and as a test, its small volume stated, when it is not. Every figure names the window it is
over ("lifetime to date", "last 30 days").
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal

from campaigns import metrics as m
from campaigns.analytics.judgement import LAST_QUARTER, has_ended
from campaigns.analytics.results import (
    AHEAD,
    BEHIND,
    LIFETIME,
    ON_TRACK,
    PRIORITY_ORDER,
    CampaignReport,
    ChannelRow,
    Finding,
    Recommendation,
)
from campaigns.display import money
from campaigns.display import percent as pct
from campaigns.models import Campaign

HIGH, MEDIUM, LOW = "high", "medium", "low"
#: A channel returns "well above" (or below) the location when its ROI differs by this much.
CHANNEL_ROI_MARGIN = Decimal("0.5")
#: A channel's spend is material with at least this share of the location's spend in the
#: period and at least this much (in the location's currency). Below that, a channel returning
#: well above the location is advised as a test of more budget, its volume stated; moving
#: budget away from a small channel is not advised (it frees too little to act on).
MATERIAL_SPEND_SHARE = Decimal("0.10")
MATERIAL_SPEND = Decimal("1000")
#: Scale-up needs the period's return per dollar (1 + ROI) this much above what the ROI target
#: asks for: with a 100 % target (each dollar back twice), an ROI of at least 140 %.
SCALE_UP_MARGIN = Decimal("0.20")
#: … and at least this many recorded days in the period: fewer is too little to scale up on.
SCALE_UP_MIN_DAYS = 14
#: A campaign converts poorly when its lead-to-conversion rate is under this share of the group's.
LOW_CONVERSION_SHARE = Decimal("0.5")
#: How many recommendations a page shows before "show all".
SHOWN = 5


def _count(value: Decimal) -> str:
    return f"{value:,.0f}"


def campaign_findings(report: CampaignReport) -> list[Finding]:
    """What the rules conclude about one campaign from its own numbers."""
    c = report.campaign
    if has_ended(c, report.today):
        return []  # nothing left to act on
    currency = c.location.currency
    active = c.status == Campaign.Status.ACTIVE
    window = report.window
    findings = []
    left = report.budget_left
    if left is not None and left < 0:
        findings.append(
            Finding(
                "over_budget",
                HIGH,
                -left,
                f"is over budget: {money(report.lifetime.spend, currency)} spent of its "
                f"{money(c.budget, currency)} budget ({pct(report.budget_used)}, lifetime)",
                "stop its spend or raise the budget"
                if active
                else "keep it paused, or raise the budget before resuming it",
                {"spend": report.lifetime.spend, "budget": c.budget, "budget_left": left},
            )
        )
    roi, spend = report.metrics.roi, report.totals.spend
    if roi is not None and roi < 0:
        findings.append(
            Finding(
                "negative_roi",
                HIGH if active else MEDIUM,
                spend,
                f"loses money: ROI {pct(roi)} on {money(spend, currency)} spent ({window})",
                "pause or rework it" if active else "rework it before resuming it",
                {"roi": roi, "spend": spend, "revenue": report.totals.revenue},
            )
        )
    pacing = _pacing_findings(report, currency)
    if left is not None and left < 0:  # over budget already says it spends too fast
        pacing = [f for f in pacing if f.rule != "spending_ahead"]
    findings += pacing
    if not findings:
        findings += _scale_up(report, currency)
    return findings


def _pacing_findings(report: CampaignReport, currency: str) -> list[Finding]:
    p = report.pacing
    if p is None:
        return []
    findings = []
    left = report.budget_left if report.budget_left is not None else m.ZERO
    late = p.time_elapsed >= LAST_QUARTER
    behind = [line for line in (p.leads, p.conversions) if line and line.band == BEHIND]
    spend = p.spend if p.spend and p.spend.band == AHEAD else None
    if behind:
        line = behind[0]
        findings.append(
            Finding(
                "behind_on_results",
                HIGH if late else MEDIUM,
                max(left, m.ZERO),
                f"is behind on {line.name}: {_count(line.actual)} of {_count(line.expected)} "
                f"expected by {p.day_text} ({LIFETIME}), projected {_count(line.projected)} "
                f"of its {_count(line.full_term)} target",
                "review targeting before spending more"
                if spend
                else "review its targeting and offer",
                {
                    line.name: line.actual,
                    f"expected_{line.name}": line.expected,
                    f"projected_{line.name}": line.projected,
                },
            )
        )
    if spend is not None:
        findings.append(
            Finding(
                "spending_ahead",
                MEDIUM,
                max(spend.projected - spend.full_term, m.ZERO),
                f"spends ahead of plan: {money(spend.actual, currency)} of "
                f"{money(spend.expected, currency)} expected by {p.day_text} ({LIFETIME}), "
                f"projected {money(spend.projected, currency)} against its "
                f"{money(spend.full_term, currency)} budget",
                "slow its daily spend",
                {
                    "spend": spend.actual,
                    "expected_spend": spend.expected,
                    "projected_spend": spend.projected,
                },
            )
        )
    return findings


def below_roi_target(report: CampaignReport) -> bool:
    """Losing money, or below its ROI target, over the report's period: what lists a campaign
    among the overview's worst, and what rules scale-up out."""
    roi, target = report.metrics.roi, report.campaign.target_roi
    return roi is not None and (roi < 0 or (target is not None and roi < target))


def scale_up_roi(target_roi: Decimal) -> Decimal:
    """The period ROI scale-up needs: a return per dollar SCALE_UP_MARGIN above the target's."""
    return (1 + target_roi) * (1 + SCALE_UP_MARGIN) - 1


def _scale_up(report: CampaignReport, currency: str) -> list[Finding]:
    """Scale up an active campaign on track on its results (lifetime) whose period ROI beats
    its target by SCALE_UP_MARGIN over at least SCALE_UP_MIN_DAYS recorded days."""
    c, roi, left, days = report.campaign, report.metrics.roi, report.budget_left, report.totals.days
    if (
        c.status != Campaign.Status.ACTIVE
        or report.health.state not in (ON_TRACK, AHEAD)
        or report.health.tone != "good"
        or c.target_roi is None
        or roi is None
        or below_roi_target(report)
        or roi < scale_up_roi(c.target_roi)
        or days < SCALE_UP_MIN_DAYS
        or not left
        or left <= 0
    ):
        return []
    judged = any(t.status for name, t in report.targets.items() if name != "roi")
    on_track = "on track on its results targets (lifetime), " if judged else ""
    needed = scale_up_roi(c.target_roi)
    return [
        Finding(
            "scale_up",
            MEDIUM,
            left,
            f"beats its ROI target by a clear margin: ROI {pct(roi)} against a "
            f"{pct(c.target_roi)} target over {days} recorded days ({report.window}; scale-up "
            f"needs {pct(needed)}, {pct(SCALE_UP_MARGIN, places=0)} more return per dollar "
            f"than the target), {on_track}with {money(left, currency)} of budget left",
            "scale it up",
            {
                "roi": roi,
                "target_roi": c.target_roi,
                "scale_up_roi": needed,
                "days_recorded": days,
                "budget_left": left,
            },
        )
    ]


def campaign_recommendations(report: CampaignReport) -> list[Recommendation]:
    """The campaign's one recommendation (or none)."""
    return consolidate(
        [Recommendation(report.campaign.name, "campaign", (f,)) for f in campaign_findings(report)]
    )


def consolidate(recs: Iterable[Recommendation]) -> list[Recommendation]:
    """One recommendation per subject, its findings merged (scale-up dropped beside any
    warning, so the advice never contradicts itself), ranked: priority, then money at stake."""
    grouped: dict[tuple[str, str], list[Finding]] = {}
    for rec in recs:
        findings = grouped.setdefault((rec.kind, rec.subject), [])
        findings.extend(f for f in rec.findings if f.rule not in {x.rule for x in findings})
    merged = []
    for (kind, subject), findings in grouped.items():
        if len(findings) > 1:
            findings = [f for f in findings if f.rule != "scale_up"]
        # Over budget wins over everything, as in the health; then the money at stake.
        findings.sort(
            key=lambda f: (PRIORITY_ORDER[f.priority], f.rule != "over_budget", -f.at_stake)
        )
        merged.append(Recommendation(subject, kind, tuple(findings)))
    return sorted(merged, key=lambda r: r.sort_key)


def comparison_recommendations(
    reports: list[CampaignReport],
    best: CampaignReport | None,
    by_roi_defined: list[CampaignReport],
) -> list[Recommendation]:
    """Rules that compare campaigns with each other: weak converters, budget to move."""
    recs = []
    group_rate = m.conversion_rate(
        sum(r.totals.conversions for r in reports), sum(r.totals.leads for r in reports)
    )
    for r in reports:
        rate = r.metrics.conversion_rate
        if group_rate and rate is not None and rate < group_rate * LOW_CONVERSION_SHARE:
            finding = Finding(
                "low_conversion",
                LOW,
                r.totals.spend,
                f"converts {pct(rate)} of its leads against {pct(group_rate)} for the group "
                f"({r.window})",
                "check lead quality and follow-up",
                {"conversion_rate": rate, "group_conversion_rate": group_rate},
            )
            recs.append(Recommendation(r.campaign.name, "campaign", (finding,)))
    worst = by_roi_defined[-1] if by_roi_defined else None
    if (
        best
        and worst
        and worst is not best
        and best.campaign.status == Campaign.Status.ACTIVE
        and best.health.state in (ON_TRACK, AHEAD)
        and best.metrics.roi - worst.metrics.roi >= CHANNEL_ROI_MARGIN
    ):
        finding = Finding(
            "reallocate_budget",
            MEDIUM,
            worst.totals.spend,
            f"returns ROI {pct(worst.metrics.roi)} against {pct(best.metrics.roi)} for "
            f"“{best.campaign.name}” ({worst.window})",
            f"move budget from it to “{best.campaign.name}”",
            {"from_roi": worst.metrics.roi, "to_roi": best.metrics.roi},
        )
        recs.append(Recommendation(worst.campaign.name, "campaign", (finding,)))
    return recs


def is_material(row: ChannelRow) -> bool:
    """Enough of the location's spend to be worth moving budget to or from."""
    share = row.spend_share
    return (
        share is not None and share >= MATERIAL_SPEND_SHARE and row.totals.spend >= MATERIAL_SPEND
    )


def channel_recommendations(
    rows: list[ChannelRow], total: ChannelRow, currency: str, window: str
) -> list[Recommendation]:
    """Shift budget toward every channel returning well above the location: outright when its
    spend is material, else as a test, its small volume stated; away from a material channel
    below the location or losing money (moving a small channel's budget frees little)."""
    location_roi = total.metrics.roi
    with_spend = [r for r in rows if r.metrics.roi is not None]
    if location_roi is None or len(with_spend) < 2:
        return []
    recs = []
    for r in with_spend:
        material = is_material(r)
        roi, gap = r.metrics.roi, r.metrics.roi - location_roi
        numbers = {
            "channel_roi": roi,
            "location_roi": location_roi,
            "spend": r.totals.spend,
            "spend_share": r.spend_share,
            "profit_share": r.profit_share,
        }
        against = f"against {pct(location_roi)} for the location"
        on_spend = (
            f"on {'' if material else 'only '}{money(r.totals.spend, currency)} spent, "
            f"{pct(r.spend_share)} of the location's spend ({window})"
        )
        if not material and roi > 0 and gap >= CHANNEL_ROI_MARGIN:
            finding = Finding(
                "channel_outperforms_small",
                MEDIUM,
                r.totals.spend,
                f"returns ROI {pct(roi)} {against} {on_spend}",
                "test more budget there before shifting much",
                numbers,
            )
        elif not material:
            continue
        elif roi < 0:
            finding = Finding(
                "channel_loses_money",
                HIGH,
                r.totals.spend,
                f"loses money: ROI {pct(roi)} {on_spend}",
                "move its budget to a better channel or rework its campaigns",
                numbers,
            )
        elif gap >= CHANNEL_ROI_MARGIN:
            finding = Finding(
                "channel_outperforms",
                MEDIUM,
                r.totals.spend,
                f"returns ROI {pct(roi)} {against} {on_spend}",
                "shift budget toward it",
                numbers,
            )
        elif gap <= -CHANNEL_ROI_MARGIN:
            finding = Finding(
                "channel_underperforms",
                LOW,
                r.totals.spend,
                f"returns ROI {pct(roi)} {against} {on_spend}",
                "consider moving budget away from it",
                numbers,
            )
        else:
            continue
        recs.append(Recommendation(r.label, "channel", (finding,)))
    return consolidate(recs)
