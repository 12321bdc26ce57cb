"""Sending a schedule's report: one message per recipient (with their own unsubscribe link), each
recorded as a ``ReportDelivery``; a failure is kept with its reason and retried with backoff.

Call these inside ``scope(schedule.location)``. A scheduled delivery's row is inserted before its
message is sent: the row is unique per (schedule, occurrence, address), so a report due twice
(two schedulers, a restart, a task run twice) reaches each address once, and a process that dies
while sending leaves a row that the retry source picks up after the first backoff.
"""

from __future__ import annotations

import logging
import smtplib
import zoneinfo
from datetime import datetime, timedelta

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from campaigns.models import (
    Membership,
    ReportDelivery,
    ReportRecipient,
    ReportSchedule,
    ReportScheduleCampaign,
)
from campaigns.periods import Period
from campaigns.reporting.mail import RenderedReport, render_report, report_message
from campaigns.reporting.periods import report_period
from campaigns.reporting.unsubscribe import unsubscribe_url

logger = logging.getLogger(__name__)

#: After the 1st, 2nd and 3rd failed attempt, the next is made this much later; the 4th failure
#: is final.
BACKOFF = (timedelta(minutes=5), timedelta(minutes=30), timedelta(hours=2))
MAX_ATTEMPTS = len(BACKOFF) + 1
#: Errors of sending that are recorded (and retried) rather than raised.
SEND_ERRORS = (smtplib.SMTPException, OSError)


def schedule_period(schedule: ReportSchedule, when: datetime) -> Period:
    """The schedule's period as of the local date of ``when`` (its due time, or now)."""
    today = when.astimezone(zoneinfo.ZoneInfo(schedule.location.time_zone)).date()
    return report_period(schedule.period, today=today)


def chosen_campaign_ids(schedule: ReportSchedule) -> list[int] | None:
    """The campaigns the schedule reports on; None for all of the location's."""
    ids = list(
        ReportScheduleCampaign.objects.filter(schedule=schedule)
        .order_by("campaign_id")
        .values_list("campaign_id", flat=True)
    )
    return ids or None


def render_for(schedule: ReportSchedule, when: datetime) -> RenderedReport:
    return render_report(
        schedule.location,
        schedule_period(schedule, when),
        campaigns=chosen_campaign_ids(schedule),
    )


def current_recipients(schedule: ReportSchedule) -> list[ReportRecipient]:
    """Who receives the schedule's next report: not unsubscribed; members only while they are
    an active member of the location with an address. One per address (case-insensitive)."""
    members = Membership.objects.filter(location_id=schedule.location_id).values("user_id")
    rows = (
        ReportRecipient.objects.filter(schedule=schedule, unsubscribed_at__isnull=True)
        .filter(Q(user__isnull=True) | Q(user__in=members, user__is_active=True))
        .select_related("user")
        .order_by("pk")
    )
    seen: set[str] = set()
    recipients = []
    for recipient in rows:
        address = recipient.address
        if address and address.lower() not in seen:
            seen.add(address.lower())
            recipients.append(recipient)
    return recipients


def failure_reason(error: Exception) -> str:
    """What went wrong, in the words of the mail server where it gave any."""
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        return "; ".join(
            f"{address} refused: {code} {_text(reply)}"
            for address, (code, reply) in error.recipients.items()
        )
    if isinstance(error, smtplib.SMTPResponseException):
        return f"The mail server answered {error.smtp_code} {_text(error.smtp_error)}"
    return f"{type(error).__name__}: {error}"


def _text(reply) -> str:
    return reply.decode("utf-8", "replace") if isinstance(reply, bytes) else str(reply)


def _record_failure(delivery: ReportDelivery, reason: str, now: datetime) -> None:
    """Keep the reason; a scheduled delivery is retried after its backoff, until the last."""
    delivery.last_error = reason[:2000]
    if delivery.due_at is None or delivery.is_test or delivery.attempts >= MAX_ATTEMPTS:
        delivery.status = ReportDelivery.Status.FAILED
        delivery.next_attempt_at = None
    else:
        delivery.status = ReportDelivery.Status.RETRYING
        delivery.next_attempt_at = now + BACKOFF[delivery.attempts - 1]
    delivery.save(update_fields=["status", "last_error", "next_attempt_at"])
    logger.warning(
        "Report %s to %s failed (attempt %d): %s",
        delivery.schedule_id,
        delivery.email,
        delivery.attempts,
        reason,
    )


