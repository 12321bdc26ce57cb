"""Each user's membership version: the key of their entry in ``campaigns.membership_cache``
(the locations every page's navigation lists), raised by every write that changes that entry.

The version is raised after the write, inside its transaction (every writing path of the app
runs in one: the members functions, ``get_or_create``, the admin's forms, deletes, the bulk
methods below; a bare ``save()`` in autocommit raises it in the next statement), so it commits
or rolls back with the write. Every request reads it from the database in the statement that
reads its location: a change is seen by the very next request, in any worker process, whatever
the cache is (one per process or shared). What raises it, for the users concerned:

- a membership created, changed (role, location or user) or deleted: by ``save``/``delete``
  (signals), by a cascade from deleting its location or user (the collector sends the signals),
  and by ``MembershipQuerySet``'s ``update``, ``bulk_create`` and ``bulk_update``;
- a location created (for the superusers), renamed or given a new slug through ``save`` (for
  its members and the superusers), or deleted (the superusers; its members by the cascade).
  A ``Location`` queryset ``update()`` of ``name`` or ``slug`` sends no signal: call
  ``raise_for_locations`` beside it (no code does such an update).

Whether the user is a superuser is part of the entry's key (read from the user row on every
request), so becoming one or ceasing to be needs no raise; an inactive user is signed out.

A new version is a random number, not the old one plus one: a version raised in a transaction
that rolls back is then never given again by a later write, so an entry cached under it (by a
request inside that transaction) can never be read as another state's.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterable

from django.conf import settings
from django.contrib.auth.signals import user_logged_in
from django.db import models, transaction
from django.db.models import OuterRef, Q, Subquery, Value
from django.db.models.functions import Coalesce
from django.db.models.signals import post_delete, post_save, pre_save
from django.dispatch import receiver

__all__ = ["MembershipQuerySet", "MembershipVersion", "raise_for_locations", "raise_versions"]


class MembershipVersion(models.Model):
    """A user's membership version; a user without a row has version 0. Keyed by the user's id,
    with no foreign key: a deleted user's row is deleted with them (``_user_deleted``), and a
    version raised while a user is being deleted must not fail on a constraint."""

    user_id = models.BigIntegerField(primary_key=True)
    version = models.BigIntegerField(default=0)

    def __str__(self) -> str:
        return f"user {self.user_id}: membership version {self.version}"

    @classmethod
    def of(cls, user_id: int | OuterRef) -> Coalesce:
        """The user's version as an expression (0 without a row), to read it within a query."""
        rows = cls.objects.filter(user_id=user_id).values("version")[:1]
        return Coalesce(Subquery(rows), Value(0), output_field=models.BigIntegerField())


def raise_versions(user_ids: Iterable[int | None]) -> None:
    """Give these users a new membership version, in the caller's transaction (one statement)."""
    ids = sorted({int(pk) for pk in user_ids if pk is not None})
    if not ids:
        return
    version = secrets.randbits(62) + 1
    MembershipVersion.objects.bulk_create(
        [MembershipVersion(user_id=pk, version=version) for pk in ids],
        update_conflicts=True,
        unique_fields=["user_id"],
        update_fields=["version"],
    )


def raise_for_locations(location_ids: Iterable[int], *, members: bool = True) -> None:
    """New versions for every superuser (their entry lists every location) and, with
    ``members``, for the members of these locations (their names or slugs changed)."""
    from django.contrib.auth import get_user_model

    wanted = Q(is_superuser=True)
    if members:
        wanted |= Q(memberships__location_id__in=list(location_ids))
    users = get_user_model().objects.filter(wanted).values_list("pk", flat=True).distinct()
    raise_versions(list(users))


class MembershipQuerySet(models.QuerySet):
    """Membership's queryset: its bulk writes, which send no signal, raise the versions of the
    users whose memberships they change (``delete()`` sends the signals itself)."""

    def update(self, **kwargs) -> int:
        with transaction.atomic(using=self.db):
            before = list(self.values_list("pk", "user_id"))
            rows = super().update(**kwargs)
            users = {user_id for _, user_id in before}
            if {"user", "user_id"} & set(kwargs):
                moved = self.model._base_manager.filter(pk__in=[pk for pk, _ in before])
                users |= set(moved.values_list("user_id", flat=True))
            raise_versions(users)
        return rows

    def bulk_create(self, objs, *args, **kwargs):
        with transaction.atomic(using=self.db):
            created = super().bulk_create(objs, *args, **kwargs)
            raise_versions(obj.user_id for obj in created)
        return created

    def bulk_update(self, objs, fields, *args, **kwargs) -> int:
        objs = list(objs)
        with transaction.atomic(using=self.db):
            users = {obj.user_id for obj in objs}
            if {"user", "user_id"} & set(fields):
                stored = self.model._base_manager.filter(pk__in=[obj.pk for obj in objs])
                users |= set(stored.values_list("user_id", flat=True))
            rows = super().bulk_update(objs, fields, *args, **kwargs)
            raise_versions(users)
        return rows


# --- What raises a version ------------------------------------------------------------------


@receiver(pre_save, sender="campaigns.Membership")
def _remember_previous_user(sender, instance, update_fields=None, **kwargs):
    """A membership moved to another user (the admin allows it) changes the old user's entry."""
    instance._previous_user_id = None
    if instance._state.adding or instance.pk is None:
        return
    if update_fields is not None and not {"user", "user_id"} & set(update_fields):
        return
    stored = sender._base_manager.filter(pk=instance.pk).values_list("user_id", flat=True)
    instance._previous_user_id = stored.first()


@receiver(post_save, sender="campaigns.Membership")
def _membership_saved(sender, instance, **kwargs):
    raise_versions([instance.user_id, getattr(instance, "_previous_user_id", None)])


@receiver(post_delete, sender="campaigns.Membership")
def _membership_deleted(sender, instance, **kwargs):
    raise_versions([instance.user_id])


@receiver(post_save, sender="campaigns.Location")
def _location_saved(sender, instance, created, update_fields=None, **kwargs):
    if created:
        raise_for_locations([instance.pk], members=False)
    elif update_fields is None or {"name", "slug"} & set(update_fields):
        raise_for_locations([instance.pk])


@receiver(post_delete, sender="campaigns.Location")
def _location_deleted(sender, instance, **kwargs):
    # Its members' versions were raised as the cascade deleted their memberships.
    raise_for_locations([instance.pk], members=False)


@receiver(post_delete, sender=settings.AUTH_USER_MODEL)
def _user_deleted(sender, instance, **kwargs):
    MembershipVersion.objects.filter(user_id=instance.pk).delete()


@receiver(user_logged_in)
def _cache_entry_on_sign_in(sender, request, user, **kwargs):
    """The first page after signing in finds the user's locations cached."""
    from campaigns.membership_cache import memberships_of

    memberships_of(user)
