"""The JSON API v1 through Django's test client: token authentication, one location per token,
writes all-or-nothing with errors by row and field, reports identical to the report JSON, and a
valid OpenAPI document."""

import json
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.test import Client
from django.utils import timezone
from openapi_spec_validator import validate

from campaigns import serialize, tokens
from campaigns.analytics.reports import campaign_report
from campaigns.models import ApiToken, Campaign, DailyMetric, FunnelStage, ImportBatch
from campaigns.periods import Period
from campaigns.tenancy import scopes_disabled
from tests.factories import CampaignFactory, DailyMetricFactory

pytestmark = pytest.mark.django_db

API = "/api/v1"


def bearer(secret: str) -> dict:
    return {"HTTP_AUTHORIZATION": f"Bearer {secret}"}


@pytest.fixture
def sunrise_token(sunrise):
    """(token, secret) of a Sunrise integration."""
    return tokens.issue_token(location=sunrise, name="Sunrise CRM sync")


@pytest.fixture
def harbor_token(harbor):
    return tokens.issue_token(location=harbor, name="Harbor nightly script")


@pytest.fixture
def api(client, sunrise_token):
    """A client that sends Sunrise's token with every request."""
    return ApiClient(client, sunrise_token[1])


class ApiClient:
    def __init__(self, client: Client, secret: str):
        self.client, self.headers = client, bearer(secret)

    def get(self, path: str, **params):
        return self.client.get(API + path, params, **self.headers)

    def post(self, path: str, body, method: str = "post"):
        data = body if isinstance(body, str) else json.dumps(body)
        send = getattr(self.client, method)
        return send(API + path, data, content_type="application/json", **self.headers)

    def put(self, path: str, body):
        return self.post(path, body, method="put")


def errors(response) -> list[dict]:
    return response.json()["errors"]


@pytest.fixture
def spring(sunrise):
    """A running Sunrise campaign with no days yet."""
    return CampaignFactory(
        location=sunrise, name="Spring Open House", start_date=date(2026, 1, 1), end_date=None
    )


def day_row(day: str = "2026-01-05", **overrides) -> dict:
    row = {
        "date": day,
        "impressions": 2000,
        "clicks": 90,
        "leads": 20,
        "qualified_leads": 6,
        "hot_leads": 2,
        "conversions": 3,
        "revenue": "900.00",
        "spend": "250.00",
    }
    row.update(overrides)
    return row


def stored_days(campaign) -> list[tuple]:
    with scopes_disabled():
        return list(
            DailyMetric.objects.filter(campaign=campaign)
            .order_by("date")
            .values_list("date", *DailyMetric.NUMBER_FIELDS)
        )


# --- Authentication ------------------------------------------------------------------------


def test_a_request_without_a_token_is_refused(client, reference_campaign):
    response = client.get(f"{API}/campaigns")

    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Bearer"
    assert "Authorization: Bearer" in errors(response)[0]["message"]


@pytest.mark.parametrize(
    "header",
    [
        "Bearer cpa_not-a-real-token",
        "Bearer ",
        "Bearer not-even-our-format",
        "Basic dXNlcjpwYXNz",
        "cpa_without_the_scheme",
    ],
)
def test_a_wrong_token_is_refused(client, sunrise_token, header):
    response = client.get(f"{API}/campaigns", HTTP_AUTHORIZATION=header)

    assert response.status_code == 401


def test_a_revoked_token_is_refused(client, sunrise_token):
    token, secret = sunrise_token
    assert client.get(f"{API}/campaigns", **bearer(secret)).status_code == 200

    tokens.revoke_token(token)

    assert client.get(f"{API}/campaigns", **bearer(secret)).status_code == 401


def test_a_token_lists_only_its_own_locations_campaigns(client, harbor, harbor_token, spring):
    CampaignFactory(location=harbor, name="Harbor Spring Open House")

    response = client.get(f"{API}/campaigns", **bearer(harbor_token[1]))

    assert response.status_code == 200
    assert [c["name"] for c in response.json()] == ["Harbor Spring Open House"]


