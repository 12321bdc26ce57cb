"""The API's strict scalar types: each validates exactly what its JSON Schema says.

Every type here is one Python check and one JSON Schema built from the same constants
(``campaigns.bounds`` and the models' fields), so the OpenAPI document and the behaviour
cannot drift apart: a value the schema allows is accepted here, and a value it refuses is
refused here with a readable message (422). Nothing is coerced: ``"5"`` is not a count,
``12.5`` is not money, Arabic-Indic or full-width digits and ``"1e5"`` are not decimals.

Patterns use ``[0-9]`` (ASCII digits only, in Python's ``re`` and in ECMA-262 alike) and are
matched whole (``re.fullmatch``), so a trailing newline does not slip through ``$``.
"""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal
from typing import Annotated

from pydantic import PlainValidator, WithJsonSchema
from pydantic_core import PydanticCustomError

from campaigns.bounds import EARLIEST_DAY, MAX_COUNT, MAX_MONEY, MAX_TOTAL_COUNT
from campaigns.models import MONEY, Campaign
from campaigns.periods import LATEST_DAY

# --- Counts ---------------------------------------------------------------------------------


def whole_number(value: object) -> int | None:
    """A JSON integer as Python reads it: an int, or a float such as 120.0 or 1.2e2 (JSON
    Schema counts a number with a zero fraction as an integer); None for anything else (a
    string, true/false, a fraction, NaN or infinity)."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    return None


def count_type(maximum: int, example: int):
    """A count: a JSON integer from 0 to ``maximum``, never a string."""

    def check(value: object) -> int:
        number = whole_number(value)
        if number is None:
            raise PydanticCustomError(
                "whole_number",
                "Send a whole number such as 120 (a JSON integer, not a string or a fraction).",
            )
        if not 0 <= number <= maximum:
            raise PydanticCustomError("count_range", f"Send a whole number from 0 to {maximum}.")
        return number

    return Annotated[
        int,
        PlainValidator(check),
        WithJsonSchema(
            {"type": "integer", "minimum": 0, "maximum": maximum, "examples": [example]}
        ),
    ]


#: A day's count or a target.
Count = count_type(MAX_COUNT, 120)
#: A funnel stage's count: a campaign's whole life of daily counts.
FunnelCount = count_type(MAX_TOTAL_COUNT, 10000)


# --- Decimals -------------------------------------------------------------------------------


def _decimal_pattern(*, digits: int, places: int, minus_one: bool, ten_to_digits: bool) -> str:
    """A decimal string: up to ``digits`` whole digits and ``places`` decimals; with
    ``ten_to_digits`` 10^digits itself too, with ``minus_one`` the values from -1 to 0."""
    fraction = rf"(?:\.[0-9]{{1,{places}}})?"
    zeros = rf"(?:\.0{{1,{places}}})?"
    choices = [rf"[0-9]{{1,{digits}}}{fraction}"]
    if ten_to_digits:
        choices.append(rf"{10**digits}{zeros}")
    if minus_one:
        choices = [rf"-0{fraction}", rf"-1{zeros}", *choices]
    return "^(?:" + "|".join(choices) + ")$"


def decimal_type(
    *, digits: int, places: int, example: str, what: str, minus_one=False, ten_to_digits=False
):
    """A decimal sent as a string (``"12.50"``) or a JSON integer (``12``), never a float."""
    pattern = _decimal_pattern(
        digits=digits, places=places, minus_one=minus_one, ten_to_digits=ten_to_digits
    )
    regex = re.compile(pattern)
    minimum = -1 if minus_one else 0
    maximum = 10**digits if ten_to_digits else 10**digits - 1
    described = (
        f'Send {what} as a string such as "{example}" (ASCII digits, at most {places} '
        f"decimals, from {minimum} to {maximum}) or a whole number."
    )

    def check(value: object) -> str:
        if isinstance(value, str):
            if regex.fullmatch(value):
                return value
        elif (number := whole_number(value)) is not None:
            if minimum <= number <= maximum:
                return str(number)
        elif isinstance(value, float):
            raise PydanticCustomError(
                "decimal_float",
                f'Send {what} as a string such as "{example}" (or a whole number): a JSON '
                "number with a fraction is a float, and money is never a float.",
            )
        raise PydanticCustomError("decimal_type", described)

    return Annotated[
        str,
        PlainValidator(check),
        WithJsonSchema(
            {
                "anyOf": [
                    {"type": "string", "pattern": pattern},
                    {"type": "integer", "minimum": minimum, "maximum": maximum},
                ],
                "examples": [example],
            }
        ),
    ]


_money_digits = len(str(int(MAX_MONEY))) - 1
if Decimal(10) ** _money_digits != MAX_MONEY:
    raise ValueError("The money pattern says 'at most 10ⁿ': MAX_MONEY must be a power of ten")
#: Money: from 0 to MAX_MONEY (10¹⁰) with at most two decimals.
Money = decimal_type(
    digits=_money_digits,
    places=MONEY["decimal_places"],
    ten_to_digits=True,
    example="12.50",
    what="money",
)
_roi = Campaign._meta.get_field("target_roi")
#: An ROI target as a multiple: from -1 (all lost) to what the column holds (9999.9999).
RoiMultiple = decimal_type(
    digits=_roi.max_digits - _roi.decimal_places,
    places=_roi.decimal_places,
    minus_one=True,
    example="2.5",
    what="the ROI target",
)


# --- Dates ----------------------------------------------------------------------------------

if date(2000, 1, 1) != EARLIEST_DAY or date(2099, 12, 31) != LATEST_DAY:
    raise ValueError("DAY_PATTERN spells out the years 2000 to 2099: update it with the bounds")
#: A calendar day of the years 2000 to 2099 (campaign dates, days, periods).
DAY_PATTERN = r"^20[0-9]{2}-(?:0[1-9]|1[0-2])-(?:0[1-9]|[12][0-9]|3[01])$"
_day = re.compile(DAY_PATTERN)


def _check_day(value: object) -> str:
    if isinstance(value, str) and _day.fullmatch(value):
        try:
            date.fromisoformat(value)
        except ValueError:
            pass
        else:
            return value
    raise PydanticCustomError(
        "day",
        "Send a date as YYYY-MM-DD: a real day from 2000-01-01 to 2099-12-31.",
    )


Day = Annotated[
    str,
    PlainValidator(_check_day),
    WithJsonSchema({"type": "string", "format": "date", "pattern": DAY_PATTERN}),
]


# --- Names ----------------------------------------------------------------------------------

NAME_LENGTH = Campaign._meta.get_field("name").max_length
#: No control characters (NUL, line feed, DEL, the C1 range), and not only spaces. The spaces
#: are spelled out, as ``\s`` differs between Python and ECMA-262 (U+FEFF); lone surrogates
#: cannot be stated in a pattern and are refused with the body (``api_errors``).
_CONTROL = r"\x00-\x1f\x7f-\x9f"
_SPACE = r" \xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000\ufeff"
_CHAR = rf"[^{_CONTROL}]"
_VISIBLE = rf"[^{_CONTROL}{_SPACE}]"
NAME_PATTERN = rf"^{_CHAR}*{_VISIBLE}{_CHAR}*$"
_name = re.compile(NAME_PATTERN)


def _check_name(value: object) -> str:
    if not isinstance(value, str):
        raise PydanticCustomError("name_type", "Send the name as a string.")
    if len(value) > NAME_LENGTH:
        raise PydanticCustomError(
            "name_length", f"Keep the name to {NAME_LENGTH} characters or fewer."
        )
    if not _name.fullmatch(value):
        raise PydanticCustomError(
            "name",
            "Give a name with at least one visible character and no control characters "
            "(such as NUL or a line break).",
        )
    return value


Name = Annotated[
    str,
    PlainValidator(_check_name),
    WithJsonSchema(
        {
            "type": "string",
            "minLength": 1,
            "maxLength": NAME_LENGTH,
            "pattern": NAME_PATTERN,
            "examples": ["Spring Open House"],
        }
    ),
]


# --- Campaign ids in a query ----------------------------------------------------------------

#: At most this many campaigns in one comparison (keeps every valid URL short).
MAX_COMPARED = 50
#: A campaign id below 10¹⁸ (ids are 64-bit), without leading zeros.
_ID = r"[1-9][0-9]{0,17}"
IDS_PATTERN = rf"^{_ID}(?:,{_ID}){{1,{MAX_COMPARED - 1}}}$"
_ids = re.compile(IDS_PATTERN)


def _check_ids(value: object) -> str:
    if isinstance(value, str) and _ids.fullmatch(value):
        return value
    raise PydanticCustomError(
        "ids",
        f"Give {MAX_COMPARED} or fewer campaign ids, at least two, separated by commas "
        "with no spaces: ids=12,15.",
    )


CampaignIds = Annotated[
    str,
    PlainValidator(_check_ids),
    WithJsonSchema({"type": "string", "pattern": IDS_PATTERN}),
]
