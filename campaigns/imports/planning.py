"""Planning an import against a location: days added, replaced, unchanged or refused, and
campaigns not found, in two queries and outside any transaction, so that planning a large file
holds no lock. The plan remembers a digest of what it read, so that the commit can check in its
short write transaction that nothing changed meanwhile."""

from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db.models import Q
from django.db.models.functions import Lower

from campaigns.imports.creating import MissingCampaign, is_past, new_campaign
from campaigns.imports.platforms import FIELD_LABELS, ZERO_ROW, column_kind
from campaigns.imports.reading import ParsedFile, ParsedRow, Problem, plural
from campaigns.imports.validation import invalid_rows
from campaigns.models import Campaign, DailyMetric, Location
from campaigns.tenancy import scope

NUMBER_FIELDS = DailyMetric.NUMBER_FIELDS
#: The numbers of a day not recorded yet, in NUMBER_FIELDS order.
ZERO_NUMBERS = tuple(ZERO_ROW[name] for name in NUMBER_FIELDS)

# --------------------------------------------------------------------------- planning


@dataclass(frozen=True)
class RecordedState:
    """What a plan read from the database (the campaigns the file names, their recorded days
    over the file's dates), as a digest: the commit reads it again under its write lock."""

    references: frozenset[str]
    campaign_ids: frozenset[int]
    first_day: date | None
    last_day: date | None
    digest: str
    id_field: str | None = None  # the Campaign field of the file's platform campaign IDs
    platform_ids: frozenset[str] = frozenset()

    def unchanged(self, location: Location) -> bool:
        """Whether the database still holds what the plan read (run inside the transaction)."""
        with scope(location):
            digest = _Digest()
            campaigns = _campaigns_named(
                location, self.references, self.id_field, self.platform_ids
            )
            for row in campaigns.values_list(*_DIGESTED):
                digest.add(row)
            digest.add(("days",))
            for row in _recorded_days(location, self.campaign_ids, self.first_day, self.last_day):
                digest.add(row)
            return digest.hexdigest() == self.digest


class _Digest:
    """A digest of rows read from the database, one at a time."""

    def __init__(self) -> None:
        self._hash = hashlib.blake2b(digest_size=20)

    def add(self, row: Iterable) -> None:
        self._hash.update(repr(tuple(row)).encode())

    def hexdigest(self) -> str:
        return self._hash.hexdigest()


#: What a plan reads of each campaign, and the commit checks again.
_DIGESTED = ("pk", "name", "start_date", "end_date", "google_ads_id", "meta_id")


def _campaigns_named(
    location: Location,
    references: Iterable[str],
    id_field: str | None = None,
    platform_ids: Iterable[str] = (),
):
    """The location's campaigns named (or, in our format, numbered) by ``references``, those
    whose name differs only in case, and those that store one of ``platform_ids`` in
    ``id_field``: one query, ordered."""
    references = set(references)
    ids = {int(r) for r in references if _is_id(r)}
    matches = (
        Q(name__in=references) | Q(lower_name__in={r.lower() for r in references}) | Q(pk__in=ids)
    )
    if id_field and platform_ids:
        matches |= Q(**{f"{id_field}__in": set(platform_ids)})
    return (
        Campaign.objects.for_location(location)
        .alias(lower_name=Lower("name"))
        .filter(matches)
        .order_by("pk")
    )


def _recorded_days(location: Location, campaign_ids, first: date | None, last: date | None):
    """(campaign id, date, *numbers) of the campaigns' days between ``first`` and ``last``."""
    if not campaign_ids:
        return []
    return (
        DailyMetric.objects.filter(
            location=location, campaign_id__in=campaign_ids, date__gte=first, date__lte=last
        )
        .order_by("campaign_id", "date")
        .values_list("campaign_id", "date", *DailyMetric.NUMBER_FIELDS)
    )