@pytest.mark.parametrize(
    ("method", "path", "body"),
    [
        ("get", "/campaigns/{id}/report", None),
        ("post", "/campaigns/{id}/days", {"rows": [day_row()]}),
        ("put", "/campaigns/{id}/funnel", {"awareness": 1}),
    ],
)
def test_another_locations_campaign_answers_404_like_a_missing_one(
    client, harbor_token, reference_campaign, method, path, body
):
    api = ApiClient(client, harbor_token[1])

    def call(campaign_id):
        url = path.format(id=campaign_id)
        return api.get(url) if method == "get" else getattr(api, method)(url, body)

    foreign = call(reference_campaign.pk)
    missing = call(reference_campaign.pk + 1000)

    assert foreign.status_code == missing.status_code == 404
    assert foreign.json() == missing.json()
    assert "January SMS Blast" not in foreign.content.decode()
    with scopes_disabled():
        assert FunnelStage.objects.get(campaign=reference_campaign, stage="awareness").count == (
            10000
        )
        assert DailyMetric.objects.filter(campaign=reference_campaign).count() == 3


def test_another_locations_campaign_cannot_be_compared(client, harbor, harbor_token, spring):
    own = CampaignFactory(location=harbor, name="Harbor Spring Open House")

    response = ApiClient(client, harbor_token[1]).get("/compare", ids=f"{own.pk},{spring.pk}")

    assert response.status_code == 404
    assert errors(response) == [
        {"field": None, "message": f"No campaign {spring.pk} in this location."}
    ]


def test_the_token_is_stored_hashed(sunrise_token):
    token, secret = sunrise_token

    assert secret.startswith("cpa_") and len(secret) > 40
    with scopes_disabled():
        stored = ApiToken.objects.filter(pk=token.pk).values().get()
    assert secret not in json.dumps(stored, default=str)
    assert stored["prefix"] == secret[:8]
    assert stored["key_hash"] == tokens.hash_secret(secret) != secret


def test_using_a_token_records_when_it_was_last_used_at_most_once_a_minute(client, sunrise_token):
    token, secret = sunrise_token

    client.get(f"{API}/campaigns", **bearer(secret))
    with scopes_disabled():
        first = ApiToken.objects.get(pk=token.pk).last_used_at
    client.get(f"{API}/campaigns", **bearer(secret))
    with scopes_disabled():
        second = ApiToken.objects.get(pk=token.pk).last_used_at

    assert first is not None
    assert timezone.now() - first < timedelta(seconds=10)
    assert second == first


def test_token_requests_need_no_csrf_token(sunrise_token, spring):
    client = Client(enforce_csrf_checks=True)

    response = ApiClient(client, sunrise_token[1]).post(
        f"/campaigns/{spring.pk}/days", {"rows": [day_row()]}
    )

    assert response.status_code == 200


# --- Campaigns -----------------------------------------------------------------------------


def test_listing_campaigns_shows_money_as_strings_the_targets_and_health(api, reference_campaign):
    response = api.get("/campaigns")
    [listed] = response.json()

    assert listed.pop("health") == {
        "state": "ended",
        "label": "Ended",
        "tone": "neutral",
        "reasons": [
            "Ended Jan 31, 2026.",
            "Spent $5,000.00 of its $5,000.00 budget (100.0 %), lifetime.",
            "Leads: 80.0 % of target — missed.",
            "Conversions: 80.0 % of target — missed.",
            "ROI 260.0 % against a 250.0 % target — met.",
        ],
    }
    assert [listed] == [
        {
            "id": reference_campaign.pk,
            "name": "January SMS Blast",
            "channel": "sms",
            "status": "completed",
            "budget": "5000.00",
            "start_date": "2026-01-01",
            "end_date": "2026-01-31",
            "targets": {"leads": 150, "conversions": 15, "roi": 2.5},
        }
    ]


def test_creating_a_campaign(api, sunrise):
    response = api.post(
        "/campaigns",
        {
            "name": "Spring Open House",
            "channel": "email",
            "budget": "2500.50",
            "start_date": "2026-03-01",
            "end_date": "2026-03-31",
            "target_leads": 80,
            "target_roi": "2.5",
        },
    )

    assert response.status_code == 201
    body = response.json()
    assert body["budget"] == "2500.50"
    assert body["status"] == "active"
    assert body["targets"] == {"leads": 80, "conversions": None, "roi": 2.5}
    with scopes_disabled():
        campaign = Campaign.objects.get(pk=body["id"])
    assert campaign.location == sunrise
    assert campaign.budget == Decimal("2500.50")


