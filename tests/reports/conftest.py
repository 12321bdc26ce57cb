"""Fixtures of the scheduled-report tests: a New York location, a manager with an address, and
another location's sentinel campaign."""

from datetime import date
from decimal import Decimal

import pytest

from campaigns import services
from tests.report_support import SENTINEL


@pytest.fixture
def new_york(sunrise):
    sunrise.time_zone = "America/New_York"
    sunrise.save()
    return sunrise


@pytest.fixture
def manager(sunrise_manager):
    sunrise_manager.email = "manager@sunrise.test"
    sunrise_manager.save()
    return sunrise_manager


@pytest.fixture
def sentinel_campaign(harbor):
    """Harbor's campaign, with a name and revenue that must never reach Sunrise's recipients."""
    campaign = services.create_campaign(
        location=harbor,
        name=f"{SENTINEL} Harbor Promo",
        channel="sms",
        status="active",
        budget=Decimal("777.00"),
        start_date=date(2026, 1, 1),
    )
    services.record_days(
        campaign=campaign,
        rows=[{"date": date(2026, 3, 3), "leads": 9, "revenue": Decimal("98765.00")}],
    )
    return campaign
