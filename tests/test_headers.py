"""Headers that keep one tenant's figures out of shared caches, and CSV cells that a
spreadsheet cannot run."""

import pytest
from django.urls import reverse

from campaigns import exports, tokens
from tests.test_api import ApiClient

pytestmark = pytest.mark.django_db


def cache_control(response) -> set[str]:
    return {part.strip() for part in response.get("Cache-Control", "").split(",") if part}


@pytest.mark.parametrize(
    "name", ["overview", "campaigns", "channels", "campaigns_csv", "channels_csv"]
)
def test_tenant_pages_and_csvs_are_private_and_never_stored(client, sunrise_manager, sunrise, name):
    client.force_login(sunrise_manager)

    response = client.get(reverse(f"campaigns:{name}", args=[sunrise.slug]))

    assert response.status_code == 200
    assert {"private", "no-store"} <= cache_control(response)


def test_an_htmx_fragment_is_private_too(client, sunrise_manager, sunrise):
    client.force_login(sunrise_manager)

    response = client.get(
        reverse("campaigns:overview", args=[sunrise.slug]), HTTP_HX_REQUEST="true"
    )

    assert {"private", "no-store"} <= cache_control(response)


@pytest.mark.parametrize("authorised", [True, False])
def test_api_answers_are_private_and_vary_on_the_token(client, sunrise, authorised):
    secret = tokens.issue_token(location=sunrise, name="Cache check")[1] if authorised else "x"

    response = ApiClient(client, secret).get("/campaigns")

    assert response.status_code == (200 if authorised else 401)
    assert {"private", "no-store"} <= cache_control(response)
    assert "Authorization" in response.get("Vary", "")


@pytest.mark.parametrize(
    "name",
    [
        "=SUM(A1)",
        "+1",
        "-1",
        "@cmd",
        "\tx",
        "\rx",
        "\nfoo",
        " =1+1",
        "|calc",
        "\uff1dSUM(A1)",
        "\uff0b1",
        "\uff0d1",
        "\uff20cmd",
    ],
)
def test_every_leading_character_a_spreadsheet_runs_is_neutralised(name):
    assert exports.text(name) == "'" + name


def test_ordinary_names_and_numbers_are_left_alone():
    assert exports.text("Spring SMS") == "Spring SMS"
    assert exports.money(-1200) == "-1200.00"
