"""Reading an import file as a stream: its encoding, delimiter, header row and rows, each refused
row with its reasons. The file is read from its start as a stream, never held as text or as a
list of records: once to find its encoding, its first lines for the header, then its rows once
(twice when its dates turn out day first); at most ``IMPORT_MAX_ROWS`` rows are read, each kept
as a compact ``ParsedRow``. Needs no database."""

from __future__ import annotations

import csv
import io
from collections.abc import Generator, Iterator
from contextlib import closing
from dataclasses import dataclass
from itertools import islice
from typing import TYPE_CHECKING, BinaryIO

from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat

from campaigns.imports.breakdown import sum_breakdown
from campaigns.imports.cells import DayOrder, NumberStyle
from campaigns.imports.decoding import ImportFileError, detect_encoding, opened_as_text
from campaigns.imports.platforms import (
    DEFAULT_CHANNELS,
    DELIMITERS,
    FIELD_LABELS,
    HEADER_SEARCH_LINES,
    PLATFORMS,
    Header,
    map_header,
    period_column,
)
from campaigns.imports.rows import ParsedRow, Problem, RowReader, cell, plural
from campaigns.models import DailyMetric

if TYPE_CHECKING:
    from campaigns.imports.planning import ImportPlan

__all__ = [
    "ImportFileError",
    "ImportRefused",
    "ParsedFile",
    "ParsedRow",
    "Problem",
    "parse_csv",
    "plural",
    "read_csv",
]

#: The most rows of data a file may have: about 0.5 KB of memory each while it is planned.
DEFAULT_MAX_ROWS = 100_000
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
class ParsedFile:
    """A file read into rows, with the rows and cells it refused and what it noticed."""

    header: Header
    rows: tuple[ParsedRow, ...]
    problems: tuple[Problem, ...]
    notes: tuple[str, ...]
    delimiter: str
    encoding: str
    currencies: frozenset[str] = frozenset()
    summed_away: int = 0  # rows of a broken-down report summed into another row's day

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
    # The order of a/b/yyyy dates (day or month first) and the decimal mark (1.234,56 or
    # 1,234.56) hold for every row, and are known only once every row was seen: the rows are
    # read month first (US order, the usual case, and ISO dates do not care) and with the
    # delimiter's usual decimal mark while the cells are looked at, and read again only when
    # the file turns out otherwise.
    usual_comma = delimiter == ";"
    order, style = DayOrder(), NumberStyle()
    reader = RowReader(header, decimal_comma=usual_comma, day_first=False, style=style)
    rows, problems = _read_rows(
        reader, _records(stream, encoding, delimiter, after=header.line), order
    )
    decimal_comma = style.decimal_comma(default=usual_comma)
    if order.day_first or decimal_comma != usual_comma:
        reader = RowReader(header, decimal_comma=decimal_comma, day_first=order.day_first)
        rows, problems = _read_rows(
            reader, _records(stream, encoding, delimiter, after=header.line)
        )
    if not rows and not problems:
        raise ImportFileError("The file has a header row but no rows of data.")
    notes = [
        *([encoding.note] if encoding.note else []),
        *order.notes,
        *style.notes(default=usual_comma),
        *reader.summary_notes(),
    ]
    read = len(rows)
    if header.breakdowns:
        rows, note = sum_breakdown(rows, header.breakdowns)
        notes.append(note)
    return ParsedFile(
        header=header,
        rows=tuple(rows),
        problems=tuple(problems),
        notes=tuple(notes),
        delimiter=delimiter,
        encoding=encoding.label,
        currencies=frozenset(reader.currencies),
        summed_away=read - len(rows),
    )


def _read_rows(
    reader: RowReader, records: Generator[tuple[int, list[str]]], order: DayOrder | None = None
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
                order.see(cell(cells, date_index))
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
    blank, period = True, None
    for delimiter in DELIMITERS:
        try:
            for line, cells in islice(
                _records(stream, encoding, delimiter, after=0), HEADER_SEARCH_LINES
            ):
                blank = blank and not any(c.strip() for c in cells)
                period = period or period_column(cells)
                header = map_header(cells, line)
                if header is not None:
                    if best is None or header.score > best[1].score:
                        best = (delimiter, header)
                    break
        except _NotCsv:
            continue
    if best is None and blank:
        raise ImportFileError("The file is empty.")
    if best is None and period is not None:
        column, length = period
        raise ImportFileError(
            f"The report has one row per campaign and {length} (its “{column}” column), not per "
            f"day: a {length}'s numbers cannot be imported as days. Export it by day: in Google "
            "Ads, Segment → Time → Day (instead of the week or month segment); in Meta Ads "
            "Manager, Breakdown → By time → Day."
        )
    if best is None:
        raise ImportFileError(
            "No header row found: one of the first 20 lines must name a date column (date, "
            "Day or Reporting starts) and a campaign column (campaign, Campaign or Campaign "
            "name), in English or in the platforms' Spanish, French, German or Portuguese "
            "(Día, Nombre de la campaña…). Export a daily report: in Google Ads add the Day "
            "segment; in Meta Ads Manager break the report down by day."
        )
    return best
