"""Recommendations: deterministic rules, each with a priority, the campaign or channel it
names, a message and the numbers behind it. Thresholds are the constants below."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING

from campaigns import metrics as m
from campaigns.display import money
from campaigns.display import percent as pct
from campaigns.models import Campaign

if TYPE_CHECKING:
    from campaigns.analytics import CampaignReport, ChannelRow


@dataclass(frozen=True)
class Recommendation:
    priority: str  # "high", "medium" or "low"
    rule: str
    subject: str  # the campaign's or channel's name
    message: str
    numbers: dict = field(default_factory=dict)


PRIORITY_ORDER = {"high": 0, "medium": 1, "low": 2}
#: A channel returns "well above" (or below) the location when its ROI differs by this much.
CHANNEL_ROI_MARGIN = Decimal("0.5")
#: A campaign converts poorly when its lead-to-conversion rate is under this share of the group's.
LOW_CONVERSION_SHARE = Decimal("0.5")


def campaign_recommendations(report: CampaignReport) -> list[Recommendation]:
    """The rules that need only the campaign's own numbers."""
    c, figures, recs = report.campaign, report.current, []
    currency = c.location.currency

    def usd(value: Decimal) -> str:
        return money(value, currency)

    roi, spend = figures.metrics.roi, figures.totals.spend
    if roi is not None and roi < 0:
        recs.append(
            Recommendation(
                "high",
                "negative_roi",
                c.name,
                f"Pause or rework “{c.name}”: ROI {pct(roi)} on {usd(spend)} spent.",
                {"roi": roi, "spend": spend, "revenue": figures.totals.revenue},
            )
        )
    left = c.budget - report.lifetime.spend
    if (
        c.status == Campaign.Status.ACTIVE
        and c.target_roi is not None
        and roi is not None
        and roi >= c.target_roi
        and left > 0
    ):
        recs.append(
            Recommendation(
                "medium",
                "scale_up",
                c.name,
                f"Scale up “{c.name}”: ROI {pct(roi)} beats its {pct(c.target_roi)} target "
                f"with {usd(left)} of budget left.",
                {"roi": roi, "target_roi": c.target_roi, "budget_left": left},
            )
        )
    p = report.pacing
    if p is not None and c.status == Campaign.Status.ACTIVE:  # advice for what is spending
        behind = [
            (n, line)
            for n, line in (("leads", p.leads), ("conversions", p.conversions))
            if line is not None and line.band == "behind"
        ]
        if behind and p.spend.band == "ahead":
            name, line = behind[0]
            recs.append(
                Recommendation(
                    "high",
                    "overspending_underdelivering",
                    c.name,
                    f"“{c.name}” is ahead on spend ({usd(p.spend.actual)} of "
                    f"{usd(p.spend.expected)} expected by now) but behind on {name} "
                    f"({line.actual:,.0f} of {line.expected:,.0f} expected): "
                    "review targeting before spending more.",
                    {
                        "spend": p.spend.actual,
                        "expected_spend": p.spend.expected,
                        name: line.actual,
                        f"expected_{name}": line.expected,
                    },
                )
            )
        elif behind:
            name, line = behind[0]
            recs.append(
                Recommendation(
                    "medium",
                    "behind_on_results",
                    c.name,
                    f"“{c.name}” is behind on {name}: {line.actual:,.0f} of {line.expected:,.0f} "
                    f"expected by now, projected {line.projected:,.0f}.",
                    {
                        name: line.actual,
                        f"expected_{name}": line.expected,
                        f"projected_{name}": line.projected,
                    },
                )
            )
    return recs


def sort_recommendations(recs: Iterable[Recommendation]) -> list[Recommendation]:
    return sorted(recs, key=lambda r: PRIORITY_ORDER[r.priority])


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
            recs.append(
                Recommendation(
                    "low",
                    "low_conversion",
                    r.campaign.name,
                    f"“{r.campaign.name}” converts {pct(rate)} of its leads against "
                    f"{pct(group_rate)} for the group: check lead quality and follow-up.",
                    {"conversion_rate": rate, "group_conversion_rate": group_rate},
                )
            )
    worst = by_roi_defined[-1] if by_roi_defined else None
    if (
        best
        and worst
        and worst is not best
        and worst.metrics.roi is not None
        and best.metrics.roi - worst.metrics.roi >= CHANNEL_ROI_MARGIN
    ):
        recs.append(
            Recommendation(
                "medium",
                "reallocate_budget",
                best.campaign.name,
                f"Move budget from “{worst.campaign.name}” (ROI {pct(worst.metrics.roi)}) to "
                f"“{best.campaign.name}” (ROI {pct(best.metrics.roi)}).",
                {"from_roi": worst.metrics.roi, "to_roi": best.metrics.roi},
            )
        )
    return recs


def channel_recommendations(
    rows: list[ChannelRow], total: ChannelRow, currency: str
) -> list[Recommendation]:
    """Shift budget toward channels returning well above the location, away from the ones below."""
    location_roi = total.metrics.roi
    with_spend = [r for r in rows if r.metrics.roi is not None]
    if location_roi is None or len(with_spend) < 2:
        return []
    recs = []
    for r in with_spend:
        gap = r.metrics.roi - location_roi
        numbers = {
            "channel_roi": r.metrics.roi,
            "location_roi": location_roi,
            "spend_share": r.spend_share,
            "profit_share": r.profit_share,
        }
        if gap >= CHANNEL_ROI_MARGIN:
            recs.append(
                Recommendation(
                    "medium",
                    "channel_outperforms",
                    r.label,
                    f"Shift budget toward {r.label}: ROI {pct(r.metrics.roi)} against "
                    f"{pct(location_roi)} for the location, on {pct(r.spend_share)} of the spend.",
                    numbers,
                )
            )
        elif r.metrics.roi < 0:
            recs.append(
                Recommendation(
                    "high",
                    "channel_loses_money",
                    r.label,
                    f"{r.label} loses money: ROI {pct(r.metrics.roi)} on "
                    f"{money(r.totals.spend, currency)} spent. "
                    "Move its budget to a better channel or rework its campaigns.",
                    numbers,
                )
            )
        elif gap <= -CHANNEL_ROI_MARGIN:
            recs.append(
                Recommendation(
                    "low",
                    "channel_underperforms",
                    r.label,
                    f"{r.label} returns ROI {pct(r.metrics.roi)} against {pct(location_roi)} for "
                    "the location: consider moving budget away from it.",
                    numbers,
                )
            )
    return sort_recommendations(recs)
