"""The history pages: a campaign's History panel, the location's activity, import batches and
their undo. Every change shown is made by a real write (services inside ``history.acting``)."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.db import transaction
from django.urls import reverse

from campaigns import history, services
from campaigns.models import Campaign, Change, DailyMetric, ImportBatch, Source
from campaigns.tenancy import scope

HX = {"HX-Request": "true"}
DAY = date(2026, 3, 4)


def make_campaign(location, user, name="Spring Open House", **fields):
    with scope(location), history.acting(Source.FORM, user=user):
        return services.create_campaign(
            location=location,
            name=name,
            channel="sms",
            status="active",
            budget=Decimal("1000.00"),
            start_date=date(2026, 3, 1),
            **fields,
        )


def record(location, user, campaign, day=DAY, source=Source.FORM, **numbers):
    with scope(location), history.acting(source, user=user):
        return services.record_day(campaign=campaign, day=day, **numbers)


def import_days(location, user, campaign, rows, file_name="meta-march.csv"):
    """An import batch of these days, written as the importer writes them."""
    with scope(location), history.acting(Source.IMPORT, user=user), transaction.atomic():
        with history.batch(location, file_name=file_name, platform="meta") as batch:
            services.record_days(campaign=campaign, rows=rows)
        batch.refresh_from_db()
    return batch


def history_url(location, campaign, **query):
    url = reverse("campaigns:campaign_history", args=[location.slug, campaign.pk])
    return url + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


def rows(response) -> list[str]:
    """The text of each row of the response's first table body, tags stripped."""
    body = response.content.decode()
    found = re.findall(r"<tr data-change=\"\d+\">(.*?)</tr>", body, re.S)
    return [words(row) for row in found]


def words(html: str) -> str:
    """The text of some HTML as one line, without what only screen readers hear."""
    html = re.sub(r'<span class="sr-only">.*?</span>', "", html)
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


@pytest.fixture
def campaign(sunrise, sunrise_manager):
    return make_campaign(sunrise, sunrise_manager)


# --- The panel ------------------------------------------------------------------------------


def test_the_panel_lists_the_campaigns_changes_newest_first_with_old_and_new_values(
    client, sunrise, sunrise_manager, sunrise_viewer, campaign
):
    record(sunrise, sunrise_manager, campaign, leads=5, spend=Decimal("12.50"))
    record(sunrise, sunrise_manager, campaign, leads=7, spend=Decimal("20.00"))
    with scope(sunrise), history.acting(Source.FORM, user=sunrise_manager):
        services.update_campaign(campaign=campaign, budget=Decimal("1500.00"))
        services.set_funnel(campaign=campaign, counts={"awareness": 900, "interest": 40})

    client.force_login(sunrise_viewer)  # viewers read the panel, as the campaign page
    response = client.get(history_url(sunrise, campaign), headers=HX)

    assert response.status_code == 200
    assert "<html" not in response.content.decode()  # the fragment only
    found = rows(response)
    assert len(found) == 6
    assert "sunrise-manager Form" in found[0]
    assert "Funnel: Interest Created" in found[0] + found[1]
    assert "Funnel: Awareness Created" in found[0] + found[1]
    assert "Awareness — → 900" not in found[0] + found[1]  # a funnel stage's field is its count
    assert "Count — → 40" in found[0] + found[1]
    assert "The campaign Changed Budget $1,000.00 → $1,500.00" in found[2]
    assert "Day 4 Mar 2026 Changed" in found[3]
    assert "Leads 5 → 7" in found[3] and "Spend $12.50 → $20.00" in found[3]
    assert "Revenue" not in found[3]  # only the fields that changed
    assert "Day 4 Mar 2026 Created" in found[4] and "Spend — → $12.50" in found[4]
    assert "The campaign Created" in found[5] and "Name — → Spring Open House" in found[5]
    assert "Channel — → SMS" in found[5]  # choices by their label
    assert "Start date — → 1 Mar 2026" in found[5]


