"""The scheduler: finds due work every minute and enqueues each piece exactly once.

A *source* is a function ``source(now)`` that yields ``DueWork(kind, key, due_at, task, args)``
for every occurrence due in the last ``LOOKBACK`` (due_at <= now). ``run_due_work`` inserts a
``ScheduledRun`` row per occurrence before it enqueues; the row's unique (kind, key, due_at) is
the guard, so two schedulers, or one restarted, never enqueue the same occurrence twice.

Catch-up: after downtime, an occurrence due within ``CATCH_UP`` (24 h) is still enqueued, once;
an older one is recorded as skipped (and logged) and never run.

Add a source with the ``@source`` decorator; see ``daily_checks``.
"""

from __future__ import annotations

import logging
import zoneinfo
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta
from importlib import import_module

from django.db import IntegrityError, transaction
from django.tasks import Task
from django.utils import timezone

from campaigns.models import Location, ScheduledRun

logger = logging.getLogger(__name__)

#: Work found later than this after its due time (the scheduler was down) is skipped.
CATCH_UP = timedelta(hours=24)
#: How far back sources look for occurrences (beyond CATCH_UP, so skipped work is recorded).
LOOKBACK = timedelta(hours=48)
#: Claims older than this are deleted by each pass: only the look-back window is ever read,
#: the rest is kept a month for whoever asks "did yesterday's checks run?" in the admin.
KEEP_CLAIMS = timedelta(days=30)
#: Daily checks run at this local time of each location.
DAILY_CHECKS_AT = time(6, 0)


@dataclass(frozen=True)
class DueWork:
    kind: str
    key: str
    due_at: datetime
    task: Task
    args: tuple = field(default=())


Source = Callable[[datetime], Iterable[DueWork]]
SOURCES: dict[str, Source] = {}
#: Modules that register sources of their own with ``@source``, imported before each pass.
SOURCE_MODULES = ("campaigns.reporting.schedules", "campaigns.alert_mail")


def load_sources() -> dict[str, Source]:
    """Every registered source, after importing the modules that declare them."""
    for module in SOURCE_MODULES:
        import_module(module)
    return SOURCES


def source(func: Source) -> Source:
    """Register a source of due work under its function name."""
    SOURCES[func.__name__] = func
    return func


def daily_occurrences(now: datetime, tz: zoneinfo.ZoneInfo, at: time) -> Iterator[datetime]:
    """Each local ``at`` in ``tz`` within (now - LOOKBACK, now], oldest first."""
    local_now = now.astimezone(tz)
    day = (local_now - LOOKBACK).date()
    while day <= local_now.date():
        due = datetime.combine(day, at, tzinfo=tz)
        if now - LOOKBACK < due <= now:
            yield due
        day += timedelta(days=1)


@source
def daily_checks(now: datetime) -> Iterator[DueWork]:
    """Once a day per location at 06:00 location time: ``run_daily_checks(location_id)``."""
    from campaigns.tasks import run_daily_checks

    for location in Location.objects.only("pk", "time_zone").order_by("pk"):
        for due_at in daily_occurrences(
            now, zoneinfo.ZoneInfo(location.time_zone), DAILY_CHECKS_AT
        ):
            yield DueWork(
                "daily_checks", str(location.pk), due_at, run_daily_checks, (location.pk,)
            )


@dataclass
class Outcome:
    """What one pass of the scheduler did."""

    enqueued: list[DueWork] = field(default_factory=list)
    ran: list[DueWork] = field(default_factory=list)
    failed: list[DueWork] = field(default_factory=list)
    already_done: int = 0
    skipped: list[DueWork] = field(default_factory=list)
    pruned: int = 0

    def __str__(self) -> str:
        return (
            f"enqueued {len(self.enqueued)}, ran {len(self.ran)}, failed {len(self.failed)}, "
            f"already done {self.already_done}, skipped (over a day late) {len(self.skipped)}, "
            f"old claims deleted {self.pruned}"
        )


def _claim(work: DueWork, *, skipped: bool = False) -> ScheduledRun | None:
    """Insert the guard row inside the current transaction; None if it exists already."""
    try:
        with transaction.atomic():
            return ScheduledRun.objects.create(
                kind=work.kind, key=work.key, due_at=work.due_at, skipped=skipped
            )
    except IntegrityError:
        return None


def run_due_work(
    now: datetime | None = None, *, sync: bool = False, sources: Iterable[Source] | None = None
) -> Outcome:
    """One pass: enqueue (or with ``sync`` run in-process) every occurrence due and not done."""
    now = now or timezone.now()
    outcome = Outcome()
    # A first pass (no claim at all yet: a new installation) finds yesterday's work "late"
    # because there was no scheduler yet, not because it was down: that is not worth a warning.
    ran_before = ScheduledRun.objects.exists()
    for src in load_sources().values() if sources is None else sources:
        for work in src(now):
            if now - work.due_at > CATCH_UP:
                if _claim(work, skipped=True):
                    outcome.skipped.append(work)
                    logger.debug(
                        "Skipped %s %s due %s: over a day late", work.kind, work.key, work.due_at
                    )
                else:
                    outcome.already_done += 1
                continue
            if sync:
                _run_now(work, outcome)
            else:
                _enqueue(work, outcome)
    outcome.pruned, _ = ScheduledRun.objects.filter(due_at__lt=now - KEEP_CLAIMS).delete()
    if outcome.skipped and ran_before:
        logger.warning(
            "Scheduler: %d occurrence(s) more than %s late were skipped (was the scheduler down?)",
            len(outcome.skipped),
            CATCH_UP,
        )
    elif outcome.skipped:
        logger.info(
            "Scheduler: first pass; %d occurrence(s) from before it started are not run",
            len(outcome.skipped),
        )
    return outcome


def _enqueue(work: DueWork, outcome: Outcome) -> None:
    # The guard row and the task row (database backend) commit together, or neither does.
    with transaction.atomic():
        run = _claim(work)
        if run is None:
            outcome.already_done += 1
            return
        result = work.task.enqueue(*work.args)
        run.task_id = str(result.id)
        run.save(update_fields=["task_id"])
    outcome.enqueued.append(work)
    logger.info("Enqueued %s %s due %s (task %s)", work.kind, work.key, work.due_at, result.id)


def _run_now(work: DueWork, outcome: Outcome) -> None:
    # The guard commits first: a failing run is logged, not retried every minute.
    if _claim(work) is None:
        outcome.already_done += 1
        return
    try:
        value = work.task.call(*work.args)
    except Exception:
        outcome.failed.append(work)
        logger.exception("Running %s %s due %s failed", work.kind, work.key, work.due_at)
        return
    outcome.ran.append(work)
    logger.info("Ran %s %s due %s in-process: %r", work.kind, work.key, work.due_at, value)
