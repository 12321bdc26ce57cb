"""Scheduled client reports: due times across DST and months, the scheduler's once-only sends,
the unsubscribe link, failures retried with backoff, tenant isolation, ``send_report`` without
``--to`` and the real worker. The pages and the admin are in tests/test_report_pages.py."""

from __future__ import annotations

import smtplib
import zoneinfo
from datetime import UTC, date, datetime, timedelta

import pytest
from django.core.management import call_command
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import timezone

from campaigns.models import (
    Membership,
    ReportRecipient,
    ReportSchedule,
    ScheduledRun,
)
from campaigns.reporting import delivery, unsubscribe
from campaigns.reporting import services as schedule_services
from campaigns.reporting.occurrences import local_instant, next_send, occurrences
from campaigns.reporting.schedules import (
    send_scheduled_report,
)
from campaigns.tenancy import scope
from tests.conftest import SENTINEL, free_port, smtp_settings
from tests.factories import MembershipFactory, UserFactory
from tests.report_support import (
    DEFAULTS,
    DUE,
    LINK,
    NEW_YORK,
    NOW,
    deliveries,
    make_schedule,
    reload,
    retry,
    run,
)
from tests.test_report_mail import pdf_text

pytestmark = pytest.mark.django_db


# --- Due times --------------------------------------------------------------------------------


class Weekly:
    frequency, weekday, day_of_month = "weekly", 0, 1

    def __init__(self, weekday=0, hour=8):
        self.weekday, self.hour = weekday, hour


class Monthly:
    frequency, weekday = "monthly", 0

    def __init__(self, day, hour=8):
        self.day_of_month, self.hour = day, hour


def test_weekly_due_time_follows_the_locations_clock_across_dst():
    # 08:00 New York is 13:00 UTC in winter (EST) and 12:00 UTC after the switch on March 8.
    before = next_send(Weekly(), NEW_YORK, datetime(2026, 3, 1, 0, 0, tzinfo=UTC))
    after = next_send(Weekly(), NEW_YORK, datetime(2026, 3, 3, 0, 0, tzinfo=UTC))
    assert before.astimezone(UTC) == datetime(2026, 3, 2, 13, 0, tzinfo=UTC)
    assert after.astimezone(UTC) == datetime(2026, 3, 9, 12, 0, tzinfo=UTC)
    assert (before.hour, after.hour) == (8, 8)
    assert list(occurrences(Weekly(), NEW_YORK, NOW)) == [DUE]


def test_an_hour_skipped_by_dst_is_due_when_the_clocks_jump_and_a_repeated_hour_once():
    # Sunday March 8, 02:00 does not exist in New York: due at 03:00 EDT (07:00 UTC).
    gap = Weekly(weekday=6, hour=2)
    assert list(occurrences(gap, NEW_YORK, datetime(2026, 3, 8, 9, 0, tzinfo=UTC))) == [
        datetime(2026, 3, 8, 7, 0, tzinfo=UTC)
    ]
    # Sunday November 1, 01:00 happens twice: due at the first (EDT, 05:00 UTC), once.
    twice = Weekly(weekday=6, hour=1)
    assert list(occurrences(twice, NEW_YORK, datetime(2026, 11, 1, 8, 0, tzinfo=UTC))) == [
        datetime(2026, 11, 1, 5, 0, tzinfo=UTC)
    ]


def test_monthly_due_time_is_its_day_of_each_month_in_the_locations_zone():
    auckland = zoneinfo.ZoneInfo("Pacific/Auckland")
    # The 28th at 23:00 in Auckland (NZDT, +13) is 10:00 UTC the same day.
    after_january = next_send(Monthly(28, hour=23), auckland, datetime(2026, 1, 29, tzinfo=UTC))
    assert after_january.astimezone(UTC) == datetime(2026, 2, 28, 10, 0, tzinfo=UTC)
    # In April (NZST, +12 since April 5) it is 11:00 UTC.
    in_april = next_send(Monthly(28, hour=23), auckland, datetime(2026, 4, 1, tzinfo=UTC))
    assert in_april.astimezone(UTC) == datetime(2026, 4, 28, 11, 0, tzinfo=UTC)
    # The 1st at 08:00 New York: due on March 1 (EST) but not on any other day of the window.
    first = Monthly(1)
    assert list(occurrences(first, NEW_YORK, datetime(2026, 3, 2, 12, 0, tzinfo=UTC))) == [
        datetime(2026, 3, 1, 13, 0, tzinfo=UTC)
    ]
    assert list(occurrences(first, NEW_YORK, datetime(2026, 3, 5, tzinfo=UTC))) == []
    assert local_instant(date(2026, 7, 1), 8, NEW_YORK) == datetime(2026, 7, 1, 12, tzinfo=UTC)