def test_the_panel_shows_times_in_the_locations_time_zone(
    client, sunrise, sunrise_manager, campaign
):
    sunrise.time_zone = "America/New_York"
    sunrise.save()
    with scope(sunrise):
        Change.objects.filter(campaign_ref=campaign.pk).update(
            created_at=datetime(2026, 3, 4, 15, 0, tzinfo=UTC)
        )
    client.force_login(sunrise_manager)

    found = rows(client.get(history_url(sunrise, campaign), headers=HX))

    assert found[0].startswith("Mar 4, 2026 10:00 EST")


def test_the_panel_is_paginated_by_25_with_htmx_links_within_the_panel(
    client, sunrise, sunrise_manager, campaign
):
    for leads in range(1, 30):  # 29 writes of the day: 1 created, 28 changed, + the campaign
        record(sunrise, sunrise_manager, campaign, leads=leads)
    client.force_login(sunrise_manager)

    first = client.get(history_url(sunrise, campaign), headers=HX)
    second = client.get(history_url(sunrise, campaign, page=2), headers=HX)

    assert len(rows(first)) == 25
    assert "Leads 28 → 29" in rows(first)[0]
    body = first.content.decode()
    assert "Page 1 of 2 (30 changes)" in body
    next_url = history_url(sunrise, campaign) + "?page=2"
    assert f'hx-get="{next_url}"' in body and 'hx-target="#history-panel"' in body
    assert len(rows(second)) == 5
    assert "The campaign Created" in rows(second)[-1]


def test_the_panel_filters_by_source_and_links_a_batch_for_managers_only(
    client, sunrise, sunrise_manager, sunrise_viewer, campaign
):
    record(sunrise, sunrise_manager, campaign, leads=3)
    batch = import_days(
        sunrise, sunrise_manager, campaign, [{"date": date(2026, 3, 5), "leads": 9}]
    )
    batch_url = reverse("campaigns:batch", args=[sunrise.slug, batch.pk])
    client.force_login(sunrise_manager)

    imported = client.get(history_url(sunrise, campaign, source="import"), headers=HX)
    forms = client.get(history_url(sunrise, campaign, source="form"), headers=HX)

    assert len(rows(imported)) == 1
    assert "Import batch" in rows(imported)[0] and "Day 5 Mar 2026 Created" in rows(imported)[0]
    assert f'href="{batch_url}"' in imported.content.decode()
    assert '<option value="import" selected>' in imported.content.decode()
    assert len(rows(forms)) == 2 and all("Import" not in r for r in rows(forms))

    client.force_login(sunrise_viewer)  # the batch page is the managers': no link
    as_viewer = client.get(history_url(sunrise, campaign, source="import"), headers=HX)
    assert f'href="{batch_url}"' not in as_viewer.content.decode()
    assert f"batch {batch.pk}" in as_viewer.content.decode()


def test_an_unknown_source_shows_everything_and_says_so(client, sunrise, sunrise_manager, campaign):
    client.force_login(sunrise_manager)

    response = client.get(history_url(sunrise, campaign, source="nonsense"), headers=HX)

    assert response.status_code == 200
    assert "That source is not one of the list" in response.content.decode()
    assert len(rows(response)) == 1


def test_the_panel_without_htmx_is_a_page_and_the_campaign_page_loads_it(
    client, sunrise, sunrise_viewer, campaign
):
    client.force_login(sunrise_viewer)
    url = history_url(sunrise, campaign)

    page = client.get(url)
    campaign_page = client.get(reverse("campaigns:campaign", args=[sunrise.slug, campaign.pk]))

    assert (
        "<html" in page.content.decode() and "History of Spring Open House" in page.content.decode()
    )
    assert len(rows(page)) == 1
    body = campaign_page.content.decode()
    assert f'hx-get="{url}"' in body and 'id="history-panel"' in body
    assert f'<a href="{url}">' in body  # the link without JavaScript


