"""Bounds on every number and date, in one place (campaigns/bounds.py): the values an outside
test used to take pages down are refused with a clear message everywhere, and the database
refuses them too."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse

from campaigns import bounds, services, tokens
from campaigns.models import Campaign, DailyMetric, FunnelStage
from campaigns.tenancy import scope, scopes_disabled
from tests.test_api import ApiClient, errors
from tests.test_views import campaign_data

pytestmark = pytest.mark.django_db

HUGE = 9223372036854775807  # the largest 64-bit integer: two of them overflowed SQLite's SUM


@pytest.fixture
def api(client, sunrise):
    return ApiClient(client, tokens.issue_token(location=sunrise, name="Bounds")[1])


@pytest.fixture
def spring(sunrise):
    return services.create_campaign(
        location=sunrise,
        name="Spring",
        channel="sms",
        budget=Decimal("1000.00"),
        start_date=date(2026, 1, 1),
    )


def test_huge_counts_through_the_api_are_refused_and_the_pages_stay_up(
    api, client, sunrise_manager, sunrise, spring
):
    rows = [
        {"date": "2026-01-02", "impressions": HUGE},
        {"date": "2026-01-03", "impressions": HUGE},
    ]

    response = api.post(f"/campaigns/{spring.pk}/days", {"rows": rows})

    assert response.status_code == 422
    assert {e["field"] for e in errors(response)} == {"impressions"}
    assert "1000000000" in errors(response)[0]["message"]
    with scopes_disabled():
        assert not DailyMetric.objects.exists()
    client.force_login(sunrise_manager)
    for name in ("overview", "campaigns", "channels", "campaigns_csv"):
        assert client.get(reverse(f"campaigns:{name}", args=[sunrise.slug])).status_code == 200
    assert client.get("/portfolio/").status_code == 200


def test_a_day_at_the_bounds_is_recorded(spring):
    services.record_day(
        campaign=spring,
        day=date(2026, 1, 2),
        impressions=bounds.MAX_COUNT,
        spend=bounds.MAX_MONEY,
    )

    with scope(spring.location):
        assert DailyMetric.objects.get().impressions == 10**9


@pytest.mark.parametrize(
    ("field", "value"),
    [("clicks", 10**9 + 1), ("leads", 10**9 + 1), ("spend", Decimal("10000000000.01"))],
)
def test_a_day_beyond_the_bounds_is_refused(spring, field, value):
    with pytest.raises(ValidationError) as refused:
        services.record_day(campaign=spring, day=date(2026, 1, 2), **{field: value})

    assert field in refused.value.message_dict


@pytest.mark.parametrize("start", ["0001-01-01", "1900-01-01", "1999-12-31"])
def test_absurd_start_dates_are_refused_by_the_form_and_the_api(
    client, sunrise_manager, sunrise, api, start
):
    client.force_login(sunrise_manager)

    page = client.post(
        reverse("campaigns:new", args=[sunrise.slug]), campaign_data(start_date=start)
    )
    response = api.post("/campaigns", {"name": "Old", "channel": "sms", "start_date": start})

    assert page.status_code == 200
    assert "Choose a date between Jan 1, 2000 and" in page.content.decode()
    assert response.status_code == 422
    assert errors(response)[0]["field"] == "start_date"
    with scopes_disabled():
        assert not Campaign.objects.exists()
    overview = reverse("campaigns:overview", args=[sunrise.slug]) + "?period=all"
    assert client.get(overview).status_code == 200


def test_a_date_more_than_ten_years_ahead_is_refused(sunrise):
    too_late = bounds.latest_day() + timedelta(days=1)

    with pytest.raises(ValidationError) as refused:
        services.create_campaign(
            location=sunrise,
            name="Far",
            channel="sms",
            start_date=date(2026, 1, 1),
            end_date=too_late,
        )

    assert "end_date" in refused.value.message_dict


def test_the_earliest_and_latest_days_are_accepted(sunrise):
    services.create_campaign(
        location=sunrise,
        name="Long",
        channel="sms",
        start_date=bounds.EARLIEST_DAY,
        end_date=bounds.latest_day(),
    )


def test_a_funnel_count_beyond_a_lifetime_of_days_is_refused(spring):
    with pytest.raises(ValidationError) as refused:
        services.set_funnel(campaign=spring, counts={"awareness": bounds.MAX_TOTAL_COUNT + 1})

    assert "awareness" in refused.value.message_dict


@pytest.mark.parametrize(
    ("model", "values"),
    [
        ("day", {"impressions": 10**9 + 1}),
        ("day", {"revenue": Decimal("10000000001")}),
        ("campaign", {"start_date": date(1900, 1, 1)}),
        ("campaign", {"budget": Decimal("10000000001")}),
    ],
)
def test_the_database_refuses_what_slips_past_validation(spring, model, values):
    if model == "day":
        services.record_day(campaign=spring, day=date(2026, 1, 2), leads=1)
    with scope(spring.location), pytest.raises(IntegrityError), transaction.atomic():
        rows = DailyMetric.objects.all() if model == "day" else Campaign.objects.all()
        rows.update(**values)


def test_a_funnel_stage_beyond_the_bound_is_refused_by_the_database(spring):
    services.set_funnel(campaign=spring, counts={"awareness": 10})

    with scope(spring.location), pytest.raises(IntegrityError), transaction.atomic():
        FunnelStage.objects.update(count=bounds.MAX_TOTAL_COUNT + 1)
