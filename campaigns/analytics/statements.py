"""The period-sum statements: the SQL that sums a period's rollups and days, built once per
shape and run with each call's parameters.

A period is its whole calendar months and the months it cuts at its ends (``parts``). Each read
is one statement, a UNION ALL of plain grouped SELECTs ("arms"), each labelled with its number
so the caller knows which period (and month) its rows sum:

- by location, without a campaign filter (the portfolio): the location's whole months from
  ``LocationMonthlyMetric`` and, one arm per cut month, its days there from
  ``LocationDailyMetric`` (one row a location and day, however many campaigns);
- by campaign (or by location over some campaigns): for ``period_rows`` the lifetime rollups of
  the campaigns whose days all lie in the period, then the other campaigns' whole months from
  ``MonthlyMetric`` and, one arm per cut month, the rollup of that month where all its days lie
  in the period and the days of that month from ``DailyMetric`` where they do not.

**One arm per cut month.** No arm filters dates with ``… OR …`` across months: each reads one
range of one index (``location, campaign, date`` or ``location, date``), which SQLite plans well
without statistics (a fresh deployment has none), where an ``OR`` of ranges made it read every
day of the location.

**Built once.** The SQL text depends only on the shape of a read (which group, how many periods
and how each splits, how many locations in the scope and campaigns in the filter, the
database), so it is built once per shape (``statement``, an LRU cache) and run with named
parameters; SQLite's own statement cache then reuses its compiled plan too.

**Tenant scope.** These statements bypass the ORM, so they apply the scope themselves
(``campaigns.analytics.sql_scope``), as ``tenancy.ScopedManager`` does: every table read,
subqueries included, is limited to ``location_id IN`` the active scope's locations; outside any
scope ``ScopeError`` is raised; under ``scopes_disabled()`` there is no location condition.

Money is summed exactly: on SQLite, which stores decimals as floating point, as whole cents
(``ROUND(x * 100)`` of each row, exact below 2⁵³ cents); on PostgreSQL as ``numeric``.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from django.db import connection

from campaigns.analytics.sql_scope import Filter, Scope, scope_of
from campaigns.models import (
    DAILY_COUNT_FIELDS,
    DAILY_MONEY_FIELDS,
    DailyMetric,
    LifetimeMetric,
    LocationDailyMetric,
    LocationMonthlyMetric,
    MonthlyMetric,
)
from campaigns.periods import Period, month_of, next_month

GROUPS = ("campaign_id", "location_id")
DAY, WEEK = "day", "week"
#: The Monday the integer week keys count from (``date(1, 1, 1)`` is a Monday).
FIRST_MONDAY = date(1, 1, 1)


# --- A period as its whole months and its cut months --------------------------------------------


@dataclass(frozen=True)
class Parts:
    """A period as the whole calendar months inside it and, for each month it covers only
    partly, the run of its days in that month.

    Whole months are read from the monthly rollups. So is a partly covered month of a campaign
    whose recorded days all lie in the period (the rollup's first and last dates say so: the
    current month of a period that ends today, the first month of "all time"); only the other
    campaigns' days in that run are read from ``DailyMetric``. The sums are those of reading
    every day, at the cost of (campaigns × months) plus at most two partial months."""

    partial: tuple[tuple[date, date], ...]  # (first, last day) of the period in a partial month
    months: tuple[date, date] | None  # the first days of the first and last whole months


def parts(period: Period) -> Parts:
    first = period.start if period.start.day == 1 else next_month(period.start)
    after = period.end + timedelta(days=1)
    last_end = period.end if after.day == 1 else month_of(period.end) - timedelta(days=1)
    if first > last_end:  # no whole month: one or two partial months
        if month_of(period.start) == month_of(period.end):
            return Parts(partial=((period.start, period.end),), months=None)
        cut = month_of(period.end)
        return Parts(
            partial=((period.start, cut - timedelta(days=1)), (cut, period.end)), months=None
        )
    partial = []
    if period.start < first:
        partial.append((period.start, first - timedelta(days=1)))
    if last_end < period.end:
        partial.append((last_end + timedelta(days=1), period.end))
    return Parts(partial=tuple(partial), months=(first, month_of(last_end)))


# --- Building a statement -----------------------------------------------------------------------


@dataclass(frozen=True)
class Shape:
    """What a statement's SQL depends on, and nothing else (its cache key)."""

    kind: str  # "periods" (sums per period) or "months" (sums per calendar month)
    group: str  # "campaign_id" or "location_id"
    scope: Scope
    #: Per period: whether it has whole months, and how many months it cuts (0 to 2).
    periods: tuple[tuple[bool, int], ...]
    vendor: str

    @property
    def by_location(self) -> bool:
        """Read the location rollups: by location, over all the location's campaigns."""
        return self.group == "location_id" and self.scope.campaigns is None


