"""Alert e-mails (campaigns/alert_mail.py): immediately after alerts open, or as a daily digest
at 08:00 location time, to the location's managers only, each as they chose; through Django's
locmem outbox and once through a real SMTP server (aiosmtpd)."""

from __future__ import annotations

import zoneinfo
from datetime import date, datetime, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from campaigns import alert_rules, members
from campaigns.alert_mail import alert_digests, send_alert_digest
from campaigns.alerts import evaluate_alerts
from campaigns.models import Alert, AlertEmailPreference, Campaign, Membership
from campaigns.scheduling import run_due_work
from campaigns.tenancy import scope
from tests.factories import CampaignFactory, DailyMetricFactory, MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db

TODAY = date(2026, 3, 10)
SITE = "https://analytics.example.test"
SENTINEL = "Quokkaharbor"


@pytest.fixture(autouse=True)
def _site_url(settings):
    settings.SITE_URL = SITE


def manager(location, name: str, *, delivery: str | None = None, role=Membership.Role.MANAGER):
    user = UserFactory(username=name, email=f"{name}@example.test")
    MembershipFactory(user=user, location=location, role=role)
    if delivery:
        with scope(location):
            AlertEmailPreference.objects.create(location=location, user=user, delivery=delivery)
    return user


def over_budget(location, name: str) -> Campaign:
    c = CampaignFactory(
        location=location, name=name, start_date=date(2026, 3, 1), budget=Decimal("1000")
    )
    DailyMetricFactory(campaign=c, date=date(2026, 3, 9), spend=Decimal("1500.00"))
    return c


def evaluate(location, capture) -> tuple[int, int]:
    with capture(execute=True):
        return evaluate_alerts(location, today=TODAY)


def sent_to(mailoutbox) -> list[list[str]]:
    return [m.to for m in mailoutbox]


def html_of(message) -> str:
    return next(content for content, mime in message.alternatives if mime == "text/html")


# --- Immediately -----------------------------------------------------------------------------


def test_new_alerts_are_mailed_at_once_to_each_manager_who_wants_them(
    sunrise, mailoutbox, django_capture_on_commit_callbacks
):
    manager(sunrise, "ann")  # no choice made: immediately
    manager(sunrise, "bob", delivery="immediate")
    manager(sunrise, "dee", delivery="digest")
    manager(sunrise, "ned", delivery="none")
    manager(sunrise, "vic", role=Membership.Role.VIEWER)  # a viewer: never
    c = over_budget(sunrise, "Open house")

    assert evaluate(sunrise, django_capture_on_commit_callbacks) == (1, 0)

    assert sent_to(mailoutbox) == [["ann@example.test"], ["bob@example.test"]]
    message = mailoutbox[0]
    assert message.subject == "Sunrise Realty: 1 new alert"
    for part in (message.body, html_of(message)):
        assert "Open house" in part and "Over budget by $500.00" in part
        assert f"{SITE}/l/sunrise-realty/alerts/" in part
        assert f"{SITE}/l/sunrise-realty/campaigns/{c.pk}/" in part


def test_an_alert_that_still_holds_is_not_mailed_again(
    sunrise, mailoutbox, django_capture_on_commit_callbacks
):
    manager(sunrise, "ann")
    over_budget(sunrise, "Open house")
    evaluate(sunrise, django_capture_on_commit_callbacks)

    assert evaluate(sunrise, django_capture_on_commit_callbacks) == (0, 0)

    assert len(mailoutbox) == 1


def test_a_custom_rules_alert_is_mailed_with_its_figure(
    sunrise, mailoutbox, django_capture_on_commit_callbacks
):
    manager(sunrise, "ann")
    c = CampaignFactory(location=sunrise, name="Search", start_date=date(2026, 3, 1))
    # Yesterday: the rule's window is the last 7 complete days.
    DailyMetricFactory(
        campaign=c, date=TODAY - timedelta(days=1), spend=Decimal("724.00"), leads=10
    )
    with scope(sunrise):
        alert_rules.create_rule(
            location=sunrise,
            metric="cost_per_lead",
            comparison="above",
            threshold=Decimal("60"),
            window_days=7,
        )

    evaluate(sunrise, django_capture_on_commit_callbacks)

    [message] = mailoutbox
    assert "Cost per lead $72.40 over the last 7 days is above $60.00." in message.body
    # Its link opens the campaign over the rule's window, so the page shows the same figure.
    assert f"/l/{sunrise.slug}/campaigns/{c.pk}/?period=7d" in message.body


