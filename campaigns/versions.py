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

from django.db import transaction
from django.db.models import F


def bump(location_ids: Iterable[int]) -> None:
    """Raise the data version of these locations by one, in the caller's transaction."""
    from campaigns.models import Location

    ids = sorted({int(pk) for pk in location_ids if pk is not None})
    if ids:
        with transaction.atomic():
            Location.objects.filter(pk__in=ids).update(data_version=F("data_version") + 1)
