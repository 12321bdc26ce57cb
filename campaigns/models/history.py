"""The history of every write of tenant data: ``Change`` (one row per campaign, day or funnel
stage written, with the old and new value of each field that changed) and ``ImportBatch`` (an
import or an API push: what it was, who sent it, what it counted, and whether it was undone).

Nothing writes them but ``campaigns.history``, which the models' ``save``/``delete`` and their
querysets' bulk writes call in the write's own transaction (see docs/architecture.md, "History").
History rows outlive what they describe: a change names its campaign by id and name, not by a
foreign key, and its user or token is kept by name when the user or token is deleted.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from campaigns.models.access import ApiToken
from campaigns.models.tenants import Location
from campaigns.tenancy import ScopedManager

__all__ = ["Change", "ImportBatch", "Source"]


class Source(models.TextChoices):
    """Through what a write came."""

    FORM = "form", "Form"
    ADMIN = "admin", "Admin"
    IMPORT = "import", "Import"
    API = "api", "API"
    COMMAND = "command", "Command"
    UNDO = "undo", "Undo of an import"
    SYSTEM = "system", "System"


class Actor(models.Model):
    """Who wrote: a user or an API token (each kept by name when it is deleted), and through
    what."""

    location = models.ForeignKey(
        Location, on_delete=models.CASCADE, related_name="+", db_index=False
    )
    source = models.CharField(max_length=10, choices=Source.choices)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,
    )
    token = models.ForeignKey(
        ApiToken, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", db_index=False
    )
    #: The user's username, the token's name, or the command's system user, as it was then.
    actor = models.CharField(max_length=150, blank=True)

    objects = ScopedManager()

    class Meta:
        abstract = True
        base_manager_name = "objects"


class ImportBatch(Actor):
    """One committed import of a file, or one push of days through the API."""

    file_name = models.CharField(max_length=255, blank=True)
    platform = models.CharField(max_length=20, blank=True)
    created_at = models.DateTimeField()
    added = models.PositiveIntegerField(default=0)
    replaced = models.PositiveIntegerField(default=0)
    unchanged = models.PositiveIntegerField(default=0)
    campaigns_created = models.PositiveIntegerField(default=0)
    undone_at = models.DateTimeField(null=True, blank=True)
    undone_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,
    )
    undone_by_name = models.CharField(max_length=150, blank=True)

    class Meta(Actor.Meta):
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["location", "-created_at"], name="importbatch_loc_idx")]

    def __str__(self) -> str:
        return f"batch {self.pk}"


class Change(Actor):
    """One campaign, day or funnel stage created, changed or deleted by one write."""

    class Kind(models.TextChoices):
        CAMPAIGN = "campaign", "Campaign"
        DAY = "day", "Day"
        FUNNEL = "funnel", "Funnel stage"

    class Action(models.TextChoices):
        CREATED = "created", "Created"
        CHANGED = "changed", "Changed"
        DELETED = "deleted", "Deleted"

    batch = models.ForeignKey(
        ImportBatch,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="changes",
        db_index=False,
    )
    created_at = models.DateTimeField()
    kind = models.CharField(max_length=10, choices=Kind.choices)
    action = models.CharField(max_length=10, choices=Action.choices)
    #: The campaign by id and name, not a foreign key: its history outlives it.
    campaign_ref = models.PositiveBigIntegerField()
    campaign_name = models.CharField(max_length=200)
    day = models.DateField(null=True, blank=True)
    stage = models.CharField(max_length=15, blank=True)
    #: {field: [old, new]} of each field that changed (old is null when created, new when
    #: deleted); money as a string with its decimals, dates as ISO strings.
    fields = models.JSONField(default=dict)

    class Meta(Actor.Meta):
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["location", "-created_at"], name="change_loc_idx"),
            models.Index(
                fields=["location", "campaign_ref", "day"], name="change_loc_campaign_idx"
            ),
            models.Index(fields=["location", "batch"], name="change_loc_batch_idx"),
        ]

    def __str__(self) -> str:
        what = self.campaign_name
        if self.day:
            what += f" on {self.day:%Y-%m-%d}"
        if self.stage:
            what += f", {self.stage}"
        return f"{what}: {self.action}"
