"""What the app concludes from the figures, as a manager reads it: one health per campaign,
targets measured against time that agree with pacing, and colours that never dress a warning
as good news."""

from datetime import date, timedelta
from decimal import Decimal

import pytest

from campaigns import services
from campaigns.analytics.reports import campaign_report
from campaigns.periods import Period
from campaigns.serialize import report_dict

pytestmark = pytest.mark.django_db

D = Decimal
#: A 151-day campaign: Jan 1 – May 31, 2026; day 121 is May 1 (80.1 % of its time).
START, END, DAY_121 = date(2026, 1, 1), date(2026, 5, 31), date(2026, 5, 1)
#: The morning after day 121: its 121 days are complete (pacing counts days that are over).
TODAY = date(2026, 5, 2)


def campaign(location, name="Spring Push", **fields):
    values = {
        "channel": "email",
        "status": "active",
        "budget": D("15100.00"),
        "start_date": START,
        "end_date": END,
        "target_leads": 1000,
        "target_conversions": None,
        "target_roi": None,
    }
    values.update(fields)
    return services.create_campaign(location=location, name=name, **values)


def record(c, day, **numbers):
    services.record_day(campaign=c, day=day, **numbers)


# --- Health ---------------------------------------------------------------------------------


def test_a_paused_campaign_over_budget_is_over_budget_and_red(sunrise):
    newsletter = campaign(sunrise, "Community Newsletter", budget=D("3000.00"), status="paused")
    record(newsletter, date(2026, 2, 2), spend=D("8803.82"), revenue=D("9000.00"))

    report = campaign_report(newsletter, today=TODAY)

    assert report.health.state == "over_budget"
    assert report.health.tone == "bad"
    assert report.health.reasons[0] == (
        "Over budget by $5,803.82: spent $8,803.82 of its $3,000.00 budget (293.5 %), lifetime."
    )
    assert report.pacing is None  # a paused campaign gets no "ahead on spend"
    [rec] = report.recommendations
    assert (rec.priority, rec.rules) == ("high", ["over_budget"])
    assert rec.at_stake == D("5803.82")


def test_over_budget_wins_over_ended(sunrise):
    ended = campaign(sunrise, budget=D("100.00"))
    record(ended, date(2026, 1, 5), spend=D("150.00"))

    report = campaign_report(ended, today=date(2026, 7, 1))

    assert report.health.state == "over_budget"
    assert report.health.reasons[-1] == "Ended May 31, 2026."
    assert report.recommendations == []  # nothing left to act on


@pytest.mark.parametrize(
    ("fields", "today", "state", "tone"),
    [
        ({}, date(2025, 12, 20), "not_started", "neutral"),
        ({"status": "paused"}, TODAY, "paused", "neutral"),
        ({"status": "completed"}, TODAY, "ended", "neutral"),
        ({}, date(2026, 6, 1), "ended", "neutral"),
    ],
)
def test_campaigns_not_running_have_a_state_of_their_own(sunrise, fields, today, state, tone):
    c = campaign(sunrise, **fields)
    if today >= START:
        record(c, START, leads=10, spend=D("10.00"))

    report = campaign_report(c, today=today)

    assert (report.health.state, report.health.tone) == (state, tone)
    assert report.pacing is None


@pytest.mark.parametrize(
    ("leads", "state", "tone"),
    [(808, "on_track", "good"), (950, "ahead", "good"), (600, "behind", "bad")],
)
def test_an_active_campaign_is_judged_on_its_results_against_time(sunrise, leads, state, tone):
    c = campaign(sunrise)
    record(c, date(2026, 4, 1), leads=leads, spend=D("12100.00"), revenue=D("20000.00"))

    report = campaign_report(c, today=TODAY)

    # Behind in the last quarter of the campaign's time is red, not amber.
    assert (report.health.state, report.health.tone) == (state, tone)


def test_behind_before_the_last_quarter_is_amber(sunrise):
    c = campaign(sunrise)
    record(c, date(2026, 2, 1), leads=100, spend=D("3000.00"), revenue=D("6000.00"))

    report = campaign_report(c, today=date(2026, 3, 1))  # day 60 of 151

    assert (report.health.state, report.health.tone) == ("behind", "warning")