@pytest.mark.parametrize(
    ("fields", "status", "field", "message"),
    [
        ({"name": "January SMS Blast"}, 409, "name", "already has a campaign with this name"),
        ({"channel": "tv"}, 422, "channel", "'sms'"),
        ({"end_date": "2026-02-01"}, 409, "end_date", "cannot be before the start date"),
        ({"start_date": "2026-02-30"}, 422, "start_date", "YYYY-MM-DD"),
        ({"budget": "-5.00"}, 422, "budget", "from 0 to 10000000000"),
        ({"budget": "12.345"}, 422, "budget", "at most 2 decimals"),
        ({"budget": 12.5}, 422, "budget", "never a float"),
        ({"location": 2}, 422, "location", "Unknown field"),
        ({"name": None}, 422, "name", "Send the name as a string"),
    ],
)
def test_creating_a_campaign_refuses_bad_fields_with_their_messages(
    api, reference_campaign, fields, status, field, message
):
    """422: outside the schema; 409: fits the schema but breaks a rule (unique, dates)."""
    data = {"name": "New", "channel": "sms", "start_date": "2026-03-01", "budget": "10"}

    response = api.post("/campaigns", {**data, **fields})

    assert response.status_code == status
    assert [e["field"] for e in errors(response)] == [field]
    assert message in errors(response)[0]["message"]
    with scopes_disabled():
        assert Campaign.objects.count() == 1


# --- Daily rows ----------------------------------------------------------------------------


def test_pushing_days_records_them(api, spring):
    rows = [day_row("2026-01-05"), day_row("2026-01-06", revenue=1200, spend="300")]

    response = api.post(f"/campaigns/{spring.pk}/days", {"rows": rows})

    assert response.status_code == 200
    with scopes_disabled():
        batch = ImportBatch.objects.get()
    assert response.json() == {"recorded": 2, "batch": batch.pk}
    assert (batch.location_id, batch.source, batch.added, batch.replaced) == (
        spring.location_id,
        "api",
        2,
        0,
    )
    assert stored_days(spring) == [
        (date(2026, 1, 5), 2000, 90, 20, 6, 2, 3, Decimal("900.00"), Decimal("250.00")),
        (date(2026, 1, 6), 2000, 90, 20, 6, 2, 3, Decimal("1200.00"), Decimal("300.00")),
    ]


def test_pushing_the_same_days_twice_changes_nothing(api, spring):
    body = {"rows": [day_row("2026-01-05"), day_row("2026-01-06")]}

    api.post(f"/campaigns/{spring.pk}/days", body)
    first = stored_days(spring)
    response = api.post(f"/campaigns/{spring.pk}/days", body)

    assert response.json()["recorded"] == 2
    with scopes_disabled():  # the second push is a batch of its own that changed nothing
        assert ImportBatch.objects.get(pk=response.json()["batch"]).added == 0
    assert stored_days(spring) == first
    assert len(first) == 2


def test_pushing_a_day_again_replaces_its_numbers(api, spring):
    api.post(f"/campaigns/{spring.pk}/days", {"rows": [day_row(leads=20)]})

    api.post(f"/campaigns/{spring.pk}/days", {"rows": [day_row(leads=25, spend="10.00")]})

    [stored] = stored_days(spring)
    assert stored[3] == 25
    assert stored[-1] == Decimal("10.00")


def test_a_batch_with_one_bad_row_writes_nothing_and_names_the_row_and_field(api, spring):
    DailyMetricFactory(campaign=spring, date=date(2026, 1, 5), leads=7)
    before = stored_days(spring)
    rows = [
        day_row("2026-01-05"),
        day_row("2026-01-06", qualified_leads=6, hot_leads=9),
        day_row("2026-01-07"),
    ]

    response = api.post(f"/campaigns/{spring.pk}/days", {"rows": rows})

    assert response.status_code == 409
    assert errors(response) == [
        {"index": 1, "field": "hot_leads", "message": "Hot leads cannot exceed qualified leads."}
    ]
    assert stored_days(spring) == before


