"""The API is exactly as strict as its schema: nothing is coerced from a string, digits are
ASCII, names have a visible character and no control characters, dates are YYYY-MM-DD, and
the OpenAPI document refuses what the API refuses. Every error, whatever refuses the request
(Django, ninja, the schema, a rule), answers the one JSON error format with a documented
status."""

import json
from datetime import date

import jsonschema_rs
import pytest
from django.test import Client

from campaigns import api as api_module
from campaigns.bounds import MAX_COUNT, MAX_MONEY, MAX_TOTAL_COUNT
from campaigns.models import Campaign, FunnelStage
from campaigns.tenancy import scopes_disabled
from tests.test_api import API, ApiClient, bearer, day_row, errors, stored_days

pytestmark = pytest.mark.django_db

JSON = "application/json; charset=utf-8"
ARABIC_INDIC_123 = "\u0661\u0662\u0663"
PERSIAN_123 = "\u06f1\u06f2\u06f3"
FULL_WIDTH_12 = "\uff11\uff12"
ARABIC_INDIC_DAY = "\u0662\u0660\u0662\u0666-\u0660\u0661-\u0660\u0665"  # 2026-01-05


@pytest.fixture
def sunrise_token(sunrise):
    from campaigns import tokens

    return tokens.issue_token(location=sunrise, name="Sunrise CRM sync")


@pytest.fixture
def api(client, sunrise_token):
    return ApiClient(client, sunrise_token[1])


@pytest.fixture
def spring(sunrise):
    from tests.factories import CampaignFactory

    return CampaignFactory(location=sunrise, name="Spring", start_date=date(2026, 1, 1))


def new_campaign(**fields) -> dict:
    return {"name": "New", "channel": "sms", "start_date": "2026-03-01", **fields}


def campaign_count() -> int:
    with scopes_disabled():
        return Campaign.objects.count()


def openapi() -> dict:
    return api_module.api.get_openapi_schema()


def field_schema(model: str, field: str) -> dict:
    document = openapi()
    schema = document["components"]["schemas"][model]["properties"][field]
    return {**schema, "$defs": document["components"]["schemas"]}


def schema_accepts(schema: dict, value) -> bool:
    """The verdict of a JSON Schema validator with ECMA-262 patterns (as OpenAPI says, and as
    schemathesis uses), formats checked."""
    return jsonschema_rs.validator_for(schema, validate_formats=True).is_valid(value)


# --- Counts ---------------------------------------------------------------------------------


@pytest.mark.parametrize("value", ["5", "\u0665", "5.0", "", None, [5], {"n": 5}])
def test_a_count_is_a_json_integer_not_a_string(api, spring, value):
    response = api.post(f"/campaigns/{spring.pk}/days", {"rows": [day_row(leads=value)]})

    assert response.status_code == 422
    [error] = errors(response)
    assert (error["index"], error["field"]) == (0, "leads")
    assert "whole number" in error["message"]
    assert stored_days(spring) == []


def test_a_funnel_count_and_a_target_refuse_strings_too(api, spring):
    funnel = api.put(f"/campaigns/{spring.pk}/funnel", {"awareness": "100"})
    target = api.post("/campaigns", new_campaign(target_leads="80"))

    assert (funnel.status_code, target.status_code) == (422, 422)
    assert [e["field"] for e in errors(funnel)] == ["awareness"]
    assert [e["field"] for e in errors(target)] == ["target_leads"]
    with scopes_disabled():
        assert not FunnelStage.objects.exists()
    assert campaign_count() == 1


def test_a_whole_json_number_is_an_integer_as_json_schema_says(api, spring):
    response = api.post(f"/campaigns/{spring.pk}/days", {"rows": [day_row(leads=20.0)]})

    assert response.status_code == 200
    assert stored_days(spring)[0][3] == 20


def test_funnel_counts_reach_a_campaigns_lifetime_bound_as_the_schema_says(api, spring):
    leads = field_schema("DayRow", "leads")
    assert (leads["type"], leads["minimum"], leads["maximum"]) == ("integer", 0, MAX_COUNT)
    assert field_schema("FunnelIn", "awareness")["maximum"] == MAX_TOTAL_COUNT

    ok = api.put(f"/campaigns/{spring.pk}/funnel", {"awareness": MAX_TOTAL_COUNT})
    over = api.put(f"/campaigns/{spring.pk}/funnel", {"awareness": MAX_TOTAL_COUNT + 1})

    assert ok.status_code == 200
    assert ok.json()["awareness"] == MAX_TOTAL_COUNT
    assert over.status_code == 422


# --- Money ----------------------------------------------------------------------------------

