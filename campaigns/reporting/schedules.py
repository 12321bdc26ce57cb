"""Scheduled client reports: the scheduler sources that find due schedules and due retries, and
their tasks (django.tasks, ids as arguments), each run inside its location's scope.

``report_schedules`` yields each active schedule's occurrences (campaigns.reporting.occurrences);
the scheduler's ``ScheduledRun`` guard enqueues each once, and the delivery rows guard each
address once more (campaigns.reporting.delivery). ``report_retries`` yields the deliveries whose
retry is due, keyed by delivery and attempt, so each retry is claimed once as well; both work
with the immediate backend and from cron (``run_scheduler --once``).
"""

from __future__ import annotations

import logging
import zoneinfo
from collections.abc import Iterator
from datetime import datetime

from django.tasks import task

from campaigns.models import ReportDelivery, ReportSchedule
from campaigns.reporting import delivery as deliveries
from campaigns.reporting.occurrences import occurrences
from campaigns.scheduling import CATCH_UP, DueWork, source
from campaigns.tenancy import scope, scopes_disabled

logger = logging.getLogger(__name__)


def _location_of(model, pk: int) -> int | None:
    """The location id of a row named by a task's argument (read across locations: the task
    then works inside that location's scope only)."""
    with scopes_disabled():
        return model.objects.filter(pk=pk).values_list("location_id", flat=True).first()


@task
def send_scheduled_report(schedule_id: int, due_at: str) -> int:
    """Send the occurrence ``due_at`` (ISO) of a schedule; how many messages went out."""
    location_id = _location_of(ReportSchedule, schedule_id)
    if location_id is None:
        logger.warning("Report schedule %s no longer exists; nothing sent", schedule_id)
        return 0
    with scope(location_id):
        schedule = ReportSchedule.objects.select_related("location").get(pk=schedule_id)
        if not schedule.active:
            return 0
        made = deliveries.send_scheduled(schedule, datetime.fromisoformat(due_at))
    sent = sum(d.status == ReportDelivery.Status.SENT for d in made)
    logger.info(
        "Report %s of %s due %s: %d sent, %d to retry",
        schedule.pk,
        schedule.location.slug,
        due_at,
        sent,
        len(made) - sent,
    )
    return sent


@task
def retry_report_delivery(delivery_id: int, attempt: int) -> str:
    """Retry a delivery that failed ``attempt`` times; its status afterwards."""
    location_id = _location_of(ReportDelivery, delivery_id)
    if location_id is None:
        return "gone"
    with scope(location_id):
        row = ReportDelivery.objects.get(pk=delivery_id)
        return deliveries.retry(row, attempt).status


@source
def report_schedules(now: datetime) -> Iterator[DueWork]:
    """Each active schedule's occurrences since it was created, in its location's time zone."""
    with scopes_disabled():
        schedules = list(
            ReportSchedule.objects.filter(active=True)
            .select_related("location")
            .only(
                "pk",
                "frequency",
                "weekday",
                "day_of_month",
                "hour",
                "created_at",
                "location__time_zone",
            )
            .order_by("pk")
        )
    for schedule in schedules:
        tz = zoneinfo.ZoneInfo(schedule.location.time_zone)
        for due_at in occurrences(schedule, tz, now):
            if due_at >= schedule.created_at:  # a new schedule does not send a past occurrence
                yield DueWork(
                    "report",
                    str(schedule.pk),
                    due_at,
                    send_scheduled_report,
                    (schedule.pk, due_at.isoformat()),
                )


@source
def report_retries(now: datetime) -> Iterator[DueWork]:
    """Each delivery whose retry has come, once per attempt; a retry the scheduler missed by
    more than a day (it was down) is given up with that reason."""
    with scopes_disabled():
        given_up = deliveries.give_up_stale(now - CATCH_UP)
        due = list(
            ReportDelivery.objects.filter(
                status=ReportDelivery.Status.RETRYING, next_attempt_at__lte=now
            )
            .order_by("next_attempt_at", "pk")
            .values_list("pk", "attempts", "next_attempt_at")
        )
    if given_up:
        logger.warning("Gave up %d report deliveries whose retry was over a day late", given_up)
    for pk, attempts, next_attempt_at in due:
        yield DueWork(
            "report_retry",
            f"{pk}:{attempts}",
            next_attempt_at,
            retry_report_delivery,
            (pk, attempts),
        )
