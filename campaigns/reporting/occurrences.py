"""When a report schedule is due: at its hour of the location's time zone on its weekday (weekly)
or its day of the month (monthly), as real instants across daylight-saving changes.

A local hour that does not exist (the spring-forward gap) is the instant the clocks jump to; an
hour that happens twice (fall back) is due at the first of the two. Either way each local day
gives exactly one instant, the same on every pass, which the scheduler's guard relies on.
"""

from __future__ import annotations

import zoneinfo
from collections.abc import Iterator
from datetime import UTC, date, datetime, time, timedelta

from campaigns.scheduling import LOOKBACK

#: How far ahead the next send time is looked for (a monthly schedule is due within 31 days).
HORIZON_DAYS = 32


def falls_on(schedule, day: date) -> bool:
    """Whether the schedule sends on the local calendar ``day``."""
    if schedule.frequency == "weekly":
        return day.weekday() == schedule.weekday
    return day.day == schedule.day_of_month


def local_instant(day: date, hour: int, tz: zoneinfo.ZoneInfo) -> datetime:
    """``hour``:00 of ``day`` in ``tz`` as a UTC instant (see the module for DST)."""
    # fold=0: in the gap zoneinfo applies the offset from before the jump, which lands on the
    # first valid instant after it; for a repeated hour, the first of the two.
    return datetime.combine(day, time(hour), tzinfo=tz).astimezone(UTC)


def occurrences(schedule, tz: zoneinfo.ZoneInfo, now: datetime) -> Iterator[datetime]:
    """The schedule's send times within (now - LOOKBACK, now], oldest first (UTC)."""
    local_now = now.astimezone(tz)
    day = (local_now - LOOKBACK).date() - timedelta(days=1)
    while day <= local_now.date():
        if falls_on(schedule, day):
            due = local_instant(day, schedule.hour, tz)
            if now - LOOKBACK < due <= now:
                yield due
        day += timedelta(days=1)


def next_send(schedule, tz: zoneinfo.ZoneInfo, now: datetime) -> datetime | None:
    """The schedule's next send time after ``now``, in the location's zone."""
    day = now.astimezone(tz).date()
    for _ in range(HORIZON_DAYS + 1):
        if falls_on(schedule, day):
            due = local_instant(day, schedule.hour, tz)
            if due > now:
                return due.astimezone(tz)
        day += timedelta(days=1)
    return None
