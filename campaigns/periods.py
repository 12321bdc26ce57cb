"""Reporting periods: an inclusive range of calendar days, its previous period, and presets.

Presets are made of complete days: they end *yesterday* in the location's time zone, as the
ad platforms' own reports do, so a day that has barely begun never reads as a collapse.
"Today so far" is a preset of its own, marked partial. A custom period may include today (it is
then partial too), a custom period ending later is cut back to today (with a notice saying so),
and one starting later is refused. A partial period is never compared with the one before it:
a comparison is always between windows of equal length made of complete days."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import date, timedelta

from django.core.exceptions import ValidationError
from django.utils.dateparse import parse_date

from campaigns.bounds import EARLIEST_DAY

PRESETS = {
    "7d": "Last 7 days",
    "30d": "Last 30 days",
    "90d": "Last 90 days",
    "month": "This month",
    "all": "All time",
    "today": "Today so far",
    "custom": "Custom dates",
}
#: Presets a URL may name that the picker does not offer: an alert rule's 14-day window, so a
#: link from its alert opens the days the alert is about.
LINKED_PRESETS = {"14d": "Last 14 days"}
#: The rolling presets and their length in days.
ROLLING = {"7d": 7, "14d": 14, "30d": 30, "90d": 90}
DEFAULT_PRESET = "30d"
#: Why a partial period shows no change against the period before it.
PARTIAL_REASON = "today is partial: not compared"
#: Custom dates outside these bounds, or a custom period longer than this, are refused.
LATEST_DAY = date(2099, 12, 31)
LONGEST = timedelta(days=366 * 10)


@dataclass(frozen=True)
class Period:
    """Calendar days from ``start`` to ``end``, both included."""

    start: date
    end: date
    preset: str = "custom"
    #: Why the period differs from the one asked for (a custom end cut back to today).
    notice: str | None = field(default=None, compare=False)
    #: The period includes today, which is not over yet: its figures are not final.
    partial: bool = field(default=False, compare=False)

    def __post_init__(self) -> None:
        if self.end < self.start:
            raise ValidationError("The period's end cannot be before its start.")

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    def previous(self) -> Period:
        """The period of the same length that ends the day before this one starts."""
        end = self.start - timedelta(days=1)
        return Period(end - timedelta(days=self.days - 1), end)

    def __contains__(self, day: date) -> bool:
        return self.start <= day <= self.end

    @property
    def label(self) -> str:
        named = {**PRESETS, **LINKED_PRESETS}
        if self.preset in named and self.preset != "custom":
            return named[self.preset]
        return f"{day_text(self.start)} – {day_text(self.end)}"

    @property
    def query(self) -> str:
        """The query string that shows this period again ("?period=30d", or the custom
        dates): what a link to another page carries so the figures there are the same."""
        if self.preset != "custom" and (self.preset in PRESETS or self.preset in LINKED_PRESETS):
            return f"?period={self.preset}"
        return f"?period=custom&start={self.start:%Y-%m-%d}&end={self.end:%Y-%m-%d}"

    @classmethod
    def preset_for(cls, name: str, *, today: date, earliest: date | None = None) -> Period:
        """A named preset: the last complete days, ending yesterday ("today" is today alone,
        partial). "all" starts at ``earliest``. A preset with no complete day yet ("this month"
        on the 1st; "all time" of campaigns that start today) is today so far, partial."""
        yesterday = today - timedelta(days=1)
        if name in ROLLING:
            return cls(yesterday - timedelta(days=ROLLING[name] - 1), yesterday, name)
        if name == "month":
            start = today.replace(day=1)
        elif name == "all":
            start = min(earliest, today) if earliest else today
        elif name == "today":
            start = today
        else:
            raise ValidationError(f"Unknown period “{name}”.")
        if start > yesterday:
            notice = None
            if name != "today":
                notice = (
                    f"{PRESETS[name]} has no complete day yet: showing today so far, which is "
                    "partial."
                )
            return cls(today, today, name, notice=notice, partial=True)
        return cls(start, yesterday, name)

    @classmethod
    def from_query(
        cls,
        params: Mapping[str, str],
        *,
        today: date,
        earliest: date | None = None,
        default: str = DEFAULT_PRESET,
    ) -> Period:
        """Read ``?period=30d`` or ``?start=YYYY-MM-DD&end=YYYY-MM-DD`` (custom dates).

        Custom dates ending after ``today`` end today instead, with a ``notice``; custom dates
        that include today are ``partial``. Raises ValidationError with a message a user
        understands for bad dates or a start after today.
        """
        start_text, end_text = params.get("start"), params.get("end")
        name = params.get("period") or ("custom" if start_text or end_text else default)
        if name != "custom":
            return cls.preset_for(name, today=today, earliest=earliest)
        period = cls(parse_day(start_text, "start"), parse_day(end_text, "end"), "custom")
        period = period.up_to(today)
        if period.end - period.start > LONGEST:
            raise ValidationError("Choose a period of at most ten years.")
        return period

    def up_to(self, today: date) -> Period:
        """This period cut back to end ``today``, saying so, and marked partial when it
        includes today; refused if it starts after today."""
        if self.start > today:
            raise ValidationError(
                f"The period you asked for starts {day_text(self.start)}, after today "
                f"({day_text(today)}): choose a start on or before today."
            )
        if self.end < today:
            return self
        notice = self.notice
        if self.end > today:
            notice = (
                f"The period you asked for ends {day_text(self.end)}, after today: "
                f"showing it up to today, {day_text(today)}, which is partial."
            )
        return replace(self, end=today, notice=notice, partial=True)


def day_text(day: date) -> str:
    """A day as the pages write it: Nov 26, 2026."""
    return f"{day:%b %-d, %Y}"


def parse_day(text: str | None, which: str) -> date:
    if not text:
        article = "an" if which[0] in "aeiou" else "a"
        raise ValidationError(f"Give {article} {which} date (YYYY-MM-DD).")
    try:
        day = parse_date(text)
    except ValueError:
        day = None
    if day is None:
        raise ValidationError(f"“{text}” is not a valid {which} date (use YYYY-MM-DD).")
    if not EARLIEST_DAY <= day <= LATEST_DAY:
        raise ValidationError(
            f"The {which} date must lie between {EARLIEST_DAY:%Y} and {LATEST_DAY:%Y}."
        )
    return day


def month_of(day: date) -> date:
    """The first day of ``day``'s month."""
    return day.replace(day=1)


def next_month(day: date) -> date:
    """The first day of the month after ``day``'s."""
    return date(day.year + day.month // 12, day.month % 12 + 1, 1)


def months_of(period: Period) -> list[date]:
    """The first day of each calendar month the period touches, in order."""
    months, month = [], month_of(period.start)
    while month <= period.end:
        months.append(month)
        month = next_month(month)
    return months
