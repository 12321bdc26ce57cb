"""Periods never run past the location's today: on the pages (a notice, or the default period
with the reason) and in the JSON API (the same period the pages would show)."""

import html
from datetime import UTC, date, datetime

import pytest
from django.utils import timezone

from campaigns import tokens
from campaigns.models import Membership
from tests.factories import CampaignFactory, LocationFactory, MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db

#: Noon UTC is already the next day on Kiritimati (UTC+14): the location's today is
#: Nov 27 while the server's is Nov 26.
NOW = datetime(2026, 11, 26, 12, 0, tzinfo=UTC)
TODAY = date(2026, 11, 27)
NOTICE = (
    "The period you asked for ends Dec 31, 2026, after today: "
    "showing it up to today, Nov 27, 2026, which is partial."
)
REFUSAL = (
    "The period you asked for starts Dec 1, 2026, after today (Nov 27, 2026): "
    "choose a start on or before today."
)


@pytest.fixture(autouse=True)
def clock(monkeypatch):
    monkeypatch.setattr(timezone, "now", lambda: NOW)


@pytest.fixture
def island(db):
    location = LocationFactory(name="Island Realty", slug="island", time_zone="Pacific/Kiritimati")
    assert location.today() == TODAY
    return location


@pytest.fixture
def manager(client, island):
    user = UserFactory(username="island-manager")
    MembershipFactory(user=user, location=island, role=Membership.Role.MANAGER)
    client.force_login(user)
    return user


@pytest.fixture
def campaign(island):
    return CampaignFactory(location=island, name="Lagoon Launch", start_date=date(2026, 11, 1))


def page(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200
    return html.unescape(response.content.decode())


# --- Pages -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "path", ["/l/island/", "/l/island/campaigns/", "/l/island/channels/", "/portfolio/"]
)
def test_a_period_ending_after_today_is_shown_up_to_today_with_a_notice(
    client, manager, campaign, path
):
    shown = page(client, f"{path}?period=custom&start=2026-11-01&end=2026-12-31")

    assert f'<p class="message info" role="status">{NOTICE}</p>' in shown
    assert "Nov 1, 2026 – Nov 27, 2026" in shown
    assert "today is partial" in shown
    assert "(not compared: changes compare complete days only)" in shown
    assert "compared with the 27 days before" not in shown
    assert 'role="alert"' not in shown


def test_the_campaign_page_shows_the_notice_too(client, manager, campaign):
    shown = page(client, f"/l/island/campaigns/{campaign.pk}/?start=2026-11-01&end=2026-12-31")

    assert NOTICE in shown
    assert "Nov 1, 2026 – Nov 27, 2026" in shown


def test_the_htmx_fragment_carries_the_notice(client, manager, campaign):
    response = client.get(
        "/l/island/?period=custom&start=2026-11-01&end=2026-12-31", HTTP_HX_REQUEST="true"
    )

    assert "<html" not in response.content.decode()
    assert NOTICE in html.unescape(response.content.decode())


def test_a_period_ending_on_the_locations_today_has_no_notice(client, manager, campaign):
    # Nov 27 is still the future on the server's clock, but it is today on the island.
    shown = page(client, "/l/island/?period=custom&start=2026-11-01&end=2026-11-27")

    assert "Nov 1, 2026 – Nov 27, 2026" in shown
    assert 'role="status"' not in shown
    assert "today is partial" in shown


def test_a_period_ending_the_day_before_the_locations_today_is_complete(client, manager, campaign):
    shown = page(client, "/l/island/?period=custom&start=2026-11-01&end=2026-11-26")

    assert "Nov 1, 2026 – Nov 26, 2026" in shown
    assert "today is partial" not in shown
    assert "(complete days, compared with the 26 days before)" in shown


def test_a_period_starting_after_today_is_refused_and_the_default_period_shown(
    client, manager, campaign
):
    shown = page(client, "/l/island/?period=custom&start=2026-12-01&end=2026-12-31")

    assert f"{REFUSAL} Showing last 30 days instead." in shown
    assert 'class="message error" role="alert"' in shown
    assert "Oct 28, 2026 – Nov 26, 2026" in shown
    assert 'role="status"' not in shown


# --- API -------------------------------------------------------------------------------------


@pytest.fixture
def bearer(island):
    _, secret = tokens.issue_token(location=island, name="Island CRM")
    return {"HTTP_AUTHORIZATION": f"Bearer {secret}"}


def test_the_api_report_with_a_future_end_covers_up_to_today(client, bearer, campaign):
    response = client.get(
        f"/api/v1/campaigns/{campaign.pk}/report",
        {"start": "2026-11-01", "end": "2026-12-31"},
        **bearer,
    )

    assert response.status_code == 200
    assert response.json()["period"] == {
        "start": "2026-11-01",
        "end": "2026-11-27",
        "partial": True,
    }


def test_the_api_channels_with_a_future_end_cover_up_to_today(client, bearer, campaign):
    response = client.get(
        "/api/v1/channels", {"start": "2026-11-01", "end": "2027-06-30"}, **bearer
    )

    assert response.status_code == 200
    assert response.json()["period"] == {
        "start": "2026-11-01",
        "end": "2026-11-27",
        "partial": True,
    }


def test_the_api_refuses_a_period_starting_after_today(client, bearer, campaign):
    response = client.get(
        f"/api/v1/campaigns/{campaign.pk}/report",
        {"start": "2026-12-01", "end": "2026-12-31"},
        **bearer,
    )

    assert response.status_code == 409
    assert response.json()["errors"][0]["message"] == REFUSAL
