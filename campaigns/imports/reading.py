"""Reading an import file as a stream: its encoding, delimiter, header row and rows, each refused
row with its reasons. The file is read from its start as a stream, never held as text or as a
list of records: once to find its encoding, its first lines for the header, then its rows once
(twice when its dates turn out day first); at most ``IMPORT_MAX_ROWS`` rows are read, each kept
as a compact ``ParsedRow``. Needs no database."""

from __future__ import annotations

import csv
import io
import re
from collections import Counter
from collections.abc import Generator, Iterator
from contextlib import closing
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from itertools import islice
from typing import TYPE_CHECKING, BinaryIO

from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat

from campaigns.imports.cells import DayOrder, parse_count, parse_day, parse_number
from campaigns.imports.decoding import ImportFileError, detect_encoding, opened_as_text
from campaigns.imports.platforms import (
    DEFAULT_CHANNELS,
    DELIMITERS,
    FIELD_LABELS,
    HEADER_SEARCH_LINES,
    MONEY_FIELDS,
    PLATFORMS,
    Header,
    map_header,
)
from campaigns.models import DailyMetric

if TYPE_CHECKING:
    from campaigns.imports.planning import ImportPlan

__all__ = ["ImportFileError", "ImportRefused", "ParsedFile", "parse_csv", "read_csv"]

#: The most rows of data a file may have: about 0.5 KB of memory each while it is planned.
DEFAULT_MAX_ROWS = 100_000
NUMBER_FIELDS = DailyMetric.NUMBER_FIELDS

# --------------------------------------------------------------------------- errors


class ImportRefused(ValidationError):
    """A commit was refused; nothing was written. ``plan`` is the plan it was refused on."""

    def __init__(self, message: str, plan: ImportPlan | None = None):
        self.plan = plan
        super().__init__(message)


def _bytes(n: int) -> str:
    return filesizeformat(n).replace("\xa0", " ")


def too_large_message(size: int) -> str:
    return (
        f"The file is {_bytes(size)}; files up to {_bytes(settings.IMPORT_MAX_BYTES)} can be "
        "imported. Split it, for example one file per month."
    )


def max_rows() -> int:
    return getattr(settings, "IMPORT_MAX_ROWS", DEFAULT_MAX_ROWS)


def too_many_rows_message() -> str:
    return (
        f"The file has more than {max_rows():,} rows of data; up to {max_rows():,} can be "
        "imported at once. Split it, for example one file per month."
    )


# --------------------------------------------------------------------------- reading a file


@dataclass(frozen=True)
class Problem:
    """Why a row (or one of its cells) is refused. ``row`` is the line of the file."""

    row: int
    column: str
    message: str


@dataclass(slots=True)  # not frozen: a frozen dataclass is slow to make 100,000 times
class ParsedRow:
    """One day of one campaign as the file gives it. ``numbers`` holds every number field in
    ``DailyMetric.NUMBER_FIELDS`` order, None for those the file (or this row) does not give: a
    tuple, not a dict per row, since a file may have 100,000 rows."""

    row: int
    campaign: str  # the campaign's name, or its id in our format
    day: date
    numbers: tuple[int | Decimal | None, ...]

    @property
    def values(self) -> dict[str, int | Decimal]:
        """The numbers the file gives, by field name."""
        return {
            name: value
            for name, value in zip(NUMBER_FIELDS, self.numbers, strict=True)
            if value is not None
        }


@dataclass(frozen=True)
class ParsedFile:
    """A file read into rows, with the rows and cells it refused and what it noticed."""

    header: Header
    rows: tuple[ParsedRow, ...]
    problems: tuple[Problem, ...]
    notes: tuple[str, ...]
    delimiter: str
    encoding: str
    currencies: frozenset[str] = frozenset()

    @property
    def platform(self) -> str:
        return self.header.platform

    @property
    def platform_label(self) -> str:
        return PLATFORMS[self.platform]

    @property
    def delimiter_label(self) -> str:
        return DELIMITERS[self.delimiter]

    @property
    def default_channel(self) -> str:
        return DEFAULT_CHANNELS.get(self.platform, "")

    @property
    def number_fields(self) -> list[str]:
        """Our number fields that this file sets, in our order."""
        have = set(self.header.fields)
        if self.header.results is not None:
            have.add("leads")
        return [f for f in DailyMetric.NUMBER_FIELDS if f in have]

    @property
    def columns(self) -> list[tuple[str, str]]:
        """(column of the file, our field label) for every column imported."""
        return [
            (self.header.column(f), FIELD_LABELS[f])
            for f in ("date", "campaign", *self.number_fields)
        ]


def parse_csv(content: bytes) -> ParsedFile:
    """Read the bytes of a CSV file: see ``read_csv``."""
    return read_csv(io.BytesIO(content))