@dataclass(frozen=True)
class Statement:
    """The SQL, and what each arm's label stands for: (period number, cut month number or
    None for the whole months and the lifetime rollups)."""

    sql: str
    arms: tuple[tuple[int, int | None], ...]


@functools.lru_cache(maxsize=512)
def statement(shape: Shape) -> Statement:
    """The UNION ALL of a read of this shape: built once per shape."""
    sql, arms = [], []
    for p, (whole, cuts) in enumerate(shape.periods):
        for arm, cut in _arms(shape, p, whole, cuts):
            sql.append(arm.replace("{arm}", str(len(arms))))
            arms.append((p, cut))
    return Statement(" UNION ALL ".join(sql), tuple(arms))


def _arms(shape: Shape, p: int, whole: bool, cuts: int) -> Iterable[tuple[str, int | None]]:
    """The SELECTs of period ``p``: (SQL with ``{arm}`` for its label, cut month or None)."""
    where, months = shape.scope.where, shape.kind == "months"
    start = f"%(p{p}s)s"
    if shape.by_location:
        if whole:
            yield _select(shape, LocationMonthlyMetric, months, _whole(where, p)), None
        for c in range(cuts):
            first, last = f"%(p{p}a{c})s", f"%(p{p}b{c})s"
            condition = where("t", f't."date" >= {first}', f't."date" <= {last}')
            yield _select(shape, LocationDailyMetric, False, condition), c
        return
    same = ('{0}."location_id" = t."location_id"', '{0}."campaign_id" = t."campaign_id"')
    # A campaign whose days start in the period and end by the end of the month of the day
    # after it is read from its lifetime rollup less its days after the period (none when all
    # its days lie in the period; at most a month of days: today's, for "all time" or "last
    # 30 days" ending yesterday), its other rollups left out. Sums per period only: per month, a
    # lifetime has no months. So "all time" costs a row a campaign, not a row a month.
    outside = []
    if not months:
        tail = f"%(p{p}t)s"
        head = f't."first_date" >= {start} AND t."last_date" <= {tail}'
        yield _select(shape, LifetimeMetric, False, where("t", head)), None
        headed = (
            f"EXISTS (SELECT 1 FROM {_table(LifetimeMetric)} i WHERE "
            f"{where('i', *(c.format('i') for c in same))} "
            f'AND i."first_date" >= {start} AND i."last_date" <= {tail})'
        )
        after = where("t", f't."date" >= %(p{p}f)s', f't."date" <= {tail}', headed)
        yield _select(shape, DailyMetric, False, after, negative=True), None
        outside = [f"NOT {headed}"]
    if whole and not months:
        # The other campaigns' whole months, led by their lifetime rows (a row a campaign,
        # the ones read above skipped there), so the months of a campaign read from its
        # lifetime are never scanned only to be left out. CROSS JOIN keeps that order on
        # SQLite, with or without statistics; PostgreSQL plans the join itself.
        others = where("i", f'NOT (i."first_date" >= {start} AND i."last_date" <= %(p{p}t)s)')
        condition = (
            f"{others} AND {' AND '.join(c.format('i') for c in same)} AND {_whole(where, p)}"
        )
        source = f"{_table(LifetimeMetric)} i CROSS JOIN {_table(MonthlyMetric)} t"
        yield _select(shape, MonthlyMetric, False, condition, source=source), None
    elif whole:
        yield _select(shape, MonthlyMetric, months, _whole(where, p, *outside)), None
    for c in range(cuts):
        month, first, last = f"%(p{p}m{c})s", f"%(p{p}a{c})s", f"%(p{p}b{c})s"
        # The month's rollup where all its days lie in the cut, the days where they do not.
        inside = f't."month" = {month} AND t."first_date" >= {first} AND t."last_date" <= {last}'
        yield _select(shape, MonthlyMetric, False, where("t", inside, *outside)), c
        rolled = (
            f"NOT EXISTS (SELECT 1 FROM {_table(MonthlyMetric)} r WHERE "
            f'{where("r", *(c.format("r") for c in same))} AND r."month" = {month} '
            f'AND r."first_date" >= {first} AND r."last_date" <= {last})'
        )
        condition = where("t", f't."date" >= {first}', f't."date" <= {last}', rolled, *outside)
        yield _select(shape, DailyMetric, False, condition), c