# --- Sending, once ----------------------------------------------------------------------------


def test_a_schedule_due_twice_sends_once_per_recipient(
    new_york, reference_campaign, manager, mailoutbox
):
    schedule = make_schedule(new_york, addresses=["owner@client.test"], members=[manager])

    first = run(NOW)
    again = run(NOW)  # a second scheduler, or the same one a minute later
    restarted = run(NOW + timedelta(minutes=7))

    assert [(w.kind, w.key, w.due_at) for w in first.enqueued] == [
        ("report", str(schedule.pk), DUE)
    ]
    assert again.enqueued == [] and restarted.enqueued == []
    assert again.already_done == 1 and restarted.already_done == 1
    assert ScheduledRun.objects.filter(kind="report").count() == 1
    assert sorted(m.to[0] for m in mailoutbox) == ["manager@sunrise.test", "owner@client.test"]
    # Even the task itself, run again for the same occurrence, sends nothing more.
    assert send_scheduled_report.call(schedule.pk, DUE.isoformat()) == 0
    assert len(mailoutbox) == 2
    sent = deliveries(new_york)
    assert [(d.email, d.status, d.attempts, d.due_at) for d in sent] == [
        ("manager@sunrise.test", "sent", 1, DUE),
        ("owner@client.test", "sent", 1, DUE),
    ]


def test_each_recipient_gets_their_own_message_with_their_unsubscribe_link(
    new_york, reference_campaign, manager, mailoutbox
):
    make_schedule(new_york, addresses=["owner@client.test"], members=[manager], period="last_week")
    run(NOW)

    links = set()
    for message in mailoutbox:
        [address] = message.to
        html = next(c for c, mime in message.alternatives if mime == "text/html")
        link = LINK.search(message.body).group(0)
        assert link in html
        assert message.extra_headers["List-Unsubscribe"] == f"<{link}>"
        assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
        # Last week as of Monday March 9: March 2 to 8.
        assert message.subject == "Sunrise Realty report: Mar 2 – Mar 8, 2026"
        assert message.attachments[0][2] == "application/pdf"
        recipient = unsubscribe.recipient_from_token(link.rsplit("/", 2)[-2])
        assert recipient.address == address
        links.add(link)
    assert len(links) == 2


def test_a_members_current_address_is_used_and_a_former_member_gets_nothing(
    new_york, manager, mailoutbox
):
    viewer = MembershipFactory(
        user=UserFactory(username="leaver", email="leaver@sunrise.test"),
        location=new_york,
        role=Membership.Role.VIEWER,
    )
    make_schedule(new_york, members=[manager, viewer.user])
    manager.email = "new-address@sunrise.test"
    manager.save()
    viewer.delete()

    run(NOW)

    assert [m.to for m in mailoutbox] == [["new-address@sunrise.test"]]


def test_an_inactive_schedule_sends_nothing_and_a_new_one_no_past_occurrence(new_york, mailoutbox):
    make_schedule(new_york, addresses=["a@client.test"], active=False)
    with scope(new_york):
        fresh = schedule_services.save_schedule(
            location=new_york,
            schedule=None,
            data=DEFAULTS,
            campaigns=[],
            members=[],
            addresses=["b@client.test"],
            by=None,
        )
    assert fresh.created_at > NOW  # created "now", after the occurrence the scheduler sees
    assert run(NOW).enqueued == []
    assert mailoutbox == []


# --- Unsubscribe ------------------------------------------------------------------------------


def test_the_unsubscribe_link_works_without_login_and_stops_the_next_send(
    new_york, manager, mailoutbox
):
    make_schedule(new_york, addresses=["owner@client.test"], members=[manager])
    run(NOW)
    [owner_message] = [m for m in mailoutbox if m.to == ["owner@client.test"]]
    path = LINK.search(owner_message.body).group(1)

    anonymous = Client(enforce_csrf_checks=True)
    page = anonymous.get(path)
    assert page.status_code == 200
    text = page.content.decode()
    assert "owner@client.test" in text and "Sunrise Realty" in text
    assert "Unsubscribe</button>" in text
    assert page["Cache-Control"].startswith("max-age=0")
    done = anonymous.post(path)  # the page's button: no login, no CSRF cookie needed
    assert done.status_code == 200
    assert "You are unsubscribed" in done.content.decode()
    again = anonymous.post(path)
    assert "Already unsubscribed" in again.content.decode()

    mailoutbox.clear()
    run(NOW + timedelta(days=7))  # the next Monday

    assert [m.to for m in mailoutbox] == [["manager@sunrise.test"]]
    assert [d.email for d in deliveries(new_york, due_at=DUE + timedelta(days=7))] == [
        "manager@sunrise.test"
    ]