def read_csv(stream: BinaryIO) -> ParsedFile:
    """Read a CSV file from a seekable binary stream into rows; raises ImportFileError when the
    file as a whole cannot be read. Bad rows do not raise: they are the ``problems``."""
    size = stream.seek(0, io.SEEK_END)
    if size > settings.IMPORT_MAX_BYTES:
        raise ImportFileError(too_large_message(size))
    if size == 0:
        raise ImportFileError("The file is empty.")
    encoding = detect_encoding(stream)
    delimiter, header = _find_header(stream, encoding)
    # The order of a/b/yyyy dates (day or month first) holds for every row, and is known only
    # once every date was seen: the rows are read month first (US order, the usual case, and
    # ISO dates do not care) while the dates are looked at, and read again only when the file
    # turns out to be day first.
    order = DayOrder()
    reader = _Reader(header, delimiter, day_first=False)
    rows, problems = _read_rows(
        reader, _records(stream, encoding, delimiter, after=header.line), order
    )
    if order.day_first:
        reader = _Reader(header, delimiter, day_first=True)
        rows, problems = _read_rows(
            reader, _records(stream, encoding, delimiter, after=header.line)
        )
    if not rows and not problems:
        raise ImportFileError("The file has a header row but no rows of data.")
    return ParsedFile(
        header=header,
        rows=tuple(rows),
        problems=tuple(problems),
        notes=(*([encoding.note] if encoding.note else []), *reader.summary_notes(order.notes)),
        delimiter=delimiter,
        encoding=encoding.label,
        currencies=frozenset(reader.currencies),
    )


def _read_rows(
    reader: _Reader, records: Generator[tuple[int, list[str]]], order: DayOrder | None = None
) -> tuple[list[ParsedRow], list[Problem]]:
    """The rows read and the problems of the rows refused; ImportFileError past the row limit
    (when the limit is passed: the rest of the file is not read)."""
    rows, problems, count, limit = [], [], 0, max_rows()
    date_index = reader.header.fields["date"]
    with closing(records):  # closed here when the limit is passed, not when collected
        for line, cells in records:
            if not any(map(str.strip, cells)):
                continue
            count += 1
            if count > limit:
                raise ImportFileError(too_many_rows_message())
            if order is not None:
                order.see(_cell(cells, date_index))
            read = reader.read(line, cells)
            if isinstance(read, ParsedRow):
                rows.append(read)
            elif read:
                problems.extend(read)
    return rows, problems


class _NotCsv(ImportFileError):
    """A record the csv module cannot read (with this delimiter)."""


def _records(stream, encoding, delimiter: str, *, after: int) -> Iterator[tuple[int, list[str]]]:
    """(line, cells) of each record after line ``after``, read from the stream as it goes."""
    with opened_as_text(stream, encoding) as text:
        reader = csv.reader(text, delimiter=delimiter)
        try:
            for cells in reader:
                if reader.line_num > after:
                    yield reader.line_num, cells
        except csv.Error as error:
            raise _NotCsv(f"Line {reader.line_num + 1} is not valid CSV: {error}.") from None


def _find_header(stream, encoding) -> tuple[str, Header]:
    """The delimiter and the header row: the first of the file's first lines that names a date
    and a campaign column; of the delimiters, the one whose header names the most columns."""
    best: tuple[str, Header] | None = None
    blank = True
    for delimiter in DELIMITERS:
        try:
            for line, cells in islice(
                _records(stream, encoding, delimiter, after=0), HEADER_SEARCH_LINES
            ):
                blank = blank and not any(c.strip() for c in cells)
                header = map_header(cells, line)
                if header is not None:
                    if best is None or header.score > best[1].score:
                        best = (delimiter, header)
                    break
        except _NotCsv:
            continue
    if best is None and blank:
        raise ImportFileError("The file is empty.")
    if best is None:
        raise ImportFileError(
            "No header row found: one of the first 20 lines must name a date column (date, "
            "Day or Reporting starts) and a campaign column (campaign, Campaign or Campaign "
            "name). Export a daily report: in Google Ads add the Day segment; in Meta Ads "
            "Manager break the report down by day."
        )
    return best


def _cell(cells: list[str], index: int | None) -> str:
    return cells[index].strip() if index is not None and index < len(cells) else ""


_TOTAL = re.compile(r"total\s*(:|$)", re.IGNORECASE)