def _whole(where, p: int, *conditions: str) -> str:
    return where("t", f't."month" >= %(p{p}w0)s', f't."month" <= %(p{p}w1)s', *conditions)


def _table(model) -> str:
    return f'"{model._meta.db_table}"'


def _select(
    shape: Shape,
    model,
    by_month: bool,
    condition: str,
    *,
    negative: bool = False,
    source: str | None = None,
) -> str:
    """One arm: the rows of ``model`` (alias ``t``) matching ``condition``, summed per group
    (and per month, ``by_month``), labelled ``{arm}``; ``negative``: the sums' opposites (to
    take from a lifetime); ``source``: the FROM clause, when ``t`` is joined."""
    sign = "-" if negative else ""
    days = f"{sign}COUNT(*)" if model is DailyMetric else f'{sign}SUM(t."days")'
    group = f't."{shape.group}"'
    keys = f'{group}, t."month"' if by_month else group
    month = ', t."month"' if by_month else (", NULL" if shape.kind == "months" else "")
    return (
        f"SELECT {group}, {{arm}}{month}, {days}, {number_sums(shape.vendor, sign + 'SUM')} "
        f"FROM {source or _table(model) + ' t'} WHERE {condition} GROUP BY {keys}"
    )


def number_sums(vendor: str, aggregate: str = "SUM") -> str:
    """The sums of every daily number of ``t``, counts then money (``DAILY_NUMBER_FIELDS``'
    order); ``aggregate=""``: a row's own numbers."""
    counts = [f'{aggregate}(t."{name}")' for name in DAILY_COUNT_FIELDS]
    if vendor == "sqlite":
        money = [f'{aggregate}(ROUND(t."{name}" * 100))' for name in DAILY_MONEY_FIELDS]
    else:
        money = [f'{aggregate}(t."{name}")' for name in DAILY_MONEY_FIELDS]
    return ", ".join(counts + money)


def numbers(values, vendor: str) -> tuple:
    """A row's sums as ``DAILY_NUMBER_FIELDS``' values: counts as int, money as exact Decimal
    (from cents on SQLite)."""
    n = len(DAILY_COUNT_FIELDS)
    counts = tuple(int(v) for v in values[:n])
    if vendor == "sqlite":
        money = tuple(Decimal(int(v)).scaleb(-2) for v in values[n:])
    else:
        money = tuple(Decimal(v) for v in values[n:])
    return counts + money


# --- Running them -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Row:
    """A row of a read: its group's value, the period's number, the month (per month), how many
    daily rows it sums and ``DAILY_NUMBER_FIELDS``' sums."""

    key: object
    period: int
    month: date | None
    days: int
    numbers: tuple


def period_rows(group: str, periods: list[Period], limit: Filter) -> list[Row]:
    """Sums per value of ``group`` over each of ``periods`` (their numbers in ``Row.period``),
    of the days in the scope and ``limit``, in one statement."""
    return _run("periods", group, periods, limit)


def month_rows(group: str, period: Period, limit: Filter) -> list[Row]:
    """Sums per (value of ``group``, calendar month) over the period, in one statement."""
    return _run("months", group, [period], limit)