def test_one_click_unsubscribe_by_a_mail_client(new_york, mailoutbox):
    schedule = make_schedule(new_york, addresses=["owner@client.test"])
    run(NOW)
    path = LINK.search(mailoutbox[0].body).group(1)

    response = Client(enforce_csrf_checks=True).post(
        path, "List-Unsubscribe=One-Click", content_type="application/x-www-form-urlencoded"
    )

    assert response.status_code == 200
    with scope(new_york):
        assert ReportRecipient.objects.get(schedule=schedule).unsubscribed_at is not None


def test_a_tampered_unsubscribe_link_is_refused_and_changes_nothing(new_york, mailoutbox):
    schedule = make_schedule(new_york, addresses=["owner@client.test"])
    run(NOW)
    path = LINK.search(mailoutbox[0].body).group(1)
    tampered = path[:-3] + ("A" if path[-3] != "A" else "B") + path[-2:]

    for response in (Client().get(tampered), Client().post(tampered)):
        assert response.status_code == 400
        assert "This unsubscribe link is not valid." in response.content.decode()
    assert Client().get("/reports/unsubscribe/not-a-token/").status_code == 400
    with scope(new_york):
        assert ReportRecipient.objects.get(schedule=schedule).unsubscribed_at is None


def test_a_manager_cannot_resubscribe_someone_who_unsubscribed(new_york, manager):
    schedule = make_schedule(new_york, addresses=["owner@client.test"])
    with scope(new_york):
        recipient = ReportRecipient.objects.get(schedule=schedule)
    assert unsubscribe.unsubscribe(recipient)
    with scope(new_york):
        # Taken off the list and put back: still unsubscribed.
        for addresses in ([], ["Owner@Client.test"]):
            schedule_services.save_schedule(
                location=new_york,
                schedule=schedule,
                data=DEFAULTS,
                campaigns=[],
                members=[manager],
                addresses=addresses,
                by=manager,
            )
        rows = list(ReportRecipient.objects.filter(schedule=schedule, user=None))
        assert [(r.email, r.unsubscribed_at is not None) for r in rows] == [
            ("owner@client.test", True)
        ]
        assert delivery.current_recipients(schedule) == [
            ReportRecipient.objects.get(schedule=schedule, user=manager)
        ]


# --- Failures and retries ---------------------------------------------------------------------


@pytest.fixture
def smtp_server(smtp_server):
    """The shared real SMTP server, refusing bounce@client.test."""
    smtp_server.refuse.add("bounce@client.test")
    return smtp_server


def test_a_refused_recipient_is_recorded_with_the_reason_and_retried_with_backoff(
    new_york, smtp_server
):
    make_schedule(new_york, addresses=["owner@client.test", "bounce@client.test"])

    run(NOW)

    assert [e.rcpt_tos for e in smtp_server.envelopes] == [["owner@client.test"]]
    owner, bounce = deliveries(new_york)
    assert (owner.status, owner.attempts) == ("sent", 1)
    assert (bounce.status, bounce.attempts) == ("retrying", 1)
    assert bounce.last_error == "bounce@client.test refused: 550 5.1.1 No such mailbox here"
    wait = bounce.next_attempt_at - timezone.now()
    assert timedelta(minutes=4) < wait <= timedelta(minutes=5)

    # Not before its backoff; then once per attempt, even if the scheduler runs twice.
    assert retry(bounce.next_attempt_at - timedelta(seconds=1)).enqueued == []
    smtp_server.refuse.clear()
    retried = retry(bounce.next_attempt_at)
    assert retry(bounce.next_attempt_at + timedelta(minutes=1)).enqueued == []
    assert [(w.kind, w.key) for w in retried.enqueued] == [("report_retry", f"{bounce.pk}:1")]
    reload(bounce)
    assert (bounce.status, bounce.attempts, bounce.next_attempt_at) == ("sent", 2, None)
    assert [e.rcpt_tos for e in smtp_server.envelopes][-1] == ["bounce@client.test"]
    assert len(smtp_server.envelopes) == 2


