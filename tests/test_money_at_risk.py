"""Money at risk: the overspend of over-budget campaigns plus the shortfall projected for the
campaigns behind, in money (not their lifetime spend), defined once in the metric catalogue and
the portfolio's default order."""

import csv
import io
from datetime import timedelta
from decimal import Decimal

import pytest

from campaigns.analytics import portfolio
from campaigns.catalogue import CATALOGUE, Good, Unit
from campaigns.models import Membership
from campaigns.periods import Period
from tests.factories import (
    CampaignFactory,
    DailyMetricFactory,
    LocationFactory,
    MembershipFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

D = Decimal


def thirty_day_campaign(location, **fields):
    """A campaign with 16 of its 30 days complete (so 16/30 of each results target is expected
    by now): it started 16 days before today."""
    today = location.today()
    values = {
        "location": location,
        "start_date": today - timedelta(days=16),
        "end_date": today + timedelta(days=13),
        "budget": D("3000.00"),
    }
    values.update(fields)
    return CampaignFactory(**values)


def day(campaign, spend, revenue, leads=0, conversions=0):
    """One recorded day (yesterday) with these totals."""
    return DailyMetricFactory(
        campaign=campaign,
        date=campaign.location.today() - timedelta(days=1),
        spend=D(spend),
        revenue=D(revenue),
        leads=leads,
        qualified_leads=0,
        hot_leads=0,
        conversions=conversions,
    )


def row(location):
    today = location.today()
    period = Period(today - timedelta(days=30), today - timedelta(days=1))
    [found] = portfolio.portfolio_rows([location], period, today=today)
    return found


def test_a_campaign_behind_on_leads_risks_the_part_of_its_budget_projected_to_buy_nothing():
    location = LocationFactory()
    campaign = thirty_day_campaign(location, target_leads=300)  # 160 expected by day 16
    day(campaign, "1600.00", "4000.00", leads=80)  # half of what is expected

    found = row(location)

    assert found.behind == 1
    # $3,000.00 × (1 − 80 ÷ 160): half the budget is projected to buy no leads.
    assert found.money_at_risk == D("1500.00")
    assert found.money_at_risk != D("1600.00")  # not its lifetime spend


def test_the_result_furthest_behind_sets_the_shortfall():
    location = LocationFactory()
    campaign = thirty_day_campaign(location, target_leads=300, target_conversions=40)
    # Leads at half of the 160 expected; conversions 5 of the 21.33 expected (23.4375 %).
    day(campaign, "1600.00", "4000.00", leads=80, conversions=5)

    # $3,000.00 × (1 − 0.234375) = $2,296.875, to the cent.
    assert row(location).money_at_risk == D("2296.88")


def test_without_a_budget_the_shortfall_is_the_part_of_its_spend_that_bought_nothing():
    location = LocationFactory()
    campaign = thirty_day_campaign(location, budget=D("0"), target_leads=300)
    day(campaign, "1000.00", "2500.00", leads=40)  # a quarter of the 160 expected

    assert row(location).money_at_risk == D("750.00")


def test_behind_only_on_roi_risks_the_revenue_missing_against_the_target():
    location = LocationFactory()
    campaign = thirty_day_campaign(location, budget=D("5000.00"), target_roi=D("2.0"))
    day(campaign, "1000.00", "2000.00")  # ROI 100 % against a 200 % target

    found = row(location)

    assert found.behind == 1
    # $1,000.00 × (1 + 2.0) − $2,000.00: the revenue a 200 % ROI needed and did not get.
    assert found.money_at_risk == D("1000.00")


def test_behind_on_both_counts_the_larger_shortfall_once():
    location = LocationFactory()
    campaign = thirty_day_campaign(location, target_leads=300, target_roi=D("2.0"))
    day(campaign, "1000.00", "2000.00", leads=120)  # leads 75 % of expected: $750.00 short

    # ROI: $1,000.00 × 3 − $2,000.00 = $1,000.00, the larger of the two.
    assert row(location).money_at_risk == D("1000.00")


def test_an_over_budget_campaign_risks_its_overspend():
    location = LocationFactory()
    campaign = thirty_day_campaign(location, budget=D("1000.00"), target_leads=300)
    day(campaign, "1250.50", "9000.00", leads=10)

    found = row(location)

    assert found.over_budget == 1
    assert found.money_at_risk == D("250.50")


@pytest.mark.parametrize("status", ["paused", "completed"])
def test_a_campaign_that_is_not_running_risks_nothing(status):
    location = LocationFactory()
    campaign = thirty_day_campaign(location, status=status, target_leads=300)
    day(campaign, "1600.00", "4000.00", leads=8)

    assert row(location).money_at_risk == 0


def test_a_location_is_ordered_by_its_shortfall_not_by_the_size_of_its_spend():
    big = LocationFactory(name="Big Spender")
    small = LocationFactory(name="Small Shop")
    # A large campaign a little behind: leads at 87.5 % of expected, $8,000.00 spent.
    barely = thirty_day_campaign(big, budget=D("10000.00"), target_leads=300)
    day(barely, "8000.00", "20000.00", leads=140)
    # A small one far behind: leads at 10 % of expected, $300.00 spent.
    far = thirty_day_campaign(small, target_leads=300)
    day(far, "300.00", "600.00", leads=16)

    today = big.today()
    period = Period(today - timedelta(days=30), today - timedelta(days=1))
    rows = portfolio.portfolio_rows([big, small], period, today=today)
    ordered = portfolio.TableQuery().apply(rows)

    assert [r.name for r in ordered] == ["Small Shop", "Big Spender"]
    assert [r.money_at_risk for r in ordered] == [D("2700.00"), D("1250.00")]
    [total] = portfolio.totals_rows(rows, period)
    assert total.money_at_risk == D("3950.00")


def test_the_catalogue_defines_money_at_risk_and_the_portfolio_shows_that_definition(client):
    entry = CATALOGUE["money_at_risk"]
    assert (entry.label, entry.short_label, entry.unit, entry.good) == (
        "Money at risk",
        "At risk",
        Unit.MONEY,
        Good.LOWER,
    )
    assert "projected" in entry.definition and "lifetime spend" in entry.definition
    assert entry.definition == portfolio.MONEY_AT_RISK_HELP

    user = UserFactory(username="risk-reader")
    MembershipFactory(user=user, location=LocationFactory(), role=Membership.Role.MANAGER)
    client.force_login(user)
    text = client.get("/portfolio/").content.decode()
    assert "budget × (1 − projected ÷ target)" in text


def test_the_portfolio_csv_carries_the_new_money_at_risk(client):
    location = LocationFactory(slug="far-behind")
    user = UserFactory(username="risk-exporter")
    MembershipFactory(user=user, location=location, role=Membership.Role.MANAGER)
    campaign = thirty_day_campaign(location, target_leads=300)
    day(campaign, "1600.00", "4000.00", leads=80)
    client.force_login(user)

    response = client.get("/portfolio/export.csv")
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))

    [found] = [r for r in rows if r["slug"] == "far-behind"]
    assert found["money_at_risk"] == "1500.00"
