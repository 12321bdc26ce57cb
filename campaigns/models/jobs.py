"""Imports and undos done by the background worker: ``ImportJob``, the state of one.

The upload page hands a file above ``IMPORT_BACKGROUND_ROWS`` lines to the worker
(``campaigns.imports.jobs``), and a batch's page an undo of more rows than that
(``campaigns.undo_jobs``); their pages poll this row, so they show where the job is after a
reload, from any tab. The staged file of an import waits in ``campaigns.imports.staging`` under
``token``.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from campaigns.models.history import ImportBatch
from campaigns.models.tenants import Location
from campaigns.tenancy import ScopedManager

__all__ = ["ImportJob"]


class ImportJob(models.Model):
    """One large upload read, previewed and committed by the worker; or one large import
    batch undone by it (``kind``)."""

    class Kind(models.TextChoices):
        IMPORT = "import", "Import of a file"
        UNDO = "undo", "Undo of an import batch"

    class State(models.TextChoices):
        QUEUED = "queued", "Waiting for the worker"
        READING = "reading", "Reading the file"
        PREVIEWED = "previewed", "Previewed"
        COMMITTING = "committing", "Writing"
        DONE = "done", "Done"
        FAILED = "failed", "Failed"

    #: States in which the worker has something left to do: the page keeps polling.
    RUNNING = (State.QUEUED, State.READING, State.COMMITTING)

    location = models.ForeignKey(
        Location, on_delete=models.CASCADE, related_name="+", db_index=False
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,
    )
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.IMPORT)
    #: The staged upload's token (campaigns.imports.staging), also the key of the job's URL; an
    #: undo's is random (the key of its progress while it runs).
    token = models.CharField(max_length=64)
    #: The file imported; for an undo, the file of the batch undone.
    file_name = models.CharField(max_length=255)
    state = models.CharField(max_length=12, choices=State.choices, default=State.QUEUED)
    #: Bytes to read: the file's size once per pass (encoding, then rows; a third pass for a
    #: file whose dates turn out day first), and how many the reader has read so far.
    bytes_total = models.PositiveBigIntegerField(default=0)
    bytes_done = models.PositiveBigIntegerField(default=0)
    #: What the worker is doing now, or why the job failed (shown as it is).
    message = models.TextField(blank=True)
    #: An undo's rows to change (the batch's days added and replaced), known before it starts.
    rows_total = models.PositiveIntegerField(default=0)
    #: What the commit wrote (ImportResult.message), or what the undo did (UndoResult.message).
    result = models.TextField(blank=True)
    #: The batch the commit wrote; for an undo, the batch it undoes.
    batch = models.ForeignKey(
        ImportBatch,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ScopedManager()

    class Meta:
        base_manager_name = "objects"
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["location", "token"], name="importjob_loc_token_uniq"),
            # One undo of a batch at a time: a second request finds the first one's job.
            # Led by location, like every key of tenant data (a batch is of one location).
            models.UniqueConstraint(
                fields=["location", "batch"],
                condition=Q(kind="undo", state__in=["queued", "committing"]),
                name="importjob_one_running_undo",
            ),
        ]

    def __str__(self) -> str:
        if self.kind == self.Kind.UNDO:
            return f"undo of batch {self.batch_id} ({self.get_state_display()})"
        return f"import of {self.file_name} ({self.get_state_display()})"

    @property
    def is_running(self) -> bool:
        return self.state in self.RUNNING

    @property
    def percent(self) -> int:
        """How much of the file has been read, 0 to 100 (100 once it is previewed)."""
        if self.state not in (self.State.QUEUED, self.State.READING):
            return 100
        if not self.bytes_total:
            return 0
        return min(100, self.bytes_done * 100 // self.bytes_total)
