"""Reading an import file: decoding, delimiters, the header row, the column mapping of our
format, Google Ads and Meta Ads Manager exports, and the parsing of numbers and dates.
Needs no database."""

from __future__ import annotations

import codecs
import csv
import io
import re
from collections import Counter
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from itertools import islice
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.template.defaultfilters import filesizeformat

from campaigns.models import Campaign, DailyMetric

if TYPE_CHECKING:
    from campaigns.imports.planning import ImportPlan

PLATFORMS = {"ours": "Our CSV format", "google_ads": "Google Ads", "meta": "Meta Ads Manager"}
#: The channel offered for campaigns an import creates, by the platform of the file.
DEFAULT_CHANNELS = {"google_ads": Campaign.Channel.PAID_ADS, "meta": Campaign.Channel.SOCIAL}
#: How many lines may come before the header row (report titles, date ranges).
HEADER_SEARCH_LINES = 20
DELIMITERS = {",": "comma", ";": "semicolon", "\t": "tab"}


@dataclass(frozen=True)
class ColumnMapping:
    """Which column of each platform's export feeds one of our fields (first name found wins)."""

    field: str
    label: str
    ours: str
    google_ads: tuple[str, ...] = ()
    meta: tuple[str, ...] = ()
    note: str = ""

    @property
    def names(self) -> tuple[str, ...]:
        return (self.ours, *self.google_ads, *self.meta)


#: The mapping table: the code reads it and the help page renders it.
MAPPING = (
    ColumnMapping(
        "date",
        "Day",
        "date",
        ("Day", "Date"),
        ("Day", "Reporting starts"),
        "One row per campaign and day. A Meta row whose Reporting ends differs from its "
        "Reporting starts covers several days and is refused: break the report down by day.",
    ),
    ColumnMapping(
        "campaign",
        "Campaign",
        "campaign",
        ("Campaign",),
        ("Campaign name",),
        "The campaign's exact name in this location (our format also takes its id). "
        "Names that match no campaign are listed; you choose to create them or to refuse.",
    ),
    ColumnMapping(
        "impressions", "Impressions", "impressions", ("Impr.", "Impressions"), ("Impressions",)
    ),
    ColumnMapping(
        "clicks",
        "Clicks",
        "clicks",
        ("Clicks",),
        ("Link clicks", "Clicks (all)"),
        "Meta: link clicks; all clicks only when the export has no Link clicks column.",
    ),
    ColumnMapping(
        "leads",
        "Leads",
        "leads",
        (),
        ("Leads", "Results"),
        "Meta: Results count as leads only on rows whose Result indicator (or Result type) "
        "names leads; other results (link clicks, purchases…) are not imported as leads. "
        "Google Ads exports have no leads column.",
    ),
    ColumnMapping("qualified_leads", "Qualified leads", "qualified_leads", note="Our format only."),
    ColumnMapping("hot_leads", "Hot leads", "hot_leads", note="Our format only."),
    ColumnMapping(
        "conversions",
        "Conversions",
        "conversions",
        ("Conversions",),
        ("Purchases", "Website purchases"),
        "Whole numbers: Google's “12.00” is 12; a fraction such as 2.5 (data-driven "
        "attribution) is refused, never rounded.",
    ),
    ColumnMapping(
        "revenue",
        "Revenue",
        "revenue",
        ("Conv. value", "All conv. value"),
        ("Purchase conversion value", "Website purchases conversion value"),
    ),
    ColumnMapping(
        "spend",
        "Spend",
        "spend",
        ("Cost",),
        ("Amount spent (USD)",),
        "Meta: “Amount spent” with any currency in parentheses, e.g. Amount spent (EUR).",
    ),
)


def _names(text: str) -> tuple[str, ...]:
    return tuple(text.split("; "))


