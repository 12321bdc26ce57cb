"""What every signed-in page needs about its user, read once per membership version: their
locations (id, slug, name and role, by name; every location, as a manager, for a superuser),
which the navigation lists, kept as one entry of Django's cache per user.

The entry's key names the user, whether they are a superuser and their membership version
(``campaigns.models.membership_versions``: raised inside every writing transaction that changes
what the entry holds). A page of a location reads the version in the statement that reads the
location and the user's role in it (``tenancy.resolve_location``), so its navigation costs no
query once the entry is cached; the first request after a committed change has a new version,
misses, and reads the locations afresh. Another page reads the locations and the version in one
statement (a query either way) and caches them for the next page of a location.

The entry never decides who may open a location: ``resolve_location`` reads the user's role
from the membership row on every request. An entry read for another user, another superuser
state or another version than the key's is ignored (``Memberships.serves``).
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

from django.core.cache import cache
from django.db import models
from django.db.models import F, OuterRef, Subquery, Value
from django.db.models.functions import Coalesce
from django.urls import get_script_prefix, reverse

#: Raise when the entry changes shape: a shared cache outlives a deploy.
FORMAT = 1
#: How long an entry is kept (a new version makes it unreachable long before).
TIMEOUT_SECONDS = 24 * 3600


@dataclass(frozen=True)
class MemberLocation:
    """One location in the navigation."""

    pk: int
    slug: str
    name: str
    role: str

    @property
    def overview_url(self) -> str:
        """Its overview's address: the navigation lists every location of an agency's
        manager (a hundred reverse() calls a page), so the URL is reversed once per prefix."""
        return _overview_pattern(get_script_prefix()).replace(SLUG_MARK, self.slug)


#: Stands for a slug in the reversed overview URL (a valid slug, never a real one's part).
SLUG_MARK = "slug--mark--"


@functools.cache
def _overview_pattern(prefix: str) -> str:
    return reverse("campaigns:overview", args=[SLUG_MARK])


@dataclass(frozen=True)
class Memberships:
    """A user's locations at one membership version."""

    user_id: int | None
    is_superuser: bool
    version: int | None
    locations: tuple[MemberLocation, ...] = ()

    def serves(self, user, version: int) -> bool:
        """Whether this entry describes ``user`` at ``version`` (and nobody else)."""
        return (
            self.user_id == user.pk
            and self.is_superuser == user.is_superuser
            and self.version == version
        )


def cache_key(user, version: int) -> str:
    return f"memberships:{FORMAT}:{user.pk}:{int(user.is_superuser)}:{version}"


def memberships_of(user, version: int | None = None) -> Memberships:
    """The user's locations: from the cache when the caller read their ``version`` already
    and the entry is there; otherwise read (one query) and cached under the version read with
    them."""
    if not user.is_authenticated or not user.is_active:
        return Memberships(user_id=None, is_superuser=False, version=None)
    if version is not None:
        entry = cache.get(cache_key(user, version))
        if isinstance(entry, Memberships) and entry.serves(user, version):
            return entry
    entry = read_memberships(user)
    if entry.version is not None:
        cache.set(cache_key(user, entry.version), entry, TIMEOUT_SECONDS)
    return entry


def read_memberships(user) -> Memberships:
    """The user's locations and their membership version, in one statement (one snapshot:
    the version is the one these rows are at). Without a location, the version is unknown."""
    from campaigns.models import Location, Membership, MembershipVersion

    version = MembershipVersion.of(user.pk)
    if user.is_superuser:
        rows = (
            Location.objects.order_by("name", "pk")
            .annotate(role=Value(Membership.Role.MANAGER), version=version)
            .values_list("pk", "slug", "name", "role", "version")
        )
    else:
        rows = (
            Membership.objects.filter(user=user)
            .order_by("location__name", "location_id")
            .annotate(version=version)
            .values_list("location_id", "location__slug", "location__name", "role", "version")
        )
    rows = list(rows)
    return Memberships(
        user_id=user.pk,
        is_superuser=user.is_superuser,
        version=rows[0][4] if rows else None,
        locations=tuple(MemberLocation(*row[:4]) for row in rows),
    )


def open_alert_count(location_ref: str = "pk") -> Coalesce:
    """The header's badge as an expression: the open, unacknowledged alerts of the location of
    the outer query's ``location_ref``, to be read with the location's row."""
    from campaigns.models import Alert
    from campaigns.tenancy import scopes_disabled

    # Correlated to the outer row's location, the subquery reads that location's alerts only.
    with scopes_disabled():
        alerts = Alert.objects.filter(
            location_id=OuterRef(location_ref),
            resolved_at__isnull=True,
            acknowledged_at__isnull=True,
        )
    counted = alerts.order_by().annotate(n=models.Func(F("pk"), function="COUNT")).values("n")
    return Coalesce(Subquery(counted), Value(0), output_field=models.IntegerField())
