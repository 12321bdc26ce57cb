"""Management commands: the demo seeder and the campaign report."""

import json

import pytest
from django.contrib.auth import authenticate
from django.core.management import CommandError, call_command
from django.db.models import Count, Max, Min
from django.test import RequestFactory

from campaigns.analytics.reports import campaign_report
from campaigns.models import Campaign, DailyMetric, Membership
from campaigns.tenancy import scopes_disabled

pytestmark = pytest.mark.django_db


def snapshot():
    with scopes_disabled():
        return (
            sorted(Campaign.objects.values_list("location__slug", "name", "budget", "status")),
            sorted(DailyMetric.objects.values_list("campaign__name", "date", "leads", "spend")),
            sorted(Membership.objects.values_list("user__username", "location__slug", "role")),
        )


def test_seed_demo_builds_the_demo_and_is_idempotent(capsys):
    call_command("seed_demo", "--password", "pw-demo-1")
    first = snapshot()
    call_command("seed_demo", "--password", "pw-demo-1")
    out = capsys.readouterr().out

    assert snapshot() == first
    assert "sunrise-manager" in out and "pw-demo-1" in out
    assert ("agency-manager", "harbor-homes", "manager") in first[2]
    assert ("sunrise-viewer", "sunrise-realty", "viewer") in first[2]
    # As the login form does: with the request (the lockout backend needs it).
    request = RequestFactory().post("/accounts/login/")
    assert authenticate(request, username="harbor-viewer", password="pw-demo-1") is not None
    admin = authenticate(request, username="admin", password="pw-demo-1")
    assert admin.is_superuser and admin.is_staff


def test_seed_demo_gives_each_location_a_varied_quarter_of_data():
    call_command("seed_demo")
    with scopes_disabled():
        for slug in ["sunrise-realty", "harbor-homes"]:
            campaigns = Campaign.objects.filter(location__slug=slug)
            assert campaigns.count() >= 8
            assert set(campaigns.values_list("channel", flat=True)) == set(Campaign.Channel.values)
            assert {"active", "completed"} <= set(campaigns.values_list("status", flat=True))
            spans = (
                DailyMetric.objects.filter(location__slug=slug)
                .exclude(campaign__name="January SMS Blast")
                .values("campaign")
                .annotate(days=Count("id"), first=Min("date"), last=Max("date"))
            )
            assert all(span["days"] >= 90 for span in spans)


def test_seed_demo_holds_the_reference_campaign_to_the_cent():
    call_command("seed_demo")
    with scopes_disabled():
        campaign = Campaign.objects.get(location__slug="sunrise-realty", name="January SMS Blast")
    report = campaign_report(campaign)
    assert (report.totals.leads, report.totals.conversions) == (120, 12)
    assert f"{report.metrics.cost_per_lead:.2f}" == "41.67"
    assert report.metrics.roi * 100 == 260


def test_campaign_report_over_a_chosen_period(reference_campaign, capsys):
    call_command(
        "campaign_report",
        "sunrise-realty",
        "January SMS Blast",
        "--start",
        "2026-01-13",
        "--end",
        "2026-01-13",
        "--format",
        "json",
    )
    data = json.loads(capsys.readouterr().out)
    assert data["period"] == {"start": "2026-01-13", "end": "2026-01-13", "partial": False}
    assert data["totals"]["leads"] == 40
    assert data["previous_period"]["totals"]["leads"] == 50


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["no-such-place", "January SMS Blast"], "No location"),
        (["sunrise-realty", "Nope"], "No campaign “Nope”"),
        (["sunrise-realty", "January SMS Blast", "--start", "2026-13-01"], "not a valid start"),
        (
            ["sunrise-realty", "January SMS Blast", "--start", "2026-01-20", "--end", "2026-01-10"],
            "end cannot be before",
        ),
    ],
)
def test_campaign_report_refuses_bad_arguments_clearly(reference_campaign, args, message):
    with pytest.raises(CommandError, match=message):
        call_command("campaign_report", *args)


def test_campaign_report_cannot_reach_another_locations_campaign(reference_campaign, harbor):
    with pytest.raises(CommandError, match="No campaign"):
        call_command("campaign_report", "harbor-homes", str(reference_campaign.pk))
