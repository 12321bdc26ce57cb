"""The named periods of a report, in the location's time zone: last week (the previous Monday to
Sunday), last month, month to date and the last 30 days. Like the pages' presets, each is made
of complete days: it ends yesterday at the latest ("month to date" sent on the 1st is the whole
month just ended). Each is an ordinary custom ``Period`` (its label is its dates, so every
sentence of the report names the days it covers)."""

from __future__ import annotations

from datetime import date, timedelta

from django.core.exceptions import ValidationError

from campaigns.periods import Period

REPORT_PERIODS = {
    "last_week": "Last week",
    "last_month": "Last month",
    "month_to_date": "Month to date",
    "last_30_days": "Last 30 days",
}
DEFAULT_REPORT_PERIOD = "last_week"


def report_period(name: str, *, today: date) -> Period:
    """The named period as of ``today`` (the location's today)."""
    if name == "last_week":
        this_monday = today - timedelta(days=today.weekday())
        return Period(this_monday - timedelta(days=7), this_monday - timedelta(days=1))
    if name == "last_month":
        last_day = today.replace(day=1) - timedelta(days=1)
        return Period(last_day.replace(day=1), last_day)
    yesterday = today - timedelta(days=1)
    if name == "month_to_date":
        return Period(yesterday.replace(day=1), yesterday)
    if name == "last_30_days":
        return Period(yesterday - timedelta(days=29), yesterday)
    choices = ", ".join(REPORT_PERIODS)
    raise ValidationError(f"Unknown report period “{name}”: choose one of {choices}.")


def period_dates(period: Period) -> str:
    """ "Nov 17 – Nov 23, 2026"; the year on both ends when they differ."""
    if period.start.year == period.end.year:
        return f"{period.start:%b %-d} – {period.end:%b %-d, %Y}"
    return f"{period.start:%b %-d, %Y} – {period.end:%b %-d, %Y}"