def test_a_delivery_that_keeps_failing_is_given_up_after_the_last_backoff(new_york):
    make_schedule(new_york, addresses=["owner@client.test"])
    waits = []
    with override_settings(MAILERS=smtp_settings(free_port())):  # nobody listens there
        started = timezone.now()
        run(NOW)
        [row] = deliveries(new_york)
        while row.status == "retrying":
            waits.append(row.next_attempt_at - started)
            started = timezone.now()
            retry(row.next_attempt_at)
            reload(row)

    assert row.status == "failed" and row.attempts == 4
    assert row.last_error.startswith("ConnectionRefusedError")
    assert row.next_attempt_at is None
    assert [round(w.total_seconds() / 60) for w in waits] == [5, 30, 120]


def test_a_retry_is_not_made_to_someone_who_unsubscribed_in_the_meantime(new_york, mailoutbox):
    make_schedule(new_york, addresses=["owner@client.test"])
    with override_settings(MAILERS=smtp_settings(free_port())):
        run(NOW)
    [row] = deliveries(new_york)
    with scope(new_york):
        unsubscribe.unsubscribe(row.recipient)

    retry(row.next_attempt_at)

    reload(row)
    assert row.status == "failed"
    assert row.last_error == "Not retried: the recipient unsubscribed or left the schedule."
    assert mailoutbox == []


# --- Tenant isolation -------------------------------------------------------------------------


def test_another_locations_recipients_never_receive_this_locations_report(
    new_york, harbor, reference_campaign, sentinel_campaign, mailoutbox
):
    harbor.time_zone = "America/New_York"
    harbor.save()
    make_schedule(new_york, addresses=["owner@sunrise.test"], period="last_month")
    make_schedule(harbor, addresses=["owner@harbor.test"], period="last_week")

    run(NOW)

    by_address = {m.to[0]: m for m in mailoutbox}
    assert sorted(by_address) == ["owner@harbor.test", "owner@sunrise.test"]
    sunrise_mail, harbor_mail = by_address["owner@sunrise.test"], by_address["owner@harbor.test"]
    assert "Sunrise Realty" in sunrise_mail.subject and "Harbor Homes" in harbor_mail.subject
    # The sentinel is real: Harbor's own report has its revenue and (in the PDF) its name.
    assert "$98,765.00" in harbor_mail.body
    assert SENTINEL in pdf_text(harbor_mail.attachments[0][1])
    html = next(c for c, mime in sunrise_mail.alternatives if mime == "text/html")
    for part in (sunrise_mail.body, html, pdf_text(sunrise_mail.attachments[0][1])):
        assert SENTINEL not in part and "98,765" not in part
    assert "Harbor" not in sunrise_mail.body
    assert deliveries(new_york)[0].email == "owner@sunrise.test"
    assert deliveries(harbor)[0].email == "owner@harbor.test"


def test_another_locations_schedule_is_404_in_urls_and_not_found_in_posts(
    client, sunrise, harbor, manager, mailoutbox
):
    theirs = make_schedule(harbor, addresses=["owner@harbor.test"], name="Harbor weekly")
    client.force_login(manager)
    for name in (
        "report_schedule_edit",
        "report_preview",
        "report_preview_email",
        "report_preview_pdf",
    ):
        assert (
            client.get(reverse(f"campaigns:{name}", args=[sunrise.slug, theirs.pk])).status_code
            == 404
        )
    edit = reverse("campaigns:report_schedule_edit", args=[sunrise.slug, theirs.pk])
    assert client.post(edit, {"name": "Taken over"}).status_code == 404
    for name in ("report_test", "report_schedule_delete"):
        response = client.post(
            reverse(f"campaigns:{name}", args=[sunrise.slug]), {"schedule": theirs.pk}, follow=True
        )
        assert "That report schedule was not found in this location." in response.content.decode()
    with scope(harbor):
        assert ReportSchedule.objects.get(pk=theirs.pk).name == "Harbor weekly"
    assert mailoutbox == []