#: Columns the platforms export that we know and do not need (listed as "not needed").
KNOWN_UNUSED = {
    "google_ads": _names(
        "Currency code; Account; Account name; Customer ID; Campaign ID; Campaign status; "
        "Campaign state; Campaign type; Status; Budget; Budget name; Budget type; "
        "Bid strategy type; Optimization score; Interactions; Interaction rate; Avg. cost; "
        "Avg. CPC; CTR; Conv. rate; Cost / conv.; Conv. value / cost; Value / conv.; All conv.; "
        "View-through conv.; Search impr. share; Impr. (Top) %; Impr. (Abs. Top) %"
    ),
    "meta": _names(
        "Reporting ends; Result indicator; Result type; Campaign ID; Account ID; Account name; "
        "Campaign delivery; Delivery; Attribution setting; Starts; Ends; Budget; "
        "Campaign budget; Campaign budget type; Ad set budget; Ad set budget type; Reach; "
        "Frequency; Cost per results; Cost per result; Cost per lead; Cost per purchase; "
        "CPM (cost per 1,000 impressions); CPC (cost per link click); CPC (all); "
        "CTR (link click-through rate); CTR (all); Purchase ROAS (return on ad spend); "
        "Website purchase ROAS (return on ad spend)"
    ),
}


def _normalise(name: str) -> str:
    """A column name compared case-insensitively, spaces collapsed, a BOM or quotes dropped."""
    return " ".join(name.replace("\ufeff", "").strip().strip('"').casefold().split())


def _without_currency(name: str) -> str:
    """ "cost per result (usd)" → "cost per result": Meta appends the account's currency."""
    return re.sub(r" \([a-z]{3}\)$", "", name)


_AMOUNT_SPENT = re.compile(r"^amount spent(?: \(([a-z]{3})\))?$")
_FIELD_OF = {}
for _mapping in MAPPING:
    for _name in _mapping.names:
        _FIELD_OF.setdefault(_normalise(_name), _mapping.field)
_PLATFORM_NAMES = {
    "ours": {_normalise(m.ours) for m in MAPPING},
    "google_ads": {_normalise(n) for m in MAPPING for n in m.google_ads}
    | {_normalise(n) for n in KNOWN_UNUSED["google_ads"]},
    "meta": {_normalise(n) for m in MAPPING for n in m.meta}
    | {_normalise(n) for n in KNOWN_UNUSED["meta"]}
    | {"amount spent"},
}
_KNOWN_UNUSED = _PLATFORM_NAMES["google_ads"] | _PLATFORM_NAMES["meta"]
FIELD_LABELS = {m.field: m.label for m in MAPPING}
_MONEY = set(DailyMetric.MONEY_FIELDS)
ZERO_ROW = {f: Decimal("0.00") if f in _MONEY else 0 for f in DailyMetric.NUMBER_FIELDS}


def column_kind(name: str) -> str:
    """How a number is shown: "money" or "count"."""
    return "money" if name in _MONEY else "count"


# --------------------------------------------------------------------------- errors


class ImportFileError(ValidationError):
    """The file as a whole cannot be read (empty, binary, too large, no header row)."""


class ImportRefused(ValidationError):
    """A commit was refused; nothing was written. ``plan`` is the plan it was refused on."""

    def __init__(self, message: str, plan: ImportPlan | None = None):
        self.plan = plan
        super().__init__(message)


def too_large_message(size: int) -> str:
    def bytes_(n: int) -> str:
        return filesizeformat(n).replace("\xa0", " ")

    return (
        f"The file is {bytes_(size)}; files up to {bytes_(settings.IMPORT_MAX_BYTES)} can be "
        "imported. Split it, for example one file per month."
    )


# --------------------------------------------------------------------------- reading a file


@dataclass(frozen=True)
class Problem:
    """Why a row (or one of its cells) is refused. ``row`` is the line of the file."""

    row: int
    column: str
    message: str


@dataclass(frozen=True)
class Header:
    """The header row and what each column feeds."""

    line: int
    names: tuple[str, ...]
    fields: dict[str, int]  # our field → index of its column
    platform: str
    results: int | None = None  # Meta "Results": leads where the row's result kind is leads
    result_kind: int | None = None  # Meta "Result indicator" / "Result type"
    reporting_ends: int | None = None
    currency_code: int | None = None  # Google "Currency code"
    currency: str | None = None  # from Meta "Amount spent (EUR)"
    not_imported: tuple[tuple[str, str], ...] = ()  # (column, reason)

    @property
    def score(self) -> int:
        return len(self.fields) + sum(why != "not recognised" for _, why in self.not_imported)

    def column(self, name: str) -> str:
        """The file's name of the column that feeds our field ``name``."""
        if name == "leads" and "leads" not in self.fields and self.results is not None:
            return self.names[self.results]
        if name in self.fields:
            return self.names[self.fields[name]]
        if name == NON_FIELD_ERRORS:
            return "—"
        return f"{FIELD_LABELS.get(name, name)} (recorded)"


