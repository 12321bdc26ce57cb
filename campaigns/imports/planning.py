"""Planning an import against a location (days added, replaced, unchanged or refused;
campaigns not found) in two queries, and committing the plan in one transaction."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.db.models.functions import Lower

from campaigns import services
from campaigns.imports.platforms import FIELD_LABELS, ZERO_ROW, column_kind
from campaigns.imports.reading import ImportRefused, ParsedFile, ParsedRow, Problem, plural
from campaigns.models import Campaign, DailyMetric, Location
from campaigns.tenancy import scope

# --------------------------------------------------------------------------- planning


@dataclass(frozen=True)
class PlannedDay:
    """One day the import writes (or leaves as it is), with the numbers before and after."""

    row: int
    campaign_name: str
    day: date
    new: dict[str, int | Decimal]
    old: dict[str, int | Decimal] | None = None
    campaign: Campaign | None = None  # None: a campaign the import would create

    @property
    def differences(self) -> list[tuple[str, str, object, object]]:
        """(label, kind, old, new) of each number that changes; kind is "money" or "count"."""
        old = self.old or {}
        return [
            (FIELD_LABELS[f], column_kind(f), old.get(f, 0), self.new[f])
            for f in DailyMetric.NUMBER_FIELDS
            if old.get(f, 0) != self.new[f]
        ]


@dataclass(frozen=True)
class MissingCampaign:
    """A campaign the file names that the location does not have."""

    name: str
    rows: tuple[int, ...]
    first_day: date
    similar: str = ""  # a campaign whose name differs only in case


@dataclass(frozen=True)
class ImportPlan:
    """What committing the file would do now."""

    source: ParsedFile
    added: tuple[PlannedDay, ...]
    replaced: tuple[PlannedDay, ...]
    unchanged: tuple[PlannedDay, ...]
    pending: tuple[PlannedDay, ...]  # rows of missing campaigns: added if they are created
    refused: tuple[Problem, ...]
    missing: tuple[MissingCampaign, ...]
    notes: tuple[str, ...] = ()

    @property
    def rows_read(self) -> int:
        return len(self.source.rows) + len({p.row for p in self.source.problems})

    @property
    def refused_rows(self) -> int:
        return len({p.row for p in self.refused})

    @property
    def can_commit(self) -> bool:
        return not self.refused

    @property
    def new_days(self) -> tuple[PlannedDay, ...]:
        """Days added, including those of campaigns the import would create."""
        return tuple(sorted(self.added + self.pending, key=lambda d: d.row))

    @property
    def columns(self) -> list[tuple[str, str]]:
        """(label, kind) of the numbers the file sets: the columns of the table of days added."""
        return [(FIELD_LABELS[f], column_kind(f)) for f in self.source.number_fields]

    @property
    def new_day_rows(self) -> list[tuple[PlannedDay, list[tuple[str, object]]]]:
        """Each day added with its numbers as (kind, value), in the order of ``columns``."""
        fields = self.source.number_fields
        return [(d, [(column_kind(f), d.new[f]) for f in fields]) for d in self.new_days]

    @property
    def to_write(self) -> int:
        return len(self.added) + len(self.pending) + len(self.replaced)

    def summary(self) -> str:
        parts = [
            f"{len(self.added):,} added",
            f"{len(self.replaced):,} replaced",
            f"{len(self.unchanged):,} unchanged",
            f"{self.refused_rows:,} refused",
        ]
        text = f"{plural(self.rows_read, 'row')}: " + ", ".join(parts)
        if self.missing:
            text += (
                f"; {plural(len(self.missing), 'campaign')} not found "
                f"({plural(len(self.pending), 'day')} to add if created)"
            )
        return text + "."


def _is_id(reference: str) -> bool:
    """Whether a campaign reference can be an id (our format names a campaign by id or name)."""
    return reference.isascii() and reference.isdigit() and len(reference) < 19


def plan_import(*, location: Location, parsed: ParsedFile) -> ImportPlan:
    """What importing ``parsed`` into ``location`` would do, row by row, in two queries."""
    header = parsed.header
    refused = list(parsed.problems)
    with scope(location):
        references = {row.campaign for row in parsed.rows}
        ids = {int(r) for r in references if _is_id(r)}
        # Names match exactly; the same query brings the names that differ only in case, so
        # that a campaign not found can say which one was probably meant.
        campaigns = list(
            Campaign.objects.for_location(location)
            .alias(lower_name=Lower("name"))
            .filter(
                Q(name__in=references)
                | Q(lower_name__in={r.lower() for r in references})
                | Q(pk__in=ids)
            )
        )
        for campaign in campaigns:
            campaign.location = location  # the model's rules read campaign.location: no query
        by_name = {c.name: c for c in campaigns}
        by_id = {c.pk: c for c in campaigns}
        by_lower = {c.name.lower(): c.name for c in campaigns}

        def resolve(reference: str) -> Campaign | None:
            if reference in by_name:
                return by_name[reference]
            return by_id.get(int(reference)) if _is_id(reference) else None

        resolved = {r: resolve(r) for r in references}
        found = [row for row in parsed.rows if resolved[row.campaign] is not None]
        existing = {}
        if found:
            days = [row.day for row in found]
            # The days of these campaigns between the file's first and last day: a superset
            # of the file's (campaign, day) pairs, in one query.
            recorded = DailyMetric.objects.filter(
                campaign_id__in={resolved[row.campaign].pk for row in found},
                date__gte=min(days),
                date__lte=max(days),
            ).values("campaign_id", "date", *DailyMetric.NUMBER_FIELDS)
            for values in recorded:
                existing[values.pop("campaign_id"), values.pop("date")] = values

    missing_rows: dict[str, list[ParsedRow]] = defaultdict(list)
    for row in parsed.rows:
        if resolved[row.campaign] is None and not _is_id(row.campaign):
            missing_rows[row.campaign].append(row)
    # Stand-ins for the campaigns the import would create (never saved): the model's rules then
    # run on their rows too. A negative pk keeps their days apart in the duplicate check.
    stand_ins = {
        name: Campaign(
            pk=-number,
            location=location,
            name=name,
            channel=parsed.default_channel or Campaign.Channel.SMS,
            budget=Decimal("0.00"),
            start_date=min(r.day for r in rows),
        )
        for number, (name, rows) in enumerate(missing_rows.items(), start=1)
    }

    unchanged, candidates, seen = [], [], {}
    for row in parsed.rows:
        campaign = resolved[row.campaign] or stand_ins.get(row.campaign)
        if campaign is None:
            refused.append(
                Problem(
                    row.row,
                    header.column("campaign"),
                    f"Campaign “{row.campaign}” not found in {location.name}: no campaign "
                    "has this id or name.",
                )
            )
            continue
        key = (campaign.pk, row.day)
        if key in seen:
            refused.append(
                Problem(
                    row.row,
                    header.column("date"),
                    f"“{campaign.name}” on {row.day} is also on row {seen[key]}: give each "
                    "campaign's day once (export without a breakdown by ad set, ad or placement).",
                )
            )
            continue
        seen[key] = row.row
        old = existing.get(key)
        new = ZERO_ROW | (old or {}) | row.values
        planned = PlannedDay(
            row.row, campaign.name, row.day, new, old, campaign if campaign.pk > 0 else None
        )
        if old is not None and new == old:
            unchanged.append(planned)
        else:
            candidates.append((planned, campaign))

    try:
        services.validate_rows(
            location=location,
            rows=[{"campaign": c, "date": p.day, **p.new} for p, c in candidates],
        )
        bad = {}
    except services.BatchValidationError as error:
        bad = error.row_errors
    for index, errors in bad.items():
        planned = candidates[index][0]
        for name, messages in errors.items():
            kept = name in FIELD_LABELS and name not in parsed.number_fields and planned.old
            for message in messages:
                if kept:  # a number the file lacks: the day's recorded value takes part
                    message += f" {FIELD_LABELS[name]} recorded for the day: {planned.old[name]}."
                refused.append(Problem(planned.row, header.column(name), message))

    good = [p for i, (p, _) in enumerate(candidates) if i not in bad]
    missing = [
        MissingCampaign(
            name,
            tuple(r.row for r in rows),
            stand_ins[name].start_date,
            by_lower.get(name.lower(), ""),
        )
        for name, rows in missing_rows.items()
    ]
    return ImportPlan(
        source=parsed,
        added=tuple(p for p in good if p.campaign is not None and p.old is None),
        replaced=tuple(p for p in good if p.old is not None),
        unchanged=tuple(unchanged),
        pending=tuple(p for p in good if p.campaign is None),
        refused=tuple(sorted(refused, key=lambda p: p.row)),
        missing=tuple(sorted(missing, key=lambda m: m.name)),
        notes=(*parsed.notes, *_currency_notes(parsed, location)),
    )


def _currency_notes(parsed: ParsedFile, location: Location) -> list[str]:
    foreign = sorted(parsed.currencies - {location.currency})
    if not foreign:
        return []
    return [
        f"The file's amounts are in {', '.join(foreign)}, but {location.name} keeps its figures "
        f"in {location.currency}: amounts are imported as they are, without conversion."
    ]


# --------------------------------------------------------------------------- committing


@dataclass(frozen=True)
class ImportResult:
    """What a commit wrote."""

    added: int
    replaced: int
    unchanged: int
    created: tuple[str, ...] = ()

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
            text += (
                f". Created {plural(len(self.created), 'campaign')} ({names}) with a budget of 0"
            )
        return text + "."


def commit_import(
    *,
    location: Location,
    parsed: ParsedFile,
    create_missing: bool = False,
    channel: str = "",
) -> ImportResult:
    """Plan again (the data may have changed since the preview) and write, in one transaction:
    create the missing campaigns when asked, then upsert every row. All rows or none."""
    with scope(location), transaction.atomic():
        plan = plan_import(location=location, parsed=parsed)
        if plan.refused:
            raise ImportRefused(
                f"{plural(plan.refused_rows, 'row')} of the file "
                f"{'is' if plan.refused_rows == 1 else 'are'} refused, so nothing was imported "
                "(all rows or none). Correct the file and upload it again.",
                plan,
            )
        if plan.missing and not create_missing:
            names = ", ".join(f"“{m.name}”" for m in plan.missing)
            raise ImportRefused(
                f"Nothing was imported: {plural(len(plan.missing), 'campaign')} not found "
                f"({names}). Create them first, or choose to create them with the import.",
                plan,
            )
        channel = channel or parsed.default_channel
        if plan.missing and not channel:
            raise ImportRefused("Choose the channel of the campaigns to create.", plan)
        created = {}
        for missing in plan.missing:
            try:
                created[missing.name] = services.create_campaign(
                    location=location,
                    name=missing.name,
                    channel=channel,
                    budget=Decimal("0.00"),
                    start_date=missing.first_day,
                )
            except ValidationError as error:
                raise ImportRefused(
                    f"Campaign “{missing.name}” cannot be created: {' '.join(error.messages)} "
                    "Nothing was imported.",
                    plan,
                ) from None
        rows = [
            {"campaign": day.campaign or created[day.campaign_name], "date": day.day, **day.new}
            for day in (*plan.added, *plan.replaced, *plan.pending)
        ]
        try:
            services.record_rows(location=location, rows=rows)
        except services.BatchValidationError as error:  # pragma: no cover - planned just above
            raise ImportRefused(" ".join(error.messages), plan) from None
    return ImportResult(
        added=len(plan.added) + len(plan.pending),
        replaced=len(plan.replaced),
        unchanged=len(plan.unchanged),
        created=tuple(created),
    )
