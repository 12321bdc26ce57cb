"""Access from outside the pages: API tokens and e-mailed invitations to a location."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from campaigns.models.tenants import Location, Role
from campaigns.tenancy import ScopedManager


class ApiToken(models.Model):
    """A secret with which an integration reads and writes one location's data through the API.

    Only the SHA-256 of the secret is stored; the secret itself is shown once, at creation.
    ``key_hash`` is unique across locations because a request is matched to its token before
    the location is known (a small table: on Citus it would be a reference table).
    """

    location = models.ForeignKey(
        Location, on_delete=models.CASCADE, related_name="api_tokens", db_index=False
    )
    name = models.CharField(
        max_length=100, help_text="What uses the token, e.g. “Nightly CRM sync”."
    )
    prefix = models.CharField(
        max_length=8,
        editable=False,
        help_text="The secret's first characters, to tell tokens apart.",
    )
    key_hash = models.CharField(max_length=64, unique=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
        db_index=False,
    )
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True, editable=False)
    revoked_at = models.DateTimeField(null=True, blank=True, editable=False)

    objects = ScopedManager()

    class Meta:
        verbose_name = "API token"
        ordering = ["-created_at"]
        base_manager_name = "objects"
        indexes = [models.Index(fields=["location", "created_at"], name="apitoken_loc_created_idx")]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None


class Invitation(models.Model):
    """An e-mailed offer to join one location with a role: pending until accepted or revoked.

    The link in the e-mail is signed and expires (campaigns.members); the row says whether it
    may still be used. It is bound to its location: accepting it grants that location only.
    """

    Role = Role

    location = models.ForeignKey(
        Location, on_delete=models.CASCADE, related_name="invitations", db_index=False
    )
    email = models.EmailField()
    role = models.CharField(max_length=10, choices=Role.choices, default=Role.VIEWER)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
        db_index=False,
    )
    created_at = models.DateTimeField(auto_now_add=True)
    accepted_at = models.DateTimeField(null=True, blank=True, editable=False)
    revoked_at = models.DateTimeField(null=True, blank=True, editable=False)

    objects = ScopedManager()

    class Meta:
        ordering = ["-created_at"]
        base_manager_name = "objects"
        constraints = [
            models.CheckConstraint(condition=Q(role__in=Role.values), name="invitation_role_valid"),
        ]
        indexes = [
            models.Index(fields=["location", "created_at"], name="invitation_loc_created_idx")
        ]

    def __str__(self) -> str:
        return f"{self.email} — {self.get_role_display()} of {self.location}"

    @property
    def is_pending(self) -> bool:
        return self.accepted_at is None and self.revoked_at is None