@dataclass(frozen=True)
class ParsedRow:
    """One day of one campaign as the file gives it: only the numbers the file has."""

    row: int
    campaign: str  # the campaign's name, or its id in our format
    day: date
    values: dict[str, int | Decimal]


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
    """Read an uploaded CSV file into rows; raises ImportFileError when the file as a whole
    cannot be read. Bad rows do not raise: they are the ``problems`` of the result."""
    text, encoding, notes = _decode(content)
    delimiter, header = _find_header(text)
    csv_reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        records = [(csv_reader.line_num, cells) for cells in csv_reader]
    except csv.Error as error:
        raise ImportFileError(
            f"Line {csv_reader.line_num + 1} is not valid CSV: {error}."
        ) from None
    reader = _Reader(header, delimiter, [(n, c) for n, c in records if n > header.line])
    rows, problems = [], []
    for line, cells in records:
        if line > header.line:
            read = reader.read(line, cells)
            if isinstance(read, ParsedRow):
                rows.append(read)
            elif read:
                problems.extend(read)
    if not rows and not problems:
        raise ImportFileError("The file has a header row but no rows of data.")
    return ParsedFile(
        header=header,
        rows=tuple(rows),
        problems=tuple(problems),
        notes=(*notes, *reader.summary_notes()),
        delimiter=delimiter,
        encoding=encoding,
        currencies=frozenset(reader.currencies),
    )


def _decode(content: bytes) -> tuple[str, str, list[str]]:
    if not content or not content.strip():
        raise ImportFileError("The file is empty.")
    if len(content) > settings.IMPORT_MAX_BYTES:
        raise ImportFileError(too_large_message(len(content)))
    notes = []
    if content.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        # Google Ads' "CSV for Excel" is UTF-16 (and tab-separated).
        try:
            return content.decode("utf-16"), "UTF-16", notes
        except UnicodeDecodeError:
            raise ImportFileError("The file claims to be UTF-16 text but is not.") from None
    if re.search(rb"[\x00-\x08\x0e-\x19\x1b-\x1f]", content):
        raise ImportFileError(
            "This is not a CSV file: it contains binary data. Export the report as CSV "
            "(comma- or semicolon-separated text); spreadsheets such as .xlsx must be saved as "
            "CSV first."
        )
    try:
        text, encoding = content.decode("utf-8-sig"), "UTF-8"
    except UnicodeDecodeError:
        try:
            text, encoding = content.decode("cp1252"), "Windows-1252"
        except UnicodeDecodeError:
            text, encoding = content.decode("latin-1"), "Latin-1"
        notes.append(
            f"The file is not UTF-8; it was read as {encoding} (Western European). "
            "Check that names with accents look right below."
        )
    text = text.rstrip("\x1a")  # an old DOS end-of-file marker
    if not text.strip():
        raise ImportFileError("The file is empty.")
    return text, encoding, notes


def _find_header(text: str) -> tuple[str, Header]:
    """The delimiter and the header row: the first of the file's first lines that names a date
    and a campaign column; of the delimiters, the one whose header names the most columns."""
    best: tuple[str, Header] | None = None
    for delimiter in DELIMITERS:
        reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
        try:
            for cells in islice(reader, HEADER_SEARCH_LINES):
                header = _map_header(cells, reader.line_num)
                if header is not None:
                    if best is None or header.score > best[1].score:
                        best = (delimiter, header)
                    break
        except csv.Error:
            continue
    if best is None:
        raise ImportFileError(
            "No header row found: one of the first 20 lines must name a date column (date, "
            "Day or Reporting starts) and a campaign column (campaign, Campaign or Campaign "
            "name). Export a daily report: in Google Ads add the Day segment; in Meta Ads "
            "Manager break the report down by day."
        )
    return best


