"""Committing an import: plan it outside any transaction, then write in one short transaction with
bulk statements (the new campaigns, then the days in a few upserts). All rows or none.

The plan's reads, its validation of every row and of every campaign to create all happen before
the write lock is taken; the transaction only checks that what the plan read is still so, and
writes. What it writes is one batch of the history (``campaigns.history``), which can be undone
as a whole (``campaigns.undo``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from itertools import repeat

from django.core.exceptions import ValidationError
from django.db import DEFAULT_DB_ALIAS, IntegrityError, connection, connections, transaction

from campaigns import db_stats, history, rollups
from campaigns.imports.creating import PAST_CAMPAIGN_DAYS, new_campaign
from campaigns.imports.planning import ImportPlan, plan_import
from campaigns.imports.reading import ImportRefused, ParsedFile, plural
from campaigns.models import Campaign, DailyMetric, ImportBatch, Location
from campaigns.tasks import evaluate_after_commit
from campaigns.tenancy import scope

#: How often a commit plans again when the location's data changed while it planned.
ATTEMPTS = 3


@dataclass(frozen=True)
class ImportResult:
    """What a commit wrote."""

    added: int
    replaced: int
    unchanged: int
    created: tuple[str, ...] = ()
    #: The history's batch of what was written (None when nothing was).
    batch: ImportBatch | None = None
    #: Those of the campaigns created that were created completed (their last day is past).
    completed: tuple[str, ...] = ()

    @property
    def message(self) -> str:
        days = self.added + self.replaced
        if not days:
            return (
                f"Nothing to import: {plural(self.unchanged, 'day')} already recorded with "
                "these numbers."
            )
        text = f"Imported {plural(days, 'day')}: {self.added:,} added, {self.replaced:,} replaced"
        if self.unchanged:
            text += f", {self.unchanged:,} unchanged"
        if self.created:
            names = ", ".join(f"“{n}”" for n in self.created)
            text += f". Created {plural(len(self.created), 'campaign')} ({names}) with no budget"
        if self.completed:
            names = ", ".join(f"“{n}”" for n in self.completed)
            one = len(self.completed) == 1
            text += (
                f"; {names} {'is' if one else 'are'} completed: {'its' if one else 'their'} "
                f"last day is more than {PAST_CAMPAIGN_DAYS} days ago"
            )
        return text + "."


def commit_import(
    *,
    location: Location,
    parsed: ParsedFile,
    create_missing: bool = False,
    channel: str = "",
    file_name: str = "",
) -> ImportResult:
    """Plan again (the data may have changed since the preview) and write: create the missing
    campaigns when asked, then upsert every day, as one batch of the history named after
    ``file_name``. All rows or none. When the campaigns or days the plan read change before the
    write, the plan is made again (a few times at most)."""
    channel = channel or parsed.default_channel
    for _ in range(ATTEMPTS):
        plan = plan_import(location=location, parsed=parsed)
        _refuse_unless_committable(plan, create_missing=create_missing, channel=channel)
        campaigns = _campaigns_to_create(plan, location=location, channel=channel)
        written, batch = _write(plan, location=location, campaigns=campaigns, file_name=file_name)
        if written:
            return ImportResult(
                added=len(plan.added) + len(plan.pending),
                replaced=len(plan.replaced),
                unchanged=len(plan.unchanged),
                created=tuple(c.name for c in campaigns),
                batch=batch,
                completed=tuple(c.name for c in campaigns if c.status == Campaign.Status.COMPLETED),
            )
    raise ImportRefused(
        f"The campaigns or days of {location.name} kept changing while the import was being "
        "prepared, so nothing was imported. Try again in a moment.",
        plan,
    )


def _refuse_unless_committable(plan: ImportPlan, *, create_missing: bool, channel: str) -> None:
    if plan.refused:
        raise ImportRefused(
            f"{plural(plan.refused_rows, 'row')} of the file "
            f"{'is' if plan.refused_rows == 1 else 'are'} refused, so nothing was imported "
            "(all rows or none). Correct the file and upload it again.",
            plan,
        )
    if plan.missing and not create_missing:
        names = ", ".join(f"“{m.name}”" for m in plan.missing[:20])
        more = f" and {len(plan.missing) - 20:,} more" if len(plan.missing) > 20 else ""
        raise ImportRefused(
            f"Nothing was imported: {plural(len(plan.missing), 'campaign')} not found "
            f"({names}{more}). Create them first, or choose to create them with the import.",
            plan,
        )
    if plan.missing and not channel:
        raise ImportRefused("Choose the channel of the campaigns to create.", plan)


def _campaigns_to_create(plan: ImportPlan, *, location: Location, channel: str) -> list[Campaign]:
    """The missing campaigns, unsaved and validated with the model's rules (their names are not
    taken: the plan found no campaign so named, and the write checks it again), as
    ``creating.new_campaign`` makes them (their dates from the file, completed when past, no
    budget), each with the file's Campaign ID for its platform when the file has one (no
    campaign of the location stores it, or the rows would have matched that campaign)."""
    id_field = plan.source.header.campaign_id_field
    campaigns = []
    for missing in plan.missing:
        campaign = new_campaign(
            location=location,
            name=missing.name,
            channel=channel,
            first_day=missing.first_day,
            last_day=missing.last_day,
            completed=missing.completed,
        )
        if id_field and missing.platform_id:
            setattr(campaign, id_field, missing.platform_id[:64])
        try:
            campaign.full_clean(
                exclude=["location"], validate_unique=False, validate_constraints=False
            )
        except ValidationError as error:
            raise ImportRefused(
                f"Campaign “{missing.name}” cannot be created: {' '.join(error.messages)} "
                "Nothing was imported.",
                plan,
            ) from None
        campaigns.append(campaign)
    return campaigns


def _write(
    plan: ImportPlan, *, location: Location, campaigns: list[Campaign], file_name: str
) -> tuple[bool, ImportBatch | None]:
    """Write the plan in one transaction, as one batch of the history; (False, None), writing
    nothing, when the campaigns or days the plan read have changed since."""
    days = (*plan.added, *plan.replaced, *plan.pending)
    if not days and not campaigns:
        return True, None
    rows, to_create = _day_parameters(days, location=location)
    platform, unchanged = plan.source.platform, len(plan.unchanged)
    try:
        with scope(location), transaction.atomic():
            if not plan.state.unchanged(location):
                return False, None
            with history.batch(
                location, file_name=file_name, platform=platform, unchanged=unchanged
            ) as batch:
                created = {c.name: c for c in Campaign.objects.bulk_create(campaigns)}
                for index, name in to_create:
                    rows[index][1] = created[name].pk
                with connection.cursor() as cursor:
                    cursor.executemany(_upsert_sql(), rows)
                # A raw statement bypasses DailyMetric's queryset: sum the months it wrote
                # again (one (campaign, day) per month is enough: refresh sums whole months),
                # and record its history here.
                rollups.refresh(location.pk, _months(rows, days))
                db_stats.after_large_write(len(rows))
                _record_days(location, rows, days, created)
            evaluate_after_commit(location.pk)
    except IntegrityError:
        # Another write took a campaign name or broke a rule at the same moment (the check
        # above sees every change on SQLite, whose write lock is taken at BEGIN).
        return False, None
    return True, batch


def _record_days(location: Location, rows: list[list], days, created: dict) -> None:
    """The history of the days the raw upsert wrote: each day's numbers before (from the plan,
    which the write checked are still so) and after."""
    history.record(
        "day",
        (
            history.Written(
                location_id=location.pk,
                campaign_id=row[1],
                campaign_name=(day.campaign or created[day.campaign_name]).name,
                old=day.old,
                new=day.new,
                day=day.day,
            )
            for row, day in zip(rows, days, strict=True)
        ),
    )


def _months(rows: list[list], days) -> set[tuple[int, date]]:
    """(campaign id, first day of the month) of each month the rows write in."""
    return {(row[1], day.day.replace(day=1)) for row, day in zip(rows, days, strict=True)}


_COLUMNS = ("location", "campaign", "date", *DailyMetric.NUMBER_FIELDS)


def _day_parameters(days, *, location: Location) -> tuple[list[list], list[tuple[int, str]]]:
    """Each day's values as the database takes them, prepared before the write lock by each
    field's own ``get_db_prep_save`` (once per distinct value of a column: a file has few
    distinct days and mostly small counts); and (index, campaign name) of the days whose
    campaign is still to be created."""
    if not days:
        return [], []
    db = connections[DEFAULT_DB_ALIAS]  # the connection that writes, not its proxy per value
    fields = [DailyMetric._meta.get_field(name) for name in _COLUMNS]
    columns = [[day.day for day in days], *zip(*(day.numbers for day in days), strict=True)]
    prepared = []
    for field, column in zip(fields[2:], columns, strict=True):
        # Equal Decimals written 1.5 and 1.50 are one value to the database's numeric column.
        values = {value: field.get_db_prep_save(value, db) for value in set(column)}
        prepared.append(map(values.__getitem__, column))
    campaign_ids = [day.campaign.pk if day.campaign else None for day in days]
    rows = [list(row) for row in zip(repeat(location.pk), campaign_ids, *prepared)]
    to_create = [(i, day.campaign_name) for i, day in enumerate(days) if day.campaign is None]
    return rows, to_create


def _upsert_sql() -> str:
    """INSERT … ON CONFLICT DO UPDATE of a day (SQLite and PostgreSQL): a day recorded again
    takes the file's numbers. Django's bulk_create would compile every row's values inside the
    transaction (seconds for 80,000 days); one executemany of this statement does not."""
    quote = connection.ops.quote_name
    meta = DailyMetric._meta
    columns = [quote(meta.get_field(name).column) for name in _COLUMNS]
    numbers = columns[3:]
    return (
        f"INSERT INTO {quote(meta.db_table)} ({', '.join(columns)}) "
        f"VALUES ({', '.join(['%s'] * len(columns))}) "
        f"ON CONFLICT ({', '.join(columns[:3])}) DO UPDATE SET "
        + ", ".join(f"{column} = EXCLUDED.{column}" for column in numbers)
    )
