"""What the scheduled-report tests share: a schedule made through the service, the scheduler's
passes, the delivery log, and the New York location they run in (tests/test_report_*.py)."""

from __future__ import annotations

import re
import zoneinfo
from datetime import UTC, datetime, timedelta

from campaigns import scheduling
from campaigns.models import (
    ReportDelivery,
    ReportSchedule,
)
from campaigns.reporting import services as schedule_services
from campaigns.reporting.schedules import (
    report_retries,
    report_schedules,
)
from campaigns.tenancy import scope

NEW_YORK = zoneinfo.ZoneInfo("America/New_York")
SOURCES = [report_schedules, report_retries]
# Monday 2026-03-09 08:00 in New York (EDT since Sunday the 8th) is 12:00 UTC.
DUE = datetime(2026, 3, 9, 12, 0, tzinfo=UTC)
NOW = DUE + timedelta(minutes=3)
LINK = re.compile(r"https?://[^/\s]+(/reports/unsubscribe/[^/\s]+/)")

DEFAULTS = {
    "name": "",
    "frequency": "weekly",
    "weekday": 0,
    "day_of_month": 1,
    "hour": 8,
    "period": "last_week",
    "active": True,
}


def make_schedule(location, *, addresses=(), members=(), campaigns=(), **fields):
    """A schedule saved through the service, created well before the times the tests use."""
    with scope(location):
        schedule = schedule_services.save_schedule(
            location=location,
            schedule=None,
            data={**DEFAULTS, **fields},
            campaigns=list(campaigns),
            members=list(members),
            addresses=list(addresses),
            by=None,
        )
        ReportSchedule.objects.filter(pk=schedule.pk).update(
            created_at=datetime(2026, 1, 1, tzinfo=UTC)
        )
        schedule.refresh_from_db()
    return schedule


def deliveries(location, **filters):
    with scope(location):
        return list(ReportDelivery.objects.filter(**filters).order_by("pk"))


def reload(row):
    with scope(row.location_id):
        row.refresh_from_db()
    return row


def run(now):
    return scheduling.run_due_work(now, sources=SOURCES)


def retry(now):
    """A scheduler pass at ``now`` for retries only (failures are timed by the real clock)."""
    return scheduling.run_due_work(now, sources=[report_retries])