def _map_header(cells: list[str], line: int) -> Header | None:
    names = [_normalise(c) for c in cells]
    if not ({"date", "campaign"} <= {_FIELD_OF.get(n) for n in names}):
        return None
    fields: dict[str, int] = {}
    for mapping in MAPPING:  # within a field, the first of the mapping's names present wins
        for alias in dict.fromkeys(_normalise(n) for n in mapping.names):
            if alias in names and alias != "results" and not _AMOUNT_SPENT.match(alias):
                fields[mapping.field] = names.index(alias)
                break
    spent = [i for i, n in enumerate(names) if _AMOUNT_SPENT.match(n)]
    currency = None
    if spent and "spend" not in fields:
        fields["spend"] = spent[0]
        currency = (_AMOUNT_SPENT.match(names[spent[0]]).group(1) or "").upper() or None

    def first(*wanted: str) -> int | None:
        return next((i for i, n in enumerate(names) if n in wanted), None)

    results, kind = first("results"), first("result indicator", "result type")
    results_reason = None
    if results is not None and "leads" in fields:
        results_reason = f"not needed: “{cells[fields['leads']].strip()}” is used"
    elif results is not None and kind is None:
        results_reason = (
            "not imported: without a Result indicator column, what it counts is unknown"
        )
    not_imported = []
    used = set(fields.values())
    for index, name in enumerate(names):
        if index in used or not name or (index == results and results_reason is None):
            continue
        original = cells[index].strip()
        if index == results:
            reason = results_reason
        elif index == kind and results_reason is None:
            reason = "read: says what Results count"
        elif name == "reporting ends" and names[fields["date"]] == "reporting starts":
            reason = "read: checks that each row is one day"
        elif name in _FIELD_OF or _AMOUNT_SPENT.match(name):
            our_field = "spend" if _AMOUNT_SPENT.match(name) else _FIELD_OF[name]
            reason = f"not needed: “{cells[fields[our_field]].strip()}” is used"
        elif name in _KNOWN_UNUSED or _without_currency(name) in _KNOWN_UNUSED:
            reason = "not needed"
        else:
            reason = "not recognised"
        not_imported.append((original, reason))
    if results_reason is not None:
        results = None
    scores = Counter(
        platform
        for name in names
        for platform, known in _PLATFORM_NAMES.items()
        if name in known
        or _without_currency(name) in known
        or (platform == "meta" and _AMOUNT_SPENT.match(name))
    )
    platform = max(PLATFORMS, key=lambda p: scores[p])  # a tie: ours, then Google, then Meta
    return Header(
        line=line,
        names=tuple(c.strip() for c in cells),
        fields=fields,
        platform=platform,
        results=results,
        result_kind=kind if results is not None else None,
        reporting_ends=(
            first("reporting ends") if names[fields["date"]] == "reporting starts" else None
        ),
        currency_code=first("currency code"),
        currency=currency,
        not_imported=tuple(not_imported),
    )


# --------------------------------------------------------------------------- cells


_EMPTY = {"", "-", "--", "—", "–", "n/a"}
_NUMBER = re.compile(r"(?P<sign>[-+]?)[$€£]?(?P<sign2>-?)(?P<digits>[\d.,]+)[$€£]?")


def parse_number(text: str, *, decimal_comma: bool = False) -> Decimal:
    """A number as platforms write it: "1,234.56", "$1,234.56", "1.234,56" (decimal comma),
    "--" or empty for 0. Raises ValueError with the reason."""
    value = re.sub(r"[\s\u00a0\u202f]", "", text)
    if value.casefold() in _EMPTY:
        return Decimal(0)
    match = _NUMBER.fullmatch(value)
    thousands, point = (".", ",") if decimal_comma else (",", ".")
    digits = match["digits"] if match else ""
    grouped = rf"\d{{1,3}}(?:\{thousands}\d{{3}})+(?:\{point}\d+)?"
    plain = rf"\d+(?:\{point}\d+)?"
    if not match or not re.fullmatch(f"{grouped}|{plain}", digits):
        if decimal_comma:
            hint = "in a file separated by semicolons, numbers are written 1.234,56"
        else:
            hint = "numbers are written 1,234.56 (or 1234.56)"
        raise ValueError(f"“{text.strip()}” is not a number: {hint}.")
    try:
        number = Decimal(digits.replace(thousands, "").replace(point, "."))
    except InvalidOperation:  # pragma: no cover - the pattern admits only digits
        raise ValueError(f"“{text.strip()}” is not a number.") from None
    return -number if "-" in (match["sign"] + match["sign2"]) else number