def test_who_is_kept_when_the_user_is_deleted_and_said_when_unknown(
    client, sunrise, sunrise_manager, campaign
):
    writer = get_user_model().objects.create_user("temp-editor", password="pw-for-tests-1")
    record(sunrise, writer, campaign, leads=3)
    record(sunrise, writer, campaign, leads=4)
    with scope(sunrise):
        writer.delete()
        # A row without a name (as a user deleted before names were kept would leave it).
        Change.objects.filter(kind="day", action="created").update(actor="")
    client.force_login(sunrise_manager)

    found = rows(client.get(history_url(sunrise, campaign), headers=HX))

    assert "temp-editor Form Day 4 Mar 2026 Changed" in found[0]
    assert "a deleted user Form Day 4 Mar 2026 Created" in found[1]
    assert "sunrise-manager Form The campaign Created" in found[2]


def test_another_locations_campaign_history_is_a_404(
    client, sunrise, harbor, sunrise_manager, harbor_manager
):
    theirs = make_campaign(harbor, harbor_manager, name="Harbor Secret")
    client.force_login(sunrise_manager)

    response = client.get(history_url(sunrise, theirs), headers=HX)

    assert response.status_code == 404
    assert "Harbor Secret" not in response.content.decode()


def test_the_panel_takes_the_same_queries_for_any_number_of_rows(
    client, sunrise, sunrise_manager, campaign, django_assert_num_queries
):
    client.force_login(sunrise_manager)
    url = history_url(sunrise, campaign)
    client.get(url, headers=HX)  # the session's first read
    # session, user, membership with location, campaign, count, the page of changes
    with django_assert_num_queries(6):
        assert len(rows(client.get(url, headers=HX))) == 1
    for leads in range(1, 30):
        record(sunrise, sunrise_manager, campaign, leads=leads)
    with django_assert_num_queries(6):
        assert len(rows(client.get(url, headers=HX))) == 25


# --- The activity page ----------------------------------------------------------------------


def activity_url(location, **query):
    url = reverse("campaigns:activity", args=[location.slug])
    return url + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


def test_viewers_see_the_panel_but_not_the_activity_its_csv_or_the_batches(
    client, sunrise, sunrise_viewer, campaign
):
    client.force_login(sunrise_viewer)

    assert client.get(history_url(sunrise, campaign)).status_code == 200
    assert client.get(activity_url(sunrise)).status_code == 403
    assert client.get(reverse("campaigns:activity_csv", args=[sunrise.slug])).status_code == 403
    assert client.get(reverse("campaigns:batches", args=[sunrise.slug])).status_code == 403
    base = client.get(reverse("campaigns:campaign", args=[sunrise.slug, campaign.pk]))
    assert activity_url(sunrise) not in base.content.decode()  # no nav link either


def test_managers_see_every_change_of_the_location_with_its_filters(
    client, sunrise, harbor, sunrise_manager, harbor_manager, campaign
):
    other = make_campaign(sunrise, sunrise_manager, name="Email Blast")
    gone = make_campaign(sunrise, sunrise_manager, name="Old Flyer")
    record(sunrise, sunrise_manager, campaign, leads=3)
    record(sunrise, sunrise_manager, other, leads=4, source=Source.API)
    with scope(sunrise), history.acting(Source.FORM, user=sunrise_manager):
        Campaign.objects.get(pk=gone.pk).delete()
    make_campaign(harbor, harbor_manager, name="Harbor Secret")
    client.force_login(sunrise_manager)

    everything = client.get(activity_url(sunrise))
    days = client.get(activity_url(sunrise, kind="day"))
    api = client.get(activity_url(sunrise, source="api"))
    of_one = client.get(activity_url(sunrise, campaign=campaign.pk), headers=HX)
    of_gone = client.get(activity_url(sunrise, campaign=gone.pk), headers=HX)

    body = everything.content.decode()
    assert everything.status_code == 200 and "Harbor Secret" not in body
    assert len(rows(everything)) == 6
    assert (
        "Old Flyer (deleted)" in rows(everything)[0]
        and "The campaign Deleted" in rows(everything)[0]
    )
    assert f'<option value="{gone.pk}">Old Flyer (deleted)</option>' in body
    assert f'<option value="{other.pk}">Email Blast</option>' in body
    assert reverse("campaigns:activity", args=[sunrise.slug]) in body  # the nav link
    assert len(rows(days)) == 2 and all("Day 4 Mar 2026" in r for r in rows(days))
    assert len(rows(api)) == 1 and "Email Blast" in rows(api)[0]
    assert "<html" not in of_one.content.decode() and len(rows(of_one)) == 2
    assert len(rows(of_gone)) == 2  # created and deleted
    csv_link = reverse("campaigns:activity_csv", args=[sunrise.slug]) + "?kind=day"
    assert f'href="{csv_link}"' in days.content.decode()


