"""Writing the history of every change of tenant data (``campaigns.models.history``).

Who writes is set once per entry point with ``acting(...)``: the middleware for pages (a form)
and the admin, the API's token scope, each management command, the import and its undo. The
writes themselves are recorded where they happen, in the models' ``save``/``delete`` and their
querysets' bulk writes (``bulk_create`` upserts included), inside the write's own transaction,
with the values before and after of each field that changed: a write that reaches the database
through the ORM cannot skip it. The one raw statement of the app (the import's upsert) records
its days itself, in the same transaction. See docs/architecture.md, "History".
"""

from __future__ import annotations

import getpass
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, replace
from datetime import date, datetime
from decimal import Decimal
from functools import cache

from django.db import connection
from django.db.models import Count, Q
from django.utils import timezone

from campaigns import versions
from campaigns.models.history import Change, ImportBatch, Source

CENT = Decimal("0.01")
Kind = Change.Kind
Action = Change.Action


@dataclass(frozen=True)
class Acting:
    """Who is writing now, and through what (and, for an import or a push, in which batch)."""

    source: str = Source.SYSTEM
    user: object = None  # a user (possibly lazy, possibly anonymous) or None
    token: object = None  # an ApiToken or None
    batch: ImportBatch | None = None
    name: str = ""  # who, when there is neither user nor token (a command's system user)

    def user_id(self) -> int | None:
        user = self.user
        if user is not None and getattr(user, "is_authenticated", False):
            return user.pk
        return None

    def actor(self) -> str:
        if self.token is not None:
            return f"API token “{self.token.name}”"[:150]
        if self.user_id() is not None:
            return self.user.get_username()[:150]
        return self.name[:150]


_acting: ContextVar[Acting | None] = ContextVar("campaigns_history_acting", default=None)


@contextmanager
def acting(
    source: str, *, user=None, token=None, name: str = "", batch: ImportBatch | None = None
) -> Iterator[Acting]:
    """Record the writes inside the block as made through ``source`` by ``user`` or ``token``
    (within ``batch``: an import's undo)."""
    if source == Source.COMMAND and not name:
        name = _system_user()
    now = Acting(source=source, user=user, token=token, name=name, batch=batch)
    reset = _acting.set(now)
    try:
        yield now
    finally:
        _acting.reset(reset)


def current() -> Acting:
    """Who is writing now: outside any ``acting`` block, the system."""
    return _acting.get() or Acting()


def _system_user() -> str:
    try:
        return f"command ({getpass.getuser()})"
    except (KeyError, OSError):
        return "command"


# --- Batches -----------------------------------------------------------------------------------


@contextmanager
def batch(
    location, *, file_name: str = "", platform: str = "", unchanged: int = 0
) -> Iterator[ImportBatch]:
    """Inside a write's transaction: an import (or, through the API, a push) as one batch whose
    changes can be undone together. Its counts are tallied from its changes at the end."""
    now = current()
    made = ImportBatch.objects.create(
        location_id=_pk(location),
        source=Source.API if now.source == Source.API else Source.IMPORT,
        user_id=now.user_id(),
        token=now.token,
        actor=now.actor(),
        file_name=file_name[:255],
        platform=platform,
        unchanged=unchanged,
        created_at=timezone.now(),
    )
    reset = _acting.set(replace(now, batch=made, source=made.source))
    try:
        yield made
    finally:
        _acting.reset(reset)
    tally(made)


def tally(batch: ImportBatch) -> None:
    """Count what the batch's changes did (days added and replaced, campaigns created)."""
    counts = Change.objects.filter(location_id=batch.location_id, batch=batch).aggregate(
        added=Count("pk", filter=Q(kind=Kind.DAY, action=Action.CREATED)),
        replaced=Count("pk", filter=Q(kind=Kind.DAY, action=Action.CHANGED)),
        campaigns_created=Count("pk", filter=Q(kind=Kind.CAMPAIGN, action=Action.CREATED)),
    )
    for name, value in counts.items():
        setattr(batch, name, value)
    batch.save(update_fields=list(counts))


# --- Values --------------------------------------------------------------------------------------


def stored_value(value):
    """A value as history keeps it in JSON: a decimal as a string with at least two decimals and
    no trailing zeros beyond them (2.5, 2.50 and 2.5000 are all "2.50"), dates ISO."""
    if isinstance(value, Decimal):
        text = str(value)
        if text[-3:-2] == "." and "E" not in text:  # already two decimals: most money
            return text
        value = value.normalize()
        if value.as_tuple().exponent > -2:
            value = value.quantize(CENT)
        return f"{value:f}"
    if isinstance(value, datetime | date):
        return value.isoformat()
    return value


