"""Undoing an import batch (a file's import or an API push): every day it added is removed,
every day it replaced gets back the numbers it had, and every campaign it created is removed
when nothing else refers to it. All or nothing, in one transaction; refused, changing nothing,
when a later write touched one of its days (or deleted one of its campaigns), or when the batch
was already undone. The undo's own writes are recorded in the history, through "undo", in the
same batch.

An undo of more rows than ``IMPORT_BACKGROUND_ROWS`` is run by the background worker instead of in
the request (``campaigns.undo_jobs``): the same ``undo_batch``, told where it is by ``progress``."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from campaigns import history
from campaigns.imports.reading import plural
from campaigns.models import (
    Alert,
    Campaign,
    Change,
    DailyMetric,
    ImportBatch,
    LifetimeMetric,
    Location,
    MonthlyMetric,
    Source,
)
from campaigns.tasks import evaluate_after_commit
from campaigns.tenancy import scope

#: How many later changes a refusal names.
SHOWN = 20
#: Days per statement when removing or restoring (well under SQLite's variable limit).
CHUNK = 2000
Kind, Action = Change.Kind, Change.Action


class UndoRefused(Exception):
    """The batch cannot be undone: ``message`` says why, ``conflicts`` are the later changes
    that block it (at most SHOWN, newest first)."""

    def __init__(self, message: str, conflicts=()):
        super().__init__(message)
        self.message = message
        self.conflicts = list(conflicts)


@dataclass(frozen=True)
class UndoResult:
    batch: ImportBatch
    removed: int
    restored: int
    campaigns_removed: tuple[str, ...]
    campaigns_kept: tuple[str, ...]

    @property
    def message(self) -> str:
        text = (
            f"Undid batch {self.batch.pk}: {plural(self.removed, 'day')} removed, "
            f"{plural(self.restored, 'day')} restored"
        )
        if self.campaigns_removed:
            names = ", ".join(f"“{n}”" for n in self.campaigns_removed)
            text += f", {plural(len(self.campaigns_removed), 'campaign')} removed ({names})"
        if self.campaigns_kept:
            names = ", ".join(f"“{n}”" for n in self.campaigns_kept)
            them = "it" if len(self.campaigns_kept) == 1 else "them"
            text += f"; kept {names}: other data refers to {them}"
        return text + "."


def rows_to_undo(batch: ImportBatch) -> int:
    """The days an undo of the batch changes (those it added, removed; those it replaced,
    restored), known before undoing it."""
    return batch.added + batch.replaced


def _own_changes(batch: ImportBatch):
    """The batch's own changes (not those of its undo)."""
    return Change.objects.filter(location_id=batch.location_id, batch=batch).exclude(
        source=Source.UNDO
    )


def later_changes(batch: ImportBatch, limit: int = SHOWN) -> list[Change]:
    """What would block an undo now: later changes of the days the batch wrote, and later
    deletions of the campaigns it wrote to (newest first, at most ``limit``; empty: the undo
    can go ahead)."""
    with scope(batch.location_id):
        own = _own_changes(batch).filter(kind=Kind.DAY)
        keys = set(own.values_list("campaign_ref", "day"))
        if not keys:
            return []
        last = _own_changes(batch).order_by("-pk").values_list("pk", flat=True).first()
        days = [day for _, day in keys]
        campaign_ids = {campaign for campaign, _ in keys}
        after = Change.objects.filter(
            location_id=batch.location_id, pk__gt=last, campaign_ref__in=campaign_ids
        )
        later = after.filter(kind=Kind.DAY, day__gte=min(days), day__lte=max(days)) | after.filter(
            kind=Kind.CAMPAIGN, action=Action.DELETED
        )
        found = []
        for change in later.order_by("-pk").iterator(chunk_size=1000):
            if change.kind == Kind.CAMPAIGN or (change.campaign_ref, change.day) in keys:
                found.append(change)
                if len(found) >= limit:
                    break
        return found


def undo_batch(
    batch: ImportBatch, *, user=None, progress: Callable[[int], None] | None = None
) -> UndoResult:
    """Undo the batch, all or nothing (see the module); raises UndoRefused. ``progress`` is told
    the days undone so far after each statement (written, not yet committed)."""
    location_id = batch.location_id
    with scope(location_id), transaction.atomic():
        # Writes of days lock the location first (campaigns.rollups): so does the undo, so that
        # no write can slip in between its check and its own writes.
        Location.objects.select_for_update().filter(pk=location_id).values_list("pk").first()
        batch = ImportBatch.objects.select_for_update().get(pk=batch.pk)
        if batch.undone_at is not None:
            raise UndoRefused(
                f"Batch {batch.pk} was already undone on {_when(batch.undone_at, batch)}"
                f"{' by ' + batch.undone_by_name if batch.undone_by_name else ''}."
            )
        conflicts = later_changes(batch)
        if conflicts:
            raise UndoRefused(_conflict_message(batch, conflicts), conflicts)
        outer = history.current()  # who undoes: the user given, or whoever acts (a command)
        user = user if user is not None else outer.user
        with history.acting(
            Source.UNDO, user=user, token=outer.token, name=outer.name, batch=batch
        ) as acting:
            removed, restored = _restore_days(batch, progress or _ignore)
            removed_names, kept = _remove_created_campaigns(batch)
        batch.undone_at = timezone.now()
        batch.undone_by_id = acting.user_id()
        batch.undone_by_name = acting.actor()
        batch.save(update_fields=["undone_at", "undone_by", "undone_by_name"])
        evaluate_after_commit(location_id)
    return UndoResult(batch, removed, restored, removed_names, kept)


