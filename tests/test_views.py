"""The managers' pages through Django's test client: who may open what, what the pages show,
what the forms accept and refuse, HTMX fragments, and a constant number of queries per page."""

import html
import re
from datetime import date, timedelta
from decimal import Decimal
from urllib.parse import parse_qs, urlsplit

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from campaigns import services
from campaigns.models import Campaign, DailyMetric, FunnelStage, Membership
from campaigns.tenancy import scopes_disabled
from tests.factories import (
    CampaignFactory,
    DailyMetricFactory,
    FunnelStageFactory,
    LocationFactory,
    MembershipFactory,
    UserFactory,
    add_campaigns,
)

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}

READ_PAGES = ["overview", "campaigns", "campaign", "compare", "channels"]
MANAGER_PAGES = ["new", "edit", "metrics", "funnel", "complete"]
LOCATION_PAGES = READ_PAGES + MANAGER_PAGES
CAMPAIGN_PAGES = ["campaign", "edit", "metrics", "funnel", "complete"]
FORM_PAGES = ["new", "edit", "metrics", "funnel"]


# --- Helpers ---------------------------------------------------------------------------------


def page_url(name: str, location, campaign=None, other=None) -> str:
    """The URL of one of the location's pages; ``other`` is the second campaign to compare."""
    if name in CAMPAIGN_PAGES:
        return reverse(f"campaigns:{name}", args=[location.slug, campaign.pk])
    url = reverse(f"campaigns:{name}", args=[location.slug])
    if name == "compare" and campaign is not None and other is not None:
        url += f"?ids={campaign.pk},{other.pk}"
    return url


