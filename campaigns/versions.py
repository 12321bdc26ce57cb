"""A data version per location: what the pages' cached figures are keyed by.

Every write that can change a figure of a location raises its ``Location.data_version`` by one
inside the writing transaction (``bump``): the days through ``rollups.refresh``, and campaigns,
funnel stages, alerts and the location's own settings through ``bump_on_write`` (their saves and
deletes) and their querysets' bulk writes. A page's cached figures are keyed by the versions of
its locations (``campaigns.page_cache``), so the first read after a committed write misses the
cache and computes afresh; a missed bump would serve old figures, which the cache-consistency
property test (tests/test_page_cache.py) hunts for through every write path.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import F


def connect() -> None:
    """Raise the version on the saves and deletes no other path records: a location's own
    settings (time zone, currency, name) and an alert changed one at a time (the admin)."""
    from django.db.models.signals import post_delete, post_save

    from campaigns.models import Alert, Location

    post_save.connect(_location_saved, sender=Location, dispatch_uid="versions-location")
    for signal in (post_save, post_delete):
        signal.connect(_alert_written, sender=Alert, dispatch_uid=f"versions-alert-{signal}")


def _location_saved(sender, instance, created, **kwargs) -> None:
    if not created:
        bump([instance.pk])


def _alert_written(sender, instance, **kwargs) -> None:
    bump([instance.location_id])


def bump(location_ids: Iterable[int]) -> None:
    """Raise the data version of these locations by one, in the caller's transaction."""
    from campaigns.models import Location

    ids = sorted({int(pk) for pk in location_ids if pk is not None})
    if ids:  # one statement: atomic on its own, and part of the caller's transaction
        Location.objects.filter(pk__in=ids).update(data_version=F("data_version") + 1)
