"""Large imports in the background: a file of more than ``IMPORT_BACKGROUND_ROWS`` lines (50,000)
is read, previewed and committed by the task worker instead of in the request.

The upload is staged as usual (``staging``); an ``ImportJob`` row holds the job's state, and its
page polls that row, so the page shows the current state after a reload. Reading counts the bytes
read from the staged file and saves them to the row at most every ``PROGRESS_EVERY`` seconds: the
file is read once to find its encoding and once for its rows (a third time when its dates turn out
day first), so the bar's whole is the file's size per pass. The commit is the same
``commit_import`` as the page's, all rows or none; its page says "Writing…" until it ends.

Every task body runs inside its location's scope, with the history recording the job's user.
"""

from __future__ import annotations

import io
import logging
import time
from collections.abc import Callable
from datetime import timedelta

from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from campaigns import history, imports
from campaigns.imports import staging
from campaigns.imports.preview import Preview
from campaigns.models import ImportJob, Location, Source
from campaigns.tenancy import scope, scopes_disabled

logger = logging.getLogger(__name__)

State = ImportJob.State

#: Seconds between two saves of the reading's progress.
PROGRESS_EVERY = 0.5
#: Passes over the file a reading usually makes: its encoding, then its rows.
PASSES = 2
#: A running job whose row has not moved for this long lost its worker (reading saves its
#: progress every PROGRESS_EVERY seconds; a commit of 100,000 rows takes seconds).
STALLED_AFTER = timedelta(minutes=15)
STALLED_QUEUED = (
    "No background worker took this file for 15 minutes, so nothing was imported. Upload the "
    "file again later (the worker is `manage.py db_worker`)."
)
STALLED_READING = (
    "The background worker stopped while reading this file, so nothing was imported. Upload "
    "the file again."
)
STALLED_WRITING = (
    "The background worker stopped while writing this import. It was written whole or not at "
    "all: if it is listed on the location's Import batches page, it was imported; otherwise "
    "upload the file again."
)

UNEXPECTED = (
    "The import stopped because of an unexpected error, so nothing was imported. Upload the "
    "file again; if it happens again, tell us which file it was."
)
GONE = "This upload has expired or was cancelled, so nothing was imported. Upload the file again."


def background_rows() -> int:
    return getattr(settings, "IMPORT_BACKGROUND_ROWS", 50_000)


def in_background(staged: staging.StagedUpload) -> bool:
    """Whether a staged file is large enough to be read and committed by the worker: more lines
    than ``IMPORT_BACKGROUND_ROWS`` (rows are known only once read; lines are cheap to count)."""
    return staged.line_count() > background_rows()


def job_for(token: str, *, location, user) -> ImportJob | None:
    """The job of this staged upload's token, if it is this user's in this location."""
    with scope(location):
        jobs = ImportJob.objects.select_related("batch").filter(kind=ImportJob.Kind.IMPORT)
        return jobs.filter(location=location, token=token, user=user.pk).first()


def batch_url(location, batch) -> str | None:
    """The page of an import batch (None: nothing was written, so there is no batch)."""
    if batch is None:
        return None
    return reverse("campaigns:batch", kwargs={"slug": location.slug, "pk": batch.pk})


# --- Starting ---------------------------------------------------------------------------------


def start_reading(staged: staging.StagedUpload, *, location, user) -> ImportJob:
    """Record a job for the staged upload and enqueue its reading (run at once by the immediate
    backend). The user's finished jobs older than the staged files' age are forgotten."""
    from campaigns.tasks import read_import_job

    with scope(location):
        ImportJob.objects.filter(
            location=location, user=user, created_at__lt=timezone.now() - staging.max_age()
        ).delete()
        job = ImportJob.objects.create(
            location=location,
            user=user,
            token=staged.token,
            file_name=staged.filename[:255],
            bytes_total=staged.path.stat().st_size * PASSES,
        )
    read_import_job.enqueue(location.pk, job.pk)
    return job


def start_commit(job: ImportJob, *, create_missing: bool, channel: str) -> bool:
    """Hand a previewed job's commit to the worker; False when it is not (or no longer) waiting
    for its commit (a second click, another tab)."""
    from campaigns.tasks import commit_import_job

    with scope(job.location_id):
        claimed = ImportJob.objects.filter(pk=job.pk, state=State.PREVIEWED).update(
            state=State.COMMITTING, message="", updated_at=timezone.now()
        )
    if claimed:
        commit_import_job.enqueue(job.location_id, job.pk, create_missing, channel)
    return bool(claimed)


def cancel(token: str, *, location, user) -> None:
    """Forget the job of a cancelled upload (the page deletes its staged file)."""
    with scope(location):
        ImportJob.objects.filter(location=location, token=token, user=user.pk).exclude(
            state=State.COMMITTING
        ).delete()


def clear_stale(age: timedelta) -> tuple[int, int]:
    """For ``manage.py clear_stale_imports``: end as failed, with what happened, every running
    import of any location whose row has not moved for STALLED_AFTER (its worker died; undos:
    ``campaigns.undo_jobs.clear_stale``), and delete the jobs, undos too, older than ``age``
    (their staged files are deleted by the same command). Returns (jobs failed, jobs deleted)."""
    now = timezone.now()
    with scopes_disabled():
        stalled = ImportJob.objects.filter(
            kind=ImportJob.Kind.IMPORT, updated_at__lt=now - STALLED_AFTER
        )
        failed = 0
        for state, message in (
            (State.QUEUED, STALLED_QUEUED),
            (State.READING, STALLED_READING),
            (State.COMMITTING, STALLED_WRITING),
        ):
            failed += stalled.filter(state=state).update(
                state=State.FAILED, message=message, updated_at=now
            )
        deleted, _ = ImportJob.objects.filter(created_at__lt=now - age).delete()
    return failed, deleted


