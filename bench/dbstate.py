"""What the database's query planner knows, in one line: the benchmarks run no ANALYZE of their
own (the database is left as the app leaves it), so each report says whether statistics exist.

SQLite: whether ``sqlite_stat1`` exists, its rows and the campaigns_ tables it covers.
PostgreSQL: the rows of ``pg_stats`` for the campaigns_ tables, and when autovacuum and an
explicit ANALYZE (the app's own, if it runs one) last analyzed them. No side effects on
import: bench/common.py and bench/load/run.py both use it.
"""

from __future__ import annotations

from django.db import connection

#: LIKE's pattern of the app's tables (backslash, PostgreSQL's default escape, before the _).
APP_TABLES = "campaigns\\_%"
#: The tables the pages' figures are read from: the ones whose statistics matter.
METRIC_TABLES = (
    "campaigns_dailymetric",
    "campaigns_monthlymetric",
    "campaigns_lifetimemetric",
    "campaigns_locationmonthlymetric",
    "campaigns_locationdailymetric",
)


def database_state() -> str:
    """One line: the planner's statistics on the campaigns_ tables, as they are now."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            return _postgresql(cursor)
        return _sqlite(cursor)


def _sqlite(cursor) -> str:
    cursor.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name LIKE %s ESCAPE '\\'",
        [APP_TABLES],
    )
    tables = {name for (name,) in cursor.fetchall()}
    cursor.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'sqlite_stat1'")
    if cursor.fetchone() is None:
        return "SQLite statistics: no sqlite_stat1 (nothing has run ANALYZE): the planner guesses."
    cursor.execute("SELECT tbl, count(*) FROM sqlite_stat1 GROUP BY tbl")
    counts = dict(cursor.fetchall())
    covered = tables & counts.keys()
    metrics = [t for t in METRIC_TABLES if t in tables]
    missing = [t.removeprefix("campaigns_") for t in metrics if t not in counts]
    return (
        f"SQLite statistics: sqlite_stat1 exists, {sum(counts.values()):,} rows, on "
        f"{len(covered)} of {len(tables)} campaigns_ tables; metric tables without any: "
        f"{', '.join(missing) or 'none'}."
    )


def _postgresql(cursor) -> str:
    cursor.execute(
        "SELECT count(*), count(DISTINCT tablename) FROM pg_stats "
        "WHERE schemaname = current_schema() AND tablename LIKE %s",
        [APP_TABLES],
    )
    rows, tables_with_stats = cursor.fetchone()
    cursor.execute(
        "SELECT relname, last_analyze, last_autoanalyze, "
        "extract(epoch FROM now() - last_autoanalyze), extract(epoch FROM now() - last_analyze) "
        "FROM pg_stat_user_tables WHERE relname LIKE %s",
        [APP_TABLES],
    )
    found = cursor.fetchall()
    analyzed = [r for r in found if r[1] or r[2]]
    auto_ago = [r[3] for r in found if r[3] is not None]
    explicit_ago = [r[4] for r in found if r[4] is not None]
    missing = [
        t.removeprefix("campaigns_")
        for t in METRIC_TABLES
        if any(r[0] == t for r in found) and not any(r[0] == t for r in analyzed)
    ]

    def ago(seconds: list[float]) -> str:
        return f"{min(seconds):.0f} s ago" if seconds else "never"

    return (
        f"PostgreSQL statistics: {rows:,} pg_stats rows on {tables_with_stats} campaigns_ "
        f"tables; {len(analyzed)} of {len(found)} campaigns_ tables analyzed, last autoanalyze "
        f"{ago(auto_ago)}, last explicit ANALYZE {ago(explicit_ago)}; metric tables never "
        f"analyzed: {', '.join(missing) or 'none'}."
    )