def test_the_form_refuses_another_locations_campaign_and_member(
    client, sunrise, harbor, manager, harbor_manager, sentinel_campaign
):
    client.force_login(manager)
    url = reverse("campaigns:report_schedule_new", args=[sunrise.slug])
    base = {**DEFAULTS, "active": "on", "addresses": "owner@client.test"}

    with_campaign = client.post(url, {**base, "campaigns": [sentinel_campaign.pk]})
    with_member = client.post(url, {**base, "members": [harbor_manager.pk]})

    assert "That campaign is not one of this location&#x27;s." in with_campaign.content.decode()
    assert "That person is not a member of this location." in with_member.content.decode()
    assert SENTINEL not in client.get(url).content.decode()
    with scope(sunrise):
        assert not ReportSchedule.objects.exists()


# --- manage.py send_report --------------------------------------------------------------------


def test_send_report_without_to_sends_to_the_schedules_recipients(
    sunrise, manager, reference_campaign, mailoutbox, capsys
):
    schedule = make_schedule(
        sunrise, addresses=["owner@client.test"], members=[manager], name="Weekly owner"
    )
    with scope(sunrise):
        ReportRecipient.objects.filter(schedule=schedule, user=manager).update(
            unsubscribed_at=datetime(2026, 2, 1, tzinfo=UTC)
        )

    call_command("send_report", "sunrise-realty", "--start", "2026-01-01", "--end", "2026-01-31")

    [message] = mailoutbox
    assert message.to == ["owner@client.test"]
    assert "- ROI: 260.0 %" in message.body
    assert "List-Unsubscribe" in message.extra_headers
    out = capsys.readouterr().out
    assert "Sent the Sunrise Realty report “Weekly owner” (Jan 1 – Jan 31, 2026)" in out
    assert "to owner@client.test (the schedule's recipients)" in out
    [row] = deliveries(sunrise)
    assert (row.status, row.due_at, row.is_test) == ("sent", None, False)


def test_send_report_reports_a_refused_recipient(sunrise, smtp_server, capsys):
    make_schedule(sunrise, addresses=["bounce@client.test"], name="Weekly owner")
    from django.core.management import CommandError

    with pytest.raises(CommandError, match=r"bounce@client\.test refused: 550"):
        call_command("send_report", "sunrise-realty")
    [row] = deliveries(sunrise)
    assert row.status == "failed"


def test_failure_reasons_are_readable():
    refused = smtplib.SMTPRecipientsRefused({"a@x.test": (550, b"No such user")})
    assert delivery.failure_reason(refused) == "a@x.test refused: 550 No such user"
    answered = smtplib.SMTPDataError(554, b"Spam")
    assert delivery.failure_reason(answered) == "The mail server answered 554 Spam"
    assert delivery.failure_reason(TimeoutError("timed out")) == "TimeoutError: timed out"


def test_the_list_shows_the_next_send_in_the_locations_time(client, new_york, manager):
    schedule = make_schedule(new_york, addresses=["owner@client.test"], weekday=2, hour=7)
    client.force_login(manager)

    page = client.get(reverse("campaigns:report_schedules", args=[new_york.slug])).content.decode()

    upcoming = next_send(schedule, NEW_YORK, timezone.now())
    assert upcoming.utcoffset() != timedelta(0)  # New York's clock, not the server's UTC
    assert upcoming.strftime("%a, %b %-d, %Y 07:00") in page
    assert "Weekly, Wednesdays at 07:00" in page


# --- The real worker --------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_the_real_worker_sends_an_enqueued_report_once(settings, mailoutbox):
    import signal

    from django_tasks_db.models import DBTaskResult

    from tests.factories import LocationFactory
    from tests.test_tasks import reset_task_backends

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    reset_task_backends()
    try:
        location = LocationFactory(slug="worked", time_zone="America/New_York")
        make_schedule(location, addresses=["owner@client.test"])
        assert [w.kind for w in run(NOW).enqueued] == ["report"]
        assert run(NOW).enqueued == []
        assert mailoutbox == []  # enqueued, not sent: that is the worker's job

        handlers = {s: signal.getsignal(s) for s in (signal.SIGINT, signal.SIGTERM, signal.SIGQUIT)}
        try:
            call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)
        finally:
            for sig, handler in handlers.items():
                signal.signal(sig, handler)
    finally:
        reset_task_backends()

    [result] = DBTaskResult.objects.all()
    assert (result.task_path, result.status, result.return_value) == (
        "campaigns.reporting.schedules.send_scheduled_report",
        "SUCCESSFUL",
        1,
    )
    assert [m.to for m in mailoutbox] == [["owner@client.test"]]
    assert [d.status for d in deliveries(location)] == ["sent"]
