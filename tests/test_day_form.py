"""The day form as people type into it: one clear error per mistake."""

import html
import re
from datetime import date, timedelta

import pytest
from django.urls import reverse

from campaigns import services

pytestmark = pytest.mark.django_db


def field_errors(page: str) -> dict[str, list[str]]:
    return {
        field: re.findall(r"<li>(.*?)</li>", items)
        for field, items in re.findall(
            r'<ul class="errorlist" id="id_(\w+)_error">(.*?)</ul>', page, re.S
        )
    }


def day(**numbers) -> dict:
    values = dict.fromkeys(
        ["impressions", "clicks", "leads", "qualified_leads", "hot_leads", "conversions"], "0"
    )
    values.update(revenue="0", spend="0", date="2026-01-02", **numbers)
    return values


@pytest.fixture
def url(client, sunrise_manager, sunrise):
    client.force_login(sunrise_manager)
    c = services.create_campaign(
        location=sunrise, name="Postcards", channel="email", start_date=date(2026, 1, 1)
    )
    return reverse("campaigns:metrics", args=[sunrise.slug, c.pk])


def test_leads_that_are_not_a_whole_number_get_one_error_only(client, url):
    response = client.post(url, day(leads="2.5", qualified_leads="1", hot_leads="1"))

    assert response.status_code == 200
    assert field_errors(html.unescape(response.content.decode())) == {
        "leads": ["Enter a whole number."]
    }


def test_more_qualified_leads_than_leads_is_still_refused(client, url):
    response = client.post(url, day(leads="2", qualified_leads="3"))

    assert field_errors(html.unescape(response.content.decode())) == {
        "qualified_leads": ["Qualified leads cannot exceed leads."]
    }


# --- Complete days -------------------------------------------------------------------------------


def test_the_form_offers_the_last_complete_day(client, url, sunrise):
    page = client.get(url).content.decode()

    yesterday = sunrise.today() - timedelta(days=1)
    assert f'value="{yesterday:%Y-%m-%d}"' in page


def test_a_campaign_starting_today_offers_today(client, sunrise_manager, sunrise):
    client.force_login(sunrise_manager)
    c = services.create_campaign(
        location=sunrise, name="Launch", channel="email", start_date=sunrise.today()
    )

    page = client.get(reverse("campaigns:metrics", args=[sunrise.slug, c.pk])).content.decode()

    assert f'value="{sunrise.today():%Y-%m-%d}"' in page


def test_recording_today_opens_the_campaign_up_to_today_marked_partial(client, url, sunrise):
    today = sunrise.today()

    response = client.post(url, {**day(leads="7"), "date": f"{today:%Y-%m-%d}"}, follow=True)

    [(target, _)] = response.redirect_chain
    assert target.endswith(f"?period=custom&start=2026-01-01&end={today:%Y-%m-%d}")
    page = html.unescape(response.content.decode())
    assert f"Recorded {today:%b %-d, %Y}: today so far, a partial day." in page
    assert "today is partial" in page
    assert re.search(r'data-metric="leads">\s*7\s*<', page)


def test_recording_a_past_day_opens_the_campaign_as_it_is(client, url):
    response = client.post(url, day(leads="7"))

    assert response.status_code == 302
    assert response["Location"].endswith("/campaigns/" + url.split("/")[-3] + "/")