# --- The tasks' bodies ------------------------------------------------------------------------


def read(*, location_id: int, job_id: int) -> str:
    """Read and plan the job's file, keep its preview beside it: the job ends ``previewed``, or
    ``failed`` with the reason (the staged file is then deleted). Returns the final state."""
    location = Location.objects.filter(pk=location_id).first()
    if location is None:
        return State.FAILED
    with scope(location):
        if not _claim(job_id, State.QUEUED, State.READING):
            return ""  # already read (a task run twice), cancelled or gone
        job = ImportJob.objects.select_related("user").get(pk=job_id)
        staged = _staged(job, location)
        if staged is None:
            return _fail(job, GONE)
        try:
            with history.acting(Source.IMPORT, user=job.user):
                with staged.open() as file, _Progress(file, job) as progress:
                    parsed = imports.read_csv(progress.stream)
                read_all = progress.total
                _save(
                    job,
                    bytes_total=read_all,
                    bytes_done=read_all,
                    message="Comparing with the recorded days…",
                )
                plan = imports.plan_import(location=location, parsed=parsed)
                staged.save_preview(Preview.of(plan))
        except imports.ImportFileError as error:
            staging.discard_staged(job.token)
            return _fail(job, f"{' '.join(error.messages)} Nothing was imported.")
        except OSError:
            logger.exception("Import job %s: the staged file could not be read", job.pk)
            staging.discard_staged(job.token)
            return _fail(job, "The file could not be read back from the server's disk. " + GONE)
        except Exception:
            staging.discard_staged(job.token)
            _fail(job, UNEXPECTED)
            raise
        _save(job, state=State.PREVIEWED, message="")
        return State.PREVIEWED


def commit(*, location_id: int, job_id: int, create_missing: bool, channel: str) -> str:
    """Read the job's file again and commit it (all rows or none): the job ends ``done`` with the
    result and its batch, or ``failed`` with the reason and nothing written. The staged file is
    deleted either way. Returns the final state."""
    location = Location.objects.filter(pk=location_id).first()
    if location is None:
        return State.FAILED
    with scope(location):
        job = ImportJob.objects.select_related("user").filter(pk=job_id).first()
        if job is None or job.state != State.COMMITTING:
            return ""
        staged = _staged(job, location)
        if staged is None:
            return _fail(job, GONE)
        try:
            with history.acting(Source.IMPORT, user=job.user):
                with staged.open() as file:
                    parsed = imports.read_csv(file)
                result = imports.commit_import(
                    location=location,
                    parsed=parsed,
                    create_missing=create_missing,
                    channel=channel,
                    file_name=job.file_name,
                )
        except (imports.ImportFileError, imports.ImportRefused) as error:
            return _fail(job, " ".join(error.messages))
        except OSError:
            logger.exception("Import job %s: the staged file could not be read", job.pk)
            return _fail(job, "The file could not be read back from the server's disk. " + GONE)
        except Exception:
            _fail(job, UNEXPECTED)
            raise
        finally:
            staging.discard_staged(job.token)
        _save(job, state=State.DONE, result=result.message, batch=result.batch)
        return State.DONE


def _claim(job_id: int, old: str, new: str) -> bool:
    return bool(
        ImportJob.objects.filter(pk=job_id, state=old).update(state=new, updated_at=timezone.now())
    )


def _staged(job: ImportJob, location) -> staging.StagedUpload | None:
    if job.user is None:  # the user was deleted meanwhile
        return None
    return staging.load_staged(job.token, location=location, user=job.user)


def _fail(job: ImportJob, message: str) -> str:
    _save(job, state=State.FAILED, message=message)
    return State.FAILED


def _save(job: ImportJob, **values) -> None:
    for name, value in values.items():
        setattr(job, name, value)
    job.save(update_fields=[*values, "updated_at"])


# --- Progress of the reading ------------------------------------------------------------------


class _Counting(io.RawIOBase):
    """A binary file whose reads are counted (``on_read`` is told each one's length)."""

    def __init__(self, file, on_read: Callable[[int], None]):
        super().__init__()
        self.file, self.on_read = file, on_read

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        length = self.file.readinto(buffer)
        self.on_read(length or 0)
        return length

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        return self.file.seek(offset, whence)

    def tell(self) -> int:
        return self.file.tell()


class _Progress:
    """``file`` as a buffered ``stream`` whose reading saves the job's ``bytes_done`` at most
    every ``PROGRESS_EVERY`` seconds (and grows ``bytes_total`` by a pass when the reader reads
    the file once more than expected)."""

    def __init__(self, file, job: ImportJob):
        self.job, self.size = job, job.bytes_total // PASSES
        self.done, self.total, self.saved_at = 0, job.bytes_total, time.monotonic()
        self.stream = io.BufferedReader(_Counting(file, self.on_read), buffer_size=1 << 16)

    def __enter__(self) -> _Progress:
        return self

    def __exit__(self, *exc) -> None:
        self.stream.detach()  # the staged file is closed by its own context

    def on_read(self, length: int) -> None:
        self.done += length
        while self.done > self.total and self.size:
            self.total += self.size
        now = time.monotonic()
        if now - self.saved_at >= PROGRESS_EVERY:
            self.saved_at = now
            ImportJob.objects.filter(pk=self.job.pk).update(
                bytes_done=self.done, bytes_total=self.total, updated_at=timezone.now()
            )
