"""The database planner's statistics, kept fresh by the app itself.

A planner picks an index by what it knows of the tables. SQLite knows nothing until ``ANALYZE``
writes ``sqlite_stat1``, and nothing else runs it for us; PostgreSQL's autovacuum analyzes a
table some time after it changed. So ``refresh_statistics`` runs:

- after ``migrate`` (every deployment: a ``post_migrate`` handler, ``CampaignsConfig``), after
  ``manage.py rollups --rebuild`` (``rollups.rebuild``) and after a large import commits
  (``after_large_write``): ``ANALYZE`` on SQLite (every table; about 0.6 s for 1.5 million
  daily rows), ``ANALYZE`` of the tables the period reads plan on on PostgreSQL (a sample of
  each, fresh at once instead of at autovacuum's next turn);
- from the daily checks (``tasks.run_daily_checks``, ``light=True``): on SQLite ``PRAGMA
  optimize``, or ``ANALYZE`` while a table the reads plan on has no statistics yet; nothing on
  PostgreSQL, whose autovacuum keeps them.

Why not ``PRAGMA optimize`` alone: before SQLite 3.46 it analyzes only the tables that queries
of the same connection used and flagged, and its 0x10000 flag ("check every table") does not
exist yet, so on a database that never had ``ANALYZE`` (3.40, measured) it does nothing. It is
the right call once statistics exist: usually a no-op, it re-analyzes a used table that grew
25-fold or has an index without statistics.

The reads must plan well without statistics too (a fresh deployment has none until its first
refresh): see ``campaigns.analytics.statements``.
"""

from __future__ import annotations

from django.db import DEFAULT_DB_ALIAS, connections, transaction

#: A write of at least this many daily rows (an import) refreshes the statistics after commit.
LARGE_WRITE = 10_000


def read_tables() -> list[str]:
    """The tables the period reads plan on."""
    from campaigns.models import (
        Campaign,
        DailyMetric,
        LifetimeMetric,
        LocationDailyMetric,
        LocationMonthlyMetric,
        MonthlyMetric,
    )

    models = (
        DailyMetric,
        MonthlyMetric,
        LifetimeMetric,
        LocationMonthlyMetric,
        LocationDailyMetric,
        Campaign,
    )
    return [model._meta.db_table for model in models]


def refresh_statistics(using: str = DEFAULT_DB_ALIAS, *, light: bool = False) -> str:
    """Refresh the planner's statistics; returns what ran ("ANALYZE", "PRAGMA optimize", or ""
    for nothing). ``light``: the periodic refresh, which analyzes only what needs it."""
    connection = connections[using]
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            ran = "PRAGMA optimize" if light and _sqlite_has_statistics(cursor) else "ANALYZE"
        elif connection.vendor == "postgresql" and not light:
            ran = "ANALYZE " + ", ".join(connection.ops.quote_name(t) for t in read_tables())
        else:
            return ""
        cursor.execute(ran)
    return ran


def _sqlite_has_statistics(cursor) -> bool:
    """Every table the reads plan on has a row in ``sqlite_stat1`` (an empty table gets none:
    it is analyzed again until it holds rows)."""
    cursor.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'sqlite_stat1'")
    if cursor.fetchone() is None:
        return False
    cursor.execute("SELECT DISTINCT tbl FROM sqlite_stat1")
    return set(read_tables()) <= {row[0] for row in cursor.fetchall()}


def after_large_write(rows: int, using: str = DEFAULT_DB_ALIAS) -> None:
    """After the current transaction commits, refresh the statistics if it wrote at least
    ``LARGE_WRITE`` daily rows (a failure is logged, never breaks the committed write)."""
    if rows >= LARGE_WRITE:
        transaction.on_commit(lambda: refresh_statistics(using), using=using, robust=True)


def after_migrate(sender, using: str = DEFAULT_DB_ALIAS, plan=None, **kwargs) -> None:
    """``post_migrate`` handler: after ``migrate`` (not after ``flush``, which sends the same
    signal without a plan)."""
    if plan is not None:
        refresh_statistics(using)
