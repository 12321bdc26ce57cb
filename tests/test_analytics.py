"""Analytics as a manager reads it: recommendations, comparisons, channels, pacing, changes,
funnels, and a constant number of queries however many campaigns there are."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from campaigns import services
from campaigns.analytics.channels import channel_analytics
from campaigns.analytics.comparison import compare_campaigns
from campaigns.analytics.locations import location_summaries
from campaigns.analytics.reports import campaign_report, campaign_reports
from campaigns.models import Campaign
from campaigns.periods import Period
from campaigns.tenancy import scope
from tests.factories import (
    CampaignFactory,
    DailyMetricFactory,
    FunnelStageFactory,
    LocationFactory,
)

pytestmark = pytest.mark.django_db

D = Decimal
MARCH = Period(date(2026, 3, 1), date(2026, 3, 31))
MID_MARCH = date(2026, 3, 15)


def make_campaign(location, name, **fields):
    """A campaign through the service API; open-ended and without targets unless told."""
    values = {
        "channel": "sms",
        "status": "active",
        "budget": D("1000.00"),
        "start_date": date(2026, 3, 1),
        "end_date": None,
    }
    values.update(fields)
    return services.create_campaign(location=location, name=name, **values)


def record(campaign, day, **numbers):
    services.record_day(campaign=campaign, day=day, **numbers)


def rules(report_or_comparison) -> dict:
    """Each rule that fired → the (merged) recommendation it is part of."""
    return {rule: r for r in report_or_comparison.recommendations for rule in r.rules}


def march_report(campaign, today=MID_MARCH):
    return campaign_report(campaign, MARCH, today=today)


# --- Recommendations: negative ROI --------------------------------------------------------------


def test_negative_roi_recommends_pausing(sunrise):
    flyers = make_campaign(sunrise, "Spring Flyers")
    record(flyers, date(2026, 3, 2), spend=D("1000.00"), revenue=D("800.00"))

    rec = rules(march_report(flyers))["negative_roi"]

    assert rec.priority == "high"
    assert rec.subject == "Spring Flyers"
    assert rec.message == (
        "“Spring Flyers” loses money: ROI -20.0 % on $1,000.00 spent (Mar 1, 2026 – Mar 31, "
        "2026). Pause or rework it."
    )
    assert rec.numbers["roi"] == D("-0.2")


def test_breaking_even_does_not_recommend_pausing(sunrise):
    flyers = make_campaign(sunrise, "Spring Flyers")
    record(flyers, date(2026, 3, 2), spend=D("1000.00"), revenue=D("1000.00"))

    assert "negative_roi" not in rules(march_report(flyers))


def test_no_spend_yet_does_not_recommend_pausing(sunrise):
    flyers = make_campaign(sunrise, "Spring Flyers")
    record(flyers, date(2026, 3, 2), leads=3)

    assert march_report(flyers).recommendations == []


def test_negative_roi_is_judged_on_the_period_only(sunrise):
    flyers = make_campaign(sunrise, "Spring Flyers", start_date=date(2026, 2, 1))
    record(flyers, date(2026, 2, 10), spend=D("1000.00"), revenue=D("200.00"))
    record(flyers, date(2026, 3, 2), spend=D("1000.00"), revenue=D("1500.00"))

    assert "negative_roi" not in rules(march_report(flyers))


# --- Recommendations: scale up ----------------------------------------------------------------


def record_fortnight(campaign, spend, revenue, first=date(2026, 3, 1), days=14):
    """``days`` recorded days from ``first`` (14 by default), each with ``spend`` and
    ``revenue``."""
    for n in range(days):
        record(campaign, first + timedelta(days=n), spend=D(spend), revenue=D(revenue))


def test_beating_the_roi_target_with_budget_left_recommends_scaling_up(sunrise):
    open_house = make_campaign(sunrise, "Open House SMS", target_roi=D("1.5"))
    record_fortnight(open_house, "30.00", "105.00")  # ROI 250 %: 200 % needed

    rec = rules(march_report(open_house))["scale_up"]

    assert rec.priority == "medium"
    assert rec.subject == "Open House SMS"
    assert rec.message == (
        "“Open House SMS” beats its ROI target by a clear margin: ROI 250.0 % against a "
        "150.0 % target over 14 recorded days (Mar 1, 2026 – Mar 31, 2026; scale-up needs "
        "200.0 %, 20 % more return per dollar than the target), with $580.00 of budget left. "
        "Scale it up."
    )
    assert rec.numbers["budget_left"] == D("580.00")
    assert rec.numbers["days_recorded"] == 14


def test_meeting_the_scale_up_margin_exactly_recommends_scaling_up(sunrise):
    open_house = make_campaign(sunrise, "Open House SMS", target_roi=D("1.5"))
    record_fortnight(open_house, "30.00", "90.00")  # ROI 200 %: exactly 2.5 × 1.2 − 1

    assert "scale_up" in rules(march_report(open_house))


def test_missing_the_roi_target_does_not_recommend_scaling_up(sunrise):
    open_house = make_campaign(sunrise, "Open House SMS", target_roi=D("1.5"))
    record_fortnight(open_house, "30.00", "74.00")  # ROI 146.7 %

    assert "scale_up" not in rules(march_report(open_house))


def test_without_an_roi_target_there_is_no_scale_up_advice(sunrise):
    open_house = make_campaign(sunrise, "Open House SMS")
    record_fortnight(open_house, "30.00", "300.00")

    assert "scale_up" not in rules(march_report(open_house))


@pytest.mark.parametrize("status", ["completed", "paused"])
def test_a_campaign_that_is_not_running_is_not_scaled_up(sunrise, status):
    open_house = make_campaign(sunrise, "Open House SMS", target_roi=D("1.5"), status=status)
    record_fortnight(open_house, "30.00", "105.00")

    assert "scale_up" not in rules(march_report(open_house))


def test_a_campaign_with_its_budget_spent_is_not_scaled_up(sunrise):
    open_house = make_campaign(sunrise, "Open House SMS", target_roi=D("1.5"), budget=D("980.00"))
    record_fortnight(open_house, "70.00", "245.00")  # the whole $980.00 spent

    assert "scale_up" not in rules(march_report(open_house))


def test_budget_left_counts_spend_before_the_period(sunrise):
    open_house = make_campaign(
        sunrise, "Open House SMS", target_roi=D("1.5"), start_date=date(2026, 2, 1)
    )
    record(open_house, date(2026, 2, 20), spend=D("580.00"), revenue=D("2000.00"))
    record_fortnight(open_house, "30.00", "105.00")  # $1,000.00 spent in all

    assert "scale_up" not in rules(march_report(open_house))


# --- Recommendations: pacing ------------------------------------------------------------------


def ten_day_campaign(location, **fields):
    """March 1–10, budget $1,000.00, 100 leads and 10 conversions targeted."""
    values = {
        "start_date": date(2026, 3, 1),
        "end_date": date(2026, 3, 10),
        "target_leads": 100,
        "target_conversions": 10,
    }
    values.update(fields)
    return make_campaign(location, "Ten Day Push", **values)


def five_days(campaign, *, spend_per_day, leads_per_day=0, conversions_per_day=0):
    """Five days that return twice their spend (so no advice is about losing money)."""
    services.record_days(
        campaign=campaign,
        rows=[
            {
                "date": date(2026, 3, day),
                "spend": spend_per_day,
                "revenue": spend_per_day * 2,
                "leads": leads_per_day,
                "conversions": conversions_per_day,
            }
            for day in range(1, 6)
        ],
    )


def day_five_report(campaign):
    """The report on the morning of day 6: five complete days (pacing counts days that are
    over; today's results are not in yet)."""
    return campaign_report(campaign, today=date(2026, 3, 6))


def test_spending_ahead_with_leads_behind_is_one_medium_recommendation_mid_campaign(sunrise):
    push = ten_day_campaign(sunrise)
    five_days(push, spend_per_day=D("120.00"), leads_per_day=4, conversions_per_day=1)

    [rec] = day_five_report(push).recommendations

    assert rec.rules == ["behind_on_results", "spending_ahead"]
    assert rec.priority == "medium"
    assert rec.subject == "Ten Day Push"
    assert rec.message == (
        "“Ten Day Push” is behind on leads: 20 of 50 expected by day 5 of 10 (lifetime to "
        "date), projected 40 of its 100 target and spends ahead of plan: $600.00 of $500.00 "
        "expected by day 5 of 10 (lifetime to date), projected $1,200.00 against its "
        "$1,000.00 budget. Review targeting before spending more; slow its daily spend."
    )


def test_behind_on_results_in_the_last_quarter_is_high(sunrise):
    push = ten_day_campaign(sunrise)
    services.record_days(
        campaign=push,
        rows=[
            {"date": date(2026, 3, day), "spend": D("100.00"), "leads": 4} for day in range(1, 9)
        ],
    )

    report = campaign_report(push, today=date(2026, 3, 9))  # 8 complete days of 10

    assert report.health.state == "behind"
    assert report.health.tone == "bad"
    assert rules(report)["behind_on_results"].priority == "high"


def test_spending_ahead_with_conversions_behind_is_flagged(sunrise):
    push = ten_day_campaign(sunrise)
    five_days(push, spend_per_day=D("120.00"), leads_per_day=10, conversions_per_day=0)

    rec = rules(day_five_report(push))["spending_ahead"]

    assert "is behind on conversions: 0 of 5 expected by day 5 of 10" in rec.message


def test_spending_on_pace_with_leads_behind_is_flagged_medium(sunrise):
    push = ten_day_campaign(sunrise)
    five_days(push, spend_per_day=D("100.00"), leads_per_day=4, conversions_per_day=1)

    recs = rules(day_five_report(push))

    assert "spending_ahead" not in recs
    rec = recs["behind_on_results"]
    assert rec.priority == "medium"
    assert rec.subject == "Ten Day Push"
    assert rec.message == (
        "“Ten Day Push” is behind on leads: 20 of 50 expected by day 5 of 10 (lifetime to "
        "date), projected 40 of its 100 target. Review its targeting and offer."
    )


def test_spending_ahead_with_results_on_pace_is_a_warning_not_good_news(sunrise):
    push = ten_day_campaign(sunrise, target_roi=D("0.5"))
    five_days(push, spend_per_day=D("120.00"), leads_per_day=10, conversions_per_day=1)

    report = day_five_report(push)
    [rec] = report.recommendations

    assert rec.rules == ["spending_ahead"]  # and no "scale up", though ROI beats its target
    assert rec.priority == "medium"
    assert (report.health.state, report.health.tone) == ("on_track", "warning")


def test_results_just_within_the_band_are_not_behind(sunrise):
    push = ten_day_campaign(sunrise)
    # 45 leads against 50 expected is exactly 10 % short: still on pace.
    services.record_days(
        campaign=push,
        rows=[
            {
                "date": date(2026, 3, 1),
                "spend": D("500.00"),
                "revenue": D("1000.00"),
                "leads": 45,
                "conversions": 5,
            },
        ],
    )

    recs = rules(day_five_report(push))

    assert "spending_ahead" not in recs
    assert "behind_on_results" not in recs


@pytest.mark.parametrize("status", ["completed", "paused"])
def test_a_campaign_that_is_not_running_gets_no_pacing_advice(sunrise, status):
    push = ten_day_campaign(sunrise, status=status)
    five_days(push, spend_per_day=D("120.00"), leads_per_day=4, conversions_per_day=1)

    recs = rules(day_five_report(push))

    assert "spending_ahead" not in recs
    assert "behind_on_results" not in recs


def test_without_results_targets_only_spend_is_paced(sunrise):
    push = ten_day_campaign(sunrise, target_leads=None, target_conversions=None)
    five_days(push, spend_per_day=D("120.00"), leads_per_day=0)

    recs = rules(day_five_report(push))

    assert day_five_report(push).pacing.leads is None
    assert "behind_on_results" not in recs
    assert "spending_ahead" in recs  # spend still paces against the budget


# --- Pacing -----------------------------------------------------------------------------------


def test_pacing_of_a_ten_day_campaign_halfway_through(sunrise):
    push = ten_day_campaign(sunrise)
    five_days(push, spend_per_day=D("120.00"), leads_per_day=4, conversions_per_day=1)

    pacing = day_five_report(push).pacing

    assert (pacing.days_elapsed, pacing.total_days) == (5, 10)
    assert pacing.spend.actual == D("600")
    assert pacing.spend.expected == D("500")
    assert pacing.spend.projected == D("1200")
    assert pacing.spend.band == "ahead"
    assert (pacing.leads.actual, pacing.leads.expected, pacing.leads.projected) == (20, 50, 40)
    assert pacing.leads.band == "behind"
    assert (pacing.conversions.expected, pacing.conversions.band) == (5, "on_track")
    assert pacing.summary == "ahead on spend, behind on leads, on track for conversions"
    assert pacing.spend.tone == "warning"  # spending fast is never good news


@pytest.mark.parametrize(
    ("spend", "band"),
    [
        ("449.99", "behind"),
        ("450.00", "on_track"),
        ("500.00", "on_track"),
        ("550.00", "on_track"),
        ("550.01", "ahead"),
    ],
)
def test_spend_within_ten_percent_of_expected_is_on_pace(sunrise, spend, band):
    push = ten_day_campaign(sunrise)
    record(push, date(2026, 3, 1), spend=D(spend))

    assert day_five_report(push).pacing.spend.band == band


def test_after_the_end_there_is_no_pacing_and_targets_are_met_or_missed(sunrise):
    push = ten_day_campaign(sunrise)
    record(push, date(2026, 3, 3), spend=D("900.00"), leads=100, conversions=9)

    report = campaign_report(push, today=date(2026, 3, 20))

    assert report.pacing is None
    assert report.health.state == "ended"
    assert report.targets["leads"].status == "met"
    assert report.targets["conversions"].status == "missed"
    assert report.recommendations == []


def test_no_pacing_without_an_end_date(sunrise):
    open_ended = make_campaign(sunrise, "Evergreen", end_date=None)
    record(open_ended, date(2026, 3, 2), spend=D("100.00"))

    assert campaign_report(open_ended, today=date(2026, 3, 5)).pacing is None


def test_no_pacing_before_the_campaign_starts(sunrise):
    push = ten_day_campaign(sunrise)

    assert campaign_report(push, MARCH, today=date(2026, 2, 28)).pacing is None


def test_no_spend_pacing_without_a_budget(sunrise):
    push = ten_day_campaign(sunrise, budget=D("0"))
    record(push, date(2026, 3, 1), leads=5)

    pacing = day_five_report(push).pacing

    assert pacing.spend is None
    assert (pacing.leads.expected, pacing.leads.band) == (50, "behind")


def test_no_pacing_without_a_budget_or_targets(sunrise):
    push = ten_day_campaign(sunrise, budget=D("0"), target_leads=None, target_conversions=None)
    record(push, date(2026, 3, 1), leads=5)

    assert day_five_report(push).pacing is None


def test_pacing_starts_once_the_first_day_is_over(sunrise):
    push = ten_day_campaign(sunrise, target_leads=100)
    record(push, date(2026, 3, 1), spend=D("100.00"), leads=10)

    on_the_first_day = campaign_report(push, today=date(2026, 3, 1))
    assert on_the_first_day.pacing is None  # nothing to judge half a day by
    assert on_the_first_day.targets["leads"].why_not == "its first day is not over yet"
    pacing = campaign_report(push, today=date(2026, 3, 2)).pacing

    assert pacing.as_of == date(2026, 3, 1)
    assert (pacing.days_elapsed, pacing.spend.expected, pacing.spend.band) == (
        1,
        D("100"),
        "on_track",
    )


# --- Change against the previous period -------------------------------------------------------


def test_change_against_the_previous_period_of_the_same_length(sunrise):
    open_house = make_campaign(sunrise, "Open House SMS", start_date=date(2026, 1, 1))
    # March's previous period is January 29 – February 28.
    record(open_house, date(2026, 1, 28), leads=100, spend=D("999.00"))
    record(
        open_house,
        date(2026, 2, 10),
        leads=10,
        conversions=2,
        spend=D("200.00"),
        revenue=D("400.00"),
    )
    record(
        open_house,
        date(2026, 3, 10),
        leads=15,
        conversions=2,
        spend=D("300.00"),
        revenue=D("900.00"),
    )

    report = march_report(open_house)

    assert report.previous.totals.leads == 10
    assert report.changes["leads"] == D("0.5")
    assert report.changes["conversions"] == 0
    assert report.changes["spend"] == D("0.5")
    assert report.changes["revenue"] == D("1.25")
    assert report.changes["roi"] == D("1")  # ROI 100 % → 200 %
    assert report.changes["cost_per_lead"] == 0  # $20.00 both times


def test_change_is_undefined_when_the_previous_period_had_nothing(sunrise):
    open_house = make_campaign(sunrise, "Open House SMS")
    record(open_house, date(2026, 3, 10), leads=15, spend=D("300.00"), revenue=D("900.00"))

    changes = march_report(open_house).changes

    assert changes["leads"] is None
    assert changes["spend"] is None
    assert changes["roi"] is None


def test_location_summaries_give_each_location_its_change(sunrise, harbor):
    open_house = make_campaign(sunrise, "Open House SMS", start_date=date(2026, 2, 1))
    record(open_house, date(2026, 2, 10), leads=10, spend=D("100.00"), revenue=D("300.00"))
    record(open_house, date(2026, 3, 10), leads=15, spend=D("100.00"), revenue=D("200.00"))
    dock = make_campaign(harbor, "Dockside Ads", channel="paid_ads")
    record(dock, date(2026, 3, 10), leads=7, spend=D("70.00"))

    sunrise_summary, harbor_summary = location_summaries([sunrise, harbor], MARCH)

    assert sunrise_summary.location == sunrise
    assert sunrise_summary.current.totals.leads == 15
    assert sunrise_summary.previous.totals.leads == 10
    assert sunrise_summary.changes["leads"] == D("0.5")
    assert sunrise_summary.changes["profit"] == D("-0.5")
    assert sunrise_summary.current.metrics.roi == D("1")
    assert harbor_summary.current.totals.leads == 7
    assert harbor_summary.changes["leads"] is None


def test_a_location_without_data_has_zero_totals_and_undefined_ratios(sunrise):
    [summary] = location_summaries([sunrise], MARCH)

    assert summary.current.totals.spend == 0
    assert summary.current.metrics.roi is None
    assert summary.changes["leads"] is None


# --- Funnel -----------------------------------------------------------------------------------


def test_funnel_is_derived_from_the_daily_totals_without_recorded_stages(sunrise):
    open_house = make_campaign(sunrise, "Open House SMS")
    record(
        open_house,
        date(2026, 3, 2),
        impressions=1000,
        clicks=50,
        leads=10,
        qualified_leads=4,
        conversions=1,
    )

    funnel = march_report(open_house).funnel

    assert funnel.source == "derived"
    assert [s.stage for s in funnel.stages] == [
        "awareness",
        "interest",
        "consideration",
        "intent",
        "conversion",
    ]
    assert [s.count for s in funnel.stages] == [1000, 50, 10, 4, 1]
    assert [s.rate_from_previous for s in funnel.stages] == [
        None,
        D("0.05"),
        D("0.2"),
        D("0.4"),
        D("0.25"),
    ]
    assert funnel.stages[1].drop_off == D("0.95")
    assert funnel.overall_efficiency == D("0.001")
    b = funnel.bottleneck
    assert (b.from_stage, b.to_stage, b.rate) == ("awareness", "interest", D("0.05"))


def test_recorded_funnel_stages_replace_the_derived_funnel(sunrise):
    open_house = make_campaign(sunrise, "Open House SMS")
    record(
        open_house,
        date(2026, 3, 2),
        impressions=1000,
        clicks=50,
        leads=10,
        qualified_leads=4,
        conversions=1,
    )
    services.set_funnel(
        campaign=open_house,
        counts={
            "awareness": 2000,
            "interest": 1000,
            "consideration": 200,
            "intent": 160,
            "conversion": 8,
        },
    )

    funnel = march_report(open_house).funnel

    assert funnel.source == "recorded"
    assert [s.count for s in funnel.stages] == [2000, 1000, 200, 160, 8]
    assert [s.rate_from_previous for s in funnel.stages] == [
        None,
        D("0.5"),
        D("0.2"),
        D("0.8"),
        D("0.05"),
    ]
    assert funnel.overall_efficiency == D("0.004")
    b = funnel.bottleneck
    assert (b.from_stage, b.to_stage, b.rate) == ("intent", "conversion", D("0.05"))


def test_a_stage_after_an_empty_stage_has_no_rate(sunrise):
    open_house = make_campaign(sunrise, "Open House SMS")
    record(open_house, date(2026, 3, 2), impressions=1000)

    funnel = march_report(open_house).funnel

    assert [s.count for s in funnel.stages] == [1000, 0, 0, 0, 0]
    assert [s.rate_from_previous for s in funnel.stages] == [None, D("0"), None, None, None]
    assert funnel.stages[1].drop_off == 1
    b = funnel.bottleneck
    assert (b.from_stage, b.to_stage, b.rate) == ("awareness", "interest", D("0"))


def test_an_empty_funnel_has_no_bottleneck_and_no_efficiency(sunrise):
    open_house = make_campaign(sunrise, "Open House SMS")

    funnel = march_report(open_house).funnel

    assert funnel.source == "derived"
    assert funnel.bottleneck is None
    assert funnel.overall_efficiency is None


# --- Comparison -------------------------------------------------------------------------------


@pytest.fixture
def four_campaigns(sunrise):
    """ROI 200 % / 50 % (target 100 %) / -20 % / no spend; CPL $20 / $10 / $50 / —."""
    open_house = make_campaign(sunrise, "Open House SMS")
    record(
        open_house,
        date(2026, 3, 2),
        spend=D("1000.00"),
        revenue=D("3000.00"),
        leads=50,
        conversions=10,
    )
    retargeting = make_campaign(sunrise, "Retargeting Ads", channel="paid_ads", target_roi=D("1.0"))
    record(
        retargeting,
        date(2026, 3, 2),
        spend=D("1000.00"),
        revenue=D("1500.00"),
        leads=100,
        conversions=5,
    )
    billboard = make_campaign(sunrise, "Billboard Social", channel="social")
    record(
        billboard,
        date(2026, 3, 2),
        spend=D("1000.00"),
        revenue=D("800.00"),
        leads=20,
        conversions=3,
    )
    newsletter = make_campaign(sunrise, "Newsletter", channel="email")
    return [open_house, retargeting, billboard, newsletter]


def names(reports) -> list[str]:
    return [r.campaign.name for r in reports]


def compare(location, campaigns):
    return compare_campaigns(location, [c.pk for c in campaigns], MARCH, today=MID_MARCH)


def test_comparison_ranks_by_roi_best_first_and_undefined_last(sunrise, four_campaigns):
    comparison = compare(sunrise, four_campaigns)

    assert names(comparison.by_roi) == [
        "Open House SMS",
        "Retargeting Ads",
        "Billboard Social",
        "Newsletter",
    ]
    assert [r.metrics.roi for r in comparison.by_roi] == [D("2"), D("0.5"), D("-0.2"), None]


def test_comparison_ranks_by_lead_to_conversion_rate(sunrise, four_campaigns):
    comparison = compare(sunrise, four_campaigns)

    assert names(comparison.by_conversion_rate) == [
        "Open House SMS",
        "Billboard Social",
        "Retargeting Ads",
        "Newsletter",
    ]
    assert [r.metrics.conversion_rate for r in comparison.by_conversion_rate] == [
        D("0.2"),
        D("0.15"),
        D("0.05"),
        None,
    ]


def test_comparison_ranks_cost_efficiency_lowest_cost_per_lead_first(sunrise, four_campaigns):
    comparison = compare(sunrise, four_campaigns)

    assert names(comparison.by_cost_efficiency) == [
        "Retargeting Ads",
        "Open House SMS",
        "Billboard Social",
        "Newsletter",
    ]
    assert [r.metrics.cost_per_lead for r in comparison.by_cost_efficiency] == [
        D("10"),
        D("20"),
        D("50"),
        None,
    ]


def test_comparison_names_the_best_performer_and_the_underperformers(sunrise, four_campaigns):
    comparison = compare(sunrise, four_campaigns)

    assert comparison.best_performer.campaign.name == "Open House SMS"
    # Retargeting beats zero but misses its 100 % target; Billboard loses money.
    assert sorted(names(comparison.underperformers)) == ["Billboard Social", "Retargeting Ads"]


def test_no_best_performer_when_nothing_was_spent(sunrise):
    quiet = make_campaign(sunrise, "Quiet One")
    silent = make_campaign(sunrise, "Silent Two")

    comparison = compare(sunrise, [quiet, silent])

    assert comparison.best_performer is None
    assert comparison.underperformers == []
    assert comparison.recommendations == []


def test_comparison_collects_each_campaigns_recommendations_high_first(sunrise, four_campaigns):
    comparison = compare(sunrise, four_campaigns)

    recs = comparison.recommendations
    assert recs[0].rule == "negative_roi"
    assert recs[0].subject == "Billboard Social"
    assert [r.priority for r in recs] == sorted(
        (r.priority for r in recs), key=["high", "medium", "low"].index
    )


def test_a_campaign_converting_under_half_the_group_rate_is_flagged(sunrise, four_campaigns):
    rec = rules(compare(sunrise, four_campaigns))["low_conversion"]

    # The group converts 18 of 170 leads (10.6 %); Retargeting converts 5 of 100.
    assert rec.priority == "low"
    assert rec.subject == "Retargeting Ads"
    assert rec.message == (
        "“Retargeting Ads” converts 5.0 % of its leads against 10.6 % for the group "
        "(Mar 1, 2026 – Mar 31, 2026). Check lead quality and follow-up."
    )
    assert [
        r.subject
        for r in compare(sunrise, four_campaigns).recommendations
        if r.rule == "low_conversion"
    ] == ["Retargeting Ads"]


def test_converting_exactly_half_the_group_rate_is_not_flagged(sunrise):
    strong = make_campaign(sunrise, "Strong Leads")
    record(strong, date(2026, 3, 2), leads=100, conversions=30)
    weak = make_campaign(sunrise, "Weak Leads")
    record(weak, date(2026, 3, 2), leads=100, conversions=10)  # 10 % against 20 %

    assert "low_conversion" not in rules(compare(sunrise, [strong, weak]))


def test_a_wide_roi_gap_recommends_moving_budget_to_the_best(sunrise, four_campaigns):
    open_house, _, billboard, _ = four_campaigns

    rec = rules(compare(sunrise, [open_house, billboard]))["reallocate_budget"]

    # One recommendation for Billboard: its loss and where its budget should go, merged.
    assert rec.priority == "high"
    assert rec.subject == "Billboard Social"
    assert rec.rules == ["negative_roi", "reallocate_budget"]
    assert rec.message == (
        "“Billboard Social” loses money: ROI -20.0 % on $1,000.00 spent (Mar 1, 2026 – Mar 31, "
        "2026) and returns ROI -20.0 % against 200.0 % for “Open House SMS” (Mar 1, 2026 – "
        "Mar 31, 2026). Pause or rework it; move budget from it to “Open House SMS”."
    )


def test_an_roi_gap_of_exactly_half_recommends_moving_budget(sunrise):
    better = make_campaign(sunrise, "Better")
    record(better, date(2026, 3, 2), spend=D("1000.00"), revenue=D("2000.00"))  # 100 %
    worse = make_campaign(sunrise, "Worse")
    record(worse, date(2026, 3, 2), spend=D("1000.00"), revenue=D("1500.00"))  # 50 %

    assert "reallocate_budget" in rules(compare(sunrise, [better, worse]))


def test_a_narrow_roi_gap_does_not_recommend_moving_budget(sunrise):
    better = make_campaign(sunrise, "Better")
    record(better, date(2026, 3, 2), spend=D("1000.00"), revenue=D("2000.00"))  # 100 %
    close = make_campaign(sunrise, "Close Behind")
    record(close, date(2026, 3, 2), spend=D("1000.00"), revenue=D("1510.00"))  # 51 %

    assert "reallocate_budget" not in rules(compare(sunrise, [better, close]))


def test_a_campaign_without_spend_does_not_hide_the_reallocation_advice(sunrise, four_campaigns):
    # The worst ROI is Billboard's -20 %; Newsletter has no ROI yet and ranks last only
    # because its ROI is undefined.
    rec = rules(compare(sunrise, four_campaigns)).get("reallocate_budget")

    assert rec is not None
    assert rec.subject == "Billboard Social"
    assert "move budget from it to “Open House SMS”" in rec.message


def test_comparison_ignores_campaigns_of_another_location(sunrise, harbor, four_campaigns):
    secret = make_campaign(harbor, "Harbor Secret Listing")
    record(secret, date(2026, 3, 2), spend=D("10.00"), revenue=D("5000.00"), leads=1, conversions=1)

    comparison = compare(sunrise, [*four_campaigns, secret])

    assert "Harbor Secret Listing" not in names(comparison.reports)
    assert len(comparison.reports) == 4
    assert comparison.best_performer.campaign.name == "Open House SMS"
    assert all("Harbor" not in r.message for r in comparison.recommendations)


def test_comparing_only_another_locations_campaign_shows_nothing(sunrise, harbor):
    secret = make_campaign(harbor, "Harbor Secret Listing")

    comparison = compare(sunrise, [secret])

    assert comparison.reports == []
    assert comparison.best_performer is None


# --- Channels ---------------------------------------------------------------------------------


def channel_rows(analytics) -> dict:
    return {row.channel: row for row in analytics.rows}


def test_channel_roi_is_pooled_not_a_mean_of_ratios(sunrise):
    small_win = make_campaign(sunrise, "Small Win")
    record(small_win, date(2026, 3, 2), spend=D("100.00"), revenue=D("300.00"))  # 200 %
    big_flat = make_campaign(sunrise, "Big Flat")
    record(big_flat, date(2026, 3, 2), spend=D("900.00"), revenue=D("900.00"))  # 0 %

    sms = channel_rows(channel_analytics(sunrise, MARCH))["sms"]

    # The mean of the two ratios would be 100 %; the pooled ROI is $200 profit on $1,000.
    assert sms.campaigns == 2
    assert sms.totals.spend == D("1000.00")
    assert sms.totals.revenue == D("1200.00")
    assert sms.metrics.roi == D("0.2")


@pytest.fixture
def two_channels(sunrise):
    """SMS: budget $2,000, ROI 20 %; Email: budget $2,000, ROI 180 %; the location: ROI 100 %."""
    small_win = make_campaign(sunrise, "Small Win", start_date=date(2026, 2, 1))
    record(small_win, date(2026, 3, 2), spend=D("100.00"), revenue=D("300.00"), leads=10)
    record(small_win, date(2026, 2, 20), spend=D("5000.00"), revenue=D("1.00"), leads=99)
    big_flat = make_campaign(sunrise, "Big Flat")
    record(big_flat, date(2026, 3, 2), spend=D("900.00"), revenue=D("900.00"), leads=30)
    newsletter = make_campaign(sunrise, "Newsletter", channel="email", budget=D("2000.00"))
    record(
        newsletter,
        date(2026, 3, 3),
        spend=D("1000.00"),
        revenue=D("2800.00"),
        leads=40,
        conversions=4,
    )


def test_channels_without_campaigns_are_left_out(sunrise, two_channels):
    analytics = channel_analytics(sunrise, MARCH)

    assert [(row.channel, row.label) for row in analytics.rows] == [
        ("sms", "SMS"),
        ("email", "Email"),
    ]


def test_only_the_periods_rows_count_for_a_channel(sunrise, two_channels):
    sms = channel_rows(channel_analytics(sunrise, MARCH))["sms"]

    assert sms.totals.spend == D("1000.00")
    assert sms.totals.leads == 40


def test_channel_shares_of_budget_spend_and_profit(sunrise, two_channels):
    rows = channel_rows(channel_analytics(sunrise, MARCH))

    assert (rows["sms"].budget, rows["email"].budget) == (D("2000.00"), D("2000.00"))
    # Open-ended campaigns have no budget per day: no share of the period's budget to show.
    assert (rows["sms"].budget_share, rows["email"].budget_share) == (None, None)
    assert (rows["sms"].spend_share, rows["email"].spend_share) == (D("0.5"), D("0.5"))
    # Profit: SMS $200, Email $1,800 of $2,000.
    assert (rows["sms"].profit_share, rows["email"].profit_share) == (D("0.1"), D("0.9"))
    assert rows["email"].metrics.cost_per_lead == D("25")


def test_share_of_budget_counts_only_the_budget_of_the_periods_days(sunrise):
    # SMS runs the whole of March: all of its budget is March's.
    make_campaign(sunrise, "March SMS", budget=D("3100.00"), end_date=date(2026, 3, 31))
    # Email runs Feb 14 – Mar 15, 30 days: half its days, so half its budget, are in March.
    make_campaign(
        sunrise,
        "Half in March",
        channel="email",
        budget=D("3000.00"),
        start_date=date(2026, 2, 14),
        end_date=date(2026, 3, 15),
    )
    # Ended before March, starting after it, open-ended: none of their budget is March's.
    make_campaign(
        sunrise,
        "January Email",
        channel="email",
        budget=D("9999.00"),
        start_date=date(2026, 1, 1),
        end_date=date(2026, 1, 31),
    )
    make_campaign(
        sunrise,
        "April Social",
        channel="social",
        budget=D("5000.00"),
        start_date=date(2026, 4, 1),
        end_date=date(2026, 4, 30),
    )
    make_campaign(sunrise, "Blog", channel="organic", budget=D("6000.00"))

    analytics = channel_analytics(sunrise, MARCH)
    rows = channel_rows(analytics)

    assert rows["sms"].period_budget == D("3100.00")
    assert rows["email"].period_budget == D("1500.00")
    assert rows["social"].period_budget == rows["organic"].period_budget == D("0.00")
    assert analytics.total.period_budget == D("4600.00")
    assert rows["sms"].budget_share == D("3100") / D("4600")
    assert rows["email"].budget_share == D("1500") / D("4600")
    assert rows["social"].budget_share == 0
    # The lifetime budgets are still there, under their own name.
    assert rows["email"].budget == D("12999.00")


def test_channels_add_up_to_the_location_total(sunrise, two_channels):
    analytics = channel_analytics(sunrise, MARCH)
    total = analytics.total

    assert total.label == "All channels"
    assert total.campaigns == sum(row.campaigns for row in analytics.rows) == 3
    assert total.budget == sum(row.budget for row in analytics.rows) == D("4000.00")
    for name in ("impressions", "clicks", "leads", "conversions", "revenue", "spend"):
        assert getattr(total.totals, name) == sum(
            getattr(row.totals, name) for row in analytics.rows
        )
    assert (total.totals.spend, total.totals.revenue) == (D("2000.00"), D("4000.00"))
    assert total.metrics.roi == D("1")
    [summary] = location_summaries([sunrise], MARCH)
    assert summary.current.totals == total.totals


def test_another_locations_campaigns_are_not_in_the_channels(sunrise, harbor, two_channels):
    dock = make_campaign(harbor, "Dockside Ads", channel="paid_ads")
    record(dock, date(2026, 3, 2), spend=D("500.00"))

    analytics = channel_analytics(sunrise, MARCH)

    assert "paid_ads" not in channel_rows(analytics)
    assert analytics.total.totals.spend == D("2000.00")


def test_a_channel_well_above_the_location_gets_budget(sunrise, two_channels):
    recs = rules(channel_analytics(sunrise, MARCH))

    rec = recs["channel_outperforms"]
    assert rec.priority == "medium"
    assert rec.subject == "Email"
    assert rec.message == (
        "Email returns ROI 180.0 % against 100.0 % for the location on $1,000.00 spent, "
        "50.0 % of the location's spend (Mar 1, 2026 – Mar 31, 2026). Shift budget toward it."
    )


def test_a_channel_well_below_the_location_is_flagged(sunrise, two_channels):
    rec = rules(channel_analytics(sunrise, MARCH))["channel_underperforms"]

    assert rec.priority == "low"
    assert rec.subject == "SMS"
    assert rec.message == (
        "SMS returns ROI 20.0 % against 100.0 % for the location on $1,000.00 spent, 50.0 % "
        "of the location's spend (Mar 1, 2026 – Mar 31, 2026). Consider moving budget away "
        "from it."
    )


def test_a_channel_losing_money_is_flagged_high(sunrise):
    texts = make_campaign(sunrise, "Texts")
    record(texts, date(2026, 3, 2), spend=D("1000.00"), revenue=D("500.00"))  # -50 %
    newsletter = make_campaign(sunrise, "Newsletter", channel="email")
    record(newsletter, date(2026, 3, 2), spend=D("1000.00"), revenue=D("1500.00"))  # 50 %

    analytics = channel_analytics(sunrise, MARCH)
    recs = rules(analytics)

    rec = recs["channel_loses_money"]
    assert rec.priority == "high"
    assert rec.subject == "SMS"
    assert rec.message == (
        "SMS loses money: ROI -50.0 % on $1,000.00 spent, 50.0 % of the location's spend "
        "(Mar 1, 2026 – Mar 31, 2026). Move its budget to a better channel or rework its "
        "campaigns."
    )
    assert "channel_underperforms" not in recs
    assert analytics.recommendations[0].rule == "channel_loses_money"
    # The location makes no profit, so no channel has a share of it.
    assert channel_rows(analytics)["sms"].profit_share is None


def test_channels_exactly_half_away_from_the_location_are_flagged(sunrise):
    texts = make_campaign(sunrise, "Texts")
    record(texts, date(2026, 3, 2), spend=D("1000.00"), revenue=D("2500.00"))  # 150 %
    newsletter = make_campaign(sunrise, "Newsletter", channel="email")
    record(newsletter, date(2026, 3, 2), spend=D("1000.00"), revenue=D("1500.00"))  # 50 %

    recs = rules(channel_analytics(sunrise, MARCH))  # the location: 100 %

    assert recs["channel_outperforms"].subject == "SMS"
    assert recs["channel_underperforms"].subject == "Email"


def test_channels_close_to_the_location_get_no_advice(sunrise):
    texts = make_campaign(sunrise, "Texts")
    record(texts, date(2026, 3, 2), spend=D("1000.00"), revenue=D("2400.00"))  # 140 %
    newsletter = make_campaign(sunrise, "Newsletter", channel="email")
    record(newsletter, date(2026, 3, 2), spend=D("1000.00"), revenue=D("1600.00"))  # 60 %

    assert channel_analytics(sunrise, MARCH).recommendations == []


def test_a_single_channel_gets_no_channel_advice(sunrise):
    texts = make_campaign(sunrise, "Texts")
    record(texts, date(2026, 3, 2), spend=D("1000.00"), revenue=D("100.00"))

    assert channel_analytics(sunrise, MARCH).recommendations == []


# --- Query counts -----------------------------------------------------------------------------


def campaigns_with_data(location, count):
    """``count`` campaigns across the channels, each with three days and a full funnel."""
    channels = list(Campaign.Channel)
    for n in range(count):
        campaign = CampaignFactory(
            location=location,
            channel=channels[n % len(channels)],
            start_date=date(2026, 2, 1),
            end_date=date(2026, 4, 30),
            target_leads=100,
            target_conversions=10,
            target_roi=D("1.5"),
        )
        for day in (date(2026, 2, 20), date(2026, 3, 2), date(2026, 3, 3)):
            DailyMetricFactory(campaign=campaign, date=day)
        for stage, stage_count in (
            ("awareness", 1000),
            ("interest", 50),
            ("consideration", 10),
            ("intent", 4),
            ("conversion", 1),
        ):
            FunnelStageFactory(campaign=campaign, stage=stage, count=stage_count)


def queries_for_reports(location) -> tuple[int, int]:
    with scope(location), CaptureQueriesContext(connection) as captured:
        reports = campaign_reports(Campaign.objects.for_location(location), MARCH, today=MID_MARCH)
        for report in reports:  # everything a page would read
            _ = (
                report.recommendations,
                report.funnel.bottleneck,
                report.pacing.summary,
                report.campaign.location.currency,
                report.changes,
            )
    return len(reports), len(captured)


def test_campaign_reports_take_four_queries_for_one_campaign_or_fifty():
    """Campaigns, their sums over the period and the one before, their lifetime sums, and
    their funnel stages: four queries, however many campaigns."""
    one, fifty = LocationFactory(), LocationFactory()
    campaigns_with_data(one, 1)
    campaigns_with_data(fifty, 50)

    assert queries_for_reports(one) == (1, 4)
    assert queries_for_reports(fifty) == (50, 4)


def test_channel_analytics_takes_two_queries_however_many_campaigns(django_assert_num_queries):
    """The campaigns, then their sums over the period grouped in one query."""
    one, fifty = LocationFactory(), LocationFactory()
    campaigns_with_data(one, 1)
    campaigns_with_data(fifty, 50)

    with django_assert_num_queries(2):
        small = channel_analytics(one, MARCH)
    with django_assert_num_queries(2):
        large = channel_analytics(fifty, MARCH)

    assert small.total.campaigns == 1
    assert large.total.campaigns == 50
    assert len(large.rows) == 5
    assert large.total.totals.leads == 50 * 2 * 10


def test_location_summaries_take_three_queries_however_many_locations(
    django_assert_num_queries,
):
    # The figures, then the campaigns and their lifetime sums for the health counts.
    locations = [LocationFactory() for _ in range(3)]
    for location in locations:
        campaigns_with_data(location, 2)

    with django_assert_num_queries(3):
        [single] = location_summaries(locations[:1], MARCH)
    with django_assert_num_queries(3):
        summaries = location_summaries(locations, MARCH)

    assert single.current.totals.leads == 2 * 2 * 10
    assert [s.current.totals.leads for s in summaries] == [40, 40, 40]
    assert [s.previous.totals.leads for s in summaries] == [20, 20, 20]