def test_the_activity_page_takes_the_same_queries_for_any_number_of_rows(
    client, sunrise, sunrise_manager, campaign, django_assert_num_queries
):
    client.force_login(sunrise_manager)
    url = activity_url(sunrise)
    client.get(url)
    # session, user, membership with location (and the header's open alerts and membership
    # version: the user's locations are their cached entry), campaigns to filter by, deleted
    # campaigns, count, the page of changes
    with django_assert_num_queries(7):
        assert len(rows(client.get(url))) == 1
    other = make_campaign(sunrise, sunrise_manager, name="Email Blast")
    for leads in range(1, 30):
        record(sunrise, sunrise_manager, campaign if leads % 2 else other, leads=leads)
    with django_assert_num_queries(7):
        assert len(rows(client.get(url))) == 25


# --- Import batches -------------------------------------------------------------------------


def batch_url(location, batch, name="campaigns:batch"):
    return reverse(name, args=[location.slug, batch.pk])


def test_the_batches_list_shows_each_batch_newest_first(client, sunrise, sunrise_manager, campaign):
    first = import_days(sunrise, sunrise_manager, campaign, [{"date": DAY, "leads": 1}])
    second = import_days(
        sunrise,
        sunrise_manager,
        campaign,
        [{"date": DAY, "leads": 2}, {"date": date(2026, 3, 5), "leads": 3}],
        file_name="second.csv",
    )
    client.force_login(sunrise_manager)

    body = client.get(reverse("campaigns:batches", args=[sunrise.slug])).content.decode()

    assert body.index(f'data-batch="{second.pk}"') < body.index(f'data-batch="{first.pk}"')
    row = re.search(rf'data-batch="{second.pk}">(.*?)</tr>', body, re.S).group(1)
    text = words(row)
    assert "second.csv" in text and "meta" in text and "sunrise-manager" in text
    assert re.search(r"sunrise-manager 1 1 0 0 no", text), text  # added, replaced, …


def test_the_batch_page_lists_what_it_changed_and_offers_the_undo(
    client, sunrise, sunrise_manager, campaign
):
    record(sunrise, sunrise_manager, campaign, leads=1)
    batch = import_days(
        sunrise, sunrise_manager, campaign, [{"date": DAY, "leads": 6}, {"date": date(2026, 3, 5)}]
    )
    client.force_login(sunrise_manager)

    response = client.get(batch_url(sunrise, batch))

    body = response.content.decode()
    assert response.status_code == 200
    assert "meta-march.csv" in body and "1 day added, 1 replaced" in body
    found = rows(response)
    assert len(found) == 2
    assert any("Day 4 Mar 2026 Changed" in r and "Leads 1 → 6" in r for r in found)
    assert batch_url(sunrise, batch, "campaigns:batch_undo") in body
    assert 'name="confirm"' in body and "undo is blocked" not in body


def test_the_undo_restores_the_days_and_the_page_says_who_undid_it(
    client, sunrise, sunrise_manager, campaign
):
    record(sunrise, sunrise_manager, campaign, leads=1)
    batch = import_days(
        sunrise, sunrise_manager, campaign, [{"date": DAY, "leads": 6}, {"date": date(2026, 3, 5)}]
    )
    client.force_login(sunrise_manager)

    response = client.post(batch_url(sunrise, batch, "campaigns:batch_undo"), {"confirm": "yes"})

    assert response.status_code == 302 and response["Location"] == batch_url(sunrise, batch)
    with scope(sunrise):
        assert list(DailyMetric.objects.values_list("date", "leads")) == [(DAY, 1)]
    page = client.get(response["Location"]).content.decode()
    assert f"Undid batch {batch.pk}" in page  # the success message
    assert "Undone on" in page and "by sunrise-manager" in page
    assert 'name="confirm"' not in page  # no button any more


