"""The named periods of a report, in the location's time zone: last week (the previous Monday to
Sunday), last month, month to date and the last 30 days. Each is an ordinary custom ``Period``
(its label is its dates, so every sentence of the report names the days it covers)."""

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
    if name == "month_to_date":
        return Period(today.replace(day=1), today)
    if name == "last_30_days":
        return Period(today - timedelta(days=29), today)
    choices = ", ".join(REPORT_PERIODS)
    raise ValidationError(f"Unknown report period “{name}”: choose one of {choices}.")


def period_dates(period: Period) -> str:
    """ "Nov 17 – Nov 23, 2026"; the year on both ends when they differ."""
    if period.start.year == period.end.year:
        return f"{period.start:%b %-d} – {period.end:%b %-d, %Y}"
    return f"{period.start:%b %-d, %Y} – {period.end:%b %-d, %Y}"
