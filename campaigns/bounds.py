"""The limits of every number and date a person, an import or the API can store, in one place.

The models' validators, the database CHECK constraints (see campaigns/models/), the forms (from the
models), the API schemas and the import (through the services' full_clean) all read these, so a
value refused in one is refused in all, with the same message. With a day's count at most 10⁹
and dates bounded, no sum the reports compute can overflow a 64-bit integer.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.utils import timezone

#: The largest count of one day (impressions, clicks, leads …) and of a target.
MAX_COUNT = 10**9
#: The largest funnel stage count: a campaign's whole life of daily counts.
MAX_TOTAL_COUNT = 10**13
#: Money lies within ±10¹⁰ (ten billion in the location's currency).
MAX_MONEY = Decimal("10000000000")
#: Campaign dates lie between 2000-01-01 and ten years after today.
EARLIEST_DAY = date(2000, 1, 1)
YEARS_AHEAD = 10
#: The database's own bound for dates (a CHECK constraint cannot say "today + 10 years").
LATEST_STORED_DAY = date(2100, 12, 31)

count_validators = [MinValueValidator(0), MaxValueValidator(MAX_COUNT)]
total_count_validators = [MinValueValidator(0), MaxValueValidator(MAX_TOTAL_COUNT)]
money_validators = [MinValueValidator(Decimal("0")), MaxValueValidator(MAX_MONEY)]


def latest_day(today: date | None = None) -> date:
    """Ten years after ``today`` (Feb 29 becomes Feb 28)."""
    today = today or timezone.localdate()
    try:
        return today.replace(year=today.year + YEARS_AHEAD)
    except ValueError:
        return today.replace(year=today.year + YEARS_AHEAD, day=28)


def validate_campaign_day(value: date) -> None:
    """A campaign's start or end date: from 2000-01-01 to ten years after today."""
    if not isinstance(value, date):
        return
    latest = latest_day()
    if not EARLIEST_DAY <= value <= latest:
        raise ValidationError(
            f"Choose a date between {EARLIEST_DAY:%b %-d, %Y} and {latest:%b %-d, %Y}.",
            code="date_out_of_range",
        )
