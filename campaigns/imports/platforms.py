"""The platforms whose exports we read (ours, Google Ads, Meta Ads Manager): the column mapping
the code reads and the help page renders, and the recognition of a header row. Needs no database."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import NON_FIELD_ERRORS, ImproperlyConfigured

from campaigns.imports import languages
from campaigns.models import Campaign, DailyMetric

PLATFORMS = {"ours": "Our CSV format", "google_ads": "Google Ads", "meta": "Meta Ads Manager"}
#: The channel offered for campaigns an import creates, by the platform of the file.
DEFAULT_CHANNELS = {"google_ads": Campaign.Channel.PAID_ADS, "meta": Campaign.Channel.SOCIAL}
#: How many lines may come before the header row (report titles, date ranges).
HEADER_SEARCH_LINES = 20
DELIMITERS = {",": "comma", ";": "semicolon", "\t": "tab"}
#: The field of a campaign that stores its ID in each platform's exports.
CAMPAIGN_ID_FIELDS = {"google_ads": "google_ads_id", "meta": "meta_id"}


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
    def translations(self) -> list[tuple[str, tuple[str, ...], tuple[str, ...]]]:
        """(language, Google Ads names, Meta names) in the platforms' other interfaces."""
        names = languages.HEADERS.get(self.field, {})
        return [
            (label, *names[code]) for code, label in languages.LANGUAGES.items() if code in names
        ]

    @property
    def google_ads_names(self) -> tuple[str, ...]:
        """Every language's names, English first."""
        return (*self.google_ads, *(n for _, google, _ in self.translations for n in google))

    @property
    def meta_names(self) -> tuple[str, ...]:
        return (*self.meta, *(n for _, _, meta in self.translations for n in meta))

    @property
    def names(self) -> tuple[str, ...]:
        return (self.ours, *self.google_ads_names, *self.meta_names)


#: The mapping table: the code reads it and the help page renders it.
MAPPING = (
    ColumnMapping(
        "date",
        "Day",
        "date",
        ("Day", "Date"),
        ("Day", "Reporting starts"),
        "One row per campaign and day. A Meta row whose Reporting ends differs from its "
        "Reporting starts covers several days and is refused: break the report down by day "
        "(Breakdown → By time → Day). A Google Ads report by week, month, quarter or year is "
        "refused: segment it by day (Segment → Time → Day).",
    ),
    ColumnMapping(
        "campaign",
        "Campaign",
        "campaign",
        ("Campaign",),
        ("Campaign name",),
        "The campaign's exact name in this location (our format also takes its id). When the "
        "export has a Campaign ID column and a campaign stores that ID for the platform "
        "(Google Ads campaign ID, Meta campaign ID: on the campaign's form), the row goes to "
        "that campaign whatever its name. Names that match no campaign are listed; you choose "
        "to create them or to refuse.",
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
        "Meta: “Amount spent” (or Importe gastado, Montant dépensé, Ausgegebener Betrag, Valor "
        "usado) with any currency in parentheses, e.g. Amount spent (EUR).",
    ),
)


def _names(text: str) -> tuple[str, ...]:
    return tuple(text.split("; "))