def test_every_row_breaking_a_rule_is_listed(api, spring):
    rows = [
        day_row("2025-12-31"),
        day_row("2026-01-06"),
        day_row("2026-01-07", hot_leads=7),
        day_row("2026-01-06"),
    ]

    response = api.post(f"/campaigns/{spring.pk}/days", {"rows": rows})

    assert response.status_code == 409
    found = {(e["index"], e["field"]) for e in errors(response)}
    assert found == {(0, "date"), (2, "hot_leads"), (3, "date")}
    assert stored_days(spring) == []


def test_every_value_outside_the_schema_is_listed(api, spring):
    rows = [
        day_row("2026-01-05"),
        day_row("2026-01-06", leads="20"),
        day_row("2026-01-07", revenue="abc", impressions=-1),
    ]

    response = api.post(f"/campaigns/{spring.pk}/days", {"rows": rows})

    assert response.status_code == 422
    found = {(e["index"], e["field"]) for e in errors(response)}
    assert found == {(1, "leads"), (2, "revenue"), (2, "impressions")}
    assert stored_days(spring) == []


@pytest.mark.parametrize("field", ["revenue", "spend"])
def test_money_as_a_float_is_refused_with_a_clear_message(api, spring, field):
    response = api.post(f"/campaigns/{spring.pk}/days", {"rows": [day_row(**{field: 12.5})]})

    assert response.status_code == 422
    [error] = errors(response)
    assert (error["index"], error["field"]) == (0, field)
    assert '"12.50"' in error["message"] and "never a float" in error["message"]
    assert stored_days(spring) == []


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"leads": 2.5}, "leads", "whole number"),
        ({"leads": True}, "leads", "whole number"),
        ({"date": 20260105}, "date", "YYYY-MM-DD"),
        ({"date": "05/01/2026"}, "date", "YYYY-MM-DD"),
        ({"hotleads": 1}, "hotleads", "Unknown field"),
        ({"spend": [1]}, "spend", "ASCII digits"),
        ({"impressions": 10**30}, "impressions", "from 0 to 1000000000"),
        ({"revenue": "1" * 20}, "revenue", "from 0 to 10000000000"),
    ],
)
def test_malformed_values_in_a_row_are_refused(api, spring, overrides, field, message):
    response = api.post(f"/campaigns/{spring.pk}/days", {"rows": [day_row(**overrides)]})

    assert response.status_code == 422
    found = errors(response)
    assert {(error["index"], error["field"]) for error in found} == {(0, field)}
    assert any(message in error["message"] for error in found)


def test_a_missing_date_is_refused(api, spring):
    row = day_row()
    del row["date"]

    response = api.post(f"/campaigns/{spring.pk}/days", {"rows": [row]})

    assert errors(response) == [{"index": 0, "field": "date", "message": "This field is required."}]


@pytest.mark.parametrize(
    ("body", "status"),
    [("not json", 400), ("[1, 2]", 422), ("", 422), ('{"rows": {"date": 1}}', 422)],
)
def test_a_body_that_is_not_a_batch_is_refused(api, spring, body, status):
    response = api.post(f"/campaigns/{spring.pk}/days", body)

    assert response.status_code == status
    assert errors(response)[0]["message"]


# --- Funnel --------------------------------------------------------------------------------


def test_setting_funnel_counts(api, reference_campaign):
    response = api.put(
        f"/campaigns/{reference_campaign.pk}/funnel", {"awareness": 12000, "interest": 600}
    )

    assert response.status_code == 200
    assert response.json() == {
        "awareness": 12000,
        "interest": 600,
        "consideration": 120,
        "intent": 30,
        "conversion": 12,
    }


@pytest.mark.parametrize(
    ("body", "field"),
    [({"awareness": -1}, "awareness"), ({"reach": 5}, "reach"), ({}, None)],
)
def test_bad_funnel_counts_are_refused(api, reference_campaign, body, field):
    response = api.put(f"/campaigns/{reference_campaign.pk}/funnel", body)

    assert response.status_code == 422
    assert [e["field"] for e in errors(response)] == [field]
    with scopes_disabled():
        assert FunnelStage.objects.get(stage="awareness").count == 10000


# --- Reports -------------------------------------------------------------------------------


