"""The database itself refuses bad values, even when forms and services are bypassed."""

from datetime import date
from decimal import Decimal

import pytest
from django.db import DataError, IntegrityError, transaction

from campaigns.models import Campaign, DailyMetric, FunnelStage, Location, Membership
from campaigns.tenancy import scopes_disabled
from tests.factories import (
    CampaignFactory,
    DailyMetricFactory,
    FunnelStageFactory,
    LocationFactory,
    MembershipFactory,
)

pytestmark = pytest.mark.django_db


def refused(queryset, **values) -> bool:
    """True when the database refuses the UPDATE, changing nothing.

    A broken rule is an IntegrityError; PostgreSQL refuses a too-long string as a DataError.
    """
    try:
        with transaction.atomic():
            queryset.update(**values)
    except (IntegrityError, DataError):
        return True
    return False


@pytest.mark.parametrize(
    "values",
    [
        {"impressions": -1},
        {"clicks": -1},
        {"leads": -1},
        {"qualified_leads": -1},
        {"hot_leads": -1},
        {"conversions": -1},
        {"revenue": Decimal("-0.01")},
        {"spend": Decimal("-0.01")},
        {"leads": 3, "qualified_leads": 4, "hot_leads": 0},
        {"leads": 5, "qualified_leads": 2, "hot_leads": 3},
    ],
)
def test_daily_numbers_are_checked_by_the_database(values):
    metric = DailyMetricFactory(leads=5, qualified_leads=2, hot_leads=1)
    with scopes_disabled():
        assert refused(DailyMetric.objects.filter(pk=metric.pk), **values)
        metric.refresh_from_db()
    assert (metric.leads, metric.qualified_leads, metric.hot_leads) == (5, 2, 1)


def test_hot_equal_to_qualified_equal_to_leads_is_allowed():
    metric = DailyMetricFactory()
    with scopes_disabled():
        assert not refused(
            DailyMetric.objects.filter(pk=metric.pk), leads=3, qualified_leads=3, hot_leads=3
        )


def test_one_row_per_campaign_and_day():
    metric = DailyMetricFactory()
    with scopes_disabled(), pytest.raises(IntegrityError), transaction.atomic():
        DailyMetric.objects.bulk_create(
            [DailyMetric(campaign=metric.campaign, location=metric.location, date=metric.date)]
        )


@pytest.mark.parametrize(
    "values",
    [
        {"channel": "fax"},
        {"status": "archived"},
        {"budget": Decimal("-1")},
        {"end_date": date(2025, 12, 31)},
        {"target_roi": Decimal("-1.5")},
        {"target_leads": -1},
        {"target_conversions": -1},
    ],
)
def test_campaign_rules_are_checked_by_the_database(values):
    campaign = CampaignFactory(start_date=date(2026, 1, 1))
    with scopes_disabled():
        assert refused(Campaign.objects.filter(pk=campaign.pk), **values)


def test_campaign_names_are_unique_per_location_in_the_database():
    campaign = CampaignFactory(name="Spring")
    CampaignFactory(name="Spring")  # another location: allowed
    with scopes_disabled(), pytest.raises(IntegrityError), transaction.atomic():
        Campaign.objects.bulk_create(
            [
                Campaign(
                    location=campaign.location,
                    name="Spring",
                    channel="sms",
                    budget=0,
                    start_date=date(2026, 1, 1),
                )
            ]
        )


@pytest.mark.parametrize("values", [{"stage": "desire"}, {"count": -1}])
def test_funnel_stage_rules_are_checked_by_the_database(values):
    stage = FunnelStageFactory()
    with scopes_disabled():
        assert refused(FunnelStage.objects.filter(pk=stage.pk), **values)


def test_one_count_per_campaign_and_stage():
    stage = FunnelStageFactory(stage="interest")
    with scopes_disabled(), pytest.raises(IntegrityError), transaction.atomic():
        FunnelStage.objects.bulk_create(
            [
                FunnelStage(
                    campaign=stage.campaign, location=stage.location, stage="interest", count=1
                )
            ]
        )


@pytest.mark.parametrize("currency", ["usd", "US", "DOLLAR"])
def test_location_currency_is_a_three_letter_upper_case_code(currency):
    location = LocationFactory()
    assert refused(Location.objects.filter(pk=location.pk), currency=currency)


def test_location_slug_and_external_id_are_unique_but_external_id_may_be_blank():
    first = LocationFactory(external_id="location_abc123")
    LocationFactory(external_id="")
    LocationFactory(external_id="")
    second = LocationFactory()
    assert refused(Location.objects.filter(pk=second.pk), external_id="location_abc123")
    assert refused(Location.objects.filter(pk=second.pk), slug=first.slug)


def test_membership_is_unique_per_user_and_location_with_a_valid_role():
    membership = MembershipFactory()
    assert refused(Membership.objects.filter(pk=membership.pk), role="owner")
    with pytest.raises(IntegrityError), transaction.atomic():
        Membership.objects.create(user=membership.user, location=membership.location, role="viewer")
