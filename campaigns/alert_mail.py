"""Alert e-mails: immediately to the managers who asked, or as a daily digest.

Each manager of a location chooses, for that location, how they hear of new alerts
(``AlertEmailPreference``; no choice made: immediately). Only the location's managers with an
address are written to, one e-mail each, with HTML and text parts and absolute links
(``settings.SITE_URL``) to the inbox and the campaigns. Everything is read inside the location's
scope, so an e-mail about a location lists only that location's alerts.

- Immediately: ``evaluate_alerts`` calls ``mail_after_commit`` when it opens alerts; once they
  are committed, ``send_alert_emails`` lists the alerts opened in that evaluation.
- Daily digest: the scheduler source ``alert_digests`` runs ``send_alert_digest`` at 08:00 in
  each location's time zone with the alerts opened in the 24 hours before (none: no e-mail).
"""

from __future__ import annotations

import logging
import zoneinfo
from collections.abc import Iterator
from datetime import datetime, time, timedelta

from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.tasks import task
from django.template.loader import render_to_string
from django.urls import reverse

from campaigns.links import site_url
from campaigns.models import Alert, AlertEmailPreference, Location, Membership
from campaigns.scheduling import DueWork, daily_occurrences, source
from campaigns.tenancy import scope

logger = logging.getLogger(__name__)

#: The digest is sent at this local time of each location (after the 06:00 daily checks).
DIGEST_AT = time(8, 0)
Delivery = AlertEmailPreference.Delivery


def recipients(location: Location, delivery: str) -> list:
    """The location's active managers with an address whose choice is ``delivery`` (no choice
    counts as immediately): two queries. A removed member is no longer a manager here."""
    managers = [
        m.user
        for m in Membership.objects.filter(
            location=location, role=Membership.Role.MANAGER, user__is_active=True
        )
        .exclude(user__email="")
        .select_related("user")
        .order_by("user__email", "user_id")
    ]
    with scope(location):
        chosen = dict(
            AlertEmailPreference.objects.filter(location=location).values_list(
                "user_id", "delivery"
            )
        )
    return [u for u in managers if chosen.get(u.pk, AlertEmailPreference.DEFAULT) == delivery]


def build_alert_email(location: Location, user, alerts: list[Alert], *, digest: bool):
    """One manager's e-mail listing ``alerts`` of ``location``: HTML and plain text."""
    count = len(alerts)
    noun = f"alert{'s' * (count != 1)}"
    subject = (
        f"{location.name}: {count} {noun} opened in the last day"
        if digest
        else f"{location.name}: {count} new {noun}"
    )
    context = {
        "location": location,
        "user": user,
        "digest": digest,
        "rows": [
            {
                "alert": alert,
                "url": site_url(
                    reverse("campaigns:campaign", args=[location.slug, alert.campaign_id])
                    + alert.period_query
                )
                if alert.campaign_id
                else None,
            }
            for alert in alerts
        ],
        "inbox_url": site_url(reverse("campaigns:alerts", args=[location.slug])),
        "settings_url": site_url(reverse("campaigns:alerts", args=[location.slug]))
        + "#alert-email",
        "time_zone": location.time_zone,
    }
    message = EmailMultiAlternatives(
        subject=subject,
        body=render_to_string("campaigns/email/alert.txt", context),
        to=[user.email],
    )
    message.attach_alternative(render_to_string("campaigns/email/alert.html", context), "text/html")
    return message


def _send(location: Location, alerts: list[Alert], delivery: str) -> int:
    if not alerts:
        return 0
    sent = 0
    for user in recipients(location, delivery):
        build_alert_email(location, user, alerts, digest=delivery == Delivery.DIGEST).send()
        sent += 1
    return sent


def _location(location_id: int) -> Location | None:
    location = Location.objects.filter(pk=location_id).first()
    if location is None:
        logger.warning("Alert e-mail: location %s no longer exists", location_id)
    return location


@task
def send_alert_emails(location_id: int, opened_at: str) -> int:
    """E-mail the alerts one evaluation opened (still open) to the location's managers who
    want them immediately: returns how many e-mails were sent."""
    location = _location(location_id)
    if location is None:
        return 0
    with scope(location):
        alerts = list(
            Alert.objects.filter(
                location=location,
                opened_at=datetime.fromisoformat(opened_at),
                resolved_at__isnull=True,
            )
            .select_related("campaign", "rule")
            .order_by("campaign__name", "kind", "pk")
        )
        return _send(location, alerts, Delivery.IMMEDIATE)


@task
def send_alert_digest(location_id: int, due_at: str) -> int:
    """E-mail the alerts opened in the 24 hours up to ``due_at`` to the location's managers
    who want a daily digest (nothing opened: nothing sent): returns how many were sent."""
    location = _location(location_id)
    if location is None:
        return 0
    until = datetime.fromisoformat(due_at)
    with scope(location):
        alerts = list(
            Alert.objects.filter(
                location=location, opened_at__gt=until - timedelta(days=1), opened_at__lte=until
            )
            .select_related("campaign", "rule")
            .order_by("opened_at", "pk")
        )
        return _send(location, alerts, Delivery.DIGEST)


def mail_after_commit(location_id: int, opened_at: datetime) -> None:
    """Once the alerts opened at ``opened_at`` are committed, e-mail them in the background. A
    failure to enqueue is logged, never undoes the alerts."""

    def enqueue() -> None:
        send_alert_emails.enqueue(location_id, opened_at.isoformat())

    enqueue.alert_mail_for = location_id
    transaction.on_commit(enqueue, robust=True)


@source
def alert_digests(now: datetime) -> Iterator[DueWork]:
    """Once a day per location at 08:00 location time: ``send_alert_digest``."""
    for location in Location.objects.only("pk", "time_zone").order_by("pk"):
        for due_at in daily_occurrences(now, zoneinfo.ZoneInfo(location.time_zone), DIGEST_AT):
            yield DueWork(
                "alert_digest",
                str(location.pk),
                due_at,
                send_alert_digest,
                (location.pk, due_at.isoformat()),
            )