def campaign_data(**overrides) -> dict:
    data = {
        "name": "Spring Open House",
        "channel": "email",
        "status": "active",
        "budget": "2500.00",
        "start_date": "2026-03-01",
        "end_date": "2026-03-31",
        "target_leads": "80",
        "target_conversions": "8",
        "target_roi": "200",  # typed in percent: 200 % is stored as 2.0
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def day_data(**overrides) -> dict:
    data = {
        "date": "2026-02-02",
        "impressions": "2000",
        "clicks": "90",
        "leads": "20",
        "qualified_leads": "6",
        "hot_leads": "2",
        "conversions": "3",
        "revenue": "900.00",
        "spend": "250.00",
    }
    data.update(overrides)
    return data


def manager_post_data(name: str) -> dict:
    """A valid POST for each manager page: if it got through, it would change something."""
    return {
        "new": campaign_data(name="Intruder Campaign"),
        "edit": campaign_data(name="Renamed By Intruder", start_date="2026-01-01", end_date=None),
        "metrics": day_data(),
        "funnel": {"awareness": "999"},
        "complete": {},
    }[name]


def text(response) -> str:
    """The page's HTML with entities decoded, as a user would read it."""
    return html.unescape(response.content.decode())


def field_errors(response, field: str) -> list[str]:
    """The errors rendered next to ``field`` (Django's <ul id="id_<field>_error">)."""
    match = re.search(
        rf'<ul class="errorlist" id="id_{field}_error">(.*?)</ul>', response.content.decode(), re.S
    )
    if not match:
        return []
    return [html.unescape(e) for e in re.findall(r"<li>(.*?)</li>", match.group(1), re.S)]


def input_value(response, field: str) -> str | None:
    tag = re.search(rf'<input[^>]*name="{field}"[^>]*>', response.content.decode())
    assert tag, f"no input named {field}"
    value = re.search(r'value="([^"]*)"', tag.group(0))
    return value.group(1) if value else None


def order_of(response, names: list[str]) -> list[str]:
    """``names`` in the order they appear on the page."""
    page = text(response)
    for name in names:
        assert name in page, f"{name} is not on the page"
    return sorted(names, key=page.index)


def snapshot() -> tuple:
    """Every tenant row of every location, to show that a refused request changed nothing."""
    with scopes_disabled():
        return (
            list(
                Campaign.objects.order_by("pk").values_list(
                    "location_id",
                    "name",
                    "channel",
                    "status",
                    "budget",
                    "start_date",
                    "end_date",
                    "completed_at",
                )
            ),
            list(
                DailyMetric.objects.order_by("pk").values_list(
                    "campaign_id", "date", *DailyMetric.NUMBER_FIELDS
                )
            ),
            list(FunnelStage.objects.order_by("pk").values_list("campaign_id", "stage", "count")),
        )


def assert_login_redirect(response, url: str) -> None:
    assert response.status_code == 302
    target = urlsplit(response.url)
    assert target.path == "/accounts/login/"
    assert parse_qs(target.query)["next"] == [url]


def assert_is_fragment(response) -> None:
    page = response.content.decode()
    assert "<html" not in page
    assert "<header" not in page
    assert "<body" not in page


def assert_is_full_page(response) -> None:
    page = response.content.decode()
    assert "<html" in page
    assert "<header" in page


# --- Fixtures --------------------------------------------------------------------------------


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    """Tests log in with force_login: the users' passwords need no slow hashing."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def spring_campaign(sunrise):
    """A second, active sunrise campaign (no end date) with one day recorded."""
    campaign = CampaignFactory(
        location=sunrise, name="Spring Email Drip", channel="email", start_date=date(2026, 1, 1)
    )
    DailyMetricFactory(campaign=campaign, date=date(2026, 1, 20))
    return campaign


@pytest.fixture
def sunrise_pages(reference_campaign, spring_campaign):
    """Every location page of sunrise, by name; manager pages act on the active campaign."""
    sunrise = spring_campaign.location
    return {
        name: page_url(name, sunrise, spring_campaign, reference_campaign)
        for name in LOCATION_PAGES
    }


@pytest.fixture
def harbor_campaign(harbor):
    campaign = CampaignFactory(location=harbor, name="Harbor Waterfront Mailer", channel="email")
    DailyMetricFactory(campaign=campaign, date=date(2026, 1, 20))
    return campaign


@pytest.fixture
def superuser(db):
    return UserFactory(username="root", is_superuser=True, is_staff=True)


@pytest.fixture
def fresh_campaign(sunrise):
    """An active campaign without any recorded day or funnel count."""
    return CampaignFactory(
        location=sunrise,
        name="Fresh Campaign",
        start_date=date(2026, 1, 1),
        end_date=None,
        budget=Decimal("1000.00"),
    )


# --- 1. Who may open what --------------------------------------------------------------------


@pytest.mark.parametrize("name", LOCATION_PAGES)
def test_an_anonymous_visitor_is_sent_to_the_login_page(client, sunrise_pages, name):
    url = sunrise_pages[name]
    assert_login_redirect(client.get(url), url)
    assert_login_redirect(client.get(url, **HTMX), url)
    if name in MANAGER_PAGES:
        before = snapshot()
        assert_login_redirect(client.post(url, manager_post_data(name)), url)
        assert snapshot() == before


@pytest.mark.parametrize("url", ["/", "/portfolio/"])
def test_an_anonymous_visitor_of_home_or_portfolio_is_sent_to_the_login_page(client, url):
    assert_login_redirect(client.get(url), url)


@pytest.mark.parametrize("name", READ_PAGES)
def test_a_viewer_can_read_every_report_page(client, sunrise_viewer, sunrise_pages, name):
    client.force_login(sunrise_viewer)
    assert client.get(sunrise_pages[name]).status_code == 200


@pytest.mark.parametrize("name", MANAGER_PAGES)
def test_a_viewer_gets_403_on_the_pages_that_change_data(
    client, sunrise_viewer, sunrise_pages, name
):
    client.force_login(sunrise_viewer)
    url = sunrise_pages[name]
    before = snapshot()
    assert client.get(url).status_code == 403
    assert client.get(url, **HTMX).status_code == 403
    assert client.post(url, manager_post_data(name)).status_code == 403
    assert client.post(url, manager_post_data(name), **HTMX).status_code == 403
    assert snapshot() == before


@pytest.mark.parametrize("name", LOCATION_PAGES)
def test_a_manager_can_open_every_page(client, sunrise_manager, sunrise_pages, name):
    client.force_login(sunrise_manager)
    assert client.get(sunrise_pages[name]).status_code == 200


def test_a_manager_can_open_the_portfolio(client, sunrise_manager):
    client.force_login(sunrise_manager)
    assert client.get("/portfolio/").status_code == 200


@pytest.mark.parametrize("name", LOCATION_PAGES)
def test_another_locations_manager_gets_404_on_every_page_and_fragment(
    client, harbor_manager, sunrise_pages, name
):
    client.force_login(harbor_manager)
    url = sunrise_pages[name]
    before = snapshot()
    for response in (client.get(url), client.get(url, **HTMX)):
        assert response.status_code == 404
        assert "Sunrise" not in text(response)
        assert "January SMS Blast" not in text(response)
    if name in MANAGER_PAGES:
        assert client.post(url, manager_post_data(name)).status_code == 404
        assert client.post(url, manager_post_data(name), **HTMX).status_code == 404
    assert snapshot() == before


def test_an_unknown_location_is_the_same_404_as_someone_elses(client, harbor_manager):
    client.force_login(harbor_manager)
    assert client.get("/l/no-such-place/").status_code == 404
    assert client.get("/l/sunrise-realty/").status_code == 404


@pytest.mark.parametrize("name", LOCATION_PAGES)
def test_a_superuser_can_open_every_page(client, superuser, sunrise_pages, name):
    client.force_login(superuser)
    assert client.get(sunrise_pages[name]).status_code == 200
    assert client.get(sunrise_pages[name], **HTMX).status_code == 200


def test_a_superuser_sees_every_location_in_the_portfolio(client, superuser, sunrise, harbor):
    client.force_login(superuser)
    response = client.get("/portfolio/")
    assert response.status_code == 200
    assert "Sunrise Realty" in text(response)
    assert "Harbor Homes" in text(response)


@pytest.mark.parametrize("name", CAMPAIGN_PAGES)
def test_a_sunrise_campaign_under_the_harbor_slug_is_404(
    client, harbor_manager, spring_campaign, harbor, name
):
    client.force_login(harbor_manager)
    url = page_url(name, harbor, spring_campaign)
    before = snapshot()
    assert client.get(url).status_code == 404
    assert client.get(url, **HTMX).status_code == 404
    if name != "campaign":
        assert client.post(url, manager_post_data(name)).status_code == 404
    assert snapshot() == before


@pytest.mark.parametrize("name", CAMPAIGN_PAGES)
def test_a_harbor_campaign_under_the_sunrise_slug_is_404(
    client, sunrise_manager, harbor_campaign, sunrise, name
):
    client.force_login(sunrise_manager)
    url = page_url(name, sunrise, harbor_campaign)
    before = snapshot()
    assert client.get(url).status_code == 404
    assert client.get(url, **HTMX).status_code == 404
    if name != "campaign":
        assert client.post(url, manager_post_data(name)).status_code == 404
    assert snapshot() == before


@pytest.mark.parametrize("name", ["overview", "campaigns", "compare", "channels"])
def test_no_sunrise_page_names_a_harbor_campaign(
    client, sunrise_manager, sunrise, reference_campaign, spring_campaign, harbor_campaign, name
):
    client.force_login(sunrise_manager)
    url = page_url(name, sunrise) + "?period=all"
    if name == "compare":
        url += f"&ids={reference_campaign.pk},{spring_campaign.pk},{harbor_campaign.pk}"
    page = text(client.get(url))
    assert ('<th scope="row">SMS</th>' if name == "channels" else "January SMS Blast") in page
    assert "Harbor" not in page


# --- 2. Home and portfolio -------------------------------------------------------------------


def test_home_sends_a_one_location_user_to_that_location(client, sunrise_manager):
    client.force_login(sunrise_manager)
    response = client.get("/")
    assert response.status_code == 302
    assert response.url == "/l/sunrise-realty/"


def test_home_sends_a_two_location_user_to_the_portfolio(client, sunrise, harbor):
    user = UserFactory(username="agency-lead")
    MembershipFactory(user=user, location=sunrise, role=Membership.Role.MANAGER)
    MembershipFactory(user=user, location=harbor, role=Membership.Role.VIEWER)
    client.force_login(user)
    response = client.get("/")
    assert response.status_code == 302
    assert response.url == "/portfolio/"


def test_home_tells_a_user_without_locations_to_ask_for_one(client):
    client.force_login(UserFactory(username="newcomer"))
    response = client.get("/")
    assert response.status_code == 200
    assert "No locations yet" in text(response)


def test_the_portfolio_lists_only_the_users_locations(client, sunrise, harbor):
    LocationFactory(name="Third Bay Lofts", slug="third-bay")
    user = UserFactory(username="agency-lead")
    MembershipFactory(user=user, location=sunrise)
    MembershipFactory(user=user, location=harbor)
    client.force_login(user)
    response = client.get("/portfolio/")
    assert response.status_code == 200
    page = text(response)
    assert 'href="/l/sunrise-realty/"' in page
    assert 'href="/l/harbor-homes/"' in page
    assert "Third Bay Lofts" not in page
    assert "/l/third-bay/" not in page
    assert "Your 2 locations side by side" in page


def test_the_portfolio_shows_each_locations_numbers_for_the_period(client, sunrise, harbor):
    user = UserFactory(username="agency-lead")
    MembershipFactory(user=user, location=sunrise)
    MembershipFactory(user=user, location=harbor)
    yesterday = sunrise.today() - timedelta(days=1)
    DailyMetricFactory(
        campaign=CampaignFactory(location=sunrise),
        date=yesterday,
        spend=Decimal("1000.00"),
        revenue=Decimal("3600.00"),
    )
    DailyMetricFactory(
        campaign=CampaignFactory(location=harbor),
        date=yesterday,
        spend=Decimal("400.00"),
        revenue=Decimal("300.00"),
    )
    client.force_login(user)
    page = text(client.get("/portfolio/"))
    assert "$3,600.00" in page  # sunrise's revenue
    assert "260.0 %" in page  # sunrise's ROI
    assert "-25.0 %" in page  # harbor's ROI


def test_the_portfolios_all_time_period_starts_at_the_first_campaign(
    client, sunrise_manager, reference_campaign
):
    """ "All time" on the portfolio should reach back to the earliest campaign, as it does on
    a location's overview, not cover only today."""
    client.force_login(sunrise_manager)
    overview = text(client.get("/l/sunrise-realty/?period=all"))
    assert "Jan 1, 2026 – " in overview
    assert "$18,000.00" in overview

    portfolio = text(client.get("/portfolio/?period=all"))
    assert "Jan 1, 2026 – " in portfolio
    assert "$18,000.00" in portfolio


# --- 3. HTMX fragments -----------------------------------------------------------------------


@pytest.mark.parametrize("name", READ_PAGES)
def test_an_htmx_request_gets_only_the_report_fragment(
    client, sunrise_manager, sunrise_pages, name
):
    client.force_login(sunrise_manager)
    url = sunrise_pages[name]
    fragment = client.get(url, **HTMX)
    assert fragment.status_code == 200
    assert_is_fragment(fragment)
    assert 'class="period-picker"' in text(fragment)

    full = client.get(url)
    assert_is_full_page(full)
    assert 'class="period-picker"' in text(full)
    assert 'id="report"' in text(full)


def test_the_portfolio_fragment_holds_the_location_cards(client, sunrise_manager, sunrise):
    client.force_login(sunrise_manager)
    fragment = client.get("/portfolio/", **HTMX)
    assert_is_fragment(fragment)
    assert 'class="period-picker"' in text(fragment)
    assert "Sunrise Realty" in text(fragment)
    assert_is_full_page(client.get("/portfolio/"))


def test_the_campaign_fragment_holds_the_key_metrics(client, sunrise_manager, reference_campaign):
    client.force_login(sunrise_manager)
    url = page_url("campaign", reference_campaign.location, reference_campaign)
    fragment = text(client.get(url, **HTMX))
    assert 'id="key-metrics"' in fragment
    assert "260.0 %" in fragment
    assert "$41.67" in fragment
    # The page header with its actions is outside the swapped part.
    assert "Record a day" not in fragment


@pytest.mark.parametrize("name", FORM_PAGES)
def test_an_htmx_get_of_a_form_page_gets_only_the_form(
    client, sunrise_manager, sunrise_pages, name
):
    client.force_login(sunrise_manager)
    fragment = client.get(sunrise_pages[name], **HTMX)
    assert fragment.status_code == 200
    assert_is_fragment(fragment)
    assert fragment.content.decode().strip().startswith("<form")
    assert_is_full_page(client.get(sunrise_pages[name]))


def test_an_htmx_post_passes_the_csrf_check_with_the_pages_token(
    client, sunrise_manager, fresh_campaign
):
    """The pages send the CSRF token of <body hx-headers> with every HTMX request."""
    client.handler.enforce_csrf_checks = True
    client.force_login(sunrise_manager)
    url = page_url("metrics", fresh_campaign.location, fresh_campaign)
    page = client.get(url).content.decode()
    token = re.search(r'hx-headers=\'\{"x-csrftoken": "([^"]+)"\}\'', page).group(1)
    assert client.post(url, day_data(), **HTMX).status_code == 403
    response = client.post(url, day_data(), HTTP_X_CSRFTOKEN=token, **HTMX)
    assert response.status_code == 200
    assert response["HX-Redirect"] == page_url("campaign", fresh_campaign.location, fresh_campaign)


def test_a_boosted_htmx_request_gets_the_full_page(client, sunrise_manager, sunrise):
    client.force_login(sunrise_manager)
    response = client.get("/l/sunrise-realty/", HTTP_HX_REQUEST="true", HTTP_HX_BOOSTED="true")
    assert_is_full_page(response)


@pytest.mark.parametrize(
    ("name", "bad", "field"),
    [
        ("new", campaign_data(budget="-5"), "budget"),
        ("edit", campaign_data(start_date="2026-03-10", end_date="2026-03-01"), "end_date"),
        ("metrics", day_data(qualified_leads="2", hot_leads="5"), "hot_leads"),
        ("funnel", {"interest": "-1"}, "interest"),
    ],
)
def test_an_htmx_post_with_errors_gets_the_form_fragment_with_its_errors(
    client, sunrise_manager, sunrise_pages, name, bad, field
):
    client.force_login(sunrise_manager)
    before = snapshot()
    response = client.post(sunrise_pages[name], bad, **HTMX)
    assert response.status_code == 200
    assert_is_fragment(response)
    assert response.content.decode().strip().startswith("<form")
    assert field_errors(response, field)
    assert snapshot() == before


@pytest.mark.parametrize("name", ["new", "edit", "metrics", "funnel", "complete"])
def test_a_valid_htmx_post_answers_with_hx_redirect_to_the_campaign(
    client, sunrise_manager, sunrise_pages, spring_campaign, name
):
    client.force_login(sunrise_manager)
    data = {
        "new": campaign_data(name="Brand New"),
        "edit": campaign_data(name="Spring Email Drip", start_date="2026-01-01", end_date=None),
        "metrics": day_data(),
        "funnel": {"awareness": "5000"},
        "complete": {},
    }[name]
    response = client.post(sunrise_pages[name], data, **HTMX)
    assert response.status_code == 200
    if name == "new":
        with scopes_disabled():
            target = Campaign.objects.get(name="Brand New")
    else:
        target = spring_campaign
    assert response["HX-Redirect"] == page_url("campaign", spring_campaign.location, target)


# --- 4. The reference campaign's page --------------------------------------------------------


def test_the_reference_campaign_page_shows_the_published_numbers(
    client, sunrise_manager, reference_campaign
):
    client.force_login(sunrise_manager)
    response = client.get(page_url("campaign", reference_campaign.location, reference_campaign))
    assert response.status_code == 200
    page = text(response)
    assert 'data-metric="roi">260.0 %<' in page
    assert 'data-metric="cost_per_lead">$41.67<' in page
    assert 'data-metric="conversion_rate">10.0 %<' in page
    assert 'data-metric="leads">120<' in page
    assert 'data-metric="conversions">12<' in page
    for shown in [
        "$13,000.00",  # profit
        "72.2 %",  # profit margin
        "3.60x",  # ROAS
        "$166.67",  # cost per qualified lead
        "$416.67",  # cost per conversion
        "$10.00",  # cost per click
        "5.0 %",  # click-through rate
        "break-even reached",
        "Overall efficiency</span>: <strong>0.12 %</strong>",
        # Alone on its channel, with recorded (whole-life) counts: its lowest step, unjudged.
        "Lowest step: Awareness → interest (5.0 %); nothing to judge it against",
        "120 of 150",
        "12 of 15",
        "ROI 260.0 % against a 250.0 % target — met",
    ]:
        assert shown in page, shown


def test_an_undefined_metric_shows_a_dash_with_its_reason(client, sunrise_manager, fresh_campaign):
    client.force_login(sunrise_manager)
    # A day with impressions only: no spend, no leads, no revenue.
    services.record_day(
        campaign=fresh_campaign, day=fresh_campaign.location.today(), impressions=100
    )
    page = text(client.get(page_url("campaign", fresh_campaign.location, fresh_campaign)))
    assert 'data-metric="roi"><span class="undefined" title="no spend recorded yet">—' in page
    assert 'data-metric="cost_per_lead"><span class="undefined" title="no leads yet">—' in page
    assert 'data-metric="conversion_rate"><span class="undefined" title="no leads yet">—' in page
    assert 'title="no revenue yet"' in page  # profit margin
    assert "No target set." in page
    key_metrics = page.split('id="key-metrics"')[1].split('<div class="grid-2">')[0]
    assert "0.0 %" not in key_metrics
    assert "$0.00" not in key_metrics


# --- 5. Forms --------------------------------------------------------------------------------


def test_creating_a_campaign_puts_it_in_the_urls_location_and_opens_it(
    client, sunrise_manager, sunrise, harbor
):
    client.force_login(sunrise_manager)
    response = client.post(
        "/l/sunrise-realty/campaigns/new/",
        campaign_data(location=str(harbor.pk)),  # a smuggled location is ignored
    )
    with scopes_disabled():
        campaign = Campaign.objects.get(name="Spring Open House")
    assert campaign.location == sunrise
    assert campaign.budget == Decimal("2500.00")
    assert campaign.end_date == date(2026, 3, 31)
    assert campaign.target_roi == Decimal("2.0")
    assert response.status_code == 302
    assert response.url == page_url("campaign", sunrise, campaign)
    page = text(client.get(response.url))
    assert "Saved “Spring Open House”: targets" in page
    assert "ROI 200.0 %." in page  # the stored target, shown back in percent
    assert "<h1>Spring Open House</h1>" in page


@pytest.mark.parametrize(
    ("bad", "field", "message"),
    [
        (
            {"start_date": "2026-03-10", "end_date": "2026-03-01"},
            "end_date",
            "The end date cannot be before the start date.",
        ),
        ({"budget": "-100.00"}, "budget", "Ensure this value is greater than or equal to 0."),
        ({"name": ""}, "name", "This field is required."),
        ({"channel": "carrier_pigeon"}, "channel", "Select a valid choice."),
        ({"start_date": "2026-02-30"}, "start_date", "Enter a valid date."),
    ],
)
def test_creating_a_campaign_refuses_bad_input_next_to_the_field(
    client, sunrise_manager, sunrise, bad, field, message
):
    client.force_login(sunrise_manager)
    before = snapshot()
    response = client.post("/l/sunrise-realty/campaigns/new/", campaign_data(**bad))
    assert response.status_code == 200
    assert any(message in error for error in field_errors(response, field)), field_errors(
        response, field
    )
    assert snapshot() == before


def test_creating_a_campaign_refuses_a_name_the_location_already_has(
    client, sunrise_manager, reference_campaign
):
    client.force_login(sunrise_manager)
    before = snapshot()
    response = client.post(
        "/l/sunrise-realty/campaigns/new/", campaign_data(name="January SMS Blast")
    )
    assert response.status_code == 200
    assert "This location already has a campaign with this name." in text(response)
    assert snapshot() == before


def test_another_location_may_use_the_same_campaign_name(
    client, harbor_manager, reference_campaign, harbor
):
    client.force_login(harbor_manager)
    response = client.post(
        "/l/harbor-homes/campaigns/new/", campaign_data(name="January SMS Blast")
    )
    assert response.status_code == 302
    with scopes_disabled():
        assert Campaign.objects.filter(name="January SMS Blast").count() == 2


def test_editing_a_campaign_changes_its_details(client, sunrise_manager, spring_campaign):
    client.force_login(sunrise_manager)
    url = page_url("edit", spring_campaign.location, spring_campaign)
    form = client.get(url)
    assert input_value(form, "name") == "Spring Email Drip"
    response = client.post(
        url,
        campaign_data(
            name="Spring Email Drip (extended)",
            budget="4200.00",
            start_date="2026-01-01",
            end_date="2026-06-30",
        ),
    )
    assert response.status_code == 302
    assert response.url == page_url("campaign", spring_campaign.location, spring_campaign)
    with scopes_disabled():
        spring_campaign.refresh_from_db()
    assert spring_campaign.name == "Spring Email Drip (extended)"
    assert spring_campaign.budget == Decimal("4200.00")
    assert spring_campaign.end_date == date(2026, 6, 30)
    assert "<h1>Spring Email Drip (extended)</h1>" in text(client.get(response.url))


def test_editing_a_campaign_to_another_campaigns_name_is_refused(
    client, sunrise_manager, spring_campaign, reference_campaign
):
    client.force_login(sunrise_manager)
    before = snapshot()
    response = client.post(
        page_url("edit", spring_campaign.location, spring_campaign),
        campaign_data(name="January SMS Blast", start_date="2026-01-01", end_date=None),
    )
    assert response.status_code == 200
    assert "This location already has a campaign with this name." in text(response)
    assert snapshot() == before


def test_recording_a_day_saves_it_and_opens_the_campaign(client, sunrise_manager, fresh_campaign):
    client.force_login(sunrise_manager)
    response = client.post(page_url("metrics", fresh_campaign.location, fresh_campaign), day_data())
    assert response.status_code == 302
    assert response.url == page_url("campaign", fresh_campaign.location, fresh_campaign)
    with scopes_disabled():
        day = DailyMetric.objects.get(campaign=fresh_campaign)
    assert day.location_id == fresh_campaign.location_id
    assert (day.date, day.leads, day.spend) == (date(2026, 2, 2), 20, Decimal("250.00"))
    page = text(client.get(response.url))
    assert "Recorded Feb 2, 2026." in page
    assert 'data-metric="leads">20<' in page


def test_recording_the_same_day_twice_replaces_it(client, sunrise_manager, fresh_campaign):
    client.force_login(sunrise_manager)
    url = page_url("metrics", fresh_campaign.location, fresh_campaign)
    assert client.post(url, day_data(leads="20", spend="250.00")).status_code == 302
    assert client.post(url, day_data(leads="33", spend="410.00")).status_code == 302
    with scopes_disabled():
        rows = list(DailyMetric.objects.filter(campaign=fresh_campaign))
    assert [(r.date, r.leads, r.spend) for r in rows] == [(date(2026, 2, 2), 33, Decimal("410.00"))]
    page = text(client.get(page_url("campaign", fresh_campaign.location, fresh_campaign)))
    assert 'data-metric="leads">33<' in page


def test_correcting_a_day_opens_the_form_with_its_numbers(
    client, sunrise_manager, reference_campaign
):
    client.force_login(sunrise_manager)
    url = page_url("metrics", reference_campaign.location, reference_campaign)
    form = client.get(url + "?date=2026-01-12")
    assert form.status_code == 200
    assert input_value(form, "date") == "2026-01-12"
    assert input_value(form, "impressions") == "4000"
    assert input_value(form, "leads") == "50"
    assert input_value(form, "hot_leads") == "5"
    assert input_value(form, "revenue") == "7500.00"
    assert input_value(form, "spend") == "2000.00"

    response = client.post(url, day_data(date="2026-01-12", leads="60", spend="2100.00"))
    assert response.status_code == 302
    with scopes_disabled():
        rows = DailyMetric.objects.filter(campaign=reference_campaign)
        assert rows.count() == 3
        corrected = rows.get(date=date(2026, 1, 12))
    assert (corrected.leads, corrected.spend) == (60, Decimal("2100.00"))


def test_the_campaign_page_links_each_recorded_day_to_its_correction(
    client, sunrise_manager, reference_campaign
):
    client.force_login(sunrise_manager)
    page = text(client.get(page_url("campaign", reference_campaign.location, reference_campaign)))
    metrics_url = page_url("metrics", reference_campaign.location, reference_campaign)
    assert f'href="{metrics_url}?date=2026-01-12">Correct</a>' in page


def test_an_unparseable_date_to_correct_falls_back_to_a_blank_day(
    client, sunrise_manager, reference_campaign
):
    client.force_login(sunrise_manager)
    url = page_url("metrics", reference_campaign.location, reference_campaign)
    response = client.get(url + "?date=2026-13-45")
    assert response.status_code == 200
    assert input_value(response, "date") == "2026-01-31"  # the campaign's last day


@pytest.mark.parametrize(
    ("bad", "field", "message"),
    [
        ({"qualified_leads": "4", "hot_leads": "5"}, "hot_leads", "Hot leads cannot exceed"),
        ({"leads": "3", "qualified_leads": "4"}, "qualified_leads", "Qualified leads cannot"),
        ({"date": "2025-12-31"}, "date", "is before the campaign started"),
        ({"date": "2099-01-01"}, "date", "has not happened yet"),
        ({"clicks": "-1"}, "clicks", "greater than or equal to 0"),
        ({"spend": "abc"}, "spend", "Enter a number."),
    ],
)
def test_recording_a_day_refuses_bad_input_next_to_the_field(
    client, sunrise_manager, fresh_campaign, bad, field, message
):
    client.force_login(sunrise_manager)
    before = snapshot()
    response = client.post(
        page_url("metrics", fresh_campaign.location, fresh_campaign), day_data(**bad)
    )
    assert response.status_code == 200
    assert any(message in error for error in field_errors(response, field)), field_errors(
        response, field
    )
    assert snapshot() == before


def test_a_future_day_is_refused_even_one_day_ahead(client, sunrise_manager, fresh_campaign):
    client.force_login(sunrise_manager)
    tomorrow = fresh_campaign.location.today() + timedelta(days=1)
    response = client.post(
        page_url("metrics", fresh_campaign.location, fresh_campaign),
        day_data(date=tomorrow.isoformat()),
    )
    assert response.status_code == 200
    assert any("has not happened yet" in e for e in field_errors(response, "date"))
    with scopes_disabled():
        assert not DailyMetric.objects.filter(campaign=fresh_campaign).exists()


def test_setting_funnel_counts_shows_them_on_the_campaign_page(
    client, sunrise_manager, fresh_campaign
):
    client.force_login(sunrise_manager)
    url = page_url("funnel", fresh_campaign.location, fresh_campaign)
    counts = {
        "awareness": "8000",
        "interest": "400",
        "consideration": "100",
        "intent": "40",
        "conversion": "12",
    }
    response = client.post(url, counts)
    assert response.status_code == 302
    assert response.url == page_url("campaign", fresh_campaign.location, fresh_campaign)
    with scopes_disabled():
        stored = dict(
            FunnelStage.objects.filter(campaign=fresh_campaign).values_list("stage", "count")
        )
    assert stored == {k: int(v) for k, v in counts.items()}
    page = text(client.get(response.url))
    assert "(recorded)" in page
    assert "Overall efficiency</span>: <strong>0.15 %</strong>" in page  # 12 / 8000
    assert "Lowest step: Awareness → interest (5.0 %); nothing to judge it against" in page
    # The form opens with the counts already recorded.
    assert input_value(client.get(url), "awareness") == "8000"


def test_a_blank_funnel_stage_keeps_its_count(client, sunrise_manager, fresh_campaign):
    FunnelStageFactory(campaign=fresh_campaign, stage="awareness", count=700)
    client.force_login(sunrise_manager)
    url = page_url("funnel", fresh_campaign.location, fresh_campaign)
    assert client.post(url, {"awareness": "", "interest": "70"}).status_code == 302
    with scopes_disabled():
        stored = dict(
            FunnelStage.objects.filter(campaign=fresh_campaign).values_list("stage", "count")
        )
    assert stored == {"awareness": 700, "interest": 70}


def test_a_negative_funnel_count_is_refused_next_to_the_stage(
    client, sunrise_manager, fresh_campaign
):
    client.force_login(sunrise_manager)
    before = snapshot()
    response = client.post(
        page_url("funnel", fresh_campaign.location, fresh_campaign),
        {"awareness": "1000", "interest": "-5"},
    )
    assert response.status_code == 200
    assert any("greater than or equal to 0" in e for e in field_errors(response, "interest"))
    assert snapshot() == before


def test_completing_a_campaign_asks_then_marks_it_completed(
    client, sunrise_manager, fresh_campaign
):
    client.force_login(sunrise_manager)
    url = page_url("complete", fresh_campaign.location, fresh_campaign)
    confirm = text(client.get(url))
    assert "Complete “Fresh Campaign”?" in confirm
    assert "Mark completed" in confirm
    with scopes_disabled():
        fresh_campaign.refresh_from_db()
    assert fresh_campaign.status == "active"  # a GET changes nothing

    response = client.post(url)
    assert response.status_code == 302
    assert response.url == page_url("campaign", fresh_campaign.location, fresh_campaign)
    with scopes_disabled():
        fresh_campaign.refresh_from_db()
    assert fresh_campaign.status == "completed"
    assert fresh_campaign.completed_at is not None
    page = text(client.get(response.url))
    assert "“Fresh Campaign” is completed." in page
    assert "Complete…" not in page
    assert "This campaign is already completed" in text(client.get(url))


@pytest.mark.parametrize("name", MANAGER_PAGES)
def test_a_viewers_valid_post_changes_nothing(client, sunrise_viewer, sunrise_pages, name):
    client.force_login(sunrise_viewer)
    before = snapshot()
    response = client.post(sunrise_pages[name], manager_post_data(name))
    assert response.status_code == 403
    assert snapshot() == before


# --- 6. The campaign list --------------------------------------------------------------------


@pytest.fixture
def ranked_campaigns(sunrise):
    """Three campaigns with ROI 200 % / -50 % / undefined and CPL $10 / $5 / undefined."""
    alpha = CampaignFactory(location=sunrise, name="Alpha Push", channel="sms", status="active")
    DailyMetricFactory(
        campaign=alpha, date=date(2026, 1, 5), leads=10, spend=Decimal("100"), revenue=300
    )
    bravo = CampaignFactory(location=sunrise, name="Bravo Mail", channel="email", status="paused")
    DailyMetricFactory(
        campaign=bravo,
        date=date(2026, 1, 5),
        leads=40,
        qualified_leads=4,
        spend=Decimal("200"),
        revenue=Decimal("100"),
    )
    charlie = CampaignFactory(
        location=sunrise, name="Charlie Posts", channel="social", status="completed"
    )
    return alpha, bravo, charlie


NAMES = ["Alpha Push", "Bravo Mail", "Charlie Posts"]


@pytest.mark.parametrize(
    ("sort", "expected"),
    [
        ("-roi", ["Alpha Push", "Bravo Mail", "Charlie Posts"]),
        ("roi", ["Bravo Mail", "Alpha Push", "Charlie Posts"]),
        ("cost_per_lead", ["Bravo Mail", "Alpha Push", "Charlie Posts"]),
        ("-cost_per_lead", ["Alpha Push", "Bravo Mail", "Charlie Posts"]),
        ("name", ["Alpha Push", "Bravo Mail", "Charlie Posts"]),
        ("-name", ["Charlie Posts", "Bravo Mail", "Alpha Push"]),
        ("no_such_column", ["Alpha Push", "Bravo Mail", "Charlie Posts"]),
    ],
)
def test_the_campaign_list_sorts_with_undefined_values_last(
    client, sunrise_manager, ranked_campaigns, sort, expected
):
    client.force_login(sunrise_manager)
    response = client.get(f"/l/sunrise-realty/campaigns/?period=all&sort={sort}")
    assert response.status_code == 200
    assert order_of(response, NAMES) == expected


@pytest.mark.parametrize(
    ("query", "shown"),
    [
        ("status=paused", ["Bravo Mail"]),
        ("status=completed", ["Charlie Posts"]),
        ("channel=sms", ["Alpha Push"]),
        ("channel=email&status=paused", ["Bravo Mail"]),
        ("status=bogus", NAMES),
    ],
)
def test_the_campaign_list_filters_by_status_and_channel(
    client, sunrise_manager, ranked_campaigns, query, shown
):
    client.force_login(sunrise_manager)
    page = text(client.get(f"/l/sunrise-realty/campaigns/?period=all&{query}"))
    assert [n for n in NAMES if n in page] == shown


def test_a_filter_matching_nothing_says_so(client, sunrise_manager, ranked_campaigns):
    client.force_login(sunrise_manager)
    page = text(client.get("/l/sunrise-realty/campaigns/?channel=organic"))
    assert "No campaign matches these filters." in page
    assert "No campaigns yet" not in page


def test_the_period_changes_the_numbers_of_the_campaign_list(client, sunrise_manager, sunrise):
    today = sunrise.today()
    campaign = CampaignFactory(location=sunrise, name="Recent Push", start_date=date(2026, 1, 1))
    DailyMetricFactory(
        campaign=campaign,
        date=today - timedelta(days=2),
        spend=Decimal("123.00"),
        revenue=Decimal("456.00"),
    )
    DailyMetricFactory(
        campaign=campaign,
        date=today - timedelta(days=20),
        spend=Decimal("877.00"),
        revenue=Decimal("1544.00"),
    )
    client.force_login(sunrise_manager)
    month = text(client.get("/l/sunrise-realty/campaigns/?period=30d"))
    assert "$1,000.00" in month
    assert "$2,000.00" in month
    week = text(client.get("/l/sunrise-realty/campaigns/?period=7d"))
    assert "$123.00" in week
    assert "$456.00" in week
    assert "$1,000.00" not in week


def test_a_bad_custom_period_shows_a_message_and_the_default_period(
    client, sunrise_manager, reference_campaign
):
    client.force_login(sunrise_manager)
    response = client.get("/l/sunrise-realty/campaigns/?period=custom&start=2026-13-01&end=x")
    assert response.status_code == 200
    page = text(response)
    assert "“2026-13-01” is not a valid start date (use YYYY-MM-DD)." in page
    assert "Showing last 30 days instead." in page


@pytest.mark.parametrize(
    "query",
    [
        "period=custom&start=2026-03-01&end=2026-01-01",
        "period=custom",
        "period=fortnight",
        "start=2026-01-01",
    ],
)
@pytest.mark.parametrize("name", ["overview", "campaigns", "compare", "channels"])
def test_any_bad_period_answers_200_with_a_message(
    client, sunrise_manager, reference_campaign, name, query
):
    client.force_login(sunrise_manager)
    response = client.get(f"{page_url(name, reference_campaign.location)}?{query}")
    assert response.status_code == 200
    assert 'class="message error" role="alert"' in response.content.decode()


def test_a_custom_period_selects_exactly_its_days(client, sunrise_manager, reference_campaign):
    client.force_login(sunrise_manager)
    page = text(
        client.get("/l/sunrise-realty/campaigns/?period=custom&start=2026-01-12&end=2026-01-12")
    )
    assert "$2,000.00" in page  # spend of Jan 12 only
    assert "$7,500.00" in page  # its revenue


# --- 7. Compare ------------------------------------------------------------------------------


def test_compare_with_fewer_than_two_campaigns_shows_the_picker(
    client, sunrise_manager, reference_campaign, spring_campaign
):
    client.force_login(sunrise_manager)
    for query in ["", f"?ids={reference_campaign.pk}"]:
        page = text(client.get(f"/l/sunrise-realty/compare/{query}"))
        assert f'name="ids" value="{reference_campaign.pk}"' in page
        assert f'name="ids" value="{spring_campaign.pk}"' in page
        assert "Tick two or more campaigns" in page
        assert "Side by side" not in page


def test_compare_ranks_two_campaigns(client, sunrise_manager, reference_campaign, spring_campaign):
    client.force_login(sunrise_manager)
    response = client.get(
        f"/l/sunrise-realty/compare/?period=all&ids={spring_campaign.pk},{reference_campaign.pk}"
    )
    page = text(response)
    assert "Side by side" in page
    assert "Best performer: <strong>January SMS Blast</strong> with ROI 260.0 %." in page
    assert order_of(response, ["January SMS Blast", "Spring Email Drip"]) == [
        "January SMS Blast",
        "Spring Email Drip",
    ]


def test_compare_ignores_another_locations_campaign(
    client, sunrise_manager, spring_campaign, harbor_campaign
):
    client.force_login(sunrise_manager)
    response = client.get(
        f"/l/sunrise-realty/compare/?period=all&ids={harbor_campaign.pk},{spring_campaign.pk}"
    )
    assert response.status_code == 200
    page = text(response)
    assert "Harbor Waterfront Mailer" not in page
    assert f'value="{harbor_campaign.pk}"' not in page


def test_compare_says_another_locations_campaign_is_not_found_as_if_it_did_not_exist(
    client, sunrise_manager, reference_campaign, spring_campaign, harbor_campaign
):
    client.force_login(sunrise_manager)
    ids = f"{harbor_campaign.pk},{spring_campaign.pk},{reference_campaign.pk}"

    page = text(client.get(f"/l/sunrise-realty/compare/?period=all&ids={ids}"))
    assert f"No campaign {harbor_campaign.pk} in this location." in page
    assert "Side by side" in page  # the two of this location are still compared

    csv = client.get(
        f"/l/sunrise-realty/compare/export.csv?ids={harbor_campaign.pk},{spring_campaign.pk}"
    )
    assert csv.status_code == 400  # one known campaign is not a comparison: nothing to export
    assert "Harbor" not in csv.content.decode()


def test_compare_explains_an_id_that_is_not_a_number(
    client, sunrise_manager, reference_campaign, spring_campaign
):
    client.force_login(sunrise_manager)
    response = client.get(
        f"/l/sunrise-realty/compare/?ids=abc,{reference_campaign.pk},{spring_campaign.pk}"
    )
    assert response.status_code == 200
    page = text(response)
    assert "Ignored what is not a campaign id: abc." in page
    assert "Side by side" in page


def test_compare_accepts_repeated_ids_parameters(
    client, sunrise_manager, reference_campaign, spring_campaign
):
    client.force_login(sunrise_manager)
    page = text(
        client.get(
            f"/l/sunrise-realty/compare/?period=all"
            f"&ids={reference_campaign.pk}&ids={spring_campaign.pk}"
        )
    )
    assert "Side by side" in page


def test_compare_ignores_a_digit_that_is_not_a_number_without_a_server_error(
    client, sunrise_manager, reference_campaign, spring_campaign
):
    """ "²".isdigit() is True but int("²") raises: parse_ids must not trust str.isdigit()."""
    client.force_login(sunrise_manager)
    response = client.get(
        f"/l/sunrise-realty/compare/?ids=²,{reference_campaign.pk},{spring_campaign.pk}"
    )
    assert response.status_code == 200
    assert "Ignored what is not a campaign id: ²." in text(response)
    assert "Side by side" in text(response)


def test_compare_ignores_an_id_too_large_for_the_database_without_a_server_error(
    client, sunrise_manager, reference_campaign, spring_campaign
):
    client.force_login(sunrise_manager)
    response = client.get(
        "/l/sunrise-realty/compare/?ids=99999999999999999999999,"
        f"{reference_campaign.pk},{spring_campaign.pk}"
    )
    assert response.status_code == 200
    assert "Side by side" in text(response)


# --- Periods at the edge of the calendar -----------------------------------------------------


@pytest.mark.parametrize(
    "name", ["overview", "campaigns", "campaign", "compare", "channels", "portfolio"]
)
def test_a_period_starting_in_year_one_is_not_a_server_error(
    client, sunrise_manager, sunrise_pages, name
):
    """The previous period of 0001-01-01… lies before date.min: Period.previous() overflows."""
    client.force_login(sunrise_manager)
    url = sunrise_pages.get(name, "/portfolio/")
    separator = "&" if "?" in url else "?"
    response = client.get(f"{url}{separator}period=custom&start=0001-01-01&end=0001-01-05")
    assert response.status_code == 200
    assert 'class="period-picker"' in text(response)


# --- 8. Empty states and what a viewer sees ---------------------------------------------------


@pytest.mark.parametrize("name", ["overview", "campaigns", "channels"])
def test_an_empty_location_invites_a_manager_to_create_a_campaign(
    client, sunrise_manager, sunrise, name
):
    client.force_login(sunrise_manager)
    page = text(client.get(page_url(name, sunrise)))
    assert "No campaigns yet" in page
    assert 'href="/l/sunrise-realty/campaigns/new/">Create' in page


@pytest.mark.parametrize("name", ["overview", "campaigns", "channels"])
def test_an_empty_location_offers_a_viewer_no_create_link(client, sunrise_viewer, sunrise, name):
    client.force_login(sunrise_viewer)
    page = text(client.get(page_url(name, sunrise)))
    assert "No campaigns yet" in page
    assert "/campaigns/new/" not in page
    assert "Create a campaign</a>" not in page
    assert "Create the first campaign</a>" not in page


def test_an_empty_location_compare_page_says_there_is_nothing_to_pick(
    client, sunrise_manager, sunrise
):
    client.force_login(sunrise_manager)
    page = text(client.get(page_url("compare", sunrise)))
    assert "No campaigns yet." in page


MANAGER_CONTROLS = [
    "Record a day",
    "Set funnel counts",
    ">Edit<",
    "Complete…",
    "New campaign",
    ">Correct<",
    "/campaigns/new/",
    "/edit/",
    "/metrics/",
    "/funnel/",
    "/complete/",
]


@pytest.mark.parametrize("name", READ_PAGES)
def test_a_viewer_sees_no_controls_that_change_data(
    client, sunrise_viewer, sunrise_pages, spring_campaign, name
):
    client.force_login(sunrise_viewer)
    page = text(client.get(sunrise_pages[name]))
    for control in MANAGER_CONTROLS:
        assert control not in page, control


def test_a_manager_sees_the_controls_on_the_campaign_page(
    client, sunrise_manager, sunrise_pages, spring_campaign
):
    client.force_login(sunrise_manager)
    page = text(client.get(sunrise_pages["campaign"]))  # its whole life: 331 days, by week
    for control in ["Record a day", "Set funnel counts", ">Edit<", "Complete…", ">Days<"]:
        assert control in page, control
    # Over 30 days the table is day by day, each day with its correction link.
    assert ">Correct<" in text(client.get(sunrise_pages["campaign"] + "?period=30d"))


# --- 9. A constant number of queries per page ------------------------------------------------


def read_page_url(name: str, location) -> str:
    if name == "portfolio":
        return "/portfolio/"
    with scopes_disabled():
        campaigns = list(
            Campaign.objects.filter(location=location).order_by("pk").values_list("pk", flat=True)
        )
    if name == "campaign":
        return page_url("campaign", location, Campaign(pk=campaigns[0]))
    url = page_url(name, location)
    if name == "compare":
        return url + "?ids=" + ",".join(str(pk) for pk in campaigns)
    return url


@pytest.mark.parametrize(
    "name", ["overview", "campaigns", "campaign", "compare", "channels", "portfolio"]
)
def test_a_read_page_runs_as_many_queries_for_50_campaigns_as_for_5(
    client, sunrise_manager, sunrise, harbor, name
):
    MembershipFactory(user=sunrise_manager, location=harbor)  # a portfolio of two
    add_campaigns(harbor, 2, first=900)
    add_campaigns(sunrise, 5, first=0)
    client.force_login(sunrise_manager)

    with CaptureQueriesContext(connection) as small:
        response = client.get(read_page_url(name, sunrise))
    assert response.status_code == 200
    expected = '<th scope="row">SMS</th>' if name == "channels" else "Load test 000"
    assert expected in text(response) or name == "portfolio"

    add_campaigns(sunrise, 45, first=5)
    with CaptureQueriesContext(connection) as large:
        response = client.get(read_page_url(name, sunrise))
    assert response.status_code == 200

    assert len(small) == len(large), (
        f"{name}: {len(small)} queries with 5 campaigns, {len(large)} with 50"
    )


def test_a_headline_figure_that_did_not_change_shows_zero_change(
    client, sunrise_manager, reference_campaign
):
    """Lead-to-conversion is 10 % on Jan 12 and on Jan 13: the change is 0.0 %, with no arrow
    and no colour, not an error."""
    client.force_login(sunrise_manager)
    url = f"/l/sunrise-realty/campaigns/{reference_campaign.pk}/"

    response = client.get(url, {"period": "custom", "start": "2026-01-13", "end": "2026-01-13"})

    assert response.status_code == 200
    assert (
        '<span class="change flat" title="against the previous period">0.0 %</span>'
        in response.content.decode()
    )


def test_the_health_check_answers_without_login_or_database(client, django_assert_num_queries):
    with django_assert_num_queries(0):
        response = client.get("/healthz")
    assert response.status_code == 200
    assert response.content == b"ok"
    assert "no-cache" in response["Cache-Control"]
    assert client.post("/healthz").status_code == 405