def test_an_undo_without_the_box_ticked_changes_nothing(client, sunrise, sunrise_manager, campaign):
    batch = import_days(sunrise, sunrise_manager, campaign, [{"date": DAY, "leads": 6}])
    client.force_login(sunrise_manager)

    response = client.post(batch_url(sunrise, batch, "campaigns:batch_undo"), {}, follow=True)

    assert "Tick the box to confirm the undo" in response.content.decode()
    with scope(sunrise):
        assert DailyMetric.objects.count() == 1
        assert ImportBatch.objects.get(pk=batch.pk).undone_at is None


def test_a_refused_undo_shows_the_later_changes_and_changes_nothing(
    client, sunrise, sunrise_manager, sunrise_viewer, campaign
):
    batch = import_days(sunrise, sunrise_manager, campaign, [{"date": DAY, "leads": 6}])
    with scope(sunrise):
        Membership = sunrise_viewer.memberships.model
        Membership.objects.filter(user=sunrise_viewer).update(role="manager")
    record(sunrise, sunrise_viewer, campaign, leads=8)  # a later write to the batch's day
    client.force_login(sunrise_manager)

    page = client.get(batch_url(sunrise, batch)).content.decode()
    response = client.post(batch_url(sunrise, batch, "campaigns:batch_undo"), {"confirm": "yes"})

    assert "The undo is blocked: 1 later change" in page
    assert 'name="confirm"' not in page
    assert response.status_code == 409
    body = response.content.decode()
    assert "The undo was refused" in body and body.count("Nothing was changed.") == 1
    conflict = re.search(r'id="conflict-table".*?<tbody>(.*?)</tbody>', body, re.S).group(1)
    text = words(conflict)
    assert "sunrise-viewer Form" in text and "Spring Open House" in text
    assert "Day 4 Mar 2026 Changed Leads 6 → 8" in text
    with scope(sunrise):
        assert DailyMetric.objects.get().leads == 8
        assert ImportBatch.objects.get(pk=batch.pk).undone_at is None


def test_another_locations_batch_is_a_404_and_is_not_undone(
    client, sunrise, harbor, sunrise_manager, harbor_manager
):
    theirs = make_campaign(harbor, harbor_manager, name="Harbor Secret")
    batch = import_days(harbor, harbor_manager, theirs, [{"date": DAY, "leads": 6}])
    client.force_login(sunrise_manager)

    page = client.get(batch_url(sunrise, batch))
    undo = client.post(batch_url(sunrise, batch, "campaigns:batch_undo"), {"confirm": "yes"})

    assert page.status_code == 404 and undo.status_code == 404
    assert "Harbor Secret" not in page.content.decode()
    with scope(harbor):
        assert ImportBatch.objects.get(pk=batch.pk).undone_at is None
        assert DailyMetric.objects.count() == 1


def test_undoing_a_batch_again_is_refused_and_says_who_undid_it(
    client, sunrise, sunrise_manager, campaign
):
    batch = import_days(sunrise, sunrise_manager, campaign, [{"date": DAY, "leads": 6}])
    client.force_login(sunrise_manager)
    undo_url = batch_url(sunrise, batch, "campaigns:batch_undo")
    client.post(undo_url, {"confirm": "yes"})

    again = client.post(undo_url, {"confirm": "yes"})  # a second tab still showing the button

    body = again.content.decode()
    assert again.status_code == 409
    assert f"Batch {batch.pk} was already undone" in body and "Nothing was changed." in body
    assert "by sunrise-manager" in body and 'name="confirm"' not in body