def test_spending_ahead_of_plan_is_a_warning_never_green(sunrise):
    c = campaign(sunrise)
    record(c, date(2026, 4, 1), leads=808, spend=D("15000.00"), revenue=D("30000.00"))

    report = campaign_report(c, today=TODAY)

    assert report.pacing.spend.band == "ahead"
    assert report.pacing.spend.tone == "warning"
    assert (report.health.state, report.health.tone) == ("on_track", "warning")
    assert report.health.reasons[-1].startswith("Spending ahead of plan: $15,000.00 of")
    assert "scale_up" not in report.recommendations[0].rules


# --- Targets against time, agreeing with pacing --------------------------------------------


def test_eighty_percent_of_time_with_80_8_percent_of_leads_is_on_track_everywhere(sunrise):
    c = campaign(sunrise)
    record(c, date(2026, 4, 1), leads=808, spend=D("12100.00"), revenue=D("20000.00"))

    report = campaign_report(c, today=TODAY)
    leads = report.targets["leads"]

    assert leads.expected_by_now == D(1000) * 121 / 151
    assert leads.status == "on_track"
    assert leads.sentence == "80.8 % of target, 80.1 % of time elapsed — on track"
    assert report.pacing.leads.band == "on_track"
    assert report.pacing.leads.phrase == "on track for leads"
    data = report_dict(report)
    assert data["targets"]["leads"]["status"] == "on_track"
    assert data["targets"]["leads"]["expected_by_now"] == 801.32
    assert data["pacing"]["bands"]["leads"] == "on_track"
    assert data["health"]["state"] == "on_track"


def test_targets_count_the_whole_life_whatever_the_period_shown(sunrise):
    c = campaign(sunrise)
    record(c, date(2026, 2, 1), leads=500)
    record(c, date(2026, 4, 20), leads=308)
    whole = campaign_report(c, today=TODAY)

    week = campaign_report(c, Period(date(2026, 4, 25), DAY_121), today=TODAY)

    assert week.totals.leads == 0
    assert week.targets["leads"].actual == whole.targets["leads"].actual == 808


def test_the_roi_target_is_not_pro_rated(sunrise):
    c = campaign(sunrise, target_roi=D("2.5"))
    record(c, date(2026, 2, 1), spend=D("1000.00"), revenue=D("3000.00"))  # ROI 200 %

    roi = campaign_report(c, today=date(2026, 2, 1)).targets["roi"]

    assert roi.expected_by_now == D("2.5")
    assert roi.status == "behind"  # 200 % is more than 10 % short of 250 %


def test_once_ended_a_target_is_met_or_missed(sunrise):
    c = campaign(sunrise, target_conversions=10)
    record(c, date(2026, 3, 1), leads=1000, conversions=9)

    targets = campaign_report(c, today=date(2026, 6, 2)).targets

    assert (targets["leads"].status, targets["conversions"].status) == ("met", "missed")


def test_without_an_end_date_a_results_target_is_not_judged(sunrise):
    c = campaign(sunrise, end_date=None)
    record(c, date(2026, 3, 1), leads=10)

    leads = campaign_report(c, today=TODAY).targets["leads"]

    assert (leads.status, leads.expected_by_now) == (None, None)
    assert leads.sentence == "1.0 % of target (no end date to pace against)"


# --- Periods of a campaign ------------------------------------------------------------------


def test_a_running_campaigns_default_period_ends_yesterday(sunrise):
    today = sunrise.today()
    c = campaign(sunrise, start_date=today - timedelta(days=10), end_date=today + timedelta(30))

    report = campaign_report(c)

    assert (report.period.start, report.period.end) == (c.start_date, today - timedelta(days=1))
    assert not report.period.partial


def test_a_campaign_starting_today_has_today_so_far_as_its_life(sunrise):
    today = sunrise.today()
    c = campaign(sunrise, start_date=today, end_date=today + timedelta(30))

    report = campaign_report(c)

    assert (report.period.start, report.period.end) == (today, today)
    assert report.period.partial
