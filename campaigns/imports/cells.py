"""The cells of an import file: numbers and money as platforms write them, and calendar days.
Needs no database."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal, InvalidOperation

from campaigns.imports.platforms import FIELD_LABELS

_EMPTY = {"", "-", "--", "—", "–", "n/a"}
_PLAIN = re.compile(r"[0-9]+(?:\.[0-9]+)?")
_NUMBER = re.compile(r"(?P<sign>[-+]?)[$€£]?(?P<sign2>-?)(?P<digits>[0-9.,]+)[$€£]?")


def parse_number(text: str, *, decimal_comma: bool = False) -> Decimal:
    """A number as platforms write it: "1,234.56", "$1,234.56", "1.234,56" (decimal comma),
    "--" or empty for 0, in ASCII digits only (as the API). Raises ValueError with the reason."""
    if _PLAIN.fullmatch(text) and (not decimal_comma or "." not in text):
        return Decimal(text)  # the usual cell, read without the patterns below
    value = re.sub(r"[\s\u00a0\u202f]", "", text)
    if value.casefold() in _EMPTY:
        return Decimal(0)
    match = _NUMBER.fullmatch(value)
    thousands, point = (".", ",") if decimal_comma else (",", ".")
    digits = match["digits"] if match else ""
    grouped = rf"[0-9]{{1,3}}(?:\{thousands}[0-9]{{3}})+(?:\{point}[0-9]+)?"
    plain = rf"[0-9]+(?:\{point}[0-9]+)?"
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
    if text.isascii() and text.isdigit():
        return int(text)
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


#: Month names of the platforms' interfaces: English, Spanish, French, German, Portuguese.
_MONTHS = (
    "january february march april may june july august september october november december",
    "enero febrero marzo abril mayo junio julio agosto septiembre octubre noviembre diciembre",
    "janvier février mars avril mai juin juillet août septembre octobre novembre décembre",
    "januar februar märz april mai juni juli august september oktober november dezember",
    "janeiro fevereiro março abril maio junho julho agosto setembro outubro novembro dezembro",
)
_MONTH_NAMES = [
    (number, name)
    for names in _MONTHS
    for number, name in enumerate(names.split(), start=1)
    for name in {name, name.replace("ä", "a").replace("é", "e").replace("ç", "c").replace("û", "u")}
]
_SLASHED = re.compile(r"(\d{1,2})/(\d{1,2})/(\d{4})")
_WORD = r"[^\W\d_]{3,10}"  # a month name, accents included
_DATE_HELP = "write days as 2026-01-31, 01/31/2026, 31.01.2026, Jan 31, 2026 or 31 Jan 2026"


def _month(name: str) -> int | None:
    """The month a name or abbreviation names, in any of the interfaces' languages ("Jan",
    "enero", "févr.", "März", "set."); None when it names none, or several."""
    name = name.casefold().rstrip(".")
    if len(name) < 3:
        return None
    found = {number for number, full in _MONTH_NAMES if full.startswith(name)}
    return found.pop() if len(found) == 1 else None


def parse_day(text: str, *, day_first: bool = False) -> date:
    """A calendar day in the formats platforms export. ``01/02/2026`` is January 2 unless
    ``day_first``. Raises ValueError with the reason."""
    if len(text) == 10 and text[4] == text[7] == "-" and text.isascii():
        try:
            return date.fromisoformat(text)  # the usual cell: 2026-01-31
        except ValueError:
            pass  # said below, with the reason
    value = " ".join(text.split())
    if not value:
        raise ValueError("No date.")
    value = re.sub(rf"^{_WORD}\.?,? (?={_WORD}\.? \d)", "", value)  # "Mon, Jan 5…"
    # "15 de marzo de 2026", "15 de mar. de 2026" (Spanish, Portuguese), "15. März 2026"
    value = re.sub(r"(?<=\d)\.? (?:de |del )?(?=[^\W\d_])", " ", value)
    value = re.sub(r"(?<=[^\W\d_]|\.) (?:de |del )(?=\d{4}$)", " ", value)
    parts: tuple[int, int, int] | None = None
    if m := re.fullmatch(r"(\d{4})[-/](\d{1,2})[-/](\d{1,2})", value):
        parts = (int(m[1]), int(m[2]), int(m[3]))
    elif m := _SLASHED.fullmatch(value):
        first, second = int(m[1]), int(m[2])
        parts = (int(m[3]), second, first) if day_first else (int(m[3]), first, second)
    elif m := re.fullmatch(r"(\d{1,2})[.-](\d{1,2})[.-](\d{4})", value):
        parts = (int(m[3]), int(m[2]), int(m[1]))
    elif m := re.fullmatch(rf"({_WORD})\.? (\d{{1,2}}),? (\d{{4}})", value):
        month = _month(m[1])
        parts = (int(m[3]), month, int(m[2])) if month else None
    elif m := re.fullmatch(rf"(\d{{1,2}}) ({_WORD})\.?,? (\d{{4}})", value):
        month = _month(m[2])
        parts = (int(m[3]), month, int(m[1])) if month else None
    if parts is None:
        raise ValueError(f"“{text.strip()}” is not a date: {_DATE_HELP}.")
    try:
        return date(*parts)
    except ValueError:
        raise ValueError(f"“{text.strip()}” is not a date in the calendar.") from None


class DayOrder:
    """Whether a file's a/b/yyyy dates are day first, seen one date cell at a time: only when one
    of them must be (a > 12) and none must be month first (b > 12). Otherwise US order."""

    def __init__(self) -> None:
        self.must_be_day_first = self.must_be_month_first = False
        self.ambiguous = ""

    def see(self, cell: str) -> None:
        if m := _SLASHED.fullmatch(cell.strip()):
            a, b = int(m[1]), int(m[2])
            self.must_be_day_first |= a > 12
            self.must_be_month_first |= b > 12
            if not self.ambiguous and a <= 12 and b <= 12 and a != b:
                self.ambiguous = cell.strip()

    @property
    def day_first(self) -> bool:
        return self.must_be_day_first and not self.must_be_month_first

    @property
    def notes(self) -> list[str]:
        if self.day_first:
            return [
                "Dates such as 05/01/2026 were read day first (5 January 2026), because the file "
                "has dates that can only be day first."
            ]
        if self.ambiguous:
            return [
                f"Dates such as {self.ambiguous} were read month first (US order, as Google Ads "
                "and Meta write them in English). If the file is day first, export ISO dates "
                "(2026-01-31)."
            ]
        return []


class NumberStyle:
    """Whether a file's numbers have a decimal comma (1.234,56) or a decimal point (1,234.56),
    seen one cell with a comma at a time: "12,5", "0,75" or "1.234,56" can only be written with
    a decimal comma; "1,234.56" or "1,234,567" only with a decimal point; "1,234" could be
    either. Localized exports write decimal commas even in files separated by commas."""

    def __init__(self) -> None:
        self.comma = self.point = False
        self.example = ""

    def see(self, cell: str) -> None:
        digits = re.sub(r"[^0-9.,]", "", cell)
        commas = digits.count(",")
        if commas > 1:
            self.point = True
        elif commas == 1 and "." in digits:
            if digits.rindex(",") > digits.rindex("."):
                self._comma(cell)
            else:
                self.point = True
        elif commas == 1 and len(digits) - digits.index(",") - 1 != 3:
            self._comma(cell)

    def _comma(self, cell: str) -> None:
        self.comma = True
        self.example = self.example or cell.strip()

    def decimal_comma(self, *, default: bool) -> bool:
        """Decimal commas when only they fit the cells seen; otherwise ``default``."""
        if self.comma != self.point:
            return self.comma
        return default

    def notes(self, *, default: bool) -> list[str]:
        if self.decimal_comma(default=default) and not default:
            return [
                f"Numbers such as {self.example} were read with a decimal comma "
                "(1.234,56 is one thousand two hundred thirty-four and 56 hundredths), as the "
                "file writes them."
            ]
        return []
