"""The figure pages' reports come from the cache until a write changes their data: each page
served from a warm cache equals the same page computed afresh, after any write through any
write path (campaigns.page_cache, campaigns.versions)."""

from __future__ import annotations

import contextlib
from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from campaigns import imports, rollups, services
from campaigns.alerts import evaluate_alerts
from campaigns.models import Alert, Campaign, DailyMetric, FunnelStage, ImportBatch, Location
from campaigns.tenancy import scope, scopes_disabled
from campaigns.undo import UndoRefused, undo_batch
from tests.factories import MembershipFactory, UserFactory

HX = {"HTTP_HX_REQUEST": "true"}


def pages(location: Location) -> list[str]:
    base = f"/l/{location.slug}"
    return [
        f"{base}/",
        f"{base}/?period=all",
        f"{base}/?period=7d",
        f"{base}/campaigns/?period=all&sort=-roi",
        f"{base}/campaigns/",
        f"{base}/channels/",
        f"{base}/channels/?period=90d",
        "/portfolio/",
        "/portfolio/?period=all&sort=name",
    ]


@pytest.fixture
def agency(sunrise, harbor):
    """A manager of both locations (so the portfolio shows two rows), and a campaign in each."""
    user = UserFactory(username="agency-manager")
    for location in (sunrise, harbor):
        MembershipFactory(user=user, location=location, role="manager")
        today = location.today()
        campaign = services.create_campaign(
            location=location,
            name=f"{location.name} Search",
            channel="paid_ads",
            start_date=today - timedelta(days=60),
            budget=Decimal("3000.00"),
            target_roi=Decimal("150"),
        )
        services.record_days(
            campaign=campaign,
            rows=[
                {"date": today - timedelta(days=n), "spend": "40.00", "revenue": f"{30 + n}.00"}
                for n in range(1, 40, 3)
            ],
        )
    return user


def fetch(client, urls: list[str]) -> dict[str, str]:
    found = {}
    for url in urls:
        response = client.get(url, **HX)
        assert response.status_code == 200, url
        found[url] = response.content.decode()
    return found


# --- The write paths ---------------------------------------------------------------------------


def first_campaign(location: Location) -> Campaign:
    with scope(location):
        return Campaign.objects.order_by("pk").first()


def record_a_day_by_form(client, location, n):
    """The Record-a-day page, as a manager types it."""
    campaign = first_campaign(location)
    if campaign is None:
        return
    day = location.today() - timedelta(days=1 + n % 20)
    client.post(
        f"/l/{location.slug}/campaigns/{campaign.pk}/metrics/",
        {
            "date": day.isoformat(),
            "impressions": 1000 + n,
            "clicks": 50,
            "leads": 5 + n % 4,
            "qualified_leads": 2,
            "hot_leads": 1,
            "conversions": n % 3,
            "revenue": f"{100 + 7 * n}.00",
            "spend": f"{60 + n}.50",
        },
    )


def record_days_by_service(client, location, n):
    """A bulk upsert of days (the API and the service layer)."""
    campaign = first_campaign(location)
    if campaign is None:
        return
    today = location.today()
    services.record_days(
        campaign=campaign,
        rows=[
            {"date": today - timedelta(days=d), "leads": n + d, "spend": f"{n + d}.25"}
            for d in range(n % 5, n % 5 + 3)
        ],
    )


def import_a_file(client, location, n):
    """A CSV import: it may create a campaign."""
    day = location.today() - timedelta(days=2 + n % 10)
    header = "date,campaign,impressions,clicks,leads,qualified_leads,hot_leads,conversions,revenue"
    name = f"Imported {n % 2}"
    csv = f"{header},spend\n{day},{name},500,20,4,2,1,1,{90 + n}.00,{45 + n}.00\n"
    # A day before the campaign an earlier import created is refused: nothing changes.
    with contextlib.suppress(imports.ImportRefused):
        imports.commit_import(
            location=location,
            parsed=imports.parse_csv(csv.encode()),
            create_missing=True,
            channel="email",
        )


