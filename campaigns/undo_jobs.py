"""Large undos in the background: an undo of an import batch that changes more than
``IMPORT_BACKGROUND_ROWS`` days (known before undoing: the batch's days added and replaced) is run
by the task worker instead of in the request, as a large import is (``campaigns.imports.jobs``).

An ``ImportJob`` of kind "undo" holds the job's state; the batch's undo page polls it, so a reload
shows where the undo is. The undo is the same ``undo.undo_batch`` as the request's, in one
transaction, and the job's "done" is written in that transaction too: a worker killed before
the commit leaves the batch as it was and the job "Writing", which ``clear_stale_imports`` ends
as failed, saying that nothing was changed; the undo can then be started again.

The days undone so far are uncommitted, so the worker cannot tell them through the database (its
write lock on SQLite stops every other writer): it keeps them in a small file cache beside the
staged uploads (``IMPORT_STAGING_DIR``, which the web server and the worker already share), at
most every ``PROGRESS_EVERY`` seconds, and the page reads them from there.
"""

from __future__ import annotations

import secrets
import time
from dataclasses import dataclass

from django.core.cache.backends.filebased import FileBasedCache
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from campaigns import undo
from campaigns.imports import staging
from campaigns.imports.jobs import PROGRESS_EVERY, STALLED_AFTER, background_rows
from campaigns.models import ImportBatch, ImportJob, Location
from campaigns.tenancy import scope, scopes_disabled

Kind, State = ImportJob.Kind, ImportJob.State

NOTHING_CHANGED = "Nothing was changed."
UNEXPECTED = (
    "The undo stopped because of an unexpected error, so nothing was changed: the undo is "
    "written whole or not at all. Try it again from the batch's page; if it happens again, tell "
    "us which batch it was."
)
GONE = (
    "The user who asked for this undo no longer exists, so nothing was changed. Undo the batch "
    "again from its page."
)
STALLED_QUEUED = (
    "No background worker took this undo for 15 minutes, so nothing was changed. Undo the batch "
    "again later from its page (the worker is `manage.py db_worker`)."
)
STALLED_UNDOING = (
    "The background worker stopped while undoing this batch, so nothing was changed: the undo is "
    "written whole or not at all. Undo the batch again from its page."
)


def in_background(batch: ImportBatch) -> bool:
    """Whether the batch's undo is the worker's: more days to change than
    ``IMPORT_BACKGROUND_ROWS``."""
    return undo.rows_to_undo(batch) > background_rows()


def job_url(location, batch_id: int) -> str:
    return reverse("campaigns:batch_undo_job", kwargs={"slug": location.slug, "pk": batch_id})


def _undo_jobs(batch: ImportBatch):
    return ImportJob.objects.filter(location_id=batch.location_id, kind=Kind.UNDO, batch=batch)


def running_for(batch: ImportBatch) -> ImportJob | None:
    """The batch's undo waiting for the worker or under way, if there is one."""
    with scope(batch.location_id):
        return _undo_jobs(batch).filter(state__in=ImportJob.RUNNING).first()


def latest_for(batch: ImportBatch) -> ImportJob | None:
    """The batch's newest undo job: the one its page shows."""
    with scope(batch.location_id):
        return _undo_jobs(batch).select_related("user").first()


def start(batch: ImportBatch, *, user) -> ImportJob:
    """Record an undo job for the batch and enqueue it; or, when one is already waiting or under
    way (a second click, another tab, another manager), return that one, enqueued once."""
    from campaigns.tasks import undo_batch_job

    running = running_for(batch)
    if running is not None:
        return running
    with scope(batch.location_id):
        try:
            with transaction.atomic():
                job = ImportJob.objects.create(
                    location_id=batch.location_id,
                    kind=Kind.UNDO,
                    user=user,
                    token=secrets.token_urlsafe(24),
                    file_name=batch.file_name,
                    batch=batch,
                    rows_total=undo.rows_to_undo(batch),
                )
        except IntegrityError:
            # Another request's undo of this batch came first (one running undo a batch).
            return latest_for(batch)
    undo_batch_job.enqueue(batch.location_id, job.pk)
    return job