@dataclass(slots=True)  # not frozen: a frozen dataclass is slow to make 100,000 times
class PlannedDay:
    """One day the import writes (or leaves as it is), with the numbers before and after, each a
    tuple in ``NUMBER_FIELDS`` order (``new`` and ``old`` give them by name)."""

    row: int
    campaign_name: str
    day: date
    numbers: tuple[int | Decimal, ...]
    recorded: tuple[int | Decimal, ...] | None = None  # None: a day not recorded yet
    campaign: Campaign | None = None  # None: a campaign the import would create

    @property
    def new(self) -> dict[str, int | Decimal]:
        return dict(zip(NUMBER_FIELDS, self.numbers, strict=True))

    @property
    def old(self) -> dict[str, int | Decimal] | None:
        if self.recorded is None:
            return None
        return dict(zip(NUMBER_FIELDS, self.recorded, strict=True))

    @property
    def differences(self) -> list[tuple[str, str, object, object]]:
        """(label, kind, old, new) of each number that changes; kind is "money" or "count"."""
        old = self.recorded or (0,) * len(NUMBER_FIELDS)
        return [
            (FIELD_LABELS[f], column_kind(f), before, after)
            for f, before, after in zip(NUMBER_FIELDS, old, self.numbers, strict=True)
            if before != after
        ]


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
    state: RecordedState | None = None
    location: Location | None = None

    @property
    def rows_read(self) -> int:
        source = self.source
        return len(source.rows) + source.summed_away + len({p.row for p in source.problems})

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
        positions = [(column_kind(f), NUMBER_FIELDS.index(f)) for f in fields]
        return [(d, [(kind, d.numbers[i]) for kind, i in positions]) for d in self.new_days]

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
    references = frozenset(row.campaign for row in parsed.rows)
    id_field = header.campaign_id_field
    platform_ids = frozenset(r.campaign_id for r in parsed.rows if r.campaign_id and id_field)
    with scope(location):
        # Names match exactly; the same query brings the names that differ only in case, so
        # that a campaign not found can say which one was probably meant, and the campaigns
        # that store one of the file's platform campaign IDs.
        campaigns = list(_campaigns_named(location, references, id_field, platform_ids))
        for campaign in campaigns:
            campaign.location = location  # the model's rules read campaign.location: no query
        by_name = {c.name: c for c in campaigns}
        by_id = {c.pk: c for c in campaigns}
        by_lower = {c.name.lower(): c.name for c in campaigns}
        by_platform_id = {getattr(c, id_field): c for c in campaigns if id_field}
        by_platform_id.pop("", None)

        def resolve(reference: str) -> Campaign | None:
            if reference in by_name:
                return by_name[reference]
            return by_id.get(int(reference)) if _is_id(reference) else None

        resolved = {r: resolve(r) for r in references}

        def reference_of(row: ParsedRow) -> str | tuple[str, str]:
            """A row's campaign: its platform ID when a campaign stores it, else its name."""
            if row.campaign_id in by_platform_id:
                return ("id", row.campaign_id)
            return row.campaign

        resolved.update({("id", i): c for i, c in by_platform_id.items()})
        pks = {r: c.pk for r, c in resolved.items() if c is not None}
        wanted = {(pks[ref], r.day) for r in parsed.rows if (ref := reference_of(r)) in pks}
        days = [day for _, day in wanted]
        first, last = (min(days), max(days)) if days else (None, None)
        campaign_ids = frozenset(pk for pk, _ in wanted)
        digest = _Digest()
        for campaign in campaigns:
            digest.add(tuple(getattr(campaign, name) for name in _DIGESTED))
        digest.add(("days",))
        # The days of these campaigns between the file's first and last day: a superset of the
        # file's (campaign, day) pairs, in one query; only the file's are kept.
        existing = {}
        for row in _recorded_days(location, campaign_ids, first, last):
            digest.add(row)
            if (row[0], row[1]) in wanted:
                existing[row[0], row[1]] = row[2:]
        state = RecordedState(
            references,
            campaign_ids,
            first,
            last,
            digest.hexdigest(),
            id_field if platform_ids else None,
            platform_ids,
        )

    missing_rows: dict[str, list[ParsedRow]] = defaultdict(list)
    for row in parsed.rows:
        reference = reference_of(row)
        if resolved[reference] is None and not _is_id(row.campaign):
            missing_rows[row.campaign].append(row)
    # Stand-ins for the campaigns the import would create (never saved), as it would create
    # them: the model's rules then run on their rows too. A negative pk keeps their days apart
    # in the duplicate check.
    today = location.today()
    stand_ins = {}
    for number, (name, rows) in enumerate(missing_rows.items(), start=1):
        first_day, last_day = min(r.day for r in rows), max(r.day for r in rows)
        stand_ins[name] = new_campaign(
            location=location,
            name=name,
            channel=parsed.default_channel or Campaign.Channel.SMS,
            first_day=first_day,
            last_day=last_day,
            completed=is_past(last_day, today),
        )
        stand_ins[name].pk = -number

    # Per reference: (campaign or stand-in, its pk, the campaign as PlannedDay keeps it).
    targets = {}
    for reference in resolved:
        campaign = resolved[reference] or stand_ins.get(reference)
        if campaign is not None:
            targets[reference] = (campaign, campaign.pk, campaign if campaign.pk > 0 else None)
    # A number the file lacks keeps the recorded one, or is 0; when the file has every number
    # column, no row lacks one (a cell that cannot be read refuses its row).
    complete = header.results is None and set(NUMBER_FIELDS) <= set(header.fields)
    unchanged, candidates, seen = [], [], {}
    for row in parsed.rows:
        campaign, pk, kept = targets.get(reference_of(row), (None, None, None))
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
        key = (pk, row.day)
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
        numbers = row.numbers
        if not complete:
            numbers = tuple(
                b if n is None else n for n, b in zip(numbers, old or ZERO_NUMBERS, strict=True)
            )
        planned = PlannedDay(row.row, campaign.name, row.day, numbers, old, kept)
        if old is not None and numbers == old:
            unchanged.append(planned)
        else:
            candidates.append((planned, campaign))

    bad = invalid_rows(location, [(p.day, p.numbers, c) for p, c in candidates])
    for index, errors in bad.items():
        planned = candidates[index][0]
        for name, messages in errors.items():
            kept = name in FIELD_LABELS and name not in parsed.number_fields and planned.recorded
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
            next((r.campaign_id for r in rows if r.campaign_id), ""),
            last_day=max(r.day for r in rows),
            completed=stand_ins[name].status == Campaign.Status.COMPLETED,
        )
        for name, rows in missing_rows.items()
    ]
    return ImportPlan(
        source=parsed,
        added=tuple(p for p in good if p.campaign is not None and p.recorded is None),
        replaced=tuple(p for p in good if p.recorded is not None),
        unchanged=tuple(unchanged),
        pending=tuple(p for p in good if p.campaign is None),
        refused=tuple(sorted(refused, key=lambda p: p.row)),
        missing=tuple(sorted(missing, key=lambda m: m.name)),
        notes=(*parsed.notes, *_currency_notes(parsed, location)),
        state=state,
        location=location,
    )


def _currency_notes(parsed: ParsedFile, location: Location) -> list[str]:
    foreign = sorted(parsed.currencies - {location.currency})
    if not foreign:
        return []
    return [
        f"The file's amounts are in {', '.join(foreign)}, but {location.name} keeps its figures "
        f"in {location.currency}: amounts are imported as they are, without conversion."
    ]
