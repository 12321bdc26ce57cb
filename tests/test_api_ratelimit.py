"""Per-token rate limits: API_RATE_LIMIT_REQUESTS requests per API_RATE_LIMIT_WINDOW seconds
for each token, counted in a fixed window in Django's cache; over the limit the API answers
429 in its JSON error format with Retry-After, writes nothing, and the next window starts
again from zero. Another token is not affected."""

import pytest
from django.core.cache import cache

from campaigns import ratelimit, tokens
from campaigns.models import FunnelStage
from campaigns.tenancy import scopes_disabled
from tests.test_api import API, bearer

pytestmark = pytest.mark.django_db

#: A moment in the middle of a 60-second window: 1,800,000,000 is a multiple of 60.
T0 = 1_800_000_000.0


@pytest.fixture(autouse=True)
def low_limit(settings):
    settings.API_RATE_LIMIT_REQUESTS = 3
    settings.API_RATE_LIMIT_WINDOW = 60
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def clock(monkeypatch):
    """The rate limiter's clock, set by the test."""

    class Clock:
        now = T0 + 20

    monkeypatch.setattr(ratelimit.time, "time", lambda: Clock.now)
    return Clock


@pytest.fixture
def sunrise_secret(sunrise):
    return tokens.issue_token(location=sunrise, name="Sunrise CRM sync")[1]


@pytest.fixture
def harbor_secret(harbor):
    return tokens.issue_token(location=harbor, name="Harbor nightly script")[1]


def get(client, secret):
    return client.get(f"{API}/campaigns", **bearer(secret))


def test_a_token_over_its_limit_gets_429_with_retry_after(client, sunrise_secret, clock):
    statuses = [get(client, sunrise_secret).status_code for _ in range(3)]

    refused = get(client, sunrise_secret)

    assert statuses == [200, 200, 200]
    assert refused.status_code == 429
    assert refused["Content-Type"] == "application/json; charset=utf-8"
    assert refused["Retry-After"] == "40"  # 20 s into the window of 60
    [error] = refused.json()["errors"]
    assert error["field"] is None
    assert "at most 3 every 60 seconds" in error["message"]
    assert "Retry after 40 seconds" in error["message"]
    assert client.get(f"{API}/openapi.json").status_code == 200  # needs no token: not limited


def test_a_refused_write_changes_nothing(client, sunrise_secret, reference_campaign, clock):
    for _ in range(3):
        get(client, sunrise_secret)

    response = client.put(
        f"{API}/campaigns/{reference_campaign.pk}/funnel",
        '{"awareness": 20000}',
        content_type="application/json",
        **bearer(sunrise_secret),
    )

    assert response.status_code == 429
    with scopes_disabled():
        assert FunnelStage.objects.get(stage="awareness").count == 10000


def test_the_limit_is_per_token(client, sunrise, sunrise_secret, harbor_secret, clock):
    other_sunrise_secret = tokens.issue_token(location=sunrise, name="Second integration")[1]
    for _ in range(4):
        get(client, sunrise_secret)
    for _ in range(5):  # requests without a valid token count against no token
        assert get(client, "cpa_not-a-real-token").status_code == 401

    assert get(client, sunrise_secret).status_code == 429
    assert get(client, harbor_secret).status_code == 200
    assert get(client, other_sunrise_secret).status_code == 200


def test_the_count_starts_again_in_the_next_window(client, sunrise_secret, clock):
    for _ in range(3):
        get(client, sunrise_secret)
    assert get(client, sunrise_secret).status_code == 429

    clock.now = T0 + 59.5
    assert get(client, sunrise_secret)["Retry-After"] == "1"
    clock.now = T0 + 60
    assert [get(client, sunrise_secret).status_code for _ in range(4)] == [200, 200, 200, 429]


def test_the_default_limit_is_120_a_minute(settings):
    del settings.API_RATE_LIMIT_REQUESTS
    del settings.API_RATE_LIMIT_WINDOW

    assert ratelimit.limits() == (120, 60)
