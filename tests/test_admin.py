"""Django admin: superusers see every location, other staff only their own, on every screen."""

import re
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.contrib.auth.models import Permission
from django.db import connection
from django.test.utils import CaptureQueriesContext

from campaigns.models import Campaign, DailyMetric, Membership
from campaigns.tenancy import scopes_disabled
from tests.factories import (
    CampaignFactory,
    DailyMetricFactory,
    FunnelStageFactory,
    LocationFactory,
    MembershipFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

CAMPAIGNS = "/admin/campaigns/campaign/"
DAILY_METRICS = "/admin/campaigns/dailymetric/"
FUNNEL_STAGES = "/admin/campaigns/funnelstage/"
LOCATIONS = "/admin/campaigns/location/"
MEMBERSHIPS = "/admin/campaigns/membership/"

#: The Campaign form's inline (its funnel), by formset prefix: an add form posts none of its rows.
EMPTY_INLINES = {
    f"{prefix}-{name}": value
    for prefix in ("funnel_stages",)
    for name, value in [
        ("TOTAL_FORMS", "0"),
        ("INITIAL_FORMS", "0"),
        ("MIN_NUM_FORMS", "0"),
        ("MAX_NUM_FORMS", "1000"),
    ]
}


@pytest.fixture
def superuser(db):
    return UserFactory(username="root", is_staff=True, is_superuser=True)


def test_admin_pages_render_without_collectstatic(client, superuser):
    """`make test` runs without collectstatic, so the test settings must not need a manifest."""
    client.force_login(superuser)

    assert client.get(CAMPAIGNS).status_code == 200


@pytest.fixture
def sunrise_staff(sunrise):
    """Staff with every permission of the campaigns app, but a member of Sunrise only."""
    user = UserFactory(username="sunrise-staff", is_staff=True)
    user.user_permissions.set(Permission.objects.filter(content_type__app_label="campaigns"))
    MembershipFactory(user=user, location=sunrise, role=Membership.Role.MANAGER)
    return user


@pytest.fixture
def harbor_campaign(harbor, harbor_manager):
    """Harbor's campaign with a day and a funnel count, so every tenant screen has a harbor row."""
    campaign = CampaignFactory(location=harbor, name="Harbor Spring Open House")
    DailyMetricFactory(campaign=campaign, date=date(2026, 1, 5))
    FunnelStageFactory(campaign=campaign, stage="awareness", count=777)
    return campaign


def html(response) -> str:
    return response.content.decode()


def select_options(response, name: str) -> list[str]:
    """The labels of a <select>'s options as the browser shows them, blank choice left out."""
    select = re.search(rf'<select name="{name}"[^>]*>(.*?)</select>', html(response), re.S)
    assert select, f"no <select name={name!r}> on the page"
    labels = re.findall(r'<option value="([^"]*)"[^>]*>([^<]*)</option>', select.group(1))
    return [label for value, label in labels if value]


def changelist_rows(response) -> int:
    """How many rows the changelist's result table shows."""
    table = re.search(r'<table id="result_list">.*?<tbody>(.*?)</tbody>', html(response), re.S)
    return len(re.findall(r"<tr[ >]", table.group(1))) if table else 0


def campaign_form_data(location, **overrides) -> dict:
    data = {
        "location": location.pk,
        "name": "Spring Listings",
        "channel": "email",
        "status": "active",
        "budget": "1200.00",
        "start_date": "2026-03-01",
        "end_date": "",
        "target_leads": "",
        "target_conversions": "",
        "target_roi": "",
        "_save": "Save",
        **EMPTY_INLINES,
    }
    data.update(overrides)
    return data


def daily_metric_form_data(campaign, **overrides) -> dict:
    data = {
        "campaign": campaign.pk,
        "date": "2026-01-20",
        "impressions": "2000",
        "clicks": "90",
        "leads": "20",
        "qualified_leads": "6",
        "hot_leads": "2",
        "conversions": "3",
        "revenue": "1500.00",
        "spend": "400.00",
        "_save": "Save",
    }
    data.update(overrides)
    return data


def change_form_data(response) -> dict:
    """What a browser submits from a rendered change form: the main form and every inline row."""
    forms = [response.context["adminform"].form]
    for inline in response.context["inline_admin_formsets"]:
        forms += [inline.formset.management_form, *inline.formset.forms]
    data = {"_save": "Save"}
    for form in forms:
        for bound in form:
            value = bound.value()
            if value is None or value is False:
                continue
            if value is True:
                value = "on"
            elif isinstance(value, date):
                value = value.isoformat()
            data[bound.html_name] = value if isinstance(value, list) else str(value)
    return data


# --- What a superuser sees --------------------------------------------------------------------


def test_superuser_sees_campaigns_of_every_location(
    client, superuser, reference_campaign, harbor_campaign
):
    client.force_login(superuser)

    response = client.get(CAMPAIGNS)

    assert response.status_code == 200
    assert "January SMS Blast" in html(response)
    assert "Harbor Spring Open House" in html(response)
    assert changelist_rows(response) == 2


def test_superuser_location_filter_names_every_location(
    client, superuser, reference_campaign, harbor_campaign
):
    client.force_login(superuser)

    filters = html(client.get(CAMPAIGNS)).split('id="changelist-filter"', 1)[1]

    assert "Sunrise Realty" in filters
    assert "Harbor Homes" in filters


def test_campaign_changelist_shows_key_figures_of_the_reference_campaign(
    client, superuser, reference_campaign
):
    client.force_login(superuser)

    page = html(client.get(CAMPAIGNS))

    for header in ["Spend", "Revenue", "ROI", "CPL"]:
        assert f">{header}</a>" in page or f">{header}</span>" in page
    row = re.search(r"<tr>.*?January SMS Blast.*?</tr>", page, re.S).group(0)
    cells = re.findall(r'<td class="field-(\w+)[^"]*">([^<]*)</td>', row)
    assert dict(cells) == {
        "location": "Sunrise Realty",
        "channel": "SMS",
        "status": "Completed",
        "budget": "5000.00",
        "total_spend": "$5,000.00",
        "total_revenue": "$18,000.00",
        "roi": "260.0 %",
        "cost_per_lead": "$41.67",
    }


def test_campaign_without_days_shows_a_dash_for_undefined_roi_and_cpl(client, superuser, sunrise):
    CampaignFactory(location=sunrise, name="Not Started Yet")
    client.force_login(superuser)

    page = html(client.get(CAMPAIGNS))

    row = re.search(r"<tr>.*?Not Started Yet.*?</tr>", page, re.S).group(0)
    cells = dict(re.findall(r'<td class="field-(\w+)[^"]*">([^<]*)</td>', row))
    assert (cells["total_spend"], cells["total_revenue"]) == ("$0.00", "$0.00")
    assert (cells["roi"], cells["cost_per_lead"]) == ("—", "—")


def test_superuser_campaign_change_page_renders_its_funnel_and_links_its_days(
    client, superuser, reference_campaign
):
    client.force_login(superuser)

    response = client.get(f"{CAMPAIGNS}{reference_campaign.pk}/change/")

    assert response.status_code == 200
    page = html(response)
    assert 'value="January SMS Blast"' in page
    assert 'name="funnel_stages-TOTAL_FORMS" value="5"' in page
    assert 'value="10000"' in page  # the awareness count
    assert "daily_metrics-TOTAL_FORMS" not in page  # the days are a link, not an inline
    days_link = f'href="{DAILY_METRICS}?campaign__id__exact={reference_campaign.pk}"'
    assert re.search(rf"<a {re.escape(days_link)}>3 recorded days</a>", page)


def test_a_saved_campaign_stays_in_its_location(client, superuser, reference_campaign, harbor):
    """Its days carry its location: the admin shows the location but never moves a campaign
    (on PostgreSQL a composite foreign key would refuse it, as a 500)."""
    client.force_login(superuser)
    url = f"{CAMPAIGNS}{reference_campaign.pk}/change/"
    page = client.get(url)
    assert 'name="location"' not in html(page)

    data = change_form_data(page)
    data.update(location=harbor.pk, name="Renamed January SMS Blast")
    response = client.post(url, data)

    assert response.status_code == 302
    with scopes_disabled():
        reference_campaign.refresh_from_db()
        days = set(reference_campaign.daily_metrics.values_list("location_id", flat=True))
    assert reference_campaign.name == "Renamed January SMS Blast"
    assert reference_campaign.location.slug == "sunrise-realty"
    assert days == {reference_campaign.location_id}


# --- What a staff user of one location sees ---------------------------------------------------


def test_staff_user_sees_only_own_locations_campaigns(
    client, sunrise_staff, reference_campaign, harbor_campaign
):
    client.force_login(sunrise_staff)

    response = client.get(CAMPAIGNS)

    assert response.status_code == 200
    assert "January SMS Blast" in html(response)
    assert "Harbor Spring Open House" not in html(response)
    assert "Harbor Homes" not in html(response)
    assert changelist_rows(response) == 1


@pytest.mark.parametrize("url", [DAILY_METRICS, FUNNEL_STAGES])
def test_staff_user_sees_only_own_locations_days_and_funnel_counts(
    client, url, sunrise_staff, reference_campaign, harbor_campaign
):
    client.force_login(sunrise_staff)

    response = client.get(url)

    assert response.status_code == 200
    assert "January SMS Blast" in html(response)
    assert "Harbor Spring Open House" not in html(response)
    assert "Harbor Homes" not in html(response)


def test_staff_user_sees_only_own_locations(client, sunrise_staff, harbor):
    client.force_login(sunrise_staff)

    response = client.get(LOCATIONS)

    assert response.status_code == 200
    assert "Sunrise Realty" in html(response)
    assert "Harbor Homes" not in html(response)
    assert changelist_rows(response) == 1


def test_staff_user_sees_only_own_locations_memberships(
    client, sunrise_staff, sunrise_viewer, harbor_manager
):
    client.force_login(sunrise_staff)

    response = client.get(MEMBERSHIPS)

    assert response.status_code == 200
    assert "sunrise-viewer" in html(response)
    assert "sunrise-staff" in html(response)
    assert "harbor-manager" not in html(response)
    assert "Harbor Homes" not in html(response)
    assert changelist_rows(response) == 2


def test_staff_user_cannot_open_another_locations_campaign(client, sunrise_staff, harbor_campaign):
    client.force_login(sunrise_staff)
    url = f"{CAMPAIGNS}{harbor_campaign.pk}/change/"

    response = client.get(url)
    followed = client.get(url, follow=True)

    assert response.status_code in (302, 404)
    assert "Harbor Spring Open House" not in html(followed)
    assert "doesn’t exist" in html(followed) or followed.status_code == 404


@pytest.mark.parametrize("view", ["history", "delete"])
def test_staff_user_cannot_open_another_locations_campaign_history_or_delete(
    client, view, sunrise_staff, harbor_campaign
):
    client.force_login(sunrise_staff)

    followed = client.get(f"{CAMPAIGNS}{harbor_campaign.pk}/{view}/", follow=True)

    assert "Harbor Spring Open House" not in html(followed)


def test_staff_user_cannot_open_another_locations_daily_metric(
    client, sunrise_staff, harbor_campaign
):
    with scopes_disabled():
        day = DailyMetric.objects.get(campaign=harbor_campaign)
    client.force_login(sunrise_staff)

    response = client.get(f"{DAILY_METRICS}{day.pk}/change/")
    followed = client.get(f"{DAILY_METRICS}{day.pk}/change/", follow=True)

    assert response.status_code in (302, 404)
    assert "Harbor Spring Open House" not in html(followed)


def test_staff_user_opens_own_campaign_with_its_funnel_and_days(
    client, sunrise_staff, reference_campaign, harbor_campaign
):
    client.force_login(sunrise_staff)

    response = client.get(f"{CAMPAIGNS}{reference_campaign.pk}/change/")

    assert response.status_code == 200
    assert ">3 recorded days</a>" in html(response)
    assert 'name="location"' not in html(response)  # shown, never changed once saved
    assert "Sunrise Realty" in html(response)
    assert "Harbor" not in html(response)


def test_staff_user_membership_form_does_not_list_other_locations_users(
    client, sunrise_staff, sunrise_viewer, harbor_manager
):
    """PRODUCT.md: a manager of one location never sees a name of another location."""
    client.force_login(sunrise_staff)

    response = client.get(f"{MEMBERSHIPS}add/")

    assert response.status_code == 200
    assert select_options(response, "location") == ["Sunrise Realty"]
    assert "harbor-manager" not in select_options(response, "user")


def test_staff_user_campaign_add_form_offers_only_own_locations(client, sunrise_staff, harbor):
    client.force_login(sunrise_staff)

    response = client.get(f"{CAMPAIGNS}add/")

    assert response.status_code == 200
    assert select_options(response, "location") == ["Sunrise Realty"]


def test_staff_user_daily_metric_add_form_offers_only_own_campaigns(
    client, sunrise_staff, reference_campaign, harbor_campaign
):
    client.force_login(sunrise_staff)

    response = client.get(f"{DAILY_METRICS}add/")

    assert response.status_code == 200
    assert select_options(response, "campaign") == ["January SMS Blast"]


@pytest.fixture
def cedar_campaign(sunrise_staff):
    """A second location of the staff user, so that the location filter has choices to show."""
    cedar = LocationFactory(name="Cedar Lofts", slug="cedar-lofts")
    MembershipFactory(user=sunrise_staff, location=cedar, role=Membership.Role.VIEWER)
    return CampaignFactory(location=cedar, name="Cedar Lofts Launch")


def test_staff_user_location_filter_names_only_own_locations(
    client, sunrise_staff, reference_campaign, cedar_campaign, harbor_campaign
):
    client.force_login(sunrise_staff)

    page = html(client.get(CAMPAIGNS))

    location_filter = re.search(r'<details data-filter-title="location".*?</details>', page, re.S)
    assert location_filter, "the location filter is shown for a user of two locations"
    assert "Sunrise Realty" in location_filter.group(0)
    assert "Cedar Lofts" in location_filter.group(0)
    assert "Harbor Homes" not in page


def test_staff_user_filtering_by_another_locations_id_shows_nothing(
    client, sunrise_staff, reference_campaign, cedar_campaign, harbor_campaign, harbor
):
    client.force_login(sunrise_staff)

    response = client.get(CAMPAIGNS, {"location__id__exact": harbor.pk})

    assert response.status_code == 200
    assert "Harbor Spring Open House" not in html(response)
    assert "Harbor Homes" not in html(response)
    assert changelist_rows(response) == 0


def test_staff_user_search_does_not_find_another_locations_campaign(
    client, sunrise_staff, harbor_campaign
):
    client.force_login(sunrise_staff)

    response = client.get(CAMPAIGNS, {"q": "Harbor"})

    assert response.status_code == 200
    assert "Harbor Spring Open House" not in html(response)
    assert changelist_rows(response) == 0


# --- Writes by a staff user stay in their locations -------------------------------------------


def test_staff_user_cannot_create_a_campaign_in_another_location(client, sunrise_staff, harbor):
    client.force_login(sunrise_staff)

    response = client.post(f"{CAMPAIGNS}add/", campaign_form_data(harbor))

    assert response.status_code == 200
    assert "Select a valid choice" in html(response)
    with scopes_disabled():
        assert not Campaign.objects.filter(name="Spring Listings").exists()
        assert not Campaign.objects.filter(location=harbor).exists()


def test_staff_user_cannot_move_own_campaign_to_another_location(
    client, sunrise_staff, sunrise, harbor, reference_campaign
):
    client.force_login(sunrise_staff)
    url = f"{CAMPAIGNS}{reference_campaign.pk}/change/"
    data = change_form_data(client.get(url)) | {"location": str(harbor.pk)}

    response = client.post(url, data)

    # The location is read-only on a saved campaign: the posted one is ignored.
    assert response.status_code == 302
    with scopes_disabled():
        reference_campaign.refresh_from_db()
        assert not DailyMetric.objects.filter(location=harbor).exists()
    assert reference_campaign.location == sunrise


def test_staff_user_creates_a_campaign_in_own_location(client, sunrise_staff, sunrise):
    client.force_login(sunrise_staff)

    response = client.post(f"{CAMPAIGNS}add/", campaign_form_data(sunrise))

    assert response.status_code == 302
    with scopes_disabled():
        campaign = Campaign.objects.get(name="Spring Listings")
    assert campaign.location == sunrise
    assert campaign.budget == Decimal("1200.00")


def test_staff_user_cannot_record_a_day_for_another_locations_campaign(
    client, sunrise_staff, harbor_campaign
):
    client.force_login(sunrise_staff)

    response = client.post(f"{DAILY_METRICS}add/", daily_metric_form_data(harbor_campaign))

    assert response.status_code == 200
    assert "Select a valid choice" in html(response)
    with scopes_disabled():
        assert DailyMetric.objects.filter(campaign=harbor_campaign).count() == 1


def test_staff_user_cannot_complete_another_locations_campaign_by_action(
    client, sunrise_staff, harbor_campaign
):
    client.force_login(sunrise_staff)

    client.post(CAMPAIGNS, {"action": "mark_completed", "_selected_action": [harbor_campaign.pk]})

    with scopes_disabled():
        harbor_campaign.refresh_from_db()
    assert harbor_campaign.status == Campaign.Status.ACTIVE
    assert harbor_campaign.completed_at is None


# --- Query counts ----------------------------------------------------------------------------


def add_campaigns_with_days(location, count: int) -> None:
    for _ in range(count):
        campaign = CampaignFactory(location=location)
        DailyMetricFactory(campaign=campaign)
        DailyMetricFactory(campaign=campaign)


def count_queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


@pytest.mark.parametrize("user_fixture", ["superuser", "sunrise_staff"])
def test_campaign_changelist_queries_do_not_grow_with_campaigns(
    client, request, user_fixture, sunrise, harbor
):
    client.force_login(request.getfixturevalue(user_fixture))
    add_campaigns_with_days(sunrise, 2)
    add_campaigns_with_days(harbor, 1)
    client.get(CAMPAIGNS)  # warm the caches (content types, session) before counting

    with_three = count_queries(client, CAMPAIGNS)
    add_campaigns_with_days(sunrise, 18)
    add_campaigns_with_days(harbor, 9)
    with_thirty = count_queries(client, CAMPAIGNS)

    assert with_thirty == with_three


@pytest.mark.parametrize("url", [DAILY_METRICS, FUNNEL_STAGES])
def test_day_and_funnel_changelist_queries_do_not_grow_with_campaigns(
    client, url, superuser, sunrise, harbor
):
    def add(location, count):
        for _ in range(count):
            campaign = CampaignFactory(location=location)
            DailyMetricFactory(campaign=campaign)
            FunnelStageFactory(campaign=campaign)

    client.force_login(superuser)
    add(sunrise, 3)
    client.get(url)

    with_three = count_queries(client, url)
    add(harbor, 27)
    with_thirty = count_queries(client, url)

    assert with_thirty == with_three


# --- Actions ---------------------------------------------------------------------------------


def test_mark_completed_action_completes_selected_campaigns(client, superuser, sunrise, harbor):
    first = CampaignFactory(location=sunrise, name="Open House Week")
    second = CampaignFactory(location=harbor, name="Harbor Newsletter")
    untouched = CampaignFactory(location=sunrise, name="Evergreen Ads")
    client.force_login(superuser)

    response = client.post(
        CAMPAIGNS, {"action": "mark_completed", "_selected_action": [first.pk, second.pk]}
    )
    followed = client.get(response.url)

    assert response.status_code == 302
    assert "2 campaign(s) marked completed." in html(followed)
    with scopes_disabled():
        for campaign in (first, second, untouched):
            campaign.refresh_from_db()
    assert (first.status, second.status) == ("completed", "completed")
    assert first.completed_at is not None
    assert second.completed_at is not None
    assert untouched.status == "active"
    assert untouched.completed_at is None


def test_staff_user_mark_completed_action_completes_own_campaign(client, sunrise_staff, sunrise):
    campaign = CampaignFactory(location=sunrise, name="Open House Week")
    client.force_login(sunrise_staff)

    client.post(CAMPAIGNS, {"action": "mark_completed", "_selected_action": [campaign.pk]})

    with scopes_disabled():
        campaign.refresh_from_db()
    assert campaign.status == "completed"
    assert campaign.completed_at is not None


# --- Recording a day in the admin ------------------------------------------------------------


def test_adding_a_day_already_recorded_shows_an_error_and_creates_nothing(
    client, superuser, reference_campaign
):
    client.force_login(superuser)

    response = client.post(
        f"{DAILY_METRICS}add/", daily_metric_form_data(reference_campaign, date="2026-01-12")
    )

    assert response.status_code == 200
    assert "already recorded" in html(response)
    with scopes_disabled():
        assert DailyMetric.objects.filter(campaign=reference_campaign).count() == 3
        assert DailyMetric.objects.get(
            campaign=reference_campaign, date=date(2026, 1, 12)
        ).spend == Decimal("2000.00")


def test_adding_a_day_with_more_hot_than_qualified_leads_shows_the_models_error(
    client, superuser, reference_campaign
):
    client.force_login(superuser)

    response = client.post(
        f"{DAILY_METRICS}add/",
        daily_metric_form_data(reference_campaign, qualified_leads="3", hot_leads="5"),
    )

    assert response.status_code == 200
    assert "Hot leads cannot exceed qualified leads." in html(response)
    with scopes_disabled():
        assert DailyMetric.objects.filter(campaign=reference_campaign).count() == 3


@pytest.mark.parametrize(
    ("day", "message"),
    [
        ("2025-12-31", "before the campaign started"),
        ("2026-02-01", "after the campaign ended"),
    ],
)
def test_adding_a_day_outside_the_campaign_follows_the_same_rules_as_the_services(
    client, superuser, reference_campaign, day, message
):
    client.force_login(superuser)

    response = client.post(
        f"{DAILY_METRICS}add/", daily_metric_form_data(reference_campaign, date=day)
    )

    assert message in html(response)
    with scopes_disabled():
        assert DailyMetric.objects.filter(campaign=reference_campaign).count() == 3


def test_adding_a_day_takes_its_location_from_the_campaign(
    client, sunrise_staff, sunrise, reference_campaign
):
    client.force_login(sunrise_staff)

    response = client.post(f"{DAILY_METRICS}add/", daily_metric_form_data(reference_campaign))

    assert response.status_code == 302
    with scopes_disabled():
        day = DailyMetric.objects.get(campaign=reference_campaign, date=date(2026, 1, 20))
    assert day.location == sunrise
    assert (day.leads, day.spend, day.revenue) == (20, Decimal("400.00"), Decimal("1500.00"))


# --- Editing a campaign and its days ---------------------------------------------------------


def test_the_campaign_pages_days_link_lists_that_campaigns_days_only(
    client, superuser, sunrise, reference_campaign
):
    other = CampaignFactory(location=sunrise, name="Other Campaign")
    DailyMetricFactory(campaign=other, date=date(2026, 1, 12))
    client.force_login(superuser)
    page = html(client.get(f"{CAMPAIGNS}{reference_campaign.pk}/change/"))
    link = re.search(r'<a href="([^"]+)">3 recorded days</a>', page).group(1)

    response = client.get(link.replace("&amp;", "&"))

    assert response.status_code == 200
    assert changelist_rows(response) == 3
    assert "Other Campaign" not in html(response)


def test_a_campaign_with_400_recorded_days_saves_from_its_change_page(client, superuser, sunrise):
    """The day inline posted 9 fields a day: past ~90 days Django refused the form (400 Too
    many fields) and the page was 434 KB. The days are now a link to their own changelist."""
    campaign = CampaignFactory(location=sunrise, name="A Long Year", start_date=date(2024, 1, 1))
    with scopes_disabled():
        DailyMetric.objects.bulk_create(
            DailyMetric(
                location=sunrise, campaign=campaign, date=date(2024, 1, 1) + timedelta(days=i)
            )
            for i in range(400)
        )
    client.force_login(superuser)
    url = f"{CAMPAIGNS}{campaign.pk}/change/"

    page = client.get(url)
    response = client.post(url, change_form_data(page) | {"budget": "7777.00"})

    assert page.status_code == 200
    assert len(page.content) < 100_000
    assert ">400 recorded days</a>" in html(page)
    assert response.status_code == 302
    with scopes_disabled():
        campaign.refresh_from_db()
        assert campaign.daily_metrics.count() == 400
    assert campaign.budget == Decimal("7777.00")


def test_saving_the_campaign_form_unchanged_keeps_its_days_and_funnel(
    client, superuser, reference_campaign
):
    client.force_login(superuser)
    url = f"{CAMPAIGNS}{reference_campaign.pk}/change/"

    response = client.post(url, change_form_data(client.get(url)))

    assert response.status_code == 302
    with scopes_disabled():
        assert DailyMetric.objects.filter(campaign=reference_campaign).count() == 3
        assert reference_campaign.funnel_stages.count() == 5
