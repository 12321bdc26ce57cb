"""Fixtures of the scheduled-report tests: a New York location and a manager with an address
(another location's sentinel campaign is in tests/conftest.py)."""

import pytest


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
