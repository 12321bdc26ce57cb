"""Background tasks (django.tasks). Each runs inside the scope of the location it is for.

Enqueued by the scheduler (campaigns.scheduling), a write (alerts), a large import
(campaigns.imports.jobs) or a large undo (campaigns.undo_jobs), and run by the worker
(`manage.py db_worker`), or in-process by `manage.py run_scheduler --sync`. Arguments are plain
ids (JSON), never models.
"""

from __future__ import annotations

import logging

from django.db import transaction
from django.tasks import task

from campaigns import db_stats
from campaigns.alerts import evaluate_alerts
from campaigns.models import Campaign, Location
from campaigns.tenancy import scope

logger = logging.getLogger(__name__)


@task
def run_daily_checks(location_id: int) -> int:
    """The daily checks of one location: evaluates its alerts (campaigns.alerts) and returns
    how many active campaigns were checked. Runs inside that location's scope only."""
    location = Location.objects.filter(pk=location_id).first()
    if location is None:
        logger.warning("Daily checks: location %s no longer exists; nothing to check", location_id)
        return 0
    with scope(location):
        checked = Campaign.objects.active().count()
        opened, resolved = evaluate_alerts(location)
    db_stats.refresh_statistics(light=True)  # after the checks' reads: see campaigns.db_stats
    logger.info(
        "Daily checks for %s: %d active campaign(s) checked, %d alert(s) opened, %d resolved",
        location.slug,
        checked,
        opened,
        resolved,
    )
    return checked


@task
def evaluate_location_alerts(location_id: int) -> list[int]:
    """Evaluate one location's alerts after a write changed its numbers: [opened, resolved]."""
    location = Location.objects.filter(pk=location_id).first()
    if location is None:
        return [0, 0]
    return list(evaluate_alerts(location))


def evaluate_after_commit(location_id: int) -> None:
    """After the current transaction commits, evaluate the location's alerts in the background
    (inline with the immediate backend), once per transaction however many writes it made. A
    failure to enqueue is logged (robust), never breaks the write that has been committed."""
    connection = transaction.get_connection()
    if any(getattr(f, "alerts_for", None) == location_id for _, f, _ in connection.run_on_commit):
        return

    def enqueue() -> None:
        evaluate_location_alerts.enqueue(location_id)

    enqueue.alerts_for = location_id
    transaction.on_commit(enqueue, robust=True)


@task
def read_import_job(location_id: int, job_id: int) -> str:
    """Read and preview a large import file (campaigns.imports.jobs): the job's final state."""
    from campaigns.imports import jobs  # the import package imports this module

    return jobs.read(location_id=location_id, job_id=job_id)


@task
def commit_import_job(location_id: int, job_id: int, create_missing: bool, channel: str) -> str:
    """Commit a previewed large import (campaigns.imports.jobs): the job's final state."""
    from campaigns.imports import jobs

    return jobs.commit(
        location_id=location_id, job_id=job_id, create_missing=create_missing, channel=channel
    )


@task
def undo_batch_job(location_id: int, job_id: int) -> str:
    """Undo a large import batch (campaigns.undo_jobs): the job's final state."""
    from campaigns import undo_jobs  # it imports campaigns.undo, which imports this module

    return undo_jobs.run(location_id=location_id, job_id=job_id)
