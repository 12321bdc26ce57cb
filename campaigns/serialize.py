"""The report JSON (also served by the API): money as strings with two decimals, ratios as
plain numbers (0.1 for 10 %), undefined as null."""

from __future__ import annotations

from decimal import Decimal

from campaigns import metrics as m
from campaigns.analytics import CampaignReport, PaceLine, Recommendation, Totals

MONEY_NAMES = {
    "revenue",
    "spend",
    "profit",
    "budget",
    "cost_per_lead",
    "cost_per_qualified_lead",
    "cpc",
    "cost_per_conversion",
    "break_even_revenue",
    "expected_spend",
    "projected_spend",
    "budget_left",
}
RATIO_PLACES = Decimal("0.000001")


def money_text(value: Decimal | None) -> str | None:
    return None if value is None else f"{m.money(value):.2f}"


def ratio_number(value: Decimal | None) -> float | int | None:
    """A ratio as a JSON number rounded to six places (0.722222); None stays null."""
    if value is None:
        return None
    return float(value.quantize(RATIO_PLACES))


def number(name: str, value):
    if value is None or isinstance(value, int | str):
        return value
    if name in MONEY_NAMES:
        return money_text(value)
    return ratio_number(value)


def totals_dict(totals: Totals) -> dict:
    return {name: number(name, getattr(totals, name)) for name in totals.__dataclass_fields__}


def _pace_value(line: PaceLine | None, name: str, key: str) -> str | float | None:
    """Expected or projected amount: money for spend, a count (two decimals) for results."""
    if line is None:
        return None
    value = getattr(line, key)
    return money_text(value) if name == "spend" else float(value.quantize(Decimal("0.01")))


def recommendation_dict(rec: Recommendation) -> dict:
    return {
        "priority": rec.priority,
        "rule": rec.rule,
        "subject": rec.subject,
        "message": rec.message,
        "numbers": {k: number(k, v) for k, v in rec.numbers.items()},
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
        "period": {"start": report.period.start.isoformat(), "end": report.period.end.isoformat()},
        "totals": totals_dict(report.totals),
        "metrics": metrics,
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
            **{
                f"{key}_{name}": _pace_value(line, name, key)
                for name, line in (
                    ("spend", p.spend),
                    ("leads", p.leads),
                    ("conversions", p.conversions),
                )
                for key in ("expected", "projected")
            },
            "bands": {
                name: line.band
                for name, line in (
                    ("spend", p.spend),
                    ("leads", p.leads),
                    ("conversions", p.conversions),
                )
                if line
            },
            "summary": p.summary,
        },
        "funnel": {
            "source": funnel.source,
            "stages": [
                {
                    "stage": s.stage,
                    "count": s.count,
                    "rate_from_previous": ratio_number(s.rate_from_previous),
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
        },
        "targets": {
            name: {
                "target": (ratio_number(t.target) if isinstance(t.target, Decimal) else t.target),
                "actual": ratio_number(t.actual) if isinstance(t.actual, Decimal) else t.actual,
                "achievement": ratio_number(t.achievement),
            }
            for name, t in report.targets.items()
        },
        "recommendations": [recommendation_dict(r) for r in report.recommendations],
    }