def undo_the_last_import(client, location, n):
    with scope(location):
        batch = ImportBatch.objects.filter(undone_at__isnull=True).order_by("-pk").first()
    if batch is not None:
        with contextlib.suppress(UndoRefused):  # later changes on top of it: nothing changed
            undo_batch(batch)


def edit_a_campaign(client, location, n):
    campaign = first_campaign(location)
    if campaign is not None:
        services.update_campaign(
            campaign=campaign,
            budget=Decimal(1000 + 250 * n),
            target_roi=Decimal(50 + 10 * n),
            status=["active", "paused"][n % 2],
        )


def pause_every_campaign_at_once(client, location, n):
    """A queryset update (the admin's bulk actions)."""
    with scope(location):
        Campaign.objects.filter(location=location).update(status=["paused", "active"][n % 2])


def delete_a_day(client, location, n):
    with scope(location):
        day = DailyMetric.objects.order_by("-date").first()
        if day is not None:
            day.delete()


def delete_a_campaign(client, location, n):
    with scope(location):
        campaign = Campaign.objects.order_by("-pk").first()
        if campaign is not None and Campaign.objects.count() > 1:
            campaign.delete()


def set_the_funnel(client, location, n):
    campaign = first_campaign(location)
    if campaign is not None:
        services.set_funnel(
            campaign=campaign,
            counts={"awareness": 1000 + n, "interest": 100, "consideration": 40 - n % 5},
        )


def delete_the_funnel(client, location, n):
    with scope(location):
        FunnelStage.objects.all().delete()


def move_the_location(client, location, n):
    """The location's settings (admin): time zone and currency."""
    location.refresh_from_db()
    location.time_zone = ["UTC", "Pacific/Kiritimati", "America/Los_Angeles"][n % 3]
    location.currency = ["USD", "EUR"][n % 2]
    location.save()


def evaluate_and_acknowledge_alerts(client, location, n):
    evaluate_alerts(location)
    with scope(location):
        alert = Alert.objects.filter(acknowledged_at__isnull=True).first()
    if alert is not None and n % 2:
        client.post(f"/l/{location.slug}/alerts/acknowledge/", {"alert": alert.pk})


def rebuild_the_rollups(client, location, n):
    with transaction.atomic():
        rollups.rebuild(location.pk)


WRITES = [
    record_a_day_by_form,
    record_days_by_service,
    import_a_file,
    undo_the_last_import,
    edit_a_campaign,
    pause_every_campaign_at_once,
    delete_a_day,
    delete_a_campaign,
    set_the_funnel,
    delete_the_funnel,
    move_the_location,
    evaluate_and_acknowledge_alerts,
    rebuild_the_rollups,
]


@settings(
    max_examples=12,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    st.lists(
        st.tuples(st.sampled_from(WRITES), st.booleans(), st.integers(min_value=0, max_value=30)),
        min_size=1,
        max_size=4,
    )
)
def test_a_cached_page_always_equals_the_page_computed_afresh(
    client, agency, sunrise, harbor, settings, writes
):
    client.force_login(agency)
    urls = pages(sunrise) + pages(harbor)[:7]
    fetch(client, urls)  # warm
    for write, in_sunrise, n in writes:
        write(client, sunrise if in_sunrise else harbor, n)
        cached = fetch(client, urls)
        settings.PAGE_CACHE_SECONDS = 0
        fresh = fetch(client, urls)
        settings.PAGE_CACHE_SECONDS = 3600
        for url in urls:
            assert cached[url] == fresh[url], f"{url} after {write.__name__}"


# --- The cache is used, and every write path raises the version -------------------------------


