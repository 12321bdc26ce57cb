"""Inputs as people type them: the ROI target in percent, and a funnel that never grows, on the
web pages, in Django admin, through the API and in the services."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from campaigns import services, tokens
from campaigns.forms import CampaignDetailsForm, PercentField
from campaigns.models import Campaign, FunnelStage
from campaigns.tenancy import scopes_disabled
from tests.conftest import REFERENCE_FUNNEL
from tests.factories import CampaignFactory, FunnelStageFactory, UserFactory
from tests.test_admin import CAMPAIGNS, FUNNEL_STAGES, campaign_form_data, change_form_data
from tests.test_api import ApiClient, errors
from tests.test_views import campaign_data, field_errors, input_value, page_url, text

pytestmark = pytest.mark.django_db

ROI_FIELD_ERRORS = {
    "12.345": "Give the percent with at most 2 decimal places.",
    "-150": "An ROI cannot be below −100 % (losing the whole spend).",
    "lots": "Enter a percent as a number, such as 250 for 250 %.",
}


@pytest.fixture
def superuser(db):
    return UserFactory(username="root", is_staff=True, is_superuser=True)


@pytest.fixture
def campaign(sunrise):
    """A running Sunrise campaign with an ROI target of 2.5 (250 %) and no funnel counts."""
    return CampaignFactory(
        location=sunrise,
        name="Spring Open House",
        start_date=date(2026, 1, 1),
        target_roi=Decimal("2.5000"),
    )


def recorded_funnel(campaign) -> dict[str, int]:
    with scopes_disabled():
        return dict(FunnelStage.objects.filter(campaign=campaign).values_list("stage", "count"))


def stored_target_roi(name: str) -> Decimal | None:
    with scopes_disabled():
        return Campaign.objects.get(name=name).target_roi


# --- The percent field -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "ratio"),
    [
        ("250", Decimal("2.5")),
        ("250 %", Decimal("2.5")),
        ("12.34", Decimal("0.1234")),
        ("-100", Decimal("-1")),
        ("0", Decimal("0")),
        ("", None),
    ],
)
def test_a_percent_field_cleans_what_people_type_to_a_decimal_ratio(typed, ratio):
    cleaned = PercentField(required=False, decimal_places=2).clean(typed)

    assert cleaned == ratio
    assert cleaned is None or isinstance(cleaned, Decimal)


def test_a_percent_field_shows_a_stored_ratio_in_percent_and_typed_text_as_typed():
    field = PercentField(decimal_places=2)

    assert field.prepare_value(Decimal("2.5000")) == "250"
    assert field.prepare_value(Decimal("0.1234")) == "12.34"
    assert field.prepare_value(Decimal("-1.0000")) == "-100"
    assert field.prepare_value("12.345") == "12.345"  # a refused input is shown back unchanged
    assert field.prepare_value(None) is None


def test_a_percent_field_is_unchanged_when_the_stored_ratio_comes_back_in_percent():
    field = PercentField(required=False, decimal_places=2)

    assert not field.has_changed(Decimal("2.5000"), "250")
    assert not field.has_changed(None, "")
    assert field.has_changed(Decimal("2.5000"), "2.5")
    assert field.has_changed(None, "250")


# --- Target ROI on the web pages -------------------------------------------------------------


def test_a_target_roi_of_250_percent_in_the_web_form_is_stored_as_2_5(client, sunrise_manager):
    client.force_login(sunrise_manager)

    response = client.post("/l/sunrise-realty/campaigns/new/", campaign_data(target_roi="250"))

    assert response.status_code == 302
    assert stored_target_roi("Spring Open House") == Decimal("2.5")
    assert "ROI 250.0 %." in text(client.get(response.url))  # the saved message


def test_the_web_form_gives_the_services_the_roi_as_a_multiple(sunrise):
    form = CampaignDetailsForm(data=campaign_data(target_roi="250"))

    assert form.is_valid(), form.errors
    assert form.cleaned_data["target_roi"] == Decimal("2.5")
    campaign = services.create_campaign(location=sunrise, **form.cleaned_data)
    assert campaign.target_roi == Decimal("2.5")


def test_the_web_edit_form_shows_the_target_roi_in_percent(client, sunrise_manager, campaign):
    client.force_login(sunrise_manager)

    page = client.get(page_url("edit", campaign.location, campaign))

    assert input_value(page, "target_roi") == "250"
    assert "Target ROI (%)" in text(page)
    assert "250 means an ROI of 250 % (revenue 3.5 × spend)" in text(page)


def test_saving_the_web_edit_form_unchanged_keeps_the_target_roi(client, sunrise_manager, campaign):
    client.force_login(sunrise_manager)
    url = page_url("edit", campaign.location, campaign)
    data = campaign_data(name=campaign.name, start_date="2026-01-01", end_date=None)
    data["target_roi"] = input_value(client.get(url), "target_roi")

    assert client.post(url, data).status_code == 302
    assert stored_target_roi(campaign.name) == Decimal("2.5")


def test_a_blank_target_roi_in_the_web_form_means_no_target(client, sunrise_manager, campaign):
    client.force_login(sunrise_manager)
    data = campaign_data(name=campaign.name, start_date="2026-01-01", end_date=None, target_roi="")

    response = client.post(page_url("edit", campaign.location, campaign), data)

    assert response.status_code == 302
    assert stored_target_roi(campaign.name) is None


@pytest.mark.parametrize("typed", ROI_FIELD_ERRORS)
def test_a_bad_target_roi_in_the_web_form_is_refused_beside_the_field(
    client, sunrise_manager, typed
):
    client.force_login(sunrise_manager)

    response = client.post("/l/sunrise-realty/campaigns/new/", campaign_data(target_roi=typed))

    assert response.status_code == 200
    assert field_errors(response, "target_roi") == [ROI_FIELD_ERRORS[typed]]
    assert input_value(response, "target_roi") == typed  # shown back as typed, not × 100
    with scopes_disabled():
        assert not Campaign.objects.exists()


# --- Target ROI in Django admin --------------------------------------------------------------


def test_a_target_roi_of_250_percent_in_admin_is_stored_as_2_5_and_shown_back_as_250(
    client, superuser, sunrise
):
    client.force_login(superuser)

    response = client.post(f"{CAMPAIGNS}add/", campaign_form_data(sunrise, target_roi="250"))

    assert response.status_code == 302
    assert stored_target_roi("Spring Listings") == Decimal("2.5")
    with scopes_disabled():
        campaign = Campaign.objects.get(name="Spring Listings")
    page = client.get(f"{CAMPAIGNS}{campaign.pk}/change/")
    assert input_value(page, "target_roi") == "250"
    assert "Target ROI (%)" in text(page)


@pytest.mark.parametrize("typed", ROI_FIELD_ERRORS)
def test_a_bad_target_roi_in_admin_is_refused(client, superuser, sunrise, typed):
    client.force_login(superuser)

    response = client.post(f"{CAMPAIGNS}add/", campaign_form_data(sunrise, target_roi=typed))

    assert response.status_code == 200
    assert ROI_FIELD_ERRORS[typed] in text(response)
    with scopes_disabled():
        assert not Campaign.objects.exists()


def test_saving_the_admin_campaign_form_unchanged_keeps_the_target_roi(client, superuser, campaign):
    client.force_login(superuser)
    url = f"{CAMPAIGNS}{campaign.pk}/change/"

    response = client.post(url, change_form_data(client.get(url)))

    assert response.status_code == 302
    assert stored_target_roi(campaign.name) == Decimal("2.5")


# --- The funnel never grows: services --------------------------------------------------------


def test_a_funnel_that_grows_is_refused_by_the_service_and_nothing_is_written(campaign):
    with pytest.raises(ValidationError) as refused:
        services.set_funnel(campaign=campaign, counts={"awareness": 100, "interest": 500})

    assert refused.value.message_dict == {
        "interest": ["Interest (500) cannot be larger than Awareness (100)."]
    }
    assert recorded_funnel(campaign) == {}


def test_a_stage_larger_than_an_already_recorded_earlier_stage_is_refused(campaign):
    services.set_funnel(campaign=campaign, counts={"awareness": 100})

    with pytest.raises(ValidationError) as refused:
        services.set_funnel(campaign=campaign, counts={"interest": 500})

    assert refused.value.message_dict == {
        "interest": ["Interest (500) cannot be larger than Awareness (100)."]
    }
    assert recorded_funnel(campaign) == {"awareness": 100}


def test_an_earlier_stage_lowered_below_a_recorded_later_one_is_refused_on_itself(campaign):
    services.set_funnel(campaign=campaign, counts={"awareness": 1000, "interest": 500})

    with pytest.raises(ValidationError) as refused:
        services.set_funnel(campaign=campaign, counts={"awareness": 100})

    assert refused.value.message_dict == {
        "awareness": ["Interest (500) cannot be larger than Awareness (100)."]
    }
    assert recorded_funnel(campaign) == {"awareness": 1000, "interest": 500}


def test_a_stage_is_compared_with_the_nearest_recorded_earlier_stage(campaign):
    with pytest.raises(ValidationError) as refused:
        services.set_funnel(campaign=campaign, counts={"awareness": 1000, "consideration": 2000})

    assert refused.value.message_dict == {
        "consideration": ["Consideration (2,000) cannot be larger than Awareness (1,000)."]
    }


def test_equal_funnel_counts_are_accepted(campaign):
    services.set_funnel(campaign=campaign, counts=dict.fromkeys(REFERENCE_FUNNEL, 100))

    assert recorded_funnel(campaign) == dict.fromkeys(REFERENCE_FUNNEL, 100)


def test_the_reference_funnel_is_accepted(campaign):
    services.set_funnel(campaign=campaign, counts=REFERENCE_FUNNEL)

    assert recorded_funnel(campaign) == REFERENCE_FUNNEL


# --- The funnel never grows: the web form ----------------------------------------------------


def test_a_funnel_that_grows_in_the_web_form_is_refused_beside_interest(
    client, sunrise_manager, campaign
):
    client.force_login(sunrise_manager)

    response = client.post(
        page_url("funnel", campaign.location, campaign), {"awareness": "100", "interest": "500"}
    )

    assert response.status_code == 200
    assert field_errors(response, "interest") == [
        "Interest (500) cannot be larger than Awareness (100)."
    ]
    assert field_errors(response, "awareness") == []
    assert recorded_funnel(campaign) == {}


def test_a_blank_stage_in_the_web_form_keeps_its_count_and_is_checked_with_it(
    client, sunrise_manager, campaign
):
    FunnelStageFactory(campaign=campaign, stage="awareness", count=100)
    client.force_login(sunrise_manager)

    response = client.post(
        page_url("funnel", campaign.location, campaign), {"awareness": "", "interest": "500"}
    )

    assert response.status_code == 200
    assert field_errors(response, "interest") == [
        "Interest (500) cannot be larger than Awareness (100)."
    ]
    assert recorded_funnel(campaign) == {"awareness": 100}


def test_the_reference_funnel_in_the_web_form_is_saved(client, sunrise_manager, campaign):
    client.force_login(sunrise_manager)

    response = client.post(
        page_url("funnel", campaign.location, campaign),
        {stage: str(count) for stage, count in REFERENCE_FUNNEL.items()},
    )

    assert response.status_code == 302
    assert recorded_funnel(campaign) == REFERENCE_FUNNEL


# --- The funnel never grows: the API ---------------------------------------------------------


@pytest.fixture
def api(client, sunrise):
    return ApiClient(client, tokens.issue_token(location=sunrise, name="Sunrise CRM sync")[1])


def test_a_funnel_that_grows_through_the_api_answers_409_and_writes_nothing(api, campaign):
    response = api.put(f"/campaigns/{campaign.pk}/funnel", {"awareness": 100, "interest": 500})

    assert response.status_code == 409
    assert errors(response) == [
        {
            "field": "interest",
            "message": "Interest (500) cannot be larger than Awareness (100).",
        }
    ]
    assert recorded_funnel(campaign) == {}


def test_a_partial_api_update_above_a_recorded_earlier_stage_is_refused(api, campaign):
    FunnelStageFactory(campaign=campaign, stage="awareness", count=100)

    response = api.put(f"/campaigns/{campaign.pk}/funnel", {"interest": 500})

    assert response.status_code == 409
    assert [(e["field"], e["message"]) for e in errors(response)] == [
        ("interest", "Interest (500) cannot be larger than Awareness (100).")
    ]
    assert recorded_funnel(campaign) == {"awareness": 100}


def test_a_partial_api_update_within_the_recorded_funnel_is_saved(api, campaign):
    FunnelStageFactory(campaign=campaign, stage="awareness", count=100)

    response = api.put(f"/campaigns/{campaign.pk}/funnel", {"interest": 100})

    assert response.status_code == 200
    assert response.json() == {
        "awareness": 100,
        "interest": 100,
        "consideration": None,
        "intent": None,
        "conversion": None,
    }


# --- The funnel never grows: Django admin ----------------------------------------------------


def funnel_inline_rows(data: dict) -> dict[str, str]:
    """The funnel inline's row prefixes by stage, in a change form's data."""
    return {
        value: key.removesuffix("-stage")
        for key, value in data.items()
        if key.startswith("funnel_stages-") and key.endswith("-stage")
    }


def test_a_funnel_that_grows_in_the_admin_inline_is_refused(client, superuser, campaign):
    FunnelStageFactory(campaign=campaign, stage="awareness", count=100)
    FunnelStageFactory(campaign=campaign, stage="interest", count=50)
    client.force_login(superuser)
    url = f"{CAMPAIGNS}{campaign.pk}/change/"
    data = change_form_data(client.get(url))
    data[f"{funnel_inline_rows(data)['interest']}-count"] = "500"

    response = client.post(url, data)

    assert response.status_code == 200
    assert "Interest (500) cannot be larger than Awareness (100)." in text(response)
    assert recorded_funnel(campaign) == {"awareness": 100, "interest": 50}


def test_raising_two_stages_together_in_the_admin_inline_is_accepted(client, superuser, campaign):
    FunnelStageFactory(campaign=campaign, stage="awareness", count=100)
    FunnelStageFactory(campaign=campaign, stage="interest", count=50)
    client.force_login(superuser)
    url = f"{CAMPAIGNS}{campaign.pk}/change/"
    data = change_form_data(client.get(url))
    rows = funnel_inline_rows(data)
    data.update({f"{rows['awareness']}-count": "1000", f"{rows['interest']}-count": "500"})

    response = client.post(url, data)

    assert response.status_code == 302
    assert recorded_funnel(campaign) == {"awareness": 1000, "interest": 500}


def test_a_funnel_stage_larger_than_its_earlier_stage_is_refused_in_the_stage_admin(
    client, superuser, campaign
):
    FunnelStageFactory(campaign=campaign, stage="awareness", count=100)
    client.force_login(superuser)

    response = client.post(
        f"{FUNNEL_STAGES}add/",
        {"campaign": campaign.pk, "stage": "interest", "count": "500", "_save": "Save"},
    )

    assert response.status_code == 200
    assert "Interest (500) cannot be larger than Awareness (100)." in text(response)
    assert recorded_funnel(campaign) == {"awareness": 100}


def test_lowering_a_stage_below_a_later_one_is_refused_in_the_stage_admin(
    client, superuser, campaign
):
    awareness = FunnelStageFactory(campaign=campaign, stage="awareness", count=1000)
    FunnelStageFactory(campaign=campaign, stage="interest", count=500)
    client.force_login(superuser)

    response = client.post(
        f"{FUNNEL_STAGES}{awareness.pk}/change/",
        {"campaign": campaign.pk, "stage": "awareness", "count": "100", "_save": "Save"},
    )

    assert response.status_code == 200
    assert "Interest (500) cannot be larger than Awareness (100)." in text(response)
    assert recorded_funnel(campaign) == {"awareness": 1000, "interest": 500}


def test_an_equal_count_is_accepted_in_the_stage_admin(client, superuser, campaign):
    FunnelStageFactory(campaign=campaign, stage="awareness", count=100)
    client.force_login(superuser)

    response = client.post(
        f"{FUNNEL_STAGES}add/",
        {"campaign": campaign.pk, "stage": "interest", "count": "100", "_save": "Save"},
    )

    assert response.status_code == 302
    assert recorded_funnel(campaign) == {"awareness": 100, "interest": 100}