def _ignore(done: int) -> None:
    pass


def _restore_days(batch: ImportBatch, progress: Callable[[int], None]) -> tuple[int, int]:
    """Remove the days the batch added; give the days it replaced their numbers back. A few
    bulk statements of CHUNK days each, through DailyMetric's queryset (which records their
    history and sums their months again): a queryset delete by primary key, and an upsert of
    the replaced days' whole rows with their old numbers."""
    added: set[tuple[int, date]] = set()
    replaced: dict[tuple[int, date], dict] = {}
    changes = (
        _own_changes(batch)
        .filter(kind=Kind.DAY)
        .values_list("campaign_ref", "day", "action", "fields")
    )
    for campaign_id, day, action, fields in changes.iterator(chunk_size=2000):
        if action == Action.CREATED:
            added.add((campaign_id, day))
        elif action == Action.CHANGED:
            replaced[(campaign_id, day)] = fields
    doomed = _stored_days(batch, added).values_list("pk", "campaign_id", "date")
    doomed = [pk for pk, *key in doomed.iterator(chunk_size=5000) if tuple(key) in added]
    done = 0
    for chunk in _chunks(sorted(doomed)):
        DailyMetric.objects.filter(pk__in=chunk).delete()
        done += len(chunk)
        progress(done)
    stored = {
        (row.campaign_id, row.date): row
        for row in _stored_days(batch, replaced.keys()).iterator(chunk_size=5000)
    }
    rows = []
    for key, fields in replaced.items():
        row = stored[key]
        for name, (old, _new) in fields.items():
            setattr(row, name, _value(name, old))
        rows.append(row)
    for chunk in _chunks(rows):
        DailyMetric.objects.bulk_create(
            chunk,
            update_conflicts=True,
            unique_fields=["location", "campaign", "date"],
            update_fields=list(DailyMetric.NUMBER_FIELDS),
        )
        done += len(chunk)
        progress(done)
    return len(added), len(replaced)


def _stored_days(batch: ImportBatch, keys) -> QuerySet:
    """The stored days of the campaigns and dates these keys span: a superset of the keys, to
    be matched in Python (one query, instead of one per campaign)."""
    if not keys:
        return DailyMetric.objects.none()
    days = [day for _, day in keys]
    return DailyMetric.objects.filter(
        location_id=batch.location_id,
        campaign_id__in={campaign for campaign, _ in keys},
        date__gte=min(days),
        date__lte=max(days),
    )


def _remove_created_campaigns(batch: ImportBatch) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """Delete the campaigns the batch created that nothing refers to any more (their days and
    rollups aside), in one queryset delete; name those kept."""
    created = _own_changes(batch).filter(kind=Kind.CAMPAIGN, action=Action.CREATED)
    ids = set(created.values_list("campaign_ref", flat=True))
    campaigns = dict(
        Campaign.objects.filter(location_id=batch.location_id, pk__in=ids)
        .order_by("pk")
        .values_list("pk", "name")
    )
    referenced = _referenced(set(campaigns))
    removable = [pk for pk in campaigns if pk not in referenced]
    if removable:
        Campaign.objects.filter(location_id=batch.location_id, pk__in=removable).delete()
    removed = tuple(campaigns[pk] for pk in removable)
    kept = tuple(name for pk, name in campaigns.items() if pk in referenced)
    return removed, kept


#: Rows that exist only because a campaign's days do (its rollups, and the alerts raised from
#: its numbers): they never keep a campaign, and go with it.
_DERIVED = {MonthlyMetric, LifetimeMetric, Alert}


def _referenced(campaign_ids: set[int]) -> set[int]:
    """Those of the campaigns that a row entered for them names (days, funnel counts, alert
    rules, report schedules): one query per kind of row."""
    found: set[int] = set()
    for relation in Campaign._meta.related_objects:
        model = relation.related_model
        if model in _DERIVED or relation.many_to_many or not campaign_ids - found:
            continue
        column = relation.field.attname
        rows = model._base_manager.filter(**{f"{column}__in": campaign_ids - found})
        found.update(rows.values_list(column, flat=True).distinct())
    return found


def _value(name: str, stored):
    if stored is None:
        return None
    if name in DailyMetric.MONEY_FIELDS:
        return Decimal(stored)
    return int(stored)


def _chunks(items: list) -> list[list]:
    return [items[i : i + CHUNK] for i in range(0, len(items), CHUNK)]


def _when(moment, batch: ImportBatch) -> str:
    """A moment in the location's time zone."""
    local = timezone.localtime(moment, ZoneInfo(batch.location.time_zone))
    return f"{local:%-d %b %Y %H:%M}"


def describe(change: Change, batch: ImportBatch) -> str:
    """A later change in a sentence: what, by whom, through what, when."""
    action = change.get_action_display().lower()
    if change.kind == Kind.CAMPAIGN:
        what = f"campaign “{change.campaign_name}” {action}"
    else:
        what = f"“{change.campaign_name}” on {change.day:%-d %b %Y} {action}"
    who = change.actor or "a deleted user"
    return f"{what} by {who} ({change.get_source_display()}, {_when(change.created_at, batch)})"


def _conflict_message(batch: ImportBatch, conflicts: list[Change]) -> str:
    shown = "; ".join(describe(c, batch) for c in conflicts[:5])
    more = len(conflicts) - 5
    tail = f"; and {more}{'+' if len(conflicts) >= SHOWN else ''} more" if more > 0 else ""
    return (
        f"Batch {batch.pk} cannot be undone: what it wrote was changed since ({shown}{tail}). "
        "Nothing was changed. Undo or correct those later changes first."
    )
