"""The tenant and who may open it: Location, its members and their roles."""

from __future__ import annotations

import zoneinfo
from datetime import date

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Length, Upper
from django.db.models.lookups import Exact
from django.utils import timezone

from campaigns.models.membership_versions import MembershipQuerySet


def validate_time_zone(value: str) -> None:
    if value not in zoneinfo.available_timezones():
        raise ValidationError(f"“{value}” is not a known time zone (for example Europe/Berlin).")


class Location(models.Model):
    """One client account of the agency: the tenant."""

    name = models.CharField(max_length=200)
    slug = models.SlugField(max_length=80, unique=True)
    external_id = models.CharField(
        max_length=100, blank=True, help_text="The id the agency's CRM uses, e.g. location_abc123."
    )
    currency = models.CharField(
        max_length=3,
        default="USD",
        validators=[RegexValidator(r"^[A-Z]{3}$", "Use a three-letter ISO code such as USD.")],
    )
    time_zone = models.CharField(max_length=64, default="UTC", validators=[validate_time_zone])
    #: Raised by one, inside the writing transaction, by every write that can change a figure
    #: of the location (``campaigns.versions``): the pages' cached figures are keyed by it.
    #: ``save`` never writes it (a form holding an older value must not set it back).
    data_version = models.PositiveBigIntegerField(default=0, editable=False)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["external_id"],
                condition=~Q(external_id=""),
                name="location_external_id_unique",
            ),
            models.CheckConstraint(
                condition=Exact(Length("currency"), 3) & Exact(Upper("currency"), F("currency")),
                name="location_currency_iso",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs):
        if self.pk is not None and not self._state.adding and kwargs.get("update_fields") is None:
            kwargs["update_fields"] = [
                f.name
                for f in self._meta.concrete_fields
                if not f.primary_key and f.name != "data_version"
            ]
        super().save(*args, **kwargs)

    def today(self) -> date:
        """The calendar date now in the location's time zone."""
        return timezone.now().astimezone(zoneinfo.ZoneInfo(self.time_zone)).date()


class Role(models.TextChoices):
    MANAGER = "manager", "Manager"
    VIEWER = "viewer", "Viewer"


class Membership(models.Model):
    """A user's role in a location: managers change data, viewers only read."""

    Role = Role

    # Indexed through the (location, user) constraint and the (user, location) index.
    location = models.ForeignKey(
        Location, on_delete=models.CASCADE, related_name="memberships", db_index=False
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="memberships",
        db_index=False,
    )
    role = models.CharField(max_length=10, choices=Role.choices, default=Role.VIEWER)

    # Its bulk writes raise the membership versions too (campaigns.models.membership_versions).
    objects = MembershipQuerySet.as_manager()

    class Meta:
        ordering = ["location__name", "user__username"]
        constraints = [
            models.UniqueConstraint(fields=["location", "user"], name="membership_unique"),
            models.CheckConstraint(condition=Q(role__in=Role.values), name="membership_role_valid"),
        ]
        indexes = [models.Index(fields=["user", "location"], name="membership_user_idx")]

    def __str__(self) -> str:
        return f"{self.user} — {self.get_role_display()} of {self.location}"