class _Reader:
    """Turns the records after the header into rows, or into the problems of each bad row.

    A file names few campaigns and few days over many rows: each name is kept once (the rows
    share it) and each date cell is parsed once."""

    def __init__(self, header: Header, delimiter: str, *, day_first: bool):
        self.header = header
        self.decimal_comma = delimiter == ";"
        self.day_first = day_first
        self.skipped: Counter[str] = Counter()
        self.other_results: Counter[str] = Counter()
        self.currencies = {header.currency} if header.currency else set()
        # (position in NUMBER_FIELDS, field, column index, is money) of each number column
        self.numbers = [
            (NUMBER_FIELDS.index(name), name, index, name in MONEY_FIELDS)
            for name, index in header.fields.items()
            if name not in ("date", "campaign")
        ]
        self.leads = NUMBER_FIELDS.index("leads")
        self.names: dict[str, str] = {}
        self.days: dict[str, date] = {}

    cell = staticmethod(_cell)

    def day(self, text: str) -> date:
        """The date of a cell (parsed once per distinct cell); ValueError with the reason."""
        day = self.days.get(text)
        if day is None:
            day = self.days[text] = parse_day(text, day_first=self.day_first)
        return day

    def read(self, line: int, cells: list[str]) -> ParsedRow | list[Problem] | None:
        """The row, the problems that refuse it, or None for a row to skip (blank, total)."""
        header = self.header
        date_text = self.cell(cells, header.fields["date"])
        campaign = self.cell(cells, header.fields["campaign"])
        if campaign.startswith("'"):
            # An apostrophe before = + - @ is how exports (ours too) keep a spreadsheet from
            # reading a name as a formula: it is not part of the name.
            campaign = re.sub(r"^'(?=[=+\-@])", "", campaign)
        first = cells[0].strip() if cells else ""  # the first cell that is not blank
        if not first:
            first = next((text for text in map(str.strip, cells) if text), None)
            if first is None:
                return None
        if _TOTAL.match(first) or _TOTAL.match(date_text):
            self.skipped["total"] += 1
            return None
        if not campaign and header.platform == "meta":
            self.skipped["summary"] += 1  # Meta's "include summary row": all campaigns together
            return None
        problems = []

        def refuse(column: str, message: str) -> None:
            problems.append(Problem(line, column, message))

        if len(cells) > len(header.names) and any(c.strip() for c in cells[len(header.names) :]):
            refuse(
                "—",
                f"The row has more cells ({len(cells)}) than the header "
                f"({len(header.names)}): does a value hold a comma without quotes?",
            )
        if not campaign:
            refuse(header.column("campaign"), "No campaign.")
        try:
            day = self.day(date_text)
        except ValueError as error:
            refuse(header.column("date"), str(error))
            day = None
        if header.reporting_ends is not None and day is not None:
            ends_column = header.names[header.reporting_ends]
            try:
                ends = self.day(self.cell(cells, header.reporting_ends) or str(day))
            except ValueError as error:
                refuse(ends_column, str(error))
            else:
                if ends != day:
                    refuse(
                        ends_column,
                        f"The row covers {day} to {ends}: export one row per "
                        "day (in Ads Manager, Breakdown → By time → Day).",
                    )
        numbers: list[int | Decimal | None] = [None] * len(NUMBER_FIELDS)
        columns = self.numbers
        if header.results is not None:
            kind = self.cell(cells, header.result_kind)
            if "lead" in kind.casefold():
                columns = [*columns, (self.leads, "leads", header.results, False)]
            elif self.cell(cells, header.results) not in ("", "0"):
                self.other_results[kind or "unnamed results"] += 1
        decimal_comma = self.decimal_comma
        for position, name, index, money in columns:
            text = cells[index].strip() if index < len(cells) else ""
            if not money and text.isdigit() and text.isascii():
                numbers[position] = int(text)  # the usual count, as parse_count reads it first
                continue
            try:
                if money:
                    numbers[position] = parse_number(text, decimal_comma=decimal_comma)
                else:
                    numbers[position] = parse_count(text, name, decimal_comma=decimal_comma)
            except ValueError as error:
                refuse(header.names[index], str(error))
        if header.currency_code is not None and (code := self.cell(cells, header.currency_code)):
            self.currencies.add(code.upper())
        if problems:
            return problems
        campaign = self.names.setdefault(campaign, campaign)
        return ParsedRow(line, campaign, day, tuple(numbers))

    def summary_notes(self, order_notes: list[str]) -> list[str]:
        notes = list(order_notes)
        if self.skipped["total"]:
            notes.append(f"Skipped {plural(self.skipped['total'], 'total row')} (sums of rows).")
        if self.skipped["summary"]:
            notes.append("Skipped Meta's summary row (all campaigns together).")
        if self.other_results:
            kinds = ", ".join(sorted(self.other_results))
            rows = plural(sum(self.other_results.values()), "row")
            notes.append(
                f"Results of {rows} count something other than leads ({kinds}): not imported; "
                "those days keep the leads already recorded."
            )
        return notes


def plural(n: int, word: str) -> str:
    return f"{n:,} {word}{'' if n == 1 else 's'}"