#: Strings the models' DecimalField would read, but that are not plain ASCII decimals.
LOOSE_MONEY = [
    "1e5",  # an exponent
    ARABIC_INDIC_123,
    PERSIAN_123,
    FULL_WIDTH_12,
    "+12",
    " 12",
    "12.50\n",
    "12.",
    ".5",
    "1_000",
]
REFUSED_MONEY = [
    *LOOSE_MONEY,
    *["NaN", "Infinity", "-0.01", "12.505", "10000000000.01", "99999999999", ""],
    *[12.5, True, None, [1]],
]
ACCEPTED_MONEY = ["0", "12", "12.5", "12.50", "0012.50", "10000000000", "10000000000.00", 12, 0]


@pytest.mark.parametrize("value", LOOSE_MONEY)
def test_money_is_refused_unless_a_plain_ascii_decimal(api, spring, value):
    response = api.post(f"/campaigns/{spring.pk}/days", {"rows": [day_row(spend=value)]})

    assert response.status_code == 422, response.content
    assert [(e["index"], e["field"]) for e in errors(response)] == [(0, "spend")]
    assert stored_days(spring) == []


def verdicts(values, send, schema: dict, accepted_status: int) -> list:
    """Each value whose fate differs from the list it is in: (value, API's, schema's)."""
    wrong = []
    for expected, group in ((False, values[0]), (True, values[1])):
        for value in group:
            by_api = send(value).status_code == accepted_status
            by_schema = schema_accepts(schema, value)
            if not by_api == by_schema == expected:
                wrong.append((value, by_api, by_schema))
    return wrong


def test_money_and_its_schema_accept_and_refuse_the_same_values(api, spring):
    def send(value):
        return api.post(f"/campaigns/{spring.pk}/days", {"rows": [day_row(spend=value)]})

    schema = field_schema("DayRow", "spend")

    assert verdicts((REFUSED_MONEY, ACCEPTED_MONEY), send, schema, 200) == []
    assert schema["anyOf"][1]["maximum"] == MAX_MONEY


def test_an_roi_target_and_its_schema_agree_from_minus_one_to_what_the_column_holds(api, sunrise):
    refused = ["1e5", ARABIC_INDIC_123, "-1.5", "-1.00001", "10000", "2.12345", 10000, -2, 1.5]
    accepted = ["-1", "-1.0000", "-0.5", "0", "2.5", "9999.9999", -1, 9999]

    def send(value):
        return api.post("/campaigns", new_campaign(name=f"ROI {value!r}", target_roi=value))

    schema = field_schema("CampaignIn", "target_roi")

    assert verdicts((refused, accepted), send, schema, 201) == []


@pytest.mark.parametrize("value", ["NaN", "Infinity", "-Infinity"])
def test_nan_and_infinity_are_not_json(api, spring, value):
    body = '{"rows": [{"date": "2026-01-05", "spend": VALUE}]}'.replace("VALUE", value)

    response = api.post(f"/campaigns/{spring.pk}/days", body)

    assert response.status_code == 400
    assert errors(response) == [{"field": None, "message": "The request body is not valid JSON."}]


# --- Names ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "name", [" ", "   ", "\t", "\u3000", "\ufeff", "a\x00b", "Spring\nSale", "Sale\x7f", "\x85x"]
)
def test_a_name_needs_a_visible_character_and_no_control_characters(api, sunrise, name):
    response = api.post("/campaigns", new_campaign(name=name))

    assert response.status_code == 422
    assert [e["field"] for e in errors(response)] == ["name"]
    assert campaign_count() == 0


def test_a_name_with_a_lone_surrogate_is_not_text(api, sunrise):
    body = json.dumps(new_campaign(name="x")).replace('"x"', '"\\ud800"')

    response = api.post("/campaigns", body)

    assert response.status_code == 400
    assert campaign_count() == 0


def test_a_name_and_its_schema_agree(api, sunrise):
    refused = ["", " ", "\ufeff", "\u2028", "a\x00b", "x" * 201, None, 5]
    accepted = [
        "Spring Sale",
        " Spring",
        "\u00c9t\u00e9 2026 \u2014 \u2600",
        "x",
        "\u00a0x",
        "y" * 200,
    ]

    def send(name):
        return api.post("/campaigns", new_campaign(name=name))

    assert verdicts((refused, accepted), send, field_schema("CampaignIn", "name"), 201) == []


# --- Dates ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "day",
    [
        "2026-1-5",
        "20260105",
        ARABIC_INDIC_DAY,
        "1999-12-31",
        "2100-01-01",
    ],
)
def test_dates_are_iso_days_only(api, spring, day):
    response = api.post(f"/campaigns/{spring.pk}/days", {"rows": [day_row(day)]})

    assert response.status_code == 422
    assert [(e["index"], e["field"]) for e in errors(response)] == [(0, "date")]
    assert "YYYY-MM-DD" in errors(response)[0]["message"]


