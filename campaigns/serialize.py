"""The report JSON (also served by the API): money as strings with two decimals, ratios as
plain numbers (0.1 for 10 %), undefined as null. Each number's unit comes from the metric
catalogue (``campaigns.metrics``)."""

from __future__ import annotations

from dataclasses import fields
from decimal import Decimal

from campaigns import catalogue
from campaigns import metrics as m
from campaigns.analytics.figures import Totals
from campaigns.analytics.results import (
    CampaignReport,
    Health,
    PaceLine,
    Recommendation,
    TargetProgress,
)
from campaigns.periods import Period

RATIO_PLACES = Decimal("0.000001")
COUNT_PLACES = Decimal("0.01")


def money_text(value: Decimal | None) -> str | None:
    return None if value is None else f"{m.money(value):.2f}"


def ratio_number(value: Decimal | None) -> float | int | None:
    """A ratio as a JSON number rounded to six places (0.722222); None stays null."""
    if value is None:
        return None
    return float(value.quantize(RATIO_PLACES))


def number(name: str, value):
    """A figure in its catalogue unit: money as text, counts as integers (two decimals when
    pro-rated), ratios and multiples as numbers."""
    if value is None or isinstance(value, int | str):
        return value
    try:
        unit = catalogue.metric(name).unit
    except KeyError:
        unit = catalogue.Unit.RATIO
    if unit is catalogue.Unit.MONEY:
        return money_text(value)
    if unit is catalogue.Unit.COUNT:
        return float(Decimal(value).quantize(COUNT_PLACES))
    return ratio_number(value)


def period_dict(period: Period) -> dict:
    """The days a figure is over; ``partial`` when they include today (not over yet)."""
    return {
        "start": period.start.isoformat(),
        "end": period.end.isoformat(),
        "partial": period.partial,
    }


def totals_dict(totals: Totals) -> dict:
    """The summed figures (not ``days``, the count of rows summed)."""
    return {f.name: number(f.name, getattr(totals, f.name)) for f in fields(totals) if f.compare}


def _pace_value(line: PaceLine | None, key: str) -> str | float | None:
    """Expected or projected amount: money for spend, a count (two decimals) for results."""
    return None if line is None else number(line.name, getattr(line, key))


def recommendation_dict(rec: Recommendation) -> dict:
    return {
        "priority": rec.priority,
        "rule": rec.rule,
        "rules": rec.rules,
        "subject": rec.subject,
        "kind": rec.kind,
        "message": rec.message,
        "at_stake": money_text(rec.at_stake),
        "numbers": {k: number(k, v) for k, v in rec.numbers.items()},
    }


def health_dict(health: Health) -> dict:
    return {
        "state": health.state,
        "label": health.label,
        "tone": health.tone,
        "reasons": list(health.reasons),
    }


def target_dict(t: TargetProgress) -> dict:
    target_key = "roi" if t.name == "roi" else t.name
    return {
        "target": number(target_key, t.target),
        "actual": number(target_key, t.actual),
        "achievement": ratio_number(t.achievement),
        "expected_by_now": number(target_key, t.expected_by_now),
        "time_elapsed": ratio_number(t.time_elapsed),
        "status": t.status,
        "summary": t.sentence or None,
    }


def report_dict(report: CampaignReport) -> dict:
    c = report.campaign
    metrics = {
        name: number(name, getattr(report.metrics, name))
        for name in report.metrics.__dataclass_fields__
    }
    p = report.pacing
    funnel = report.funnel
    return {
        "campaign": {
            "id": c.pk,
            "name": c.name,
            "channel": c.channel,
            "status": c.status,
            "budget": money_text(c.budget),
            "start_date": c.start_date.isoformat(),
            "end_date": c.end_date.isoformat() if c.end_date else None,
        },
        "as_of": report.today.isoformat(),
        "health": health_dict(report.health),
        "period": period_dict(report.period),
        "totals": totals_dict(report.totals),
        "metrics": metrics,
        "lifetime": {
            "totals": totals_dict(report.lifetime),
            "budget_used": ratio_number(report.budget_used),
            "budget_left": money_text(report.budget_left),
        },
        "previous_period": {
            "start": report.previous.period.start.isoformat(),
            "end": report.previous.period.end.isoformat(),
            "totals": totals_dict(report.previous.totals),
            "changes": {k: ratio_number(v) for k, v in report.changes.items()},
        },
        "pacing": None
        if p is None
        else {
            "as_of": p.as_of.isoformat(),
            "days_elapsed": p.days_elapsed,
            "total_days": p.total_days,
            "time_elapsed": ratio_number(p.time_elapsed),
            **{
                f"{key}_{name}": _pace_value(line, key)
                for name, line in (
                    ("spend", p.spend),
                    ("leads", p.leads),
                    ("conversions", p.conversions),
                )
                for key in ("expected", "projected")
            },
            "bands": {line.name: line.band for line in p.lines},
            "summary": p.summary,
        },
        "funnel": {
            "source": funnel.source,
            "stages": [
                {
                    "stage": s.stage,
                    "count": s.count,
                    "rate_from_previous": ratio_number(s.rate_from_previous),
                    "reference_rate": ratio_number(s.reference_rate),
                    "unusually_low": s.unusually_low,
                }
                for s in funnel.stages
            ],
            "overall_efficiency": ratio_number(funnel.overall_efficiency),
            "bottleneck": None
            if funnel.bottleneck is None
            else {
                "from": funnel.bottleneck.from_stage,
                "to": funnel.bottleneck.to_stage,
                "rate": ratio_number(funnel.bottleneck.rate),
            },
            # What the steps are judged against (null: nothing, and the bottleneck is only
            # the lowest step), and the bottleneck's rate there.
            "reference": None
            if funnel.reference is None
            else {
                "kind": funnel.reference.kind,
                "description": funnel.reference.description,
                "campaigns": funnel.reference.campaigns or None,
                "bottleneck_rate": ratio_number(
                    funnel.bottleneck.reference_rate if funnel.bottleneck else None
                ),
            },
            "summary": funnel.summary or None,
        },
        "targets": {name: target_dict(t) for name, t in report.targets.items()},
        "recommendations": [recommendation_dict(r) for r in report.recommendations],
    }