def parse_count(text: str, name: str, *, decimal_comma: bool = False) -> int:
    """A whole number: "12.00" is 12; a fraction is refused, never rounded."""
    number = parse_number(text, decimal_comma=decimal_comma)
    if number != number.to_integral_value():
        label = FIELD_LABELS[name].lower()
        reason = f"“{text.strip()}” is not a whole number: {label} are counted whole."
        if name == "conversions":
            reason += (
                " Fractional conversions (data-driven attribution) are not rounded for you: "
                "round them in the file, or export a whole-number conversion column."
            )
        raise ValueError(reason)
    return int(number)


_MONTHS = "january february march april may june july august september october november december"
_SLASHED = re.compile(r"(\d{1,2})/(\d{1,2})/(\d{4})")
_DATE_HELP = "write days as 2026-01-31, 01/31/2026, 31.01.2026, Jan 31, 2026 or 31 Jan 2026"


def _month(name: str) -> int | None:
    name = name.casefold().rstrip(".")
    if len(name) < 3:
        return None
    found = [n for n, full in enumerate(_MONTHS.split(), start=1) if full.startswith(name)]
    return found[0] if len(found) == 1 else None


def parse_day(text: str, *, day_first: bool = False) -> date:
    """A calendar day in the formats platforms export. ``01/02/2026`` is January 2 unless
    ``day_first``. Raises ValueError with the reason."""
    value = " ".join(text.split())
    if not value:
        raise ValueError("No date.")
    value = re.sub(r"^[A-Za-z]{3,9}\.?,? (?=[A-Za-z]{3,9}\.? \d)", "", value)  # "Mon, Jan 5…"
    parts: tuple[int, int, int] | None = None
    if m := re.fullmatch(r"(\d{4})[-/](\d{1,2})[-/](\d{1,2})", value):
        parts = (int(m[1]), int(m[2]), int(m[3]))
    elif m := _SLASHED.fullmatch(value):
        first, second = int(m[1]), int(m[2])
        parts = (int(m[3]), second, first) if day_first else (int(m[3]), first, second)
    elif m := re.fullmatch(r"(\d{1,2})\.(\d{1,2})\.(\d{4})", value):
        parts = (int(m[3]), int(m[2]), int(m[1]))
    elif m := re.fullmatch(r"([A-Za-z]{3,9})\.? (\d{1,2}),? (\d{4})", value):
        month = _month(m[1])
        parts = (int(m[3]), month, int(m[2])) if month else None
    elif m := re.fullmatch(r"(\d{1,2}) ([A-Za-z]{3,9})\.?,? (\d{4})", value):
        month = _month(m[2])
        parts = (int(m[3]), month, int(m[1])) if month else None
    if parts is None:
        raise ValueError(f"“{text.strip()}” is not a date: {_DATE_HELP}.")
    try:
        return date(*parts)
    except ValueError:
        raise ValueError(f"“{text.strip()}” is not a date in the calendar.") from None


def _day_first(cells: list[str]) -> tuple[bool, list[str]]:
    """Whether the file's a/b/yyyy dates are day first: only when one of them must be (a > 12)
    and none must be month first (b > 12). Otherwise US order, month first."""
    pairs = [
        (int(m[1]), int(m[2]), c.strip()) for c in cells if (m := _SLASHED.fullmatch(c.strip()))
    ]
    day_first = any(a > 12 for a, _, _ in pairs) and not any(b > 12 for _, b, _ in pairs)
    if day_first:
        return True, [
            "Dates such as 05/01/2026 were read day first (5 January 2026), because the file "
            "has dates that can only be day first."
        ]
    ambiguous = [text for a, b, text in pairs if a <= 12 and b <= 12 and a != b]
    if ambiguous:
        return False, [
            f"Dates such as {ambiguous[0]} were read month first (US order, as Google Ads and "
            "Meta write them in English). If the file is day first, export ISO dates (2026-01-31)."
        ]
    return False, []


