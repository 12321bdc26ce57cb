"""The rows of an import file after its header: each record turned into a ``ParsedRow`` (one day of
one campaign) or into the ``Problem``s that refuse it. Needs no database."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from campaigns.imports.cells import NumberStyle, parse_count, parse_day, parse_number
from campaigns.imports.platforms import MONEY_FIELDS, Header, counts_leads
from campaigns.models import DailyMetric

NUMBER_FIELDS = DailyMetric.NUMBER_FIELDS


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
    campaign_id: str = ""  # the platform's campaign ID, when the file has the column

    @property
    def values(self) -> dict[str, int | Decimal]:
        """The numbers the file gives, by field name."""
        return {
            name: value
            for name, value in zip(NUMBER_FIELDS, self.numbers, strict=True)
            if value is not None
        }


def plural(n: int, word: str) -> str:
    return f"{n:,} {word}{'' if n == 1 else 's'}"


def cell(cells: list[str], index: int | None) -> str:
    return cells[index].strip() if index is not None and index < len(cells) else ""


_TOTAL = re.compile(r"total\s*(:|$)", re.IGNORECASE)


class RowReader:
    """Turns the records after the header into rows, or into the problems of each bad row.

    A file names few campaigns and few days over many rows: each name is kept once (the rows
    share it) and each date cell is parsed once. ``style``, when given, sees each number cell
    with a comma (whether the file writes decimal commas)."""

    def __init__(
        self,
        header: Header,
        *,
        decimal_comma: bool,
        day_first: bool,
        style: NumberStyle | None = None,
    ):
        self.header = header
        self.decimal_comma = decimal_comma
        self.day_first = day_first
        self.style = style
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

    cell = staticmethod(cell)

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
            if counts_leads(kind):
                columns = [*columns, (self.leads, "leads", header.results, False)]
            elif self.cell(cells, header.results) not in ("", "0"):
                self.other_results[kind or "unnamed results"] += 1
        decimal_comma, style = self.decimal_comma, self.style
        for position, name, index, money in columns:
            text = cells[index].strip() if index < len(cells) else ""
            if not money and text.isdigit() and text.isascii():
                numbers[position] = int(text)  # the usual count, as parse_count reads it first
                continue
            if style is not None and "," in text:
                style.see(text)
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
        if header.campaign_id is not None:
            campaign_id = self.cell(cells, header.campaign_id)
            return ParsedRow(
                line, campaign, day, tuple(numbers), self.names.setdefault(campaign_id, campaign_id)
            )
        return ParsedRow(line, campaign, day, tuple(numbers))

    def summary_notes(self) -> list[str]:
        notes = []
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
