"""The platforms whose exports we read (ours, Google Ads, Meta Ads Manager): the column mapping
the code reads and the help page renders, and the recognition of a header row. Needs no database."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import NON_FIELD_ERRORS

from campaigns.models import Campaign, DailyMetric

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
MONEY_FIELDS = frozenset(DailyMetric.MONEY_FIELDS)
ZERO_ROW = {f: Decimal("0.00") if f in MONEY_FIELDS else 0 for f in DailyMetric.NUMBER_FIELDS}


def column_kind(name: str) -> str:
    """How a number is shown: "money" or "count"."""
    return "money" if name in MONEY_FIELDS else "count"


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


def map_header(cells: list[str], line: int) -> Header | None:
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