_TOTAL = re.compile(r"total\s*(:|$)", re.IGNORECASE)


class _Reader:
    """Turns the records after the header into rows, or into the problems of each bad row."""

    def __init__(self, header: Header, delimiter: str, records: list[tuple[int, list[str]]]):
        self.header = header
        self.decimal_comma = delimiter == ";"
        dates = [self.cell(cells, header.fields["date"]) for _, cells in records]
        self.day_first, self.notes = _day_first(dates)
        self.skipped: Counter[str] = Counter()
        self.other_results: Counter[str] = Counter()
        self.currencies = {header.currency} if header.currency else set()

    def cell(self, cells: list[str], index: int | None) -> str:
        return cells[index].strip() if index is not None and index < len(cells) else ""

    def read(self, line: int, cells: list[str]) -> ParsedRow | list[Problem] | None:
        """The row, the problems that refuse it, or None for a row to skip (blank, total)."""
        header = self.header
        date_text = self.cell(cells, header.fields["date"])
        # An apostrophe before = + - @ is how exports (ours too) keep a spreadsheet from
        # reading a name as a formula: it is not part of the name.
        campaign = re.sub(r"^'(?=[=+\-@])", "", self.cell(cells, header.fields["campaign"]))
        filled = [c.strip() for c in cells if c.strip()]
        if not filled:
            return None
        if _TOTAL.match(filled[0]) or _TOTAL.match(date_text):
            self.skipped["total"] += 1
            return None
        if not campaign and header.platform == "meta":
            self.skipped["summary"] += 1  # Meta's "include summary row": all campaigns together
            return None
        problems = []

        def refuse(column: str, message: str) -> None:
            problems.append(Problem(line, column, message))

        if any(c.strip() for c in cells[len(header.names) :]):
            refuse(
                "—",
                f"The row has more cells ({len(cells)}) than the header "
                f"({len(header.names)}): does a value hold a comma without quotes?",
            )
        if not campaign:
            refuse(header.column("campaign"), "No campaign.")
        try:
            day = parse_day(date_text, day_first=self.day_first)
        except ValueError as error:
            refuse(header.column("date"), str(error))
            day = None
        if header.reporting_ends is not None and day is not None:
            ends_column = header.names[header.reporting_ends]
            try:
                ends = parse_day(
                    self.cell(cells, header.reporting_ends) or str(day), day_first=self.day_first
                )
            except ValueError as error:
                refuse(ends_column, str(error))
            else:
                if ends != day:
                    refuse(
                        ends_column,
                        f"The row covers {day} to {ends}: export one row per "
                        "day (in Ads Manager, Breakdown → By time → Day).",
                    )
        values: dict[str, int | Decimal] = {}
        numbers = [(f, i) for f, i in header.fields.items() if f not in ("date", "campaign")]
        if header.results is not None:
            kind = self.cell(cells, header.result_kind)
            if "lead" in kind.casefold():
                numbers.append(("leads", header.results))
            elif self.cell(cells, header.results) not in ("", "0"):
                self.other_results[kind or "unnamed results"] += 1
        for name, index in numbers:
            text = self.cell(cells, index)
            try:
                if name in _MONEY:
                    values[name] = parse_number(text, decimal_comma=self.decimal_comma)
                else:
                    values[name] = parse_count(text, name, decimal_comma=self.decimal_comma)
            except ValueError as error:
                refuse(header.names[index], str(error))
        if code := self.cell(cells, header.currency_code):
            self.currencies.add(code.upper())
        return problems or ParsedRow(line, campaign, day, values)

    def summary_notes(self) -> list[str]:
        notes = list(self.notes)
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