def test_the_report_is_the_report_json_with_the_reference_figures(api, reference_campaign):
    response = api.get(f"/campaigns/{reference_campaign.pk}/report")

    assert response.status_code == 200
    body = response.json()
    assert body == serialize.report_dict(campaign_report(reference_campaign))
    assert body["period"] == {"start": "2026-01-01", "end": "2026-01-31", "partial": False}
    assert body["metrics"]["cost_per_lead"] == "41.67"
    assert body["metrics"]["cost_per_qualified_lead"] == "166.67"
    assert body["metrics"]["roi"] == 2.6
    assert body["metrics"]["roas"] == 3.6
    assert body["metrics"]["conversion_rate"] == 0.1
    assert body["metrics"]["profit"] == "13000.00"
    assert body["funnel"]["overall_efficiency"] == 0.0012
    assert body["targets"]["roi"]["achievement"] == 1.04


def test_the_report_over_chosen_dates(api, reference_campaign):
    response = api.get(
        f"/campaigns/{reference_campaign.pk}/report", start="2026-01-13", end="2026-01-14"
    )

    period = Period(date(2026, 1, 13), date(2026, 1, 14))
    expected = serialize.report_dict(campaign_report(reference_campaign, period))
    assert response.json() == expected
    assert response.json()["totals"]["spend"] == "3000.00"


@pytest.mark.parametrize(
    ("params", "status", "message"),
    [
        ({"start": "2026-13-01", "end": "2026-01-31"}, 422, "YYYY-MM-DD"),
        ({"start": "1900-01-01", "end": "2026-01-01"}, 422, "from 2000-01-01 to 2099-12-31"),
        ({"period": "fortnight"}, 422, "'7d'"),
        ({"start": "2026-01-31", "end": "2026-01-01"}, 409, "end cannot be before its start"),
        ({"start": "2026-01-01"}, 409, "Give an end date"),
    ],
)
def test_bad_report_periods_are_refused_with_a_readable_message(
    api, reference_campaign, params, status, message
):
    """422: a parameter outside the schema; 409: parameters that break a rule together."""
    response = api.get(f"/campaigns/{reference_campaign.pk}/report", **params)

    assert response.status_code == status
    assert message in errors(response)[0]["message"]


def test_comparing_campaigns(api, sunrise, reference_campaign):
    loser = CampaignFactory(location=sunrise, name="Loser", start_date=date(2026, 1, 1))
    DailyMetricFactory(
        campaign=loser,
        date=date(2026, 1, 12),
        leads=10,
        revenue=Decimal("50"),
        spend=Decimal("100"),
    )
    ids = f"{loser.pk},{reference_campaign.pk}"

    response = api.get("/compare", ids=ids, start="2026-01-01", end="2026-01-31")

    assert response.status_code == 200
    body = response.json()
    assert body["period"] == {"start": "2026-01-01", "end": "2026-01-31", "partial": False}
    assert [c["campaign"]["id"] for c in body["campaigns"]] == [loser.pk, reference_campaign.pk]
    reference = body["campaigns"][1]
    assert reference["metrics"]["cost_per_lead"] == "41.67"
    assert reference["metrics"]["roi"] == 2.6
    assert reference["totals"]["revenue"] == "18000.00"
    assert body["rankings"]["roi"] == [reference_campaign.pk, loser.pk]
    assert body["rankings"]["cost_per_lead"] == [loser.pk, reference_campaign.pk]
    assert body["best_performer"] == reference_campaign.pk
    assert body["underperformers"] == [loser.pk]
    assert any(
        r["rule"] == "negative_roi" and r["subject"] == "Loser" for r in body["recommendations"]
    )


@pytest.mark.parametrize(
    ("ids", "status", "message"),
    [
        ("{ref}", 422, "at least two"),
        ("{ref},{ref}", 409, "at least two different"),
        ("{ref},abc", 422, "at least two"),
        ("{ref}, 12", 422, "no spaces"),
        ("{ref},999999", 404, "No campaign 999999"),
        ("{ref},99999999999999999999999", 422, "at least two"),
    ],
)
def test_bad_comparisons_are_refused(api, reference_campaign, ids, status, message):
    response = api.get("/compare", ids=ids.format(ref=reference_campaign.pk))

    assert response.status_code == status
    assert message in errors(response)[0]["message"]