def _send(report: RenderedReport, delivery: ReportDelivery, recipient: ReportRecipient | None):
    """Send one message and record the outcome on ``delivery``."""
    link = unsubscribe_url(recipient) if recipient is not None and not delivery.is_test else None
    message = report_message(report, [delivery.email], unsubscribe_url=link)
    try:
        message.send()
    except SEND_ERRORS as error:
        _record_failure(delivery, failure_reason(error), timezone.now())
        return
    delivery.status = ReportDelivery.Status.SENT
    delivery.sent_at = timezone.now()
    delivery.next_attempt_at = None
    delivery.save(update_fields=["status", "sent_at", "next_attempt_at"])


def _claim(schedule, recipient, due_at, now) -> ReportDelivery | None:
    """The delivery row of this occurrence for this recipient, or None if it exists already."""
    try:
        with transaction.atomic():
            return ReportDelivery.objects.create(
                location_id=schedule.location_id,
                schedule=schedule,
                recipient=recipient,
                due_at=due_at,
                email=recipient.address,
                status=ReportDelivery.Status.RETRYING,
                attempts=1,
                next_attempt_at=now + BACKOFF[0],
            )
    except IntegrityError:
        return None


def send_scheduled(schedule: ReportSchedule, due_at: datetime) -> list[ReportDelivery]:
    """The occurrence ``due_at`` of the schedule: the report rendered once, one message to each
    current recipient not yet sent this occurrence. Returns the deliveries made now."""
    now = timezone.now()
    claimed = [
        (delivery, recipient)
        for recipient in current_recipients(schedule)
        if (delivery := _claim(schedule, recipient, due_at, now)) is not None
    ]
    if not claimed:
        return []
    report = render_for(schedule, due_at)
    for delivery, recipient in claimed:
        _send(report, delivery, recipient)
    return [delivery for delivery, _ in claimed]


def retry(delivery: ReportDelivery, attempt: int) -> ReportDelivery:
    """Attempt number ``attempt + 1`` of a delivery that failed ``attempt`` times; nothing if it
    was sent, given up or retried already in the meantime."""
    with transaction.atomic():
        row = (
            ReportDelivery.objects.select_for_update()
            .filter(pk=delivery.pk, status=ReportDelivery.Status.RETRYING, attempts=attempt)
            .first()
        )
        if row is None:
            return delivery
        recipient = (
            ReportRecipient.objects.select_related("user").filter(pk=row.recipient_id).first()
            if row.recipient_id
            else None
        )
        if recipient is None or recipient.unsubscribed_at is not None:
            row.status = ReportDelivery.Status.FAILED
            row.next_attempt_at = None
            row.last_error = "Not retried: the recipient unsubscribed or left the schedule."
            row.save(update_fields=["status", "next_attempt_at", "last_error"])
            return row
        row.attempts += 1
        row.next_attempt_at = timezone.now() + BACKOFF[min(row.attempts, len(BACKOFF)) - 1]
        row.save(update_fields=["attempts", "next_attempt_at"])
    schedule = ReportSchedule.objects.select_related("location").get(pk=row.schedule_id)
    _send(render_for(schedule, row.due_at), row, recipient)
    return row


def give_up_stale(before: datetime) -> int:
    """Deliveries whose retry was due before ``before`` (the scheduler was down for longer than
    it catches up) are failed for good, with the reason; how many."""
    return ReportDelivery.objects.filter(
        status=ReportDelivery.Status.RETRYING, next_attempt_at__lt=before
    ).update(
        status=ReportDelivery.Status.FAILED,
        next_attempt_at=None,
        last_error="Not retried: the scheduler was down for more than a day.",
    )


def send_test(schedule: ReportSchedule, *, to: str) -> ReportDelivery:
    """Send the schedule's report as of now to ``to`` (a manager), logged as a test delivery;
    a failure is recorded with its reason and not retried."""
    report = render_for(schedule, timezone.now())
    delivery = ReportDelivery.objects.create(
        location_id=schedule.location_id,
        schedule=schedule,
        email=to,
        status=ReportDelivery.Status.RETRYING,
        attempts=1,
        is_test=True,
    )
    _send(report, delivery, None)
    return delivery


def send_now(
    schedule: ReportSchedule, period: Period | None = None
) -> tuple[list[ReportDelivery], Period]:
    """Send the schedule's report now to its current recipients (``manage.py send_report``),
    over ``period`` or the schedule's own; logged, not retried."""
    period = period or schedule_period(schedule, timezone.now())
    recipients = current_recipients(schedule)
    if not recipients:
        return [], period
    report = render_report(schedule.location, period, campaigns=chosen_campaign_ids(schedule))
    deliveries = []
    for recipient in recipients:
        delivery = ReportDelivery.objects.create(
            location_id=schedule.location_id,
            schedule=schedule,
            recipient=recipient,
            email=recipient.address,
            status=ReportDelivery.Status.RETRYING,
            attempts=1,
        )
        _send(report, delivery, recipient)
        deliveries.append(delivery)
    return deliveries, period