# --- Progress ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Progress:
    """Days undone so far out of ``total`` (``done`` None: not told yet)."""

    done: int | None
    total: int

    @property
    def percent(self) -> int | None:
        if self.done is None:
            return None
        if not self.total:
            return 100
        return min(100, self.done * 100 // self.total)


def _store() -> FileBasedCache:
    return FileBasedCache(staging.staging_dir() / "progress", {"TIMEOUT": 24 * 60 * 60})


def _key(token: str) -> str:
    return f"undo-{token}"  # the job's token: its key outside the database


def progress_of(job: ImportJob) -> Progress:
    """Where the job's undo is: nothing yet while it waits, the days the worker has undone while
    it writes (uncommitted: all of them are committed together), all of them once done."""
    if job.state == State.DONE:
        return Progress(job.rows_total, job.rows_total)
    if job.state == State.COMMITTING:
        return Progress(_store().get(_key(job.token)), job.rows_total)
    return Progress(0 if job.state == State.QUEUED else None, job.rows_total)


class _Reporter:
    """Keeps the days undone so far where the page reads them, at most every PROGRESS_EVERY
    seconds."""

    def __init__(self, job: ImportJob):
        self.job, self.store, self.saved_at = job, _store(), time.monotonic()

    def __call__(self, done: int) -> None:
        now = time.monotonic()
        if now - self.saved_at >= PROGRESS_EVERY:
            self.saved_at = now
            self.store.set(_key(self.job.token), done)

    def forget(self) -> None:
        self.store.delete(_key(self.job.token))


# --- The task's body --------------------------------------------------------------------------


def run(*, location_id: int, job_id: int) -> str:
    """Undo the job's batch, all or nothing: the job ends ``done`` with what was undone, or
    ``failed`` with the reason and nothing changed. Returns the final state ("" when the job was
    not waiting: a task run twice, or a job ended as stalled)."""
    location = Location.objects.filter(pk=location_id).first()
    if location is None:
        return State.FAILED
    with scope(location):
        claimed = ImportJob.objects.filter(pk=job_id, kind=Kind.UNDO, state=State.QUEUED).update(
            state=State.COMMITTING, updated_at=timezone.now()
        )
        if not claimed:
            return ""
        job = ImportJob.objects.select_related("user", "batch").get(pk=job_id)
        if job.user is None or job.batch is None:
            return _fail(job, GONE)
        reporter = _Reporter(job)
        try:
            with transaction.atomic():
                result = undo.undo_batch(job.batch, user=job.user, progress=reporter)
                # In the undo's transaction: "done" if and only if the batch was undone.
                ImportJob.objects.filter(pk=job.pk).update(
                    state=State.DONE, result=result.message, updated_at=timezone.now()
                )
        except undo.UndoRefused as refused:
            message = refused.message
            if NOTHING_CHANGED not in message:
                message += f" {NOTHING_CHANGED}"
            return _fail(job, message)
        except Exception:
            _fail(job, UNEXPECTED)
            raise
        finally:
            reporter.forget()
    return State.DONE


def _fail(job: ImportJob, message: str) -> str:
    ImportJob.objects.filter(pk=job.pk).update(
        state=State.FAILED, message=message, updated_at=timezone.now()
    )
    return State.FAILED


def clear_stale() -> int:
    """For ``manage.py clear_stale_imports``: end as failed, saying that nothing was changed,
    every undo of any location that has waited or been under way for STALLED_AFTER without
    ending (its worker died: its transaction was rolled back). Returns how many."""
    now = timezone.now()
    failed = 0
    with scopes_disabled():
        stalled = ImportJob.objects.filter(kind=Kind.UNDO, updated_at__lt=now - STALLED_AFTER)
        for state, message in ((State.QUEUED, STALLED_QUEUED), (State.COMMITTING, STALLED_UNDOING)):
            tokens = list(stalled.filter(state=state).values_list("token", flat=True))
            failed += stalled.filter(state=state, token__in=tokens).update(
                state=State.FAILED, message=message, updated_at=now
            )
            if tokens:  # (the store makes its folder: none beside the uploads for nothing)
                _store().delete_many([_key(token) for token in tokens])
    return failed