def differences(
    old: Mapping[str, object] | None, new: Mapping[str, object] | None
) -> dict[str, list]:
    """{field: [old, new]} of each field whose value differs (every field when one side is
    None: created or deleted)."""
    names = list(new or old or {})
    result = {}
    for name in names:
        before = stored_value(old.get(name)) if old is not None else None
        after = stored_value(new.get(name)) if new is not None else None
        if old is None or new is None:
            if (after if old is None else before) not in (None, ""):
                result[name] = [before, after]
        elif before != after:
            result[name] = [before, after]
    return result


def _pk(obj) -> int:
    return obj if isinstance(obj, int) else obj.pk


# --- Recording -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Written:
    """One row's values before and after a write (None: it did not exist / no longer does)."""

    location_id: int
    campaign_id: int
    campaign_name: str
    old: Mapping[str, object] | None
    new: Mapping[str, object] | None
    day: date | None = None
    stage: str = ""


def record(kind: str, written: Iterable[Written]) -> int:
    """Write a history row for each row that changed (nothing for a write that changed no
    value), all with one timestamp and the current actor; returns how many.

    One INSERT executed for all rows, with each value adapted once for the database: Django's
    bulk_create would build a model instance and compile every row's values, which takes tens
    of seconds for the 100,000 days of a big import."""
    now, ops = current(), connection.ops
    same = (
        ops.adapt_datetimefield_value(timezone.now()),
        now.source,
        now.user_id(),
        now.token.pk if now.token is not None else None,
        now.actor(),
        now.batch.pk if now.batch is not None else None,
    )
    rows, locations = [], set()
    for item in written:
        old, new = item.old, item.new
        locations.add(item.location_id)
        if old is None and new is None:
            continue
        fields = differences(old, new)
        if old is not None and new is not None:
            if not fields:
                continue
            action = Action.CHANGED
        else:
            action = Action.CREATED if old is None else Action.DELETED
        rows.append(
            (
                item.location_id,
                *same,
                kind,
                action,
                item.campaign_id,
                item.campaign_name[:200],
                ops.adapt_datefield_value(item.day),
                item.stage,
                ops.adapt_json_value(fields, None),
            )
        )
    if rows:
        with connection.cursor() as cursor:
            cursor.executemany(_insert_sql(), rows)
    # Every write of a campaign, a day or a funnel count passes here, in its transaction.
    versions.bump(locations)
    return len(rows)


@cache
def _insert_sql() -> str:
    quote = connection.ops.quote_name
    names = (
        "location",
        "created_at",
        "source",
        "user",
        "token",
        "actor",
        "batch",
        "kind",
        "action",
        "campaign_ref",
        "campaign_name",
        "day",
        "stage",
        "fields",
    )
    columns = ", ".join(quote(Change._meta.get_field(name).column) for name in names)
    marks = ", ".join(["%s"] * len(names))
    return f"INSERT INTO {quote(Change._meta.db_table)} ({columns}) VALUES ({marks})"


# --- Checking ------------------------------------------------------------------------------------


def unrecorded() -> list[str]:
    """Stored days and funnel counts whose values the history does not end at: empty when every
    write was recorded. Replays every change (a deleted campaign takes its days and counts with
    it); for tests and audits of small databases, since it reads everything."""
    from campaigns.models import DailyMetric, FunnelStage
    from campaigns.tenancy import scopes_disabled

    replayed: dict[tuple, dict] = {}
    with scopes_disabled():
        changes = Change.objects.order_by("pk").values_list(
            "kind", "action", "campaign_ref", "day", "stage", "fields"
        )
        for kind, action, campaign_id, day, stage, fields in changes.iterator():
            if kind == Kind.CAMPAIGN:
                if action == Action.DELETED:
                    for key in [k for k in replayed if k[1] == campaign_id]:
                        del replayed[key]
                continue
            key = (kind, campaign_id, day.isoformat() if day else stage)
            if action == Action.DELETED:
                replayed.pop(key, None)
            else:
                replayed.setdefault(key, {}).update({f: new for f, (_, new) in fields.items()})
        stored: dict[tuple, dict] = {}
        for row in DailyMetric.objects.values("campaign_id", "date", *DailyMetric.NUMBER_FIELDS):
            key = (Kind.DAY, row.pop("campaign_id"), row.pop("date").isoformat())
            stored[key] = {name: stored_value(value) for name, value in row.items()}
        for campaign_id, stage, count in FunnelStage.objects.values_list(
            "campaign_id", "stage", "count"
        ):
            stored[(Kind.FUNNEL, campaign_id, stage)] = {"count": count}
    return [
        f"{key}: stored {stored.get(key)}, history {replayed.get(key)}"
        for key in sorted(stored.keys() | replayed.keys(), key=str)
        if stored.get(key) != replayed.get(key)
    ]