def test_channel_analytics(api, sunrise, reference_campaign):
    # Budget $1,000 over Jan 1 – Feb 19 (50 days): $620 of it falls in January's 31 days.
    email = CampaignFactory(
        location=sunrise,
        name="Newsletter",
        channel="email",
        start_date=date(2026, 1, 1),
        end_date=date(2026, 2, 19),
    )
    DailyMetricFactory(campaign=email, date=date(2026, 1, 20))

    response = api.get("/channels", start="2026-01-01", end="2026-01-31")

    assert response.status_code == 200
    body = response.json()
    by_channel = {row["channel"]: row for row in body["channels"]}
    assert set(by_channel) == {"sms", "email"}
    assert by_channel["sms"]["totals"]["spend"] == "5000.00"
    assert by_channel["sms"]["metrics"]["roi"] == 2.6
    assert by_channel["email"]["metrics"]["cost_per_lead"] == "10.00"
    assert body["total"]["totals"]["spend"] == "5100.00"
    assert body["total"]["campaigns"] == 2
    assert body["total"]["budget"] == "6000.00"
    assert by_channel["email"]["period_budget"] == "620.00"
    assert by_channel["sms"]["budget_share"] == pytest.approx(5000 / 5620, abs=1e-6)
    assert isinstance(body["recommendations"], list)


def test_channel_analytics_keeps_undefined_metrics_null(api, reference_campaign):
    response = api.get("/channels", start="2026-03-01", end="2026-03-31")

    [sms] = response.json()["channels"]
    assert sms["metrics"]["roi"] is None
    assert sms["metrics"]["cost_per_lead"] is None
    assert sms["totals"]["spend"] == "0.00"


# --- OpenAPI and robustness ----------------------------------------------------------------


def test_the_openapi_document_is_public_and_valid(client):
    response = client.get(f"{API}/openapi.json")

    assert response.status_code == 200
    document = response.json()
    assert document["openapi"].startswith("3.")
    assert set(document["paths"]) == {
        f"{API}/campaigns",
        f"{API}/campaigns/{{campaign_id}}/days",
        f"{API}/campaigns/{{campaign_id}}/funnel",
        f"{API}/campaigns/{{campaign_id}}/report",
        f"{API}/compare",
        f"{API}/channels",
    }
    assert document["components"]["securitySchemes"]["TokenAuth"]["scheme"] == "bearer"
    validate(document)


@pytest.mark.parametrize(
    ("method", "path", "body"),
    [
        ("get", "/campaigns/abc/report", None),
        ("get", "/campaigns/0/report", None),
        ("get", "/campaigns/-1/report", None),
        ("get", "/campaigns/99999999999999999999999/report", None),
        ("get", "/campaigns/{id}/report?start=2026-01-01&end=2026-02-31", None),
        ("get", "/campaigns/{id}/report?start=x&end=y&period=custom", None),
        ("get", "/compare?ids=,,,", None),
        ("get", "/compare?ids={id},{id}", None),
        ("get", "/channels?period=all", None),
        ("get", "/channels?start=2000-01-01&end=2099-12-31", None),
        ("post", "/campaigns", '{"name": "x"}'),
        ("post", "/campaigns", '{"name": "x", "channel": "sms", "start_date": ["2026"]}'),
        (
            "post",
            "/campaigns",
            '{"name": "' + "x" * 300 + '", "channel": "sms", '
            '"start_date": "2026-01-01", "target_roi": "-5"}',
        ),
        ("post", "/campaigns/{id}/days", '{"rows": null}'),
        ("post", "/campaigns/{id}/days", '{"rows": [null]}'),
        ("post", "/campaigns/{id}/days", '{"rows": [{"date": "2026-01-05", "spend": "NaN"}]}'),
        ("post", "/campaigns/{id}/days", '{"rows": [{"date": "2026-01-05", "spend": "1e400"}]}'),
        ("post", "/campaigns/{id}/days", '{"rows": [{"date": "9999-99-99"}]}'),
        ("put", "/campaigns/{id}/funnel", '{"awareness": 1e999}'),
        ("put", "/campaigns/{id}/funnel", '{"awareness": 99999999999999999999999}'),
        ("put", "/campaigns/{id}/funnel", "\x00\xff"),
    ],
)
def test_no_input_gives_a_server_error(api, reference_campaign, method, path, body):
    url = path.format(id=reference_campaign.pk)

    response = api.get(url) if method == "get" else getattr(api, method)(url, body)

    assert response.status_code < 500, response.content
    assert response["Content-Type"] == "application/json; charset=utf-8"