#: Columns the platforms export that we know and do not need (listed as "not needed").
KNOWN_UNUSED = {
    "google_ads": _names(
        "Currency code; Account; Account name; Customer ID; Campaign status; "
        "Campaign state; Campaign type; Status; Budget; Budget name; Budget type; "
        "Bid strategy type; Optimization score; Interactions; Interaction rate; Avg. cost; "
        "Avg. CPC; CTR; Conv. rate; Cost / conv.; Conv. value / cost; Value / conv.; All conv.; "
        "View-through conv.; Search impr. share; Impr. (Top) %; Impr. (Abs. Top) %"
    ),
    "meta": _names(
        "Result indicator; Result type; Account ID; Account name; "
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


def _normalised(names) -> frozenset[str]:
    return frozenset(_normalise(n) for n in names)


_AMOUNT_SPENT = re.compile(
    rf"^(?:{'|'.join(map(re.escape, languages.AMOUNT_SPENT))})(?: \(([a-z]{{3}})\))?$"
)
_RESULTS = _normalised(languages.RESULTS)
_RESULT_KIND = _normalised(languages.RESULT_KIND)
_REPORTING_STARTS = _normalised(languages.REPORTING_STARTS)
_REPORTING_ENDS = _normalised(languages.REPORTING_ENDS)
_CAMPAIGN_ID = _normalised(languages.CAMPAIGN_ID)
_CURRENCY_CODE = _normalised(languages.CURRENCY_CODE)
#: A breakdown column's name → what the preview calls its rows ("ad sets").
_BREAKDOWN_OF = {
    _normalise(name): label for label, names in languages.BREAKDOWNS.items() for name in names
}
_PERIOD_OF = {
    _normalise(name): period for period, names in languages.PERIODS.items() for name in names
}
_FIELD_OF: dict[str, str] = {}
for _mapping in MAPPING:
    for _name in _mapping.names:
        _name = _normalise(_name)
        if _FIELD_OF.setdefault(_name, _mapping.field) != _mapping.field:  # pragma: no cover
            raise ImproperlyConfigured(f"The column name “{_name}” feeds two fields.")
_PLATFORM_NAMES = {
    "ours": {_normalise(m.ours) for m in MAPPING},
    "google_ads": _normalised(n for m in MAPPING for n in m.google_ads_names)
    | _normalised(KNOWN_UNUSED["google_ads"])
    | _normalised(languages.UNUSED["google_ads"])
    | _CURRENCY_CODE,
    "meta": _normalised(n for m in MAPPING for n in m.meta_names)
    | _normalised(KNOWN_UNUSED["meta"])
    | _normalised(languages.UNUSED["meta"])
    | _REPORTING_ENDS
    | _RESULT_KIND,
}
_KNOWN_UNUSED = _PLATFORM_NAMES["google_ads"] | _PLATFORM_NAMES["meta"]
FIELD_LABELS = {m.field: m.label for m in MAPPING}
MONEY_FIELDS = frozenset(DailyMetric.MONEY_FIELDS)
ZERO_ROW = {f: Decimal("0.00") if f in MONEY_FIELDS else 0 for f in DailyMetric.NUMBER_FIELDS}


def column_kind(name: str) -> str:
    """How a number is shown: "money" or "count"."""
    return "money" if name in MONEY_FIELDS else "count"


def counts_leads(result_kind: str) -> bool:
    """Whether a Meta row's result indicator or result type names leads, in any language."""
    kind = result_kind.casefold()
    return any(word in kind for word in languages.LEAD_RESULT_WORDS)


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
    campaign_id: int | None = None  # the platform's "Campaign ID"
    breakdowns: tuple[str, ...] = ()  # what the breakdown columns split a day into ("ad sets")

    @property
    def score(self) -> int:
        return len(self.fields) + sum(why != "not recognised" for _, why in self.not_imported)

    @property
    def campaign_id_field(self) -> str | None:
        """The Campaign field that stores the ID this file's Campaign ID column holds."""
        if self.campaign_id is None:
            return None
        return CAMPAIGN_ID_FIELDS.get(self.platform)

    def column(self, name: str) -> str:
        """The file's name of the column that feeds our field ``name``."""
        if name == "leads" and "leads" not in self.fields and self.results is not None:
            return self.names[self.results]
        if name in self.fields:
            return self.names[self.fields[name]]
        if name == NON_FIELD_ERRORS:
            return "—"
        return f"{FIELD_LABELS.get(name, name)} (recorded)"


def period_column(cells: list[str]) -> tuple[str, str] | None:
    """(column, "week" or "month"…) of a header row that names a campaign and a period longer
    than a day instead of a day: a report that cannot be imported as days."""
    names = [_normalise(c) for c in cells]
    fields = {_FIELD_OF.get(n) for n in names}
    if "campaign" not in fields or "date" in fields:
        return None
    for cell, name in zip(cells, names, strict=True):
        if name in _PERIOD_OF:
            return cell.strip(), _PERIOD_OF[name]
    return None


def map_header(cells: list[str], line: int) -> Header | None:
    names = [_normalise(c) for c in cells]
    if not ({"date", "campaign"} <= {_FIELD_OF.get(n) for n in names}):
        return None
    fields: dict[str, int] = {}
    for mapping in MAPPING:  # within a field, the first of the mapping's names present wins
        for alias in dict.fromkeys(_normalise(n) for n in mapping.names):
            if alias in names and alias not in _RESULTS and not _AMOUNT_SPENT.match(alias):
                fields[mapping.field] = names.index(alias)
                break
    spent = [i for i, n in enumerate(names) if _AMOUNT_SPENT.match(n)]
    currency = None
    if spent and "spend" not in fields:
        fields["spend"] = spent[0]
        currency = (_AMOUNT_SPENT.match(names[spent[0]]).group(1) or "").upper() or None

    def first(wanted: frozenset[str]) -> int | None:
        return next((i for i, n in enumerate(names) if n in wanted), None)

    results, kind = first(_RESULTS), first(_RESULT_KIND)
    results_reason = None
    if results is not None and "leads" in fields:
        results_reason = f"not needed: “{cells[fields['leads']].strip()}” is used"
    elif results is not None and kind is None:
        results_reason = (
            "not imported: without a Result indicator column, what it counts is unknown"
        )
    platform = _platform(names)
    by_reporting_days = names[fields["date"]] in _REPORTING_STARTS
    reporting_ends = first(_REPORTING_ENDS) if by_reporting_days else None
    campaign_id = first(_CAMPAIGN_ID) if platform in CAMPAIGN_ID_FIELDS else None
    # Our format gives each campaign's day once: a breakdown is the platforms' exports' alone.
    breakdowns = [
        i for i, n in enumerate(names) if n in _BREAKDOWN_OF and platform in CAMPAIGN_ID_FIELDS
    ]
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
        elif index == reporting_ends:
            reason = "read: checks that each row is one day"
        elif index == campaign_id:
            reason = f"read: matches the campaign that stores this {PLATFORMS[platform]} ID"
        elif index in breakdowns:
            reason = "read: the rows of a campaign's day are summed"
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
    return Header(
        line=line,
        names=tuple(c.strip() for c in cells),
        fields=fields,
        platform=platform,
        results=results,
        result_kind=kind if results is not None else None,
        reporting_ends=reporting_ends,
        currency_code=first(_CURRENCY_CODE),
        currency=currency,
        not_imported=tuple(not_imported),
        campaign_id=campaign_id,
        breakdowns=tuple(dict.fromkeys(_BREAKDOWN_OF[names[i]] for i in breakdowns)),
    )


def _platform(names: list[str]) -> str:
    """The platform most of the columns are known to: a tie is ours, then Google, then Meta."""
    scores = Counter(
        platform
        for name in names
        for platform, known in _PLATFORM_NAMES.items()
        if name in known
        or _without_currency(name) in known
        or (platform == "meta" and _AMOUNT_SPENT.match(name))
    )
    return max(PLATFORMS, key=lambda p: scores[p])
