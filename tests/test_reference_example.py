"""PRODUCT.md's reference example, reproduced to the cent."""

import json
from decimal import Decimal

import pytest
from django.core.management import call_command

from campaigns.analytics.reports import campaign_report
from campaigns.serialize import report_dict

pytestmark = pytest.mark.django_db


def test_reference_report_through_the_service_api(reference_campaign):
    report = campaign_report(reference_campaign)
    t, mx = report.totals, report.metrics

    assert (t.impressions, t.clicks, t.leads, t.qualified_leads, t.conversions) == (
        10000,
        500,
        120,
        30,
        12,
    )
    assert (t.revenue, t.spend) == (Decimal("18000.00"), Decimal("5000.00"))
    assert mx.conversion_rate == Decimal("0.1")
    assert mx.cost_per_lead.quantize(Decimal("0.01")) == Decimal("41.67")
    assert mx.cost_per_qualified_lead.quantize(Decimal("0.01")) == Decimal("166.67")
    assert mx.cpc == Decimal("10")
    assert mx.ctr == Decimal("0.05")
    assert mx.cost_per_conversion.quantize(Decimal("0.01")) == Decimal("416.67")
    assert mx.roi == Decimal("2.6")
    assert mx.roas == Decimal("3.6")
    assert mx.profit == Decimal("13000.00")
    assert f"{mx.profit_margin * 100:.1f}" == "72.2"
    assert mx.break_even_revenue == Decimal("0")
    assert mx.break_even_conversions == 0
    assert report.funnel.source == "recorded"
    assert [s.count for s in report.funnel.stages] == [10000, 500, 120, 30, 12]
    assert report.funnel.overall_efficiency == Decimal("0.0012")
    bottleneck = report.funnel.bottleneck
    assert (bottleneck.from_stage, bottleneck.to_stage, bottleneck.rate) == (
        "awareness",
        "interest",
        Decimal("0.05"),
    )
    assert report.targets["leads"].achievement == Decimal("0.8")
    assert report.targets["conversions"].achievement == Decimal("0.8")
    assert report.targets["roi"].achievement == Decimal("1.04")


EXPECTED_JSON_FIGURES = {
    "totals": {
        "impressions": 10000,
        "clicks": 500,
        "leads": 120,
        "qualified_leads": 30,
        "hot_leads": 12,
        "conversions": 12,
        "revenue": "18000.00",
        "spend": "5000.00",
    },
    "metrics": {
        "roi": 2.6,
        "roas": 3.6,
        "cost_per_lead": "41.67",
        "cost_per_qualified_lead": "166.67",
        "cpc": "10.00",
        "cost_per_conversion": "416.67",
        "ctr": 0.05,
        "conversion_rate": 0.1,
        "profit": "13000.00",
        "profit_margin": 0.722222,
        "budget_spent_in_period": 1.0,
        "break_even_revenue": "0.00",
        "break_even_conversions": 0,
    },
}


def test_reference_report_json_has_the_published_figures(reference_campaign):
    data = report_dict(campaign_report(reference_campaign))

    assert data["campaign"] == {
        "id": reference_campaign.pk,
        "name": "January SMS Blast",
        "channel": "sms",
        "status": "completed",
        "budget": "5000.00",
        "start_date": "2026-01-01",
        "end_date": "2026-01-31",
    }
    assert data["period"] == {"start": "2026-01-01", "end": "2026-01-31", "partial": False}
    # Budget used is lifetime spend / budget, the one meaning it has everywhere.
    assert data["lifetime"]["budget_used"] == 1.0
    assert data["totals"] == EXPECTED_JSON_FIGURES["totals"]
    assert data["metrics"] == EXPECTED_JSON_FIGURES["metrics"]
    assert data["funnel"]["overall_efficiency"] == 0.0012
    assert data["funnel"]["bottleneck"] == {"from": "awareness", "to": "interest", "rate": 0.05}
    assert [s["rate_from_previous"] for s in data["funnel"]["stages"]] == [
        None,
        0.05,
        0.24,
        0.25,
        0.4,
    ]
    targets = {
        name: {k: v for k, v in t.items() if k in ("target", "actual", "achievement")}
        for name, t in data["targets"].items()
    }
    assert targets == {
        "leads": {"target": 150, "actual": 120, "achievement": 0.8},
        "conversions": {"target": 15, "actual": 12, "achievement": 0.8},
        "roi": {"target": 2.5, "actual": 2.6, "achievement": 1.04},
    }
    # The campaign ran Jan 1–31, 2026 and has ended: targets are met or missed, in full.
    assert data["targets"]["leads"]["expected_by_now"] == 150.0
    assert data["targets"]["leads"]["time_elapsed"] == 1.0
    assert [t["status"] for t in data["targets"].values()] == ["missed", "missed", "met"]
    assert data["targets"]["leads"]["summary"] == "80.0 % of target — missed"
    assert data["health"]["state"] == "ended"
    assert data["pacing"] is None  # an ended campaign is not paced


def test_campaign_report_command_prints_the_reference_json(reference_campaign, capsys):
    call_command("campaign_report", "sunrise-realty", "January SMS Blast", "--format", "json")
    data = json.loads(capsys.readouterr().out)

    assert data["totals"] == EXPECTED_JSON_FIGURES["totals"]
    assert data["metrics"] == EXPECTED_JSON_FIGURES["metrics"]


def test_campaign_report_command_text_reads_like_a_report(reference_campaign, capsys):
    call_command("campaign_report", "sunrise-realty", str(reference_campaign.pk))
    text = capsys.readouterr().out

    for line in [
        "January SMS Blast (SMS, completed)",
        "$5,000.00",
        "Lead-to-conversion:  10.0 %",
        "Cost per lead:       $41.67",
        "ROI:                 260.0 % (ROAS 3.60x)",
        "Funnel efficiency:   0.12 % (recorded)",
        "Health:              Ended",
        "leads        120 of 150 (80.0 % of target — missed)",
        "conversions  12 of 15 (80.0 % of target — missed)",
        "roi          ROI 260.0 % against a 250.0 % target — met",
    ]:
        assert line in text