@pytest.mark.parametrize("start", ["2026-1-5", "20260105", ARABIC_INDIC_DAY])
def test_report_dates_are_iso_days_only(api, spring, start):
    response = api.get(f"/campaigns/{spring.pk}/report", start=start, end="2026-01-31")

    assert response.status_code == 422
    assert [e["field"] for e in errors(response)] == ["start"]


def test_a_day_and_its_schema_agree(api, spring):
    refused = ["2026-1-5", "20260105", "2026-01-05T00:00:00", "2026-01-05 ", "2026-02-30"]
    refused += ["1999-12-31", "2100-01-01", "05/01/2026", ARABIC_INDIC_DAY, 20260105, None]
    accepted = ["2026-01-05", "2026-01-06"]

    def send(day):
        return api.post(f"/campaigns/{spring.pk}/days", {"rows": [day_row(day)]})

    assert verdicts((refused, accepted), send, field_schema("DayRow", "date"), 200) == []


# --- Every error in the one format ----------------------------------------------------------


def assert_json_error(response, status: int) -> list[dict]:
    assert response.status_code == status, response.content
    assert response["Content-Type"] == JSON
    body = response.json()
    assert set(body) == {"errors"} and body["errors"]
    assert all(set(e) <= {"index", "field", "message"} and e["message"] for e in body["errors"])
    return body["errors"]


def test_a_body_over_the_upload_limit_answers_413_in_json(api, spring, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
    body = json.dumps({"rows": [day_row()], "padding": "x" * 10_000_000})

    response = api.post(f"/campaigns/{spring.pk}/days", body)

    [error] = assert_json_error(response, 413)
    assert "2621440 bytes" in error["message"]
    assert stored_days(spring) == []


@pytest.mark.parametrize(
    "content_type", ["text/plain", "application/x-www-form-urlencoded", "application/xml"]
)
def test_a_body_that_is_not_declared_json_answers_415(client, sunrise_token, spring, content_type):
    response = client.post(
        f"{API}/campaigns/{spring.pk}/days",
        json.dumps({"rows": [day_row()]}),
        content_type=content_type,
        **bearer(sunrise_token[1]),
    )

    [error] = assert_json_error(response, 415)
    assert "application/json" in error["message"]
    assert stored_days(spring) == []


def test_an_unknown_path_answers_404_in_json(api):
    for path in ("/nope", "/campaigns/", "/campaigns/1/days/extra", "/"):
        assert_json_error(api.get(path), 404)


def test_a_method_the_path_does_not_have_answers_405_in_json_with_allow(api, spring):
    response = api.client.delete(f"{API}/campaigns", **api.headers)

    assert_json_error(response, 405)
    assert set(response["Allow"].split(", ")) == {"GET", "POST"}


def test_a_forbidden_operation_answers_403_in_json(api, spring, monkeypatch):
    from django.core.exceptions import PermissionDenied

    def forbidden(**kwargs):
        raise PermissionDenied("This token may only read.")

    monkeypatch.setattr(api_module.services, "record_days", forbidden)

    response = api.post(f"/campaigns/{spring.pk}/days", {"rows": [day_row()]})

    assert assert_json_error(response, 403) == [
        {"field": None, "message": "This token may only read."}
    ]


def test_a_fault_of_ours_answers_500_in_json_and_is_logged(
    sunrise_token, spring, monkeypatch, caplog
):
    def broken(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(api_module.reports, "campaign_report", broken)
    client = Client(raise_request_exception=False)

    response = client.get(f"{API}/campaigns/{spring.pk}/report", **bearer(sunrise_token[1]))

    [error] = assert_json_error(response, 500)
    assert "boom" not in error["message"]
    assert any(r.exc_info and "boom" in str(r.exc_info[1]) for r in caplog.records)


def test_every_operation_declares_every_status_it_can_answer():
    paths = openapi()["paths"]
    declared = {
        (method.upper(), path.removeprefix(API)): set(map(int, operation["responses"]))
        for path, operations in paths.items()
        for method, operation in operations.items()
    }
    write = {400, 401, 409, 413, 415, 422, 429}

    assert declared == {
        ("GET", "/campaigns"): {200, 401, 429},
        ("POST", "/campaigns"): {201} | write,
        ("POST", "/campaigns/{campaign_id}/days"): {200, 404} | write,
        ("PUT", "/campaigns/{campaign_id}/funnel"): {200, 404} | write,
        ("GET", "/campaigns/{campaign_id}/report"): {200, 401, 404, 409, 422, 429},
        ("GET", "/compare"): {200, 401, 404, 409, 422, 429},
        ("GET", "/channels"): {200, 401, 409, 422, 429},
    }
    error_schema = {"$ref": "#/components/schemas/ErrorsOut"}
    for operations in paths.values():
        for operation in operations.values():
            for status, response in operation["responses"].items():
                if int(status) >= 400:
                    assert response["content"]["application/json"]["schema"] == error_schema