def test_managers_without_an_address_or_inactive_get_nothing(
    sunrise, mailoutbox, django_capture_on_commit_callbacks
):
    ann, old = manager(sunrise, "ann"), manager(sunrise, "old")
    ann.email = ""
    ann.save()
    old.is_active = False
    old.save()
    over_budget(sunrise, "Open house")

    assert evaluate(sunrise, django_capture_on_commit_callbacks) == (1, 0)

    assert mailoutbox == []


def test_a_removed_member_stops_receiving(
    sunrise, sunrise_manager, mailoutbox, django_capture_on_commit_callbacks
):
    ann = manager(sunrise, "ann")
    first = over_budget(sunrise, "Open house")
    evaluate(sunrise, django_capture_on_commit_callbacks)
    assert sent_to(mailoutbox) == [["ann@example.test"]]

    members.remove(Membership.objects.get(user=ann, location=sunrise), by=sunrise_manager)
    mailoutbox.clear()
    with scope(sunrise):
        Campaign.objects.filter(pk=first.pk).update(budget=Decimal("5000"))
    over_budget(sunrise, "Second house")
    assert evaluate(sunrise, django_capture_on_commit_callbacks) == (1, 1)

    assert mailoutbox == []


def test_another_locations_alerts_never_reach_this_locations_people(
    sunrise, harbor, mailoutbox, django_capture_on_commit_callbacks
):
    manager(sunrise, "ann")
    both = manager(sunrise, "bea")
    MembershipFactory(user=both, location=harbor, role=Membership.Role.MANAGER)
    manager(harbor, "hal")
    over_budget(sunrise, "Sunrise house")
    over_budget(harbor, f"{SENTINEL} Promo")

    evaluate(sunrise, django_capture_on_commit_callbacks)
    evaluate(harbor, django_capture_on_commit_callbacks)

    by_subject = {}
    for message in mailoutbox:
        by_subject.setdefault(message.subject, []).append(message)
    sunrise_mail = by_subject["Sunrise Realty: 1 new alert"]
    harbor_mail = by_subject["Harbor Homes: 1 new alert"]
    assert [m.to for m in sunrise_mail] == [["ann@example.test"], ["bea@example.test"]]
    assert [m.to for m in harbor_mail] == [["bea@example.test"], ["hal@example.test"]]
    for message in sunrise_mail:
        assert SENTINEL not in message.body and SENTINEL not in html_of(message)
        assert "harbor-homes" not in message.body
    for message in harbor_mail:
        assert "Sunrise house" not in message.body and SENTINEL in message.body


def test_recording_a_day_mails_through_the_background_tasks(
    client, sunrise, sunrise_manager, mailoutbox, django_capture_on_commit_callbacks
):
    """The whole path: a form write, the evaluation task after commit, the mail task after
    the evaluation commits (the immediate backend runs each task inline)."""
    sunrise_manager.email = "boss@sunrise.test"
    sunrise_manager.save()
    today = sunrise.today()
    c = CampaignFactory(
        location=sunrise, name="Postcards", start_date=today - timedelta(days=5), budget=1000
    )
    numbers = dict.fromkeys(
        ["impressions", "clicks", "leads", "qualified_leads", "hot_leads", "conversions"], "0"
    )
    day = {**numbers, "revenue": "0", "spend": "1200.00", "date": str(today - timedelta(days=1))}
    client.force_login(sunrise_manager)

    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/l/{sunrise.slug}/campaigns/{c.pk}/metrics/", day)

    [message] = mailoutbox
    assert message.to == ["boss@sunrise.test"] and "Postcards" in message.body


# --- The daily digest -------------------------------------------------------------------------