def test_a_second_visit_is_served_from_the_cache_without_reading_the_figures(
    client, agency, sunrise, django_assert_max_num_queries
):
    client.force_login(agency)
    url = f"/l/{sunrise.slug}/?period=all"
    first = client.get(url)
    assert first.context["view"].report_cached is False
    # Session, user, membership and location; the navigation's locations and alert badge: no
    # figure is read.
    with django_assert_max_num_queries(6):
        second = client.get(url)
    assert second.context["view"].report_cached is True
    fragment = client.get(url, **HX).content.decode()
    assert fragment in first.content.decode()
    assert fragment in second.content.decode()


def test_a_recorded_day_is_on_the_next_page(client, agency, sunrise):
    client.force_login(agency)
    before = client.get(f"/l/{sunrise.slug}/campaigns/?period=all", **HX).content.decode()
    assert "$9,999.00" not in before
    campaign = first_campaign(sunrise)
    services.record_day(campaign=campaign, day=sunrise.today() - timedelta(days=1), revenue="9999")
    after = client.get(f"/l/{sunrise.slug}/campaigns/?period=all", **HX).content.decode()
    assert after != before


@pytest.mark.parametrize("write", WRITES, ids=[w.__name__ for w in WRITES])
def test_every_write_path_raises_the_data_version(client, agency, sunrise, write):
    """Each path, given something to change, raises its location's version (so no cached page
    outlives it); none touches another location's."""
    client.force_login(agency)
    # Something for each path to change: an import to undo, a funnel to delete, an alert.
    import_a_file(client, sunrise, 3)
    set_the_funnel(client, sunrise, 1)
    services.create_campaign(
        location=sunrise,
        name="Overspent",
        channel="sms",
        start_date=sunrise.today() - timedelta(days=10),
        budget=Decimal("10.00"),
    )
    with scope(sunrise):
        overspent = Campaign.objects.get(name="Overspent")
    services.record_day(campaign=overspent, day=sunrise.today() - timedelta(days=1), spend="500")
    with scopes_disabled():
        versions = dict(Location.objects.values_list("pk", "data_version"))
    write(client, sunrise, 1)
    with scopes_disabled():
        after = dict(Location.objects.values_list("pk", "data_version"))
    assert after[sunrise.pk] > versions[sunrise.pk]
    assert {pk: v for pk, v in after.items() if pk != sunrise.pk} == {
        pk: v for pk, v in versions.items() if pk != sunrise.pk
    }


def test_saving_a_location_never_sets_its_version_back(sunrise):
    stale = Location.objects.get(pk=sunrise.pk)
    campaign = services.create_campaign(
        location=sunrise, name="New", channel="sms", start_date=sunrise.today()
    )
    assert campaign.pk
    stale.name = "Sunrise Realty Group"
    stale.save()
    sunrise.refresh_from_db()
    assert sunrise.name == "Sunrise Realty Group"
    assert sunrise.data_version >= 2  # the campaign's write, then the settings' own


def test_a_viewer_and_a_manager_do_not_share_an_entry(
    client, sunrise, sunrise_manager, sunrise_viewer
):
    url = f"/l/{sunrise.slug}/"
    client.force_login(sunrise_manager)
    manager_page = client.get(url, **HX).content.decode()
    client.force_login(sunrise_viewer)
    viewer_page = client.get(url, **HX).content.decode()
    assert "Create a campaign" in manager_page
    assert "Create a campaign" not in viewer_page


def test_another_locations_entry_is_never_served(client, sunrise, harbor, sunrise_manager):
    """The key names the location: a member of one never reads the other's report, and a
    non-member gets the same 404 as before, cached or not."""
    harbor_user = UserFactory(username="harbor-only")
    MembershipFactory(user=harbor_user, location=harbor, role="manager")
    client.force_login(harbor_user)
    assert client.get(f"/l/{harbor.slug}/", **HX).status_code == 200
    client.force_login(sunrise_manager)
    assert client.get(f"/l/{harbor.slug}/", **HX).status_code == 404
