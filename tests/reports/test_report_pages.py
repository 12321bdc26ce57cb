"""Scheduled client reports in the browser's pages (list, form, test send, preview, delivery
log, user menu) and in the Django admin, for managers only and scoped to their location."""

from __future__ import annotations

import zoneinfo
from datetime import UTC, datetime

import pytest
from django.test import override_settings
from django.urls import reverse

from campaigns.models import (
    ReportDelivery,
    ReportRecipient,
    ReportSchedule,
)
from campaigns.reporting.occurrences import next_send
from campaigns.tenancy import scope
from tests.conftest import SENTINEL, free_port, smtp_settings
from tests.report_support import (
    DEFAULTS,
    deliveries,
    make_schedule,
)

pytestmark = pytest.mark.django_db


# --- Pages ------------------------------------------------------------------------------------


def test_a_manager_creates_and_edits_a_schedule_through_the_form(
    client, sunrise, manager, reference_campaign
):
    client.force_login(manager)
    response = client.post(
        reverse("campaigns:report_schedule_new", args=[sunrise.slug]),
        {
            "name": "Owner's monthly",
            "frequency": "monthly",
            "weekday": 0,
            "day_of_month": 3,
            "hour": 9,
            "period": "last_month",
            "active": "on",
            "campaigns": [reference_campaign.pk],
            "members": [manager.pk],
            "addresses": "owner@client.test, Boss@Client.test\nowner@client.test",
        },
    )
    assert response.status_code == 302
    with scope(sunrise):
        schedule = ReportSchedule.objects.get()
        assert (schedule.frequency, schedule.day_of_month, schedule.hour) == ("monthly", 3, 9)
        assert list(schedule.campaigns.all()) == [reference_campaign]
        assert sorted(r.address for r in schedule.recipients.all()) == [
            "Boss@Client.test",
            "manager@sunrise.test",
            "owner@client.test",
        ]
    listing = client.get(response["Location"]).content.decode()
    assert "Saved the report schedule “Owner&#x27;s monthly”." in listing
    assert "Monthly, on day 3 at 09:00" in listing
    expected = next_send(schedule, zoneinfo.ZoneInfo("UTC"), datetime.now(UTC))
    assert expected.strftime("%a, %b %-d, %Y %H:%M") in listing

    edit = reverse("campaigns:report_schedule_edit", args=[sunrise.slug, schedule.pk])
    form = client.get(edit).content.decode()
    assert "owner@client.test" in form and 'value="3"' in form
    client.post(
        edit,
        {
            **{k: v for k, v in DEFAULTS.items() if k != "active"},  # unticked: paused
            "name": "Weekly now",
            "members": [manager.pk],
            "addresses": "",
        },
    )
    with scope(sunrise):
        schedule.refresh_from_db()
        assert (schedule.name, schedule.frequency, schedule.active) == (
            "Weekly now",
            "weekly",
            False,
        )
        assert [r.address for r in schedule.recipients.all()] == ["manager@sunrise.test"]
        assert not schedule.campaigns.exists()


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("hour", "24", "Select a valid choice."),
        ("day_of_month", "29", "less than or equal to 28"),
        ("addresses", "owner@", "“owner@” is not a valid e-mail address."),
        ("addresses", "", "Choose at least one member or enter an outside address."),
    ],
)
def test_bad_input_gets_a_clear_message_and_saves_nothing(
    client, sunrise, manager, field, value, message
):
    client.force_login(manager)
    data = {**DEFAULTS, "active": "on", "addresses": "owner@client.test", field: value}
    response = client.post(reverse("campaigns:report_schedule_new", args=[sunrise.slug]), data)
    assert response.status_code == 200
    assert message in response.content.decode()
    with scope(sunrise):
        assert not ReportSchedule.objects.exists()


def test_send_a_test_now_goes_to_the_manager_and_is_logged(
    client, sunrise, manager, reference_campaign, mailoutbox
):
    schedule = make_schedule(sunrise, addresses=["owner@client.test"], name="Weekly owner")
    client.force_login(manager)

    response = client.post(
        reverse("campaigns:report_test", args=[sunrise.slug]),
        {"schedule": schedule.pk},
        follow=True,
    )

    assert "Sent a test of “Weekly owner” to manager@sunrise.test." in response.content.decode()
    [message] = mailoutbox
    assert message.to == ["manager@sunrise.test"]
    assert "List-Unsubscribe" not in message.extra_headers
    [row] = deliveries(sunrise)
    assert (row.is_test, row.status, row.due_at, row.email) == (
        True,
        "sent",
        None,
        "manager@sunrise.test",
    )
    log = client.get(reverse("campaigns:report_log", args=[sunrise.slug])).content.decode()
    assert "manager@sunrise.test" in log and ">Test<" in log and ">Sent<" in log


def test_send_a_test_without_an_address_or_with_the_mail_server_down_says_why(
    client, sunrise, sunrise_manager, mailoutbox
):
    schedule = make_schedule(sunrise, addresses=["owner@client.test"])
    client.force_login(sunrise_manager)
    url = reverse("campaigns:report_test", args=[sunrise.slug])

    no_address = client.post(url, {"schedule": schedule.pk}, follow=True).content.decode()
    assert "Your account has no e-mail address to send the test to" in no_address
    assert deliveries(sunrise) == []

    sunrise_manager.email = "manager@sunrise.test"
    sunrise_manager.save()
    with override_settings(MAILERS=smtp_settings(free_port())):
        down = client.post(url, {"schedule": schedule.pk}, follow=True)
    assert down.status_code == 200
    assert "could not be sent to manager@sunrise.test: ConnectionRefusedError" in (
        down.content.decode()
    )
    [row] = deliveries(sunrise)
    assert (row.status, row.is_test, row.next_attempt_at) == ("failed", True, None)
    assert mailoutbox == []


