"""Schemathesis against the API's own OpenAPI document: a short, seeded, deterministic run of
every operation (explicit examples, the coverage phase's edge cases, then fuzzing with valid
and invalid data) with a write token of a location that has a campaign with recorded days,
checked with every default check: no server error, every status and content type documented,
every response matching its schema, schema-invalid requests refused and schema-valid ones
never refused as invalid (422). Zero failures is the bar: a failure means the schema and the
API disagree, and the API (or the schema it states) is what gets fixed."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
import schemathesis
from django.core.cache import cache
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck
from hypothesis import settings as hypothesis_settings

from campaigns import services, tokens
from campaigns.api import api
from campaigns.models import ApiToken, Campaign
from campaigns.tenancy import scope
from tests.conftest import REFERENCE_DAYS, REFERENCE_FUNNEL

#: A fixed secret, so that the schema's configuration can send it with every request.
SECRET = "cpa_schemathesis-fixed-secret-for-the-seeded-run-000"
#: A fixed campaign id (far above any id the run creates), so that the campaign operations
#: reach a real campaign instead of answering 404 to every generated id.
CAMPAIGN_ID = 4242
SEED = 20260105

config = schemathesis.Config.from_dict(
    {
        "seed": SEED,
        "headers": {"Authorization": f"Bearer {SECRET}"},
        "parameters": {"campaign_id": CAMPAIGN_ID},
        "generation": {"max-examples": 25, "deterministic": True, "database": "none"},
        # Stateful testing needs links between operations, which the document does not have.
        "phases": {"stateful": {"enabled": False}},
    }
)
schema = schemathesis.openapi.from_dict(api.get_openapi_schema(), config=config)
schema.app = WSGIHandler()


@pytest.fixture
def wsgi_within_the_test_transaction():
    """Keep the test's database connection across WSGI requests, as Django's test client
    does: the handler would close it at the end of each request (the test's transaction is
    not autocommit), which PostgreSQL cannot survive."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def seeded_location(db, sunrise, settings, wsgi_within_the_test_transaction):
    """Sunrise with a write token of SECRET and campaign CAMPAIGN_ID with days and a funnel;
    the WSGI client's host allowed, the rate limit out of the way (it has its own tests)."""
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "localhost"]
    settings.API_RATE_LIMIT_REQUESTS = 10**9
    cache.clear()
    with scope(sunrise):
        ApiToken.objects.create(
            location=sunrise,
            name="Schemathesis",
            prefix=SECRET[:8],
            key_hash=tokens.hash_secret(SECRET),
        )
        Campaign.objects.create(
            pk=CAMPAIGN_ID,
            location=sunrise,
            name="January SMS Blast",
            channel="sms",
            budget=Decimal("5000.00"),
            start_date=date(2026, 1, 1),
            target_leads=150,
            target_roi=Decimal("2.5"),
        )
        campaign = Campaign.objects.for_location(sunrise).get(pk=CAMPAIGN_ID)
    services.record_days(campaign=campaign, rows=REFERENCE_DAYS)
    services.set_funnel(campaign=campaign, counts=REFERENCE_FUNNEL)
    return sunrise


@schema.parametrize()
@hypothesis_settings(
    deadline=None,
    derandomize=True,
    # The fixture sets up the location once per operation; every example reuses it.
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
def test_the_api_keeps_to_its_openapi_document(case, seeded_location):
    case.call_and_validate()