def opened(location, campaign, when: datetime, kind="over_budget", **fields) -> Alert:
    with scope(location):
        return Alert.objects.create(
            location=location,
            campaign=campaign,
            kind=kind,
            message=f"{kind} of {campaign.name}",
            opened_at=when,
            **fields,
        )


DUE = datetime(2026, 3, 10, 8, 0, tzinfo=zoneinfo.ZoneInfo("UTC"))


def test_the_digest_lists_the_alerts_opened_in_the_last_day(sunrise, harbor, mailoutbox):
    manager(sunrise, "ann")  # immediately: not in the digest
    manager(sunrise, "dee", delivery="digest")
    manager(harbor, "hal", delivery="digest")
    c = CampaignFactory(location=sunrise, name="Open house")
    old = CampaignFactory(location=sunrise, name="Last week")
    theirs = CampaignFactory(location=harbor, name=f"{SENTINEL} Promo")
    opened(sunrise, c, DUE - timedelta(hours=3))
    opened(sunrise, c, DUE - timedelta(hours=20), kind="no_data", resolved_at=DUE)
    opened(sunrise, old, DUE - timedelta(days=1, minutes=1))  # before the last day
    opened(harbor, theirs, DUE - timedelta(hours=1))

    assert send_alert_digest.call(sunrise.pk, DUE.isoformat()) == 1

    [message] = mailoutbox
    assert message.to == ["dee@example.test"]
    assert message.subject == "Sunrise Realty: 2 alerts opened in the last day"
    assert "over_budget of Open house" in message.body
    assert "no_data of Open house" in message.body and "resolved since" in message.body
    assert "Last week" not in message.body
    assert SENTINEL not in message.body and SENTINEL not in html_of(message)


def test_no_alert_opened_means_no_digest(sunrise, mailoutbox):
    manager(sunrise, "dee", delivery="digest")
    c = CampaignFactory(location=sunrise, name="Open house")
    opened(sunrise, c, DUE - timedelta(days=3))

    assert send_alert_digest.call(sunrise.pk, DUE.isoformat()) == 0
    assert mailoutbox == []


def test_the_digest_is_due_at_eight_in_each_locations_time_zone_and_sent_once(
    sunrise, harbor, mailoutbox
):
    harbor.time_zone = "Asia/Tokyo"
    harbor.save()
    manager(sunrise, "dee", delivery="digest")
    c = CampaignFactory(location=sunrise, name="Open house")
    now = datetime(2026, 3, 10, 8, 30, tzinfo=zoneinfo.ZoneInfo("UTC"))
    opened(sunrise, c, now - timedelta(hours=2))

    due = {(w.kind, w.key): w.due_at for w in alert_digests(now)}
    assert due[("alert_digest", str(sunrise.pk))] == datetime(
        2026, 3, 10, 8, 0, tzinfo=timezone.UTC
    )
    tokyo = due[("alert_digest", str(harbor.pk))]
    assert (tokyo.hour, tokyo.utcoffset()) == (8, timedelta(hours=9))

    run_due_work(now, sync=True, sources=[alert_digests])
    run_due_work(now + timedelta(minutes=1), sync=True, sources=[alert_digests])  # again

    [message] = mailoutbox  # the scheduler's guard: one digest per location and day
    assert message.to == ["dee@example.test"]


# --- A real SMTP server ------------------------------------------------------------------------


def test_an_alert_email_goes_through_a_real_smtp_server(
    sunrise, smtp_server, django_capture_on_commit_callbacks
):
    manager(sunrise, "ann")
    over_budget(sunrise, "Open house")

    evaluate(sunrise, django_capture_on_commit_callbacks)

    assert smtp_server.recipients == [["ann@example.test"]]
    [received] = smtp_server.messages
    assert received["Subject"] == "Sunrise Realty: 1 new alert"
    text = received.get_body(("plain",)).get_content()
    html = received.get_body(("html",)).get_content()
    assert "Open house" in text and "Over budget by $500.00" in text
    assert f'href="{SITE}/l/sunrise-realty/alerts/"' in html
