"""The demo data (``seed_demo``): every campaign health is on show, each campaign well inside
its state on whatever day the demo is seeded, and seeding again changes nothing."""

from datetime import date, timedelta
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command

from campaigns.analytics.reports import campaign_reports
from campaigns.demo_data import CAMPAIGNS, REFERENCE
from campaigns.models import Campaign, DailyMetric, Location
from campaigns.periods import Period
from campaigns.tenancy import scope, scopes_disabled

pytestmark = pytest.mark.django_db

STATES = {"not_started", "on_track", "ahead", "behind", "over_budget", "paused", "ended"}
#: The state each demo campaign is built to show, by (location, name).
INTENDED = {
    **{(slug, demo.name): demo.state for slug, demos in CAMPAIGNS.items() for demo in demos},
    ("sunrise-realty", REFERENCE["name"]): "ended",
}
NEWSLETTER = ("harbor-homes", "Community Newsletter")
INSTAGRAM = ("sunrise-realty", "Instagram Home Tours")
NOT_STARTED = ("sunrise-realty", "New Construction Launch")
SPENDING_AHEAD = ("harbor-homes", "Waterfront Condos SMS")
#: How far a ratio to plan stays from the ±10 % band edges (0.9 and 1.1).
MARGIN = Decimal("0.05")


@pytest.fixture(autouse=True)
def fast_passwords(settings):
    """The seeder sets six passwords a run: hashing them the slow way is not under test."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def seed() -> None:
    call_command("seed_demo", stdout=StringIO())


def demo_reports(today: date | None = None) -> dict:
    """Every demo campaign's report, by (location, name), over the last 30 days."""
    reports = {}
    for location in Location.objects.filter(slug__in=CAMPAIGNS):
        day = today or location.today()
        period = Period.preset_for("30d", today=day)
        with scope(location):
            for report in campaign_reports(
                Campaign.objects.for_location(location), period, today=day
            ):
                reports[location.slug, report.campaign.name] = report
    return reports


def states(reports: dict) -> dict:
    return {key: report.health.state for key, report in reports.items()}


def counts() -> tuple[int, int]:
    with scopes_disabled():
        return Campaign.objects.count(), DailyMetric.objects.count()


def test_the_demo_shows_every_health_state():
    seed()
    reports = demo_reports()

    assert set(states(reports).values()) == STATES
    assert states(reports) == INTENDED


def test_the_paused_newsletter_is_far_over_budget_red_with_a_high_recommendation():
    seed()
    report = demo_reports()[NEWSLETTER]

    assert report.campaign.status == Campaign.Status.PAUSED
    assert report.campaign.budget == Decimal("3000.00")
    assert report.lifetime.spend > 2 * report.campaign.budget
    assert (report.health.state, report.health.tone) == ("over_budget", "bad")
    assert "Paused." in report.health.reasons
    [recommendation] = report.recommendations
    assert (recommendation.priority, recommendation.rule) == ("high", "over_budget")


def test_instagram_home_tours_is_paused_within_its_budget_and_recorded_nothing_since():
    seed()
    report = demo_reports()[INSTAGRAM]

    assert report.campaign.status == Campaign.Status.PAUSED
    assert report.health.state == "paused"
    assert 0 < report.lifetime.spend < report.campaign.budget
    with scopes_disabled():
        last = DailyMetric.objects.filter(campaign=report.campaign).latest("date").date
    assert last < report.today - timedelta(days=7)


def test_the_campaign_not_started_yet_has_targets_and_no_data():
    seed()
    report = demo_reports()[NOT_STARTED]
    campaign = report.campaign

    assert campaign.start_date > report.today
    assert report.health.state == "not_started"
    assert not report.has_data
    assert report.lifetime.spend == 0 and report.lifetime.leads == 0
    assert campaign.budget > 0 and campaign.target_leads and campaign.target_conversions


def test_one_active_campaign_on_track_spends_ahead_of_plan_within_its_budget():
    seed()
    report = demo_reports()[SPENDING_AHEAD]

    assert (report.health.state, report.health.tone) == ("on_track", "warning")
    assert report.pacing.spend.band == "ahead"
    assert report.lifetime.spend < report.campaign.budget
    assert any("Spending ahead of plan" in reason for reason in report.health.reasons)


def test_seeding_twice_keeps_the_campaigns_and_their_days():
    seed()
    first = counts()
    seed()

    assert counts() == first
    assert first[0] == len(INTENDED)


@pytest.mark.parametrize("later", [0, 1, 5, 12])
def test_each_campaign_stays_well_inside_its_state_on_another_day(monkeypatch, later):
    """Seeded today and again days later (the same database, as with ``make run``): the
    same states, every active campaign's results and spend clear of the band edges, and no
    day left over from the earlier run outside a campaign's days."""
    seed()
    today = date.today() + timedelta(days=later)
    monkeypatch.setattr(Location, "today", lambda self: today)
    seed()
    reports = demo_reports(today)

    assert states(reports) == INTENDED
    for key, report in reports.items():
        ratios = [
            target.actual / target.expected_by_now
            for target in report.targets.values()
            if target.status in ("ahead", "on_track", "behind")
        ]
        if report.pacing and report.pacing.spend:
            ratios.append(report.pacing.spend.actual / report.pacing.spend.expected)
        for ratio in ratios:
            assert abs(ratio - Decimal("0.9")) > MARGIN, (key, ratio)
            assert abs(ratio - Decimal("1.1")) > MARGIN, (key, ratio)
    with scopes_disabled():
        for campaign in Campaign.objects.exclude(name=REFERENCE["name"]):
            days = DailyMetric.objects.filter(campaign=campaign)
            assert not days.filter(date__lt=campaign.start_date).exists(), campaign.name
            assert not days.filter(date__gte=today).exists(), campaign.name
            if campaign.end_date:
                assert not days.filter(date__gt=campaign.end_date).exists(), campaign.name


def test_the_demo_users_have_an_address_for_test_reports_and_alert_emails(django_user_model):
    seed()
    django_user_model.objects.filter(username="sunrise-manager").update(email="me@agency.test")
    seed()  # seeding again keeps an address someone set

    addresses = dict(django_user_model.objects.values_list("username", "email"))
    assert addresses["sunrise-manager"] == "me@agency.test"
    assert addresses["harbor-manager"] == "harbor-manager@example.com"
    assert all(addresses.values())