def test_the_preview_shows_the_email_and_offers_the_pdf(
    client, sunrise, manager, reference_campaign
):
    schedule = make_schedule(sunrise, addresses=["owner@client.test"], period="last_month")
    client.force_login(manager)
    args = [sunrise.slug, schedule.pk]

    page = client.get(reverse("campaigns:report_preview", args=args)).content.decode()
    email_url = reverse("campaigns:report_preview_email", args=args)
    assert f'src="{email_url}"' in page
    assert reverse("campaigns:report_preview_pdf", args=args) in page

    email = client.get(email_url)
    assert "Headline figures" in email.content.decode()
    assert email["X-Frame-Options"] == "SAMEORIGIN"
    csp = email["Content-Security-Policy"]
    assert "default-src 'none'" in csp and "frame-ancestors 'self'" in csp and "sandbox" in csp

    pdf = client.get(reverse("campaigns:report_preview_pdf", args=args))
    assert pdf["Content-Type"] == "application/pdf"
    assert pdf["Content-Disposition"].startswith('attachment; filename="sunrise-realty-report-')
    assert pdf.content.startswith(b"%PDF")


def test_the_user_menu_links_managers_to_the_scheduled_reports(
    client, sunrise, manager, sunrise_viewer
):
    link = f'href="{reverse("campaigns:report_schedules", args=[sunrise.slug])}"'
    overview = reverse("campaigns:overview", args=[sunrise.slug])
    client.force_login(manager)
    assert link in client.get(overview).content.decode()
    client.force_login(sunrise_viewer)
    assert link not in client.get(overview).content.decode()


def test_a_viewer_cannot_open_the_report_pages(client, sunrise, sunrise_viewer):
    client.force_login(sunrise_viewer)
    assert client.get(reverse("campaigns:report_schedules", args=[sunrise.slug])).status_code == 403


def test_delete_removes_the_schedule(client, sunrise, manager):
    schedule = make_schedule(sunrise, addresses=["owner@client.test"], name="Old one")
    client.force_login(manager)
    response = client.post(
        reverse("campaigns:report_schedule_delete", args=[sunrise.slug]),
        {"schedule": schedule.pk},
        follow=True,
    )
    assert "Deleted the report schedule “Old one”." in response.content.decode()
    with scope(sunrise):
        assert not ReportSchedule.objects.exists()
        assert not ReportRecipient.objects.exists()


def test_the_delivery_log_is_newest_first_and_paginated(client, sunrise, manager):
    schedule = make_schedule(sunrise, addresses=["owner@client.test"])
    with scope(sunrise):
        for i in range(30):
            ReportDelivery.objects.create(
                location=sunrise,
                schedule=schedule,
                email=f"r{i:02d}@client.test",
                status="failed",
                attempts=4,
                last_error=f"reason {i:02d}",
            )
    client.force_login(manager)
    url = reverse("campaigns:report_log", args=[sunrise.slug])
    first = client.get(url).content.decode()
    second = client.get(url + "?page=2").content.decode()
    assert first.index("r29@client.test") < first.index("r28@client.test")
    assert "reason 29" in first and "r05@client.test" in first and "r04@client.test" not in first
    assert "r04@client.test" in second and "Page 2 of 2 (30 messages)" in second


def test_the_list_page_makes_the_same_queries_for_one_or_many_schedules(
    client, sunrise, manager, reference_campaign, django_assert_num_queries
):
    client.force_login(manager)
    url = reverse("campaigns:report_schedules", args=[sunrise.slug])
    make_schedule(sunrise, addresses=["a@client.test"], members=[manager])
    client.get(url)  # warm the session and content type caches

    # Session, user, membership (with the header's open alerts and the membership version:
    # the user's locations come from their cached entry); the schedules with their counts,
    # their recipients (with their users).
    with django_assert_num_queries(5):
        assert client.get(url).status_code == 200
    for i in range(4):
        make_schedule(
            sunrise,
            addresses=[f"b{i}@client.test"],
            members=[manager],
            campaigns=[reference_campaign],
        )
    with django_assert_num_queries(5):
        page = client.get(url).content.decode()
    assert page.count("Send a test now</button>") == 5


# --- Admin ------------------------------------------------------------------------------------


def test_the_admin_shows_a_staff_manager_only_their_locations_schedules_and_a_read_only_log(
    client, sunrise, harbor, manager
):
    from django.contrib.auth.models import Permission

    manager.is_staff = True
    manager.save()
    manager.user_permissions.set(Permission.objects.filter(content_type__app_label="campaigns"))
    mine = make_schedule(sunrise, addresses=["mine@client.test"], name="Sunrise weekly")
    make_schedule(harbor, addresses=["theirs@client.test"], name=f"{SENTINEL} weekly")
    with scope(sunrise):
        row = ReportDelivery.objects.create(
            location=sunrise, schedule=mine, email="mine@client.test", status="sent", attempts=1
        )
    client.force_login(manager)

    listing = client.get("/admin/campaigns/reportschedule/").content.decode()
    assert "Sunrise weekly" in listing and SENTINEL not in listing
    change = client.get(f"/admin/campaigns/reportschedule/{mine.pk}/change/").content.decode()
    assert "mine@client.test" in change
    assert client.get("/admin/campaigns/reportdelivery/").status_code == 200
    assert client.get("/admin/campaigns/reportdelivery/add/").status_code == 403
    page = client.get(f"/admin/campaigns/reportdelivery/{row.pk}/change/").content.decode()
    assert 'name="_save"' not in page
