"""The service API: validated writes in one transaction, upserts that never double-count."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from campaigns import services
from campaigns.analytics.locations import active_campaigns
from campaigns.analytics.reports import campaign_report
from campaigns.models import Campaign, DailyMetric, FunnelStage
from campaigns.services import BatchValidationError
from campaigns.tenancy import scope, scopes_disabled
from tests.factories import CampaignFactory

pytestmark = pytest.mark.django_db

DAY = date(2026, 1, 10)


@pytest.fixture
def campaign(sunrise):
    return CampaignFactory(location=sunrise, start_date=date(2026, 1, 1), end_date=None)


def test_create_campaign_validates_and_saves(sunrise):
    campaign = services.create_campaign(
        location=sunrise,
        name="Spring SMS",
        channel="sms",
        budget=Decimal("1200.00"),
        start_date=date(2026, 3, 1),
        end_date=date(2026, 3, 31),
        target_roi=Decimal("2.5"),
    )
    with scope(sunrise):
        saved = Campaign.objects.get(pk=campaign.pk)
    assert (saved.location, saved.status, saved.budget) == (sunrise, "active", Decimal("1200.00"))


@pytest.mark.parametrize(
    ("fields", "field_in_error"),
    [
        ({"channel": "fax"}, "channel"),
        ({"budget": Decimal("-1")}, "budget"),
        ({"end_date": date(2026, 2, 1)}, "end_date"),
        ({"status": "archived"}, "status"),
        ({"name": ""}, "name"),
    ],
)
def test_create_campaign_refuses_bad_input_and_saves_nothing(sunrise, fields, field_in_error):
    values = {
        "name": "Bad",
        "channel": "sms",
        "budget": Decimal("10"),
        "start_date": date(2026, 3, 1),
        **fields,
    }
    with pytest.raises(ValidationError) as error:
        services.create_campaign(location=sunrise, **values)
    assert field_in_error in error.value.message_dict
    with scope(sunrise):
        assert not Campaign.objects.exists()


def test_campaign_names_are_unique_within_a_location_only(sunrise, harbor):
    fields = {
        "name": "Spring",
        "channel": "sms",
        "budget": Decimal("1"),
        "start_date": date(2026, 1, 1),
    }
    services.create_campaign(location=sunrise, **fields)
    services.create_campaign(location=harbor, **fields)
    with pytest.raises(ValidationError, match="already has a campaign with this name"):
        services.create_campaign(location=sunrise, **fields)


def test_money_given_as_a_float_is_refused(sunrise):
    with pytest.raises(ValidationError, match="not a float"):
        services.create_campaign(
            location=sunrise, name="F", channel="sms", budget=10.5, start_date=date(2026, 1, 1)
        )


def test_recording_a_day_twice_replaces_it(campaign):
    services.record_day(campaign=campaign, day=DAY, leads=10, spend=Decimal("100.00"))
    services.record_day(
        campaign=campaign, day=DAY, leads=7, qualified_leads=2, spend=Decimal("80.50")
    )

    with scope(campaign.location):
        rows = list(DailyMetric.objects.filter(campaign=campaign))
    assert len(rows) == 1
    assert (rows[0].leads, rows[0].qualified_leads, rows[0].spend) == (7, 2, Decimal("80.50"))
    report = campaign_report(campaign, today=date(2026, 2, 1))
    assert report.totals.leads == 7


def test_recording_many_days_is_one_bulk_upsert(campaign):
    rows = [
        {"date": DAY + timedelta(days=i), "leads": i, "spend": Decimal("10.00")} for i in range(30)
    ]
    with CaptureQueriesContext(connection) as queries:
        services.record_days(campaign=campaign, rows=rows)
    writes = [
        q
        for q in queries.captured_queries
        if q["sql"].startswith(('INSERT INTO "campaigns_dailymetric"', 'UPDATE "campaigns_dailym'))
    ]
    assert len(writes) == 1

    services.record_days(campaign=campaign, rows=rows)  # the same rows again change nothing
    with scope(campaign.location):
        assert DailyMetric.objects.filter(campaign=campaign).count() == 30


def test_a_batch_with_one_bad_row_writes_nothing_and_names_the_row(campaign):
    rows = [
        {"date": DAY, "leads": 5},
        {"date": DAY + timedelta(days=1), "leads": 3, "qualified_leads": 4},
        {"date": DAY + timedelta(days=2), "clicks": -1},
    ]
    with pytest.raises(BatchValidationError) as error:
        services.record_days(campaign=campaign, rows=rows)

    assert error.value.row_errors[1] == {
        "qualified_leads": ["Qualified leads cannot exceed leads."]
    }
    assert "clicks" in error.value.row_errors[2]
    assert "Row 2, qualified_leads: Qualified leads cannot exceed leads." in error.value.messages
    with scope(campaign.location):
        assert not DailyMetric.objects.exists()


@pytest.mark.parametrize(
    ("row", "field", "message"),
    [
        ({"date": date(2025, 12, 31)}, "date", "before the campaign started"),
        ({"date": date(2999, 1, 1)}, "date", "has not happened yet"),
        ({"date": "not a date"}, "date", "invalid date format"),
        (
            {"date": DAY, "hot_leads": 2, "qualified_leads": 1, "leads": 5},
            "hot_leads",
            "Hot leads cannot exceed qualified leads.",
        ),
        ({"date": DAY, "spend": Decimal("-5")}, "spend", "greater than or equal to 0"),
        ({"date": DAY, "revenue": 12.5}, "revenue", "not floats"),
        ({"date": DAY, "colour": "red"}, "colour", "Unknown column"),
        ({"date": DAY, "leads": "many"}, "leads", "must be an integer"),
    ],
)
def test_a_bad_day_gets_a_clear_message(campaign, row, field, message):
    with pytest.raises(ValidationError) as error:
        services.record_day(campaign=campaign, **{"day": row.pop("date"), **row})
    assert message in " ".join(error.value.message_dict[field])


def test_a_day_after_the_campaign_ended_is_refused(sunrise):
    campaign = CampaignFactory(
        location=sunrise, start_date=date(2026, 1, 1), end_date=date(2026, 1, 31)
    )
    with pytest.raises(ValidationError, match="after the campaign ended"):
        services.record_day(campaign=campaign, day=date(2026, 2, 1), leads=1)


def test_the_same_day_twice_in_one_batch_is_refused(campaign):
    with pytest.raises(BatchValidationError, match="appears twice"):
        services.record_days(campaign=campaign, rows=[{"date": DAY}, {"date": DAY}])


def test_setting_a_funnel_stage_again_replaces_its_count(campaign):
    services.set_funnel_stage(campaign=campaign, stage="awareness", count=100)
    services.set_funnel_stage(campaign=campaign, stage="awareness", count=250)
    with scope(campaign.location):
        stages = list(FunnelStage.objects.filter(campaign=campaign).values_list("stage", "count"))
    assert stages == [("awareness", 250)]


def test_a_bad_funnel_stage_is_refused(campaign):
    with pytest.raises(ValidationError) as error:
        services.set_funnel(campaign=campaign, counts={"awareness": -1, "desire": 5})
    assert set(error.value.message_dict) == {"awareness", "desire"}
    with scope(campaign.location):
        assert not FunnelStage.objects.exists()


def test_completing_a_campaign_sets_status_and_time_once(campaign):
    services.complete_campaign(campaign=campaign)
    first = campaign.completed_at
    services.complete_campaign(campaign=campaign)

    with scope(campaign.location):
        campaign.refresh_from_db()
    assert campaign.status == "completed"
    assert campaign.completed_at == first is not None


def test_active_campaigns_lists_only_active_ones_of_the_location(sunrise, harbor):
    active = CampaignFactory(location=sunrise, status="active")
    CampaignFactory(location=sunrise, status="completed")
    CampaignFactory(location=sunrise, status="paused")
    CampaignFactory(location=harbor, status="active")

    assert active_campaigns(sunrise) == [active]


def test_recorded_rows_always_carry_their_campaigns_location(campaign, harbor):
    services.record_day(campaign=campaign, day=DAY, leads=1)
    metric = DailyMetric(campaign=campaign, location=harbor, date=DAY + timedelta(days=1))
    with scopes_disabled():
        metric.save()
        assert {m.location_id for m in DailyMetric.objects.all()} == {campaign.location_id}
