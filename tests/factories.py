"""Factories for the domain. Tenant rows are created inside scopes_disabled(): a factory is
test set-up, not application code."""

from datetime import date, timedelta
from decimal import Decimal

import factory
from django.contrib.auth import get_user_model

from campaigns.models import Campaign, DailyMetric, FunnelStage, Location, Membership
from campaigns.tenancy import scopes_disabled


class ScopedFactory(factory.django.DjangoModelFactory):
    class Meta:
        abstract = True

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        with scopes_disabled():
            return super()._create(model_class, *args, **kwargs)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ["username"]

    username = factory.Sequence(lambda n: f"user{n}")
    password = factory.django.Password("pw-for-tests-1")


class LocationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Location

    name = factory.Sequence(lambda n: f"Location {n}")
    slug = factory.Sequence(lambda n: f"location-{n}")


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    location = factory.SubFactory(LocationFactory)
    role = Membership.Role.MANAGER


class CampaignFactory(ScopedFactory):
    class Meta:
        model = Campaign

    location = factory.SubFactory(LocationFactory)
    name = factory.Sequence(lambda n: f"Campaign {n}")
    channel = Campaign.Channel.SMS
    status = Campaign.Status.ACTIVE
    budget = Decimal("1000.00")
    start_date = date(2026, 1, 1)
    end_date = None


class DailyMetricFactory(ScopedFactory):
    class Meta:
        model = DailyMetric

    campaign = factory.SubFactory(CampaignFactory)
    location = factory.SelfAttribute("campaign.location")
    date = factory.Sequence(lambda n: date(2026, 1, 1) + timedelta(days=n))
    impressions = 1000
    clicks = 50
    leads = 10
    qualified_leads = 4
    hot_leads = 1
    conversions = 1
    revenue = Decimal("300.00")
    spend = Decimal("100.00")


class FunnelStageFactory(ScopedFactory):
    class Meta:
        model = FunnelStage

    campaign = factory.SubFactory(CampaignFactory)
    location = factory.SelfAttribute("campaign.location")
    stage = FunnelStage.Stage.AWARENESS
    count = 100


def add_campaigns(location, count: int, first: int) -> None:
    """``count`` campaigns with three recent days each, across channels, statuses and targets."""
    today = location.today()
    channels = list(Campaign.Channel.values)
    for i in range(first, first + count):
        campaign = CampaignFactory(
            location=location,
            name=f"Load test {i:03}",
            channel=channels[i % len(channels)],
            status="paused" if i % 7 == 3 else "active",
            budget=Decimal("3000.00"),
            start_date=today - timedelta(days=20),
            end_date=today + timedelta(days=10) if i % 2 else None,
            target_leads=100 if i % 3 else None,
            target_conversions=10,
            target_roi=Decimal("1.5"),
        )
        for days_ago in (1, 2, 3):
            DailyMetricFactory(
                campaign=campaign,
                date=today - timedelta(days=days_ago),
                revenue=Decimal("50.00") if i % 3 == 0 else Decimal("400.00"),
            )
        if i % 4 == 0:
            FunnelStageFactory(campaign=campaign, stage="awareness", count=5000)