def _run(kind: str, group: str, periods: list[Period], limit: Filter) -> list[Row]:
    if group not in GROUPS:
        raise ValueError(f"Period sums are grouped by {' or '.join(GROUPS)}, not {group!r}.")
    scoped = scope_of(limit)
    if scoped is None or not periods:
        return []
    scope, params = scoped
    splits = [parts(period) for period in periods]
    vendor = connection.vendor
    shape = Shape(
        kind,
        group,
        scope,
        tuple((split.months is not None, len(split.partial)) for split in splits),
        vendor,
    )
    for p, (period, split) in enumerate(zip(periods, splits, strict=True)):
        params[f"p{p}s"], params[f"p{p}e"] = period.start, period.end
        # The days after the period a lifetime may be read less: to the end of that month.
        params[f"p{p}f"] = period.end + timedelta(days=1)
        params[f"p{p}t"] = next_month(params[f"p{p}f"]) - timedelta(days=1)
        if split.months is not None:
            params[f"p{p}w0"], params[f"p{p}w1"] = split.months
        for c, (first, last) in enumerate(split.partial):
            params[f"p{p}m{c}"], params[f"p{p}a{c}"], params[f"p{p}b{c}"] = (
                month_of(first),
                first,
                last,
            )
    found = statement(shape)
    n = 4 if kind == "months" else 3
    with connection.cursor() as cursor:
        cursor.execute(found.sql, params)
        rows = cursor.fetchall()
    result = []
    for row in rows:
        p, cut = found.arms[row[1]]
        if kind == "months":
            month = _date(row[2]) if cut is None else month_of(splits[p].partial[cut][0])
        else:
            month = None
        result.append(Row(row[0], p, month, int(row[n - 1] or 0), numbers(row[n:], vendor)))
    return result


def day_rows(period: Period, unit: str, limit: Filter) -> dict[date, tuple]:
    """``DAILY_NUMBER_FIELDS``' sums of the days in the period (in the scope and ``limit``),
    per day (``DAY``) or per ISO week (``WEEK``, keyed by its Monday), in one statement grouped
    by the date or by an integer week number computed with built-in SQL (no function of
    Python's per row)."""
    scoped = scope_of(limit)
    if scoped is None:
        return {}
    scope, params = scoped
    params.update(s=period.start, e=period.end)
    sql = _day_statement(unit, scope, connection.vendor)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    if unit == DAY:
        return {_date(row[0]): numbers(row[1:], connection.vendor) for row in rows}
    return {
        FIRST_MONDAY + timedelta(weeks=int(row[0])): numbers(row[1:], connection.vendor)
        for row in rows
    }


@functools.lru_cache(maxsize=256)
def _day_statement(unit: str, scope: Scope, vendor: str) -> str:
    if unit == DAY:
        key = 't."date"'
    elif vendor == "sqlite":  # whole weeks since Monday 1 January of year 1
        key = """CAST((julianday(t."date") - julianday('0001-01-01')) / 7 AS INTEGER)"""
    else:
        key = """(t."date" - DATE '0001-01-01') / 7"""
    condition = scope.where("t", 't."date" >= %(s)s', 't."date" <= %(e)s')
    return (
        f"SELECT {key} AS point, {number_sums(vendor)} FROM {_table(DailyMetric)} t "
        f"WHERE {condition} GROUP BY point"
    )


def lifetime_rows(limit: Filter) -> list[tuple[int, int, tuple]]:
    """(campaign id, days, ``DAILY_NUMBER_FIELDS``' sums) of every recorded day of each
    campaign in the scope and ``limit``: its lifetime rollup."""
    scoped = scope_of(limit)
    if scoped is None:
        return []
    scope, params = scoped
    vendor = connection.vendor
    with connection.cursor() as cursor:
        cursor.execute(_lifetime_statement(scope, vendor), params)
        rows = cursor.fetchall()
    return [(row[0], int(row[1]), numbers(row[2:], vendor)) for row in rows]


@functools.lru_cache(maxsize=256)
def _lifetime_statement(scope: Scope, vendor: str) -> str:
    return (
        f'SELECT t."campaign_id", t."days", {number_sums(vendor, aggregate="")} '
        f"FROM {_table(LifetimeMetric)} t WHERE {scope.where('t')}"
    )


def _date(value) -> date:
    """A date as the database returns it: a date, or ISO text (SQLite, where a column of a
    UNION loses its declared type)."""
    return value if isinstance(value, date) else date.fromisoformat(value)
